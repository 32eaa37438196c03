/**
 * Stack names without the stack classes: what the app will contain, known before anything is
 * constructed (incremental synth plans from it without loading cdktf or the providers).
 */
import type { EnvironmentConfig } from '../config/schema';

/** The stacks every environment has, besides one per tenant (a test checks this against the app). */
export const SHARED_CONCERNS = ['network', 'platform', 'addons', 'cluster-config', 'observability', 'data', 'control-plane'] as const;

/** The shared stacks of one environment: the WAF edge only where it is on. */
export function sharedConcerns(env: Pick<EnvironmentConfig, 'network'>): string[] {
  return [...SHARED_CONCERNS, ...(env.network.edge.frontDoor.enabled ? ['edge'] : [])];
}

/**
 * The shared stacks built from the tenant list (the network's firewall allows every tenant's
 * declared egress; the data stack deploys the cloud models tenants are entitled to, from the model
 * catalogue, which is hashed with the tenant list; the control plane creates every tenant's Temporal namespace). Only these depend on every tenant's file; the other shared stacks depend on
 * tenants only through the cross-stack outputs tenant stacks reference in them, which the
 * synth cache keys separately (a test checks that editing every tenant changes no other shared
 * stack).
 */
export const TENANT_LIST_CONCERNS: readonly string[] = ['network', 'data', 'control-plane'];

export function stackName(env: string, concern: string): string {
  return `${env}-${concern}`;
}
