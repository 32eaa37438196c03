/** Tags, prevent_destroy, Azure name rules and state backends across every synthesized stack. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PRIVATE_ENDPOINTS } from '../../catalog/network';
import { loadInputs } from '../../config/inputs';
import { nameProblem, type ResourceKind } from '../../catalog/naming';
import { STATEFUL_RESOURCE_TYPES } from '../../constructs/protection';
import { REQUIRED_TAG_KEYS } from '../../constructs/tagging';
import { taggableResourceTypes } from '../../cli/lib/policy-data';
import { ENVIRONMENTS, synthApp } from '../helpers/synth';

const app = synthApp();
// Read from the provider's generated types (its schema), not from the aspect under test.
const taggable = new Set(taggableResourceTypes());
/** Stacks of Kubernetes objects and Helm releases only (no Azure resource of their own). */
const kubernetesOnly = (stack: string) => stack.endsWith('-cluster-config') || stack.endsWith('-control-plane');

/** Azure name rules by Terraform type, for the resources whose `name` Azure constrains. */
const NAME_KIND: Record<string, ResourceKind> = {
  azurerm_resource_group: 'resourceGroup',
  azurerm_virtual_network: 'virtualNetwork',
  azurerm_subnet: 'subnet',
  azurerm_network_security_group: 'networkSecurityGroup',
  azurerm_private_endpoint: 'privateEndpoint',
  azurerm_private_dns_zone_virtual_network_link: 'privateDnsZoneLink',
  azurerm_kubernetes_cluster: 'kubernetesCluster',
  azurerm_kubernetes_cluster_node_pool: 'nodePool',
  azurerm_container_registry: 'containerRegistry',
  azurerm_key_vault: 'keyVault',
  azurerm_log_analytics_workspace: 'logAnalyticsWorkspace',
  azurerm_user_assigned_identity: 'userAssignedIdentity',
  azurerm_monitor_diagnostic_setting: 'diagnosticSetting',
  azurerm_postgresql_flexible_server: 'postgresqlFlexibleServer',
  azurerm_redis_cache: 'redisCache',
  azurerm_storage_account: 'storageAccount',
};

const inputs = loadInputs();

for (const [name, stack] of Object.entries(app.stacks)) {
  const env = inputs.allEnvironments.find((e) => name.startsWith(`${e.name}-`))!;
  const tenant = inputs.tenants.find((t) => name === `${env.name}-tenant-${t.metadata.name}`);

  describe(`${name}: conventions`, () => {
    it('has taggable resources (guards the checks below against an empty stack)', () => {
      const count = stack.resources.filter((r) => taggable.has(r.type)).length;
      // cluster-config and control-plane hold only Kubernetes objects; they must not grow Azure resources unnoticed.
      if (kubernetesOnly(name)) assert.equal(stack.resources.filter((r) => r.type.startsWith('azurerm_')).length, 0);
      else assert.ok(count >= 3);
    });

    it('every taggable resource carries env, tier, tenant, app, cost-center and managed-by', () => {
      for (const r of stack.resources.filter((x) => taggable.has(x.type))) {
        const tags = r.config.tags ?? {};
        for (const key of REQUIRED_TAG_KEYS) assert.ok(tags[key], `${r.path} (${r.type}) lacks tag ${key}`);
        assert.equal(tags.env, env.name, r.path);
        assert.equal(tags.tier, env.tier, r.path);
        assert.equal(tags.tenant, tenant?.metadata.name ?? 'platform', r.path);
        assert.equal(tags['cost-center'], tenant?.spec.costCenter ?? env.costCenter, r.path);
        assert.equal(tags['managed-by'], 'cdktf', r.path);
        assert.equal(tags.app, name.slice(env.name.length + 1), r.path);
        for (const [k, v] of Object.entries(env.tags)) assert.equal(tags[k], v, `${r.path} lacks organisation tag ${k}`);
      }
    });

    it('every stateful resource has prevent_destroy, and nothing else does', () => {
      for (const r of stack.resources) {
        const protectedByLifecycle = r.config.lifecycle?.prevent_destroy === true;
        assert.equal(protectedByLifecycle, STATEFUL_RESOURCE_TYPES.has(r.type), `${r.path} (${r.type})`);
      }
    });

    it('every constrained resource name is within Azure length and character rules', () => {
      let checked = 0;
      for (const r of stack.resources) {
        const kind = NAME_KIND[r.type];
        if (!kind) continue;
        checked++;
        assert.equal(nameProblem(kind, r.config.name), undefined, r.path);
      }
      assert.ok(checked > 0 || kubernetesOnly(name));
    });

    it('keeps state in its own azurerm backend key with OIDC auth', () => {
      const backend = stack.json.terraform.backend;
      assert.deepEqual(Object.keys(backend), ['azurerm']);
      assert.equal(backend.azurerm.key, `${name}.tfstate`);
      assert.equal(backend.azurerm.use_oidc, true);
      assert.equal(backend.azurerm.use_azuread_auth, true);
      assert.equal(backend.azurerm.storage_account_name, env.state.storageAccountName);
      assert.equal(backend.azurerm.access_key, undefined);
    });

    it('configures the azurerm provider for OIDC and Entra ID storage auth', () => {
      const [provider] = stack.json.provider.azurerm;
      assert.equal(provider.use_oidc, true);
      assert.equal(provider.storage_use_azuread, true);
      assert.equal(provider.client_secret, undefined);
    });
  });
}

describe('the private-endpoint count the environment validation sizes subnets with', () => {
  it('matches the endpoints the stacks create: the shared ones and one per tenant', () => {
    const count = (name: string) => app.stack(name).of('azurerm_private_endpoint').length;
    for (const env of ENVIRONMENTS) {
      const names = Object.keys(app.stacks).filter((n) => n.startsWith(`${env}-`));
      const shared = names.filter((n) => !n.includes('-tenant-')).reduce((n, s) => n + count(s), 0);
      // The Azure OpenAI account's endpoint exists where the environment has cloud models.
      const openAI = app.stack(`${env}-data`).of('azurerm_cognitive_account').length * PRIVATE_ENDPOINTS.azureOpenAI;
      assert.equal(shared, PRIVATE_ENDPOINTS.shared + openAI, `${env}: catalog/network.ts says ${PRIVATE_ENDPOINTS.shared} (+${openAI} for Azure OpenAI)`);
      for (const t of names.filter((n) => n.includes('-tenant-'))) assert.equal(count(t), PRIVATE_ENDPOINTS.perTenant, t);
      const driverCreated = app
        .stack(`${env}-addons`)
        .of('kubernetes_storage_class_v1')
        .filter((c) => c.config.parameters?.networkEndpointType === 'privateEndpoint').length;
      assert.equal(driverCreated, PRIVATE_ENDPOINTS.driverCreated, `${env}: storage classes whose driver creates a private endpoint`);
    }
  });
});

describe('resource names are unique where Azure needs them to be', () => {
  it('globally unique names differ between environments', () => {
    const names = (type: string) => Object.values(app.stacks).flatMap((s) => s.of(type).map((r) => r.config.name));
    for (const type of ['azurerm_container_registry', 'azurerm_key_vault']) {
      const all = names(type);
      assert.equal(new Set(all).size, all.length, `${type}: ${all.join(', ')}`);
    }
  });
});

describe('local backend for offline work', () => {
  it('is used only when asked for', () => {
    const offline = synthApp({ envs: ['dev'], localBackend: true });
    for (const stack of Object.values(offline.stacks)) {
      assert.deepEqual(stack.json.terraform.backend, { local: { path: `terraform.${stack.name}.tfstate` } });
    }
  });
});
