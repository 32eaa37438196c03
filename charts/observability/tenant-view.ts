/**
 * What the observability app reads of a tenant: the LLM budget rules (budget-rules.ts) and the
 * per-tenant cost dashboards (ledger-dashboards.ts) need its name, environments, LLM budget and
 * billing currency. `platform render` gives the app these projections of the environment's
 * tenants, and the render cache keys it on them; test/unit/render-views.test.ts traces what
 * those two functions read of the real tenants and fails on a read outside the projection.
 */
import type { Tenant } from '../../config/tenant-schema';

type Spec = Tenant['spec'];

export interface ObservabilityTenant {
  readonly metadata: Pick<Tenant['metadata'], 'name'>;
  readonly spec: Pick<Spec, 'environments'> & {
    readonly llm?: Pick<NonNullable<Spec['llm']>, 'monthlyBudget'>;
    readonly budget: Pick<Spec['budget'], 'currency'>;
  };
}

export function observabilityTenant(t: Tenant): ObservabilityTenant {
  const { spec } = t;
  return {
    metadata: { name: t.metadata.name },
    spec: { environments: spec.environments, ...(spec.llm ? { llm: { monthlyBudget: spec.llm.monthlyBudget } } : {}), budget: { currency: spec.budget.currency } },
  };
}

/** The projections of the environment's tenants, in the shape the two functions take (the cast: see workloadTenants in charts/workloads/tenant-view.ts). */
export function observabilityTenants(env: string, tenants: readonly Tenant[]): readonly Tenant[] {
  return tenants.filter((t) => t.spec.environments.includes(env)).map((t) => observabilityTenant(t) as unknown as Tenant);
}
