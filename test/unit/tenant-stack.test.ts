/** What each tenant gets per environment, asserted on the synthesized tenant stacks. */
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE } from '../../catalog/edge';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadInputs } from '../../config/inputs';
import { loadEnvironment } from '../../config/load';
import { TENANT_ALLOWED_KINDS } from '../../constructs/tenant/gitops';
import { RESTRICTED_POD_SECURITY } from '../../constructs/tenant/labels';
import { namespaceOf, refId, synthApp } from '../helpers/synth';

const app = synthApp();
const inputs = loadInputs();

describe('tenant stacks exist exactly for the environments each tenant lists', () => {
  it('one <env>-tenant-<name> stack per listed environment, after the platform and cluster-config stacks', () => {
    const expected = inputs.tenants.flatMap((t) => t.spec.environments.map((e) => `${e}-tenant-${t.metadata.name}`)).sort();
    const actual = Object.keys(app.stacks).filter((s) => s.includes('-tenant-')).sort();
    assert.deepEqual(actual, expected);
    for (const s of actual) {
      const env = s.split('-')[0];
      assert.deepEqual(app.manifest.stacks[s].dependencies.sort(), [`${env}-cluster-config`, `${env}-network`, `${env}-platform`]);
    }
  });
});

for (const t of inputs.tenants) {
  for (const envName of t.spec.environments) {
    const name = t.metadata.name;
    const env = loadEnvironment(envName);
    const stack = app.stack(`${envName}-tenant-${name}`);
    const k8s = (type: string) => stack.of(type).map((r) => r.config);

    describe(`${envName}-tenant-${name}`, () => {
      it('namespace: tenant and cost-center labels, Pod Security restricted', () => {
        const [ns] = k8s('kubernetes_namespace_v1');
        assert.equal(ns.metadata.name, name);
        assert.equal(ns.metadata.labels.tenant, name);
        assert.equal(ns.metadata.labels['cost-center'], t.spec.costCenter);
        for (const [k, v] of Object.entries(RESTRICTED_POD_SECURITY)) assert.equal(ns.metadata.labels[k], v, k);
      });

      it('resource quota with CPU, memory, GPU, pods and storage; no load balancers or node ports', () => {
        const [quota] = k8s('kubernetes_resource_quota_v1');
        const hard = quota.spec.hard;
        assert.equal(hard['requests.cpu'], t.spec.quota.cpu);
        assert.equal(hard['requests.memory'], t.spec.quota.memory);
        assert.equal(hard['requests.nvidia.com/gpu'], String(t.spec.quota.gpu));
        assert.equal(hard.pods, String(t.spec.quota.pods));
        assert.equal(hard['requests.storage'], t.spec.quota.storage);
        assert.equal(hard['services.loadbalancers'], '0');
        assert.equal(hard['services.nodeports'], '0');
      });

      it('limit range gives every container default requests and limits', () => {
        const [lr] = k8s('kubernetes_limit_range_v1');
        const [limit] = lr.spec.limit;
        assert.equal(limit.type, 'Container');
        assert.ok(limit.default_request.cpu && limit.default_request.memory);
        assert.ok(limit.default.cpu && limit.default.memory);
      });

      it('default-deny plus DNS, the Gateway\'s Envoy proxies, scraping, router and declared egress', () => {
        const policies = new Map(k8s('kubernetes_network_policy_v1').map((p) => [p.metadata.name, p.spec]));
        const deny = policies.get('default-deny')!;
        assert.deepEqual(deny.policy_types, ['Ingress', 'Egress']);
        assert.deepEqual(deny.pod_selector, { match_labels: {} });
        assert.equal(deny.ingress, undefined);
        assert.equal(deny.egress, undefined);
        const paths = policies.get('allow-platform-paths')!;
        const from = paths.ingress.map((r: any) => r.from[0].namespace_selector?.match_labels['kubernetes.io/metadata.name'] ?? 'same namespace');
        assert.deepEqual(from, ['same namespace', GATEWAY_NAMESPACE, env.tenancy.monitoringNamespace]);
        // Only the proxy pods of the platform Gateway, not everything in its namespace (the controller).
        assert.deepEqual(paths.ingress[1].from[0].pod_selector, { match_labels: { ...ENVOY_PROXY_POD_LABELS } });
        const to = paths.egress.map((r: any) => r.to[0].namespace_selector?.match_labels['kubernetes.io/metadata.name'] ?? 'same namespace');
        assert.deepEqual(to, ['same namespace', 'kube-system', env.tenancy.routerNamespace]);
        assert.deepEqual(paths.egress[1].ports.map((p: any) => `${p.protocol}/${p.port}`), ['UDP/53', 'TCP/53']);
        const cidrs = t.spec.network.allowEgressTo.filter((e) => e.includes('/'));
        const hosts = t.spec.network.allowEgressTo.filter((e) => !e.includes('/'));
        assert.equal(policies.has('allow-declared-egress-cidr'), cidrs.length > 0);
        const fqdn = k8s('kubernetes_manifest').find((m) => m.manifest.kind === 'CiliumNetworkPolicy');
        assert.equal(Boolean(fqdn), hosts.length > 0);
        if (fqdn) {
          const names = fqdn.manifest.spec.egress.flatMap((e: any) => (e.toFQDNs ?? []).map((f: any) => f.matchName));
          assert.deepEqual(names, hosts.map((h) => h.split(':')[0]));
        }
      });

      it('owners’ Entra group is bound to a namespace-scoped role that cannot edit guardrails', () => {
        const [binding] = k8s('kubernetes_role_binding_v1');
        const [role] = k8s('kubernetes_role_v1');
        assert.equal(namespaceOf(stack, binding.metadata.namespace), name);
        assert.deepEqual(binding.subject, [{ kind: 'Group', name: t.spec.owners.entraGroupObjectId, api_group: 'rbac.authorization.k8s.io' }]);
        assert.equal(binding.role_ref.kind, 'Role');
        const writes = (resource: string) => role.rule.some((r: any) => r.resources.includes(resource) && r.verbs.includes('update'));
        for (const guardrail of ['resourcequotas', 'limitranges', 'networkpolicies', 'namespaces', 'roles', 'rolebindings']) assert.ok(!writes(guardrail), guardrail);
        assert.ok(writes('deployments'));
      });

      it('workload identity: managed identity federated with the tenant’s service account only', () => {
        const [fic] = stack.of('azurerm_federated_identity_credential');
        const identity = stack.one('azurerm_user_assigned_identity');
        assert.equal(fic.config.subject, `system:serviceaccount:${name}:workload`);
        assert.deepEqual(fic.config.audience, ['api://AzureADTokenExchange']);
        assert.equal(fic.config.parent_id, refId(identity));
        assert.match(fic.config.issuer, /cross-stack-reference-input-.*-platform/);
        const [sa] = k8s('kubernetes_service_account_v1');
        assert.equal(sa.metadata.annotations['azure.workload.identity/client-id'], `\${azurerm_user_assigned_identity.${identity.id}.client_id}`);
      });

      it('its own Key Vault, readable by its identity and managed by its owners only', () => {
        const vault = stack.one('azurerm_key_vault');
        assert.equal(vault.config.rbac_authorization_enabled, true);
        const grants = stack.of('azurerm_role_assignment').filter((r) => r.config.scope === refId(vault));
        assert.deepEqual(grants.map((g) => g.config.role_definition_name).sort(), ['Key Vault Secrets Officer', 'Key Vault Secrets User']);
      });

      it('budget with the declared thresholds to the contacts, filtered to the tenant tag', () => {
        const budget = stack.one('azurerm_consumption_budget_subscription').config;
        assert.equal(budget.amount, t.spec.budget.monthly);
        const actual = budget.notification.filter((n: any) => n.threshold_type === 'Actual');
        assert.deepEqual(actual.map((n: any) => n.threshold), t.spec.budget.alertThresholds);
        for (const n of budget.notification) assert.deepEqual(n.contact_emails, t.spec.owners.contacts);
        assert.deepEqual(budget.filter.tag, [{ name: 'tenant', operator: 'In', values: [name] }]);
      });

      it('Argo CD project confined to its namespace, repos and namespaced kinds; one application', () => {
        const project = k8s('kubernetes_manifest').find((m) => m.manifest.kind === 'AppProject')!.manifest;
        assert.deepEqual(project.spec.sourceRepos, t.spec.gitops.repoURLs);
        assert.deepEqual(project.spec.destinations, [{ server: 'https://kubernetes.default.svc', namespace: name }]);
        assert.deepEqual(project.spec.clusterResourceWhitelist, []);
        assert.deepEqual(project.spec.namespaceResourceWhitelist, TENANT_ALLOWED_KINDS);
        const kinds = project.spec.namespaceResourceWhitelist.map((k: any) => k.kind);
        for (const forbidden of ['ResourceQuota', 'LimitRange', 'NetworkPolicy', 'Role', 'RoleBinding', 'Namespace']) assert.ok(!kinds.includes(forbidden), forbidden);
        const application = k8s('kubernetes_manifest').find((m) => m.manifest.kind === 'Application')!.manifest;
        assert.equal(application.spec.project, name);
        assert.deepEqual(application.spec.source, { repoURL: t.spec.gitops.repoURLs[0], path: t.spec.gitops.path, targetRevision: t.spec.gitops.targetRevision });
        assert.ok(application.spec.syncPolicy.syncOptions.includes('CreateNamespace=false'));
      });

      it('exports the router entitlements', () => {
        if (!t.spec.llm) return assert.equal(stack.json.output.router_entitlements, undefined);
        const out = stack.json.output.router_entitlements.value;
        assert.deepEqual(out.models, [...t.spec.llm.models].sort());
        assert.equal(out.tokensPerMinute, t.spec.llm.tokensPerMinute);
        assert.equal(out.monthlyBudget, t.spec.llm.monthlyBudget);
      });

      it('talks to the cluster through Entra ID (kubelogin), found by a data source from the platform stack', () => {
        const [provider] = stack.json.provider.kubernetes;
        assert.equal(provider.exec[0].command, 'kubelogin');
        assert.match(provider.host, /^\$\{data\.azurerm_kubernetes_cluster\./);
        assert.equal(provider.token, undefined);
        const cluster = Object.values<any>(stack.json.data.azurerm_kubernetes_cluster)[0];
        assert.match(cluster.name, /cross-stack-reference-input-.*-platform/);
      });
    });
  }
}
