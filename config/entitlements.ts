/** What the LLM router enforces per tenant, derived from the tenant files of one environment. */
import type { Tenant } from './tenant-schema';

export interface RouterEntitlement {
  readonly tenant: string;
  readonly models: string[];
  readonly tokensPerMinute: number;
  readonly requestsPerMinute: number;
  readonly monthlyBudget: number;
  readonly currency: string;
}

/** Tenants without an `llm` block get no router access at all (deny by default). */
export function routerEntitlement(t: Tenant): RouterEntitlement | undefined {
  if (!t.spec.llm) return undefined;
  return {
    tenant: t.metadata.name,
    models: [...t.spec.llm.models].sort(),
    tokensPerMinute: t.spec.llm.tokensPerMinute,
    requestsPerMinute: t.spec.llm.requestsPerMinute,
    monthlyBudget: t.spec.llm.monthlyBudget,
    currency: t.spec.budget.currency,
  };
}

export function routerEntitlements(tenants: Tenant[], env: string): RouterEntitlement[] {
  return tenants
    .filter((t) => t.spec.environments.includes(env))
    .map(routerEntitlement)
    .filter((e): e is RouterEntitlement => e !== undefined)
    .sort((a, b) => a.tenant.localeCompare(b.tenant));
}
