/** Composes the stacks of one environment in deploy order: network, then platform. */
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';
import type { EnvironmentStack } from './environment-stack';
import { NetworkStack } from './network-stack';
import { PlatformStack } from './platform-stack';

export { stackName } from './environment-stack';

export interface EnvironmentStacksOptions {
  readonly localBackend?: boolean;
}

/** Concerns in deploy order; later issues append addons, observability, data and tenants. */
export const CONCERNS = ['network', 'platform'] as const;

export function addEnvironmentStacks(scope: Construct, env: EnvironmentConfig, options: EnvironmentStacksOptions = {}): EnvironmentStack[] {
  const common = { env, localBackend: options.localBackend };
  const network = new NetworkStack(scope, common);
  const platform = new PlatformStack(scope, { ...common, network });
  platform.addDependency(network);
  return [network, platform];
}
