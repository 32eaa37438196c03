/**
 * What each shared stack reads from the tenant list, and nothing else: the stack is given this
 * value instead of the tenants (stacks/index.ts), and the synth cache keys the stack on its hash
 * (cli/lib/cache/incremental.ts plan()). One function per concern, so what the stack is built
 * from and what its fingerprint covers cannot drift apart: a tenant's quota reaches none of them,
 * its egress only the network's, its cloud-model entitlements only the data stack's.
 *
 * No cdktf here (type imports only): the cache plans from it without loading the providers.
 */
import { ADDON_EGRESS, WORKLOAD_EGRESS } from '../catalog/egress';
import { ADDON_NAMES } from '../catalog/addons';
import { TEMPORAL_RETENTION } from '../catalog/temporal';
import { cloudModelsFor, type CloudModels } from '../config/cloud-models';
import type { ModelCatalogue } from '../config/models';
import type { EnvironmentConfig } from '../config/schema';
import { splitHostPort, type Tenant } from '../config/tenant-schema';
import type { EgressRule, EgressRuleSet } from '../constructs/egress-firewall';
import type { TemporalNamespace } from '../constructs/addons/values/temporal';
import type { TenantListConcern } from './names';

/** AKS's own dependencies, in the form Microsoft maintains (the FQDN tag), and node time sync. */
const AKS_EGRESS: EgressRule[] = [
  { name: 'aks', fqdns: ['AzureKubernetesService'], port: 443, reason: 'AKS required endpoints: the FQDN tag Microsoft keeps current (MCR, node images, management, Entra ID)' },
  { name: 'ntp', fqdns: ['ntp.ubuntu.com'], port: 123, reason: 'node time synchronisation (AKS required network rule)' },
];

/** `<env>-network`: the firewall's allow-list for an environment, each rule with who needs it and why. */
export function egressRuleSets(env: EnvironmentConfig, tenants: readonly Tenant[]): EgressRuleSet[] {
  const addons = ADDON_NAMES.filter((a) => env.addons[a].enabled).flatMap((a) =>
    (ADDON_EGRESS[a] ?? []).map((e, i): EgressRule => ({ name: `${a}-${i + 1}`, fqdns: e.fqdns, port: e.port ?? 443, reason: e.reason })),
  );
  const workloads = Object.entries(WORKLOAD_EGRESS).flatMap(([app, entries]) =>
    entries.map((e, i): EgressRule => ({ name: `${app}-${i + 1}`, fqdns: e.fqdns, port: e.port ?? 443, reason: e.reason })),
  );
  const gitHosts = [...new Set([...env.tenancy.allowedRepoHosts, new URL(env.addons.gitops.repoURL).hostname])].sort();
  const tenantRules = tenants
    .filter((t) => t.spec.environments.includes(env.name) && !t.spec.retired)
    .flatMap((t) =>
      t.spec.network.allowEgressTo.map((target, i): EgressRule => {
        const [host, port] = splitHostPort(target);
        const reason = `declared in tenants/${t.metadata.name}.yaml (spec.network.allowEgressTo)`;
        return host.includes('/') ? { name: `${t.metadata.name}-${i + 1}`, addresses: [host], port, reason } : { name: `${t.metadata.name}-${i + 1}`, fqdns: [host], port, reason };
      }),
    );
  return [
    { name: 'aks', rules: AKS_EGRESS },
    { name: 'platform', rules: addons },
    { name: 'workloads', rules: workloads },
    { name: 'git', rules: [{ name: 'git-hosts', fqdns: gitHosts, port: 443, reason: 'Argo CD clones the rendered manifests and the tenants repositories (tenancy.allowedRepoHosts)' }] },
    { name: 'tenants', rules: tenantRules },
    { name: 'environment', rules: env.network.egressFirewall.allow.map((a, i) => ({ name: `allow-${i + 1}`, fqdns: [a.fqdn], port: a.port, reason: a.reason })) },
  ];
}

/** `<env>-control-plane`: one Temporal namespace per tenant of the environment, named after it; a retired tenant's is no longer managed. */
export function temporalNamespaces(envName: string, tenants: readonly Tenant[]): TemporalNamespace[] {
  return tenants
    .filter((t) => t.spec.environments.includes(envName) && !t.spec.retired)
    .map((t) => ({ name: t.metadata.name, retentionDays: t.spec.workflows?.retentionDays ?? TEMPORAL_RETENTION.defaultDays }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Per TENANT_LIST_CONCERNS stack, the one value it is given in place of the tenant list. Where
 * the stack builds nothing from tenants (no firewall, no Temporal) the view is undefined, so that
 * no tenant edit reaches its key there.
 */
export interface TenantListViews {
  /** `<env>-network`: the firewall's allow-list. */
  readonly network: EgressRuleSet[] | undefined;
  /** `<env>-data`: the cloud models its tenants are entitled to (and the environment adds), from the model catalogue. */
  readonly data: CloudModels;
  /** `<env>-control-plane`: the tenants' Temporal namespaces. */
  readonly 'control-plane': TemporalNamespace[] | undefined;
}

// Both ways: every TENANT_LIST_CONCERNS stack has a view, and every view is keyed by the cache.
const sameConcerns: [keyof TenantListViews] extends [TenantListConcern] ? ([TenantListConcern] extends [keyof TenantListViews] ? true : never) : never = true;
void sameConcerns;

export function tenantListViews(env: EnvironmentConfig, tenants: readonly Tenant[], models: ModelCatalogue): TenantListViews {
  return {
    network: env.network.egressFirewall.enabled && env.network.subnets.firewall ? egressRuleSets(env, tenants) : undefined,
    data: cloudModelsFor(env, tenants, models),
    'control-plane': env.addons.temporal.enabled ? temporalNamespaces(env.name, tenants) : undefined,
  };
}
