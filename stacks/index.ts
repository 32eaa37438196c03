/** Composes the stacks of one environment in deploy order: network, platform, addons, cluster-config, then observability, data and tenants. */
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';
import type { Tenant } from '../config/tenant-schema';
import type { EnvironmentStack } from './environment-stack';
import { AddonsStack } from './addons-stack';
import { ClusterConfigStack } from './cluster-config-stack';
import { DataStack } from './data-stack';
import { EdgeStack } from './edge-stack';
import { NetworkStack } from './network-stack';
import { ObservabilityStack } from './observability-stack';
import { PlatformStack } from './platform-stack';
import { RetiredTenantStack, TenantStack } from './tenant-stack';

export { stackName } from './environment-stack';

/** The stacks every environment has, besides one per tenant (a test checks this against the app). */
export const SHARED_CONCERNS = ['network', 'platform', 'addons', 'cluster-config', 'observability', 'data'] as const;

/** The shared stacks of one environment: the WAF edge only where it is on. */
export function sharedConcerns(env: Pick<EnvironmentConfig, 'network'>): string[] {
  return [...SHARED_CONCERNS, ...(env.network.edge.frontDoor.enabled ? ['edge'] : [])];
}

export interface EnvironmentStacksOptions {
  readonly localBackend?: boolean;
  /** Every validated tenant; those that list this environment get a stack. */
  readonly tenants?: Tenant[];
}

export function addEnvironmentStacks(scope: Construct, env: EnvironmentConfig, options: EnvironmentStacksOptions = {}): EnvironmentStack[] {
  const common = { env, localBackend: options.localBackend };
  const network = new NetworkStack(scope, { ...common, tenants: options.tenants });
  const platform = new PlatformStack(scope, { ...common, network });
  platform.addDependency(network);
  const addons = new AddonsStack(scope, { ...common, network, platform });
  addons.addDependency(platform);
  const clusterConfig = new ClusterConfigStack(scope, { ...common, platform });
  clusterConfig.addDependency(addons);
  // The receivers' secret and the Grafana ingress need the secret store and issuers.
  const observability = new ObservabilityStack(scope, { ...common, network, platform });
  observability.addDependency(clusterConfig);
  const data = new DataStack(scope, { ...common, network, platform });
  data.addDependency(network);
  data.addDependency(platform);
  // Front Door's Private Link origin is the service AKS creates for the Gateway's load balancer.
  const edge = env.network.edge.frontDoor.enabled ? [new EdgeStack(scope, { ...common, platform })] : [];
  for (const e of edge) e.addDependency(clusterConfig);
  const tenants = (options.tenants ?? [])
    .filter((t) => t.spec.environments.includes(env.name))
    .map((tenant) => {
      const props = { ...common, tenant, network, platform };
      const stack = tenant.spec.retired ? new RetiredTenantStack(scope, props) : new TenantStack(scope, props);
      stack.addDependency(network);
      stack.addDependency(platform);
      // The tenant's AppProject and Application need Argo CD's CRDs and the platform project.
      stack.addDependency(clusterConfig);
      return stack;
    });
  return [network, platform, addons, clusterConfig, observability, data, ...edge, ...tenants];
}
