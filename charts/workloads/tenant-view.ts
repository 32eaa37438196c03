/**
 * What the workload apps (charts/workloads/apps.ts: the workload plan, the router's entitlements,
 * the golden sets, the retrieval stores, the ledger's groups, the MCP hub's grants) read of a
 * tenant, and nothing more. `platform render` gives their builders these projections instead of
 * the tenants, and the render cache keys them on the projections: a tenant's quota, Azure budget,
 * egress, GitOps repositories, contacts or Temporal retention reach none of them, so an edit to
 * those re-renders no workload app. A builder that starts reading another field gets undefined
 * here; test/unit/render-views.test.ts traces what the builders read of the real tenants and
 * fails on a read outside the projection.
 */
import type { Tenant } from '../../config/tenant-schema';

type Spec = Tenant['spec'];

export interface WorkloadTenant {
  readonly metadata: Pick<Tenant['metadata'], 'name'>;
  readonly spec: Pick<Spec, 'environments' | 'retired' | 'llm' | 'mcp' | 'retrieval'> & {
    /** The router books spend in the tenant's billing currency. */
    readonly budget: Pick<Spec['budget'], 'currency'>;
    /** The ledger's read API grants the owners' group. */
    readonly owners: Pick<Spec['owners'], 'entraGroupObjectId'>;
  };
}

export function workloadTenant(t: Tenant): WorkloadTenant {
  const { spec } = t;
  return {
    metadata: { name: t.metadata.name },
    spec: {
      environments: spec.environments,
      retired: spec.retired,
      llm: spec.llm,
      mcp: spec.mcp,
      retrieval: spec.retrieval,
      budget: { currency: spec.budget.currency },
      owners: { entraGroupObjectId: spec.owners.entraGroupObjectId },
    },
  };
}

/**
 * The projections in the shape the builders take. The cast is the one place a WorkloadTenant
 * passes for a Tenant: the builders and the config/ functions they call are typed on Tenant, and
 * the trace test is what holds them to the projection.
 */
export function workloadTenants(tenants: readonly Tenant[]): readonly Tenant[] {
  return tenants.map((t) => workloadTenant(t) as unknown as Tenant);
}
