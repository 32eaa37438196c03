/** Composes the stacks of one environment in deploy order: network, platform, addons, cluster-config, then observability, data, control-plane and tenants. */
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';
import type { Tenant } from '../config/tenant-schema';
import type { ModelCatalogue } from '../config/models';
import type { EnvironmentStack } from './environment-stack';
import { AddonsStack } from './addons-stack';
import { ClusterConfigStack } from './cluster-config-stack';
import { ControlPlaneStack } from './control-plane-stack';
import { DataStack } from './data-stack';
import { EdgeStack } from './edge-stack';
import { NetworkStack } from './network-stack';
import { ObservabilityStack } from './observability-stack';
import { PlatformStack } from './platform-stack';
import { RetiredTenantStack, TenantStack } from './tenant-stack';
import { tenantListViews } from './tenant-views';

export { SHARED_CONCERNS, sharedConcerns, stackName } from './names';

export interface EnvironmentStacksOptions {
  readonly localBackend?: boolean;
  /** Every validated tenant; those that list this environment get a stack. */
  readonly tenants?: Tenant[];
  /** The model catalogue: the data stack deploys the cloud models the environment's tenants are entitled to (required: without it those accounts would be planned away). */
  readonly models: ModelCatalogue;
  /**
   * Which tenants' stacks to construct (default: all). Incremental synth constructs only those
   * it has to rebuild; the shared stacks' views still cover every tenant.
   */
  readonly tenantStacks?: (env: string, tenant: Tenant) => boolean;
  /**
   * Only the shared stacks a tenant stack is given or depends on (network, platform,
   * cluster-config), with the tenant stacks: incremental synth builds tenant stacks in batches,
   * one app each, and constructing the other shared stacks for every batch cost about half a
   * second of CPU per synth worker (docs/performance.md).
   */
  readonly tenantProducersOnly?: boolean;
}

export function addEnvironmentStacks(scope: Construct, env: EnvironmentConfig, options: EnvironmentStacksOptions): EnvironmentStack[] {
  const common = { env, localBackend: options.localBackend };
  // The shared stacks built from the tenant list (TENANT_LIST_CONCERNS in names.ts) get only their view of it, the value the synth cache keys them on.
  const views = tenantListViews(env, options.tenants ?? [], options.models);
  const network = new NetworkStack(scope, { ...common, egressRuleSets: views.network });
  const platform = new PlatformStack(scope, { ...common, network });
  platform.addDependency(network);
  const addons = options.tenantProducersOnly ? undefined : new AddonsStack(scope, { ...common, network, platform });
  addons?.addDependency(platform);
  const clusterConfig = new ClusterConfigStack(scope, { ...common, platform });
  if (addons) clusterConfig.addDependency(addons);
  const services = addons ? serviceStacks(scope, common, { network, platform, addons, clusterConfig }, views) : [];
  const tenants = (options.tenants ?? [])
    .filter((t) => t.spec.environments.includes(env.name) && (options.tenantStacks?.(env.name, t) ?? true))
    .map((tenant) => {
      const props = { ...common, tenant, network, platform };
      const stack = tenant.spec.retired ? new RetiredTenantStack(scope, props) : new TenantStack(scope, props);
      stack.addDependency(network);
      stack.addDependency(platform);
      // The tenant's AppProject and Application need Argo CD's CRDs and the platform project.
      stack.addDependency(clusterConfig);
      return stack;
    });
  return [network, platform, ...(addons ? [addons] : []), clusterConfig, ...services, ...tenants];
}

/** Observability, data, control-plane and edge: the shared stacks no tenant stack is given. */
function serviceStacks(
  scope: Construct,
  common: { env: EnvironmentConfig; localBackend?: boolean },
  { network, platform, addons, clusterConfig }: { network: NetworkStack; platform: PlatformStack; addons: AddonsStack; clusterConfig: ClusterConfigStack },
  views: ReturnType<typeof tenantListViews>,
): EnvironmentStack[] {
  const { env } = common;
  // The receivers' secret and the Grafana ingress need the secret store and issuers.
  const observability = new ObservabilityStack(scope, { ...common, network, platform });
  observability.addDependency(clusterConfig);
  const data = new DataStack(scope, { ...common, network, platform, cloudModels: views.data });
  data.addDependency(network);
  data.addDependency(platform);
  // Temporal: its databases, the internal CA and secret store, and the CRDs of its Certificates and ExternalSecret.
  const controlPlane = new ControlPlaneStack(scope, { ...common, platform, data, temporalNamespaces: views['control-plane'] });
  controlPlane.addDependency(addons);
  controlPlane.addDependency(clusterConfig);
  controlPlane.addDependency(data);
  // Front Door's Private Link origin is the service AKS creates for the Gateway's load balancer.
  const edge = env.network.edge.frontDoor.enabled ? [new EdgeStack(scope, { ...common, platform })] : [];
  for (const e of edge) e.addDependency(clusterConfig);
  return [observability, data, controlPlane, ...edge];
}
