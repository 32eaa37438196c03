/**
 * Azure OpenAI in `<env>-data`, asserted on the synthesized JSON: where a tenant is entitled to a
 * cloud model the account exists, private (no public access, no keys, a private endpoint and its
 * privatelink zone linked to the VNet), with one pinned deployment per cloud model and the
 * inference role for the router's workload identity only; where no tenant is, nothing exists.
 * The account's subdomain is the host the rendered router calls. Every cloud route is moderated:
 * a Content Safety account comes with it, just as private, callable by the router only, and its
 * subdomain is the endpoint the rendered router's moderation guardrail calls.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadInputs } from '../../config/inputs';
import { cloudModelsFor } from '../../config/cloud-models';
import { AZURE_OPENAI_PRIVATE_DNS_ZONE, AZURE_OPENAI_USER_ROLE, CONTENT_SAFETY_PRIVATE_DNS_ZONE, CONTENT_SAFETY_USER_ROLE } from '../../catalog/data-boundary';
import { ROUTER_NAME } from '../../charts/workloads/names';
import { refId, synthApp } from '../helpers/synth';

const ROOT = resolve(__dirname, '../..');
const app = synthApp();
const inputs = loadInputs();

for (const env of inputs.allEnvironments) {
  const data = app.stack(`${env.name}-data`);
  const cloud = cloudModelsFor(env, inputs.tenants, inputs.models);

  describe(`${env.name}-data: Azure OpenAI`, () => {
    if (cloud.models.length === 0) {
      it('no tenant here is entitled to a cloud model and config lists none: no account, no deployment, no role', () => {
        for (const type of ['azurerm_cognitive_account', 'azurerm_cognitive_deployment']) assert.deepEqual(data.of(type), [], type);
        assert.ok(!data.of('azurerm_role_assignment').some((r) => [AZURE_OPENAI_USER_ROLE, CONTENT_SAFETY_USER_ROLE].includes(r.config.role_definition_name)));
      });
      return;
    }
    const account = data.of('azurerm_cognitive_account').find((a) => a.config.kind === 'OpenAI')!;
    const id = refId(account as any);

    for (const [kind, zoneName, role] of [['OpenAI', AZURE_OPENAI_PRIVATE_DNS_ZONE, AZURE_OPENAI_USER_ROLE], ['ContentSafety', CONTENT_SAFETY_PRIVATE_DNS_ZONE, CONTENT_SAFETY_USER_ROLE]] as const) {
      privateAccount(env, data, kind, zoneName, role, cloud.location);
    }

    it('one deployment per cloud model from the catalogue: model, version, SKU and capacity, no automatic version upgrade', () => {
      const deployments = data.of('azurerm_cognitive_deployment');
      assert.deepEqual(deployments.map((d) => d.config.name).sort(), cloud.models.map((m) => m.id));
      for (const m of cloud.models) {
        const d = deployments.find((x) => x.config.name === m.id)!;
        assert.equal(d.config.cognitive_account_id, id);
        assert.deepEqual(d.config.model, { format: m.model.format, name: m.model.name, version: m.model.version });
        assert.deepEqual(d.config.sku, { name: m.deployment.sku, capacity: m.deployment.capacity });
        assert.equal(d.config.version_upgrade_option, 'NoAutoUpgrade');
      }
    });

    it('the rendered router calls exactly this account (its subdomain) for every cloud route', () => {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'llm-router', 'manifests.yaml'), 'utf8');
      if (!text.trim()) return;
      const files = parseAllDocuments(text).map((d) => d.toJS()).find((d) => d?.kind === 'ConfigMap' && d.metadata.name === 'llm-router-files');
      const list: { litellm_params: { model: string; api_base: string } }[] = parse(files.data['config.yaml'], { version: '1.1' }).model_list;
      const azure = list.filter((e) => e.litellm_params.model.startsWith('azure/'));
      assert.ok(azure.length > 0);
      for (const e of azure) {
        assert.equal(e.litellm_params.api_base, `https://${account.config.custom_subdomain_name}.openai.azure.com`);
        assert.ok(cloud.models.some((m) => `azure/${m.id}` === e.litellm_params.model), `${e.litellm_params.model} is not deployed`);
      }
    });

    it('the rendered router moderates through exactly the Content Safety account (its subdomain)', () => {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'llm-router', 'manifests.yaml'), 'utf8');
      if (!text.trim()) return;
      const config = parseAllDocuments(text).map((d) => d.toJS()).find((d) => d?.kind === 'ConfigMap' && d.metadata.name === 'llm-router-config');
      const moderation = data.of('azurerm_cognitive_account').find((a) => a.config.kind === 'ContentSafety')!;
      assert.equal(config.data.CONTENT_SAFETY_ENDPOINT, `https://${moderation.config.custom_subdomain_name}.cognitiveservices.azure.com`);
    });
  });
}

describe('Azure OpenAI exists only where it is needed', () => {
  it('at least one environment has the accounts and at least one has none (both branches above run)', () => {
    const counts = inputs.allEnvironments.map((e) => app.stack(`${e.name}-data`).of('azurerm_cognitive_account').length);
    assert.ok(counts.includes(2) && counts.includes(0), counts.join(','));
  });
});

type Env = (typeof inputs.allEnvironments)[number];
type Stack = ReturnType<typeof app.stack>;

/** What every cognitive account of the platform must be: private, keyless, logged, callable by the router only. */
function privateAccount(env: Env, data: Stack, kind: 'OpenAI' | 'ContentSafety', zoneName: string, role: string, location: string): void {
  describe(`the ${kind} account`, () => {
    const account = data.of('azurerm_cognitive_account').find((a) => a.config.kind === kind);
    const id = account ? refId(account as any) : '';

    it('exists: custom subdomain, public network access off, local auth off, outbound restricted, in the configured region', () => {
      assert.ok(account, `no ${kind} account`);
      assert.equal(account.config.custom_subdomain_name, account.config.name);
      assert.equal(account.config.public_network_access_enabled, false);
      assert.equal(account.config.local_auth_enabled, false);
      assert.equal(account.config.outbound_network_access_restricted, true);
      assert.equal(account.config.network_acls.default_action, 'Deny');
      assert.equal(account.config.location, location);
    });

    it(`a private endpoint for its \`account\` sub-resource in the private-endpoint subnet, registered in ${zoneName} linked to the VNet`, () => {
      const pe = data.of('azurerm_private_endpoint').find((p) => p.config.private_service_connection.private_connection_resource_id === id);
      assert.ok(pe, 'no private endpoint to the account');
      assert.deepEqual(pe.config.private_service_connection.subresource_names, ['account']);
      assert.equal(pe.config.location, env.location, 'the endpoint lives in the VNet region');
      assert.match(pe.config.subnet_id, /subnet-privateEndpoints/);
      // The zone is the network stack's (like every privatelink zone), linked to the VNet.
      const network = app.stack(`${env.name}-network`);
      const zone = network.of('azurerm_private_dns_zone').find((z) => z.config.name === zoneName);
      assert.ok(zone);
      assert.equal(pe.config.private_dns_zone_group.private_dns_zone_ids.length, 1);
      assert.match(pe.config.private_dns_zone_group.private_dns_zone_ids[0], new RegExp(`${zone.id}`), `the endpoint registers in the network stack's ${zoneName}`);
      const link = network.of('azurerm_private_dns_zone_virtual_network_link').find((l) => l.config.private_dns_zone_name === `\${${zone.type}.${zone.id}.name}`);
      assert.ok(link, 'the zone is not linked');
      assert.equal(link.config.virtual_network_id, `\${azurerm_virtual_network.${network.one('azurerm_virtual_network').id}.id}`);
      assert.equal(link.config.registration_enabled, false);
    });

    it(`"${role}" on the account for the router's workload identity, and for nobody else`, () => {
      const grants = data.of('azurerm_role_assignment').filter((r) => r.config.scope === id);
      assert.equal(grants.length, 1, grants.map((g) => g.path).join(', '));
      assert.equal(grants[0].config.role_definition_name, role);
      const router = data.of('azurerm_user_assigned_identity').find((u) => u.config.name.includes(ROUTER_NAME))!;
      assert.equal(grants[0].config.principal_id, `\${${router.type}.${router.id}.principal_id}`);
      // Negative control: the router identity is federated with the router's service account.
      const fed = data.of('azurerm_federated_identity_credential').find((f) => f.config.parent_id === refId(router as any))!;
      assert.equal(fed.config.subject, `system:serviceaccount:${env.tenancy.routerNamespace}:${ROUTER_NAME}`);
    });

    it("diagnostic settings send the account's logs to the Log Analytics workspace", () => {
      const diag = data.of('azurerm_monitor_diagnostic_setting').find((d) => d.config.target_resource_id === id);
      assert.ok(diag);
      assert.match(diag.config.log_analytics_workspace_id, /log_analytics_workspace|workspace/);
      assert.deepEqual(diag.config.enabled_log.map((l: { category_group?: string }) => l.category_group), ['allLogs']);
    });
  });
}
