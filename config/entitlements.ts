/** What the LLM router enforces per tenant, derived from the tenant files of one environment. */
import type { Tenant } from './tenant-schema';

export interface RouterEntitlement {
  readonly tenant: string;
  readonly models: string[];
  readonly tokensPerMinute: number;
  readonly requestsPerMinute: number;
  readonly monthlyBudget: number;
  readonly currency: string;
  /** Guardrails the router applies to the tenant's team (charts/workloads/guardrails.ts). */
  readonly guardrails: { readonly piiMasking: boolean };
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
    guardrails: { piiMasking: t.spec.llm.guardrails.piiMasking },
  };
}

export function routerEntitlements(tenants: Tenant[], env: string): RouterEntitlement[] {
  return tenants
    .filter((t) => t.spec.environments.includes(env))
    .map(routerEntitlement)
    .filter((e): e is RouterEntitlement => e !== undefined)
    .sort((a, b) => a.tenant.localeCompare(b.tenant));
}
