/**
 * Tenant vector stores (pgvector on the platform PostgreSQL), named once for every side that
 * meets them: the database (stacks/data-stack.ts), the per-tenant schema and roles the migration
 * Job reconciles (migrations/retrieval, charts/retrieval), the Key Vault secrets that carry the
 * tenants' identity object ids from the tenant stacks to that Job, and docs/retrieval.md.
 */
import { PLATFORM_NAMESPACE } from './services';

export const RETRIEVAL_DATABASE = 'retrieval';

/**
 * pgvector's HNSW (and IVFFlat) indexes take `vector` columns of at most 2,000 dimensions
 * (pgvector README, "HNSW": "Vectors with up to 2,000 dimensions can be indexed").
 */
export const HNSW_MAX_DIMENSIONS = 2000;

/** The one table every tenant schema gets (V0001__tenant_stores.sql, retrieval.onboard_tenant). */
export const EMBEDDINGS_TABLE = 'embeddings';

/** The identity that runs the migrations: an Entra admin of the server (only those create Entra roles). */
export const RETRIEVAL_MIGRATOR = {
  name: 'retrieval-migrator',
  namespace: PLATFORM_NAMESPACE,
  serviceAccount: 'retrieval-migrator',
  clientIdSecret: 'retrieval-migrator-client-id',
} as const;

/** Advisory lock of the reconcile step (the versioned runner has its own, catalog/audit.ts). */
export const RETRIEVAL_RECONCILE_LOCK_KEY = 7_041_994;

export interface TenantStoreNames {
  readonly tenant: string;
  /** The tenant's schema; tenant names are DNS labels without "_", so "-" -> "_" never collides. */
  readonly schema: string;
  /** NOLOGIN owner of the schema and its tables: nobody logs in as the owner. */
  readonly ownerRole: string;
  /** NOLOGIN role holding the tenant's privileges; its Entra login role is its only member. */
  readonly accessRole: string;
  /** The Entra ID principal's PostgreSQL role (the tenant's workload identity): PGUSER. */
  readonly loginRole: string;
  /** Key Vault secret (platform vault) with that identity's object id, written by the tenant stack. */
  readonly objectIdSecret: string;
}

export function tenantStoreNames(tenant: string): TenantStoreNames {
  const id = tenant.replace(/-/g, '_');
  return {
    tenant,
    schema: `tenant_${id}`,
    ownerRole: `tenant_${id}_owner`,
    accessRole: `tenant_${id}_access`,
    loginRole: `retrieval-${tenant}`,
    objectIdSecret: `retrieval-${tenant}-object-id`,
  };
}
