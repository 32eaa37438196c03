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
 * The shared stacks built from the tenant list, each from one view of it (stacks/tenant-views.ts:
 * the network's firewall rule sets, with every tenant's declared egress; the cloud models the data
 * stack deploys, from the tenants' entitlements and the model catalogue; the control plane's
 * Temporal namespaces). The stack is given only its view, and the synth cache keys it on the
 * view's hash, not on every tenant: a quota change rebuilds none of them. The other shared stacks
 * get no tenant and depend on tenants only through the cross-stack outputs tenant stacks
 * reference in them, which the synth cache keys separately (test/unit/synth-cache.test.ts checks
 * both).
 */
export const TENANT_LIST_CONCERNS = ['network', 'data', 'control-plane'] as const;
export type TenantListConcern = (typeof TENANT_LIST_CONCERNS)[number];

export function isTenantListConcern(concern: string): concern is TenantListConcern {
  return (TENANT_LIST_CONCERNS as readonly string[]).includes(concern);
}

export function stackName(env: string, concern: string): string {
  return `${env}-${concern}`;
}
