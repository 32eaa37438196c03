/**
 * The retrieval migration Job's SQL, generated from the environment's tenant list: the Entra
 * principals (postgres database), then, after the versioned migrations (migrations/retrieval,
 * run by the audit trail's runner), one reconcile transaction that onboards or repairs every
 * tenant store, joins each tenant's Entra role to its access role, and retires every store whose
 * tenant left the list. Every statement is idempotent, so the Job may run on every sync.
 */
import { RETRIEVAL_RECONCILE_LOCK_KEY, type TenantStoreNames } from '../../catalog/retrieval';
import { entraPrincipalScript, objectIdVariable } from '../audit/migration-script';

/** psql variable and env var carrying a tenant identity's object id into principals.sql. */
export function principalVariable(s: TenantStoreNames): { variable: string; env: string } {
  return objectIdVariable(s.loginRole, s.objectIdSecret);
}

const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
const SAFE = /^[a-z][a-z0-9_-]*$/;

export function principalsScript(stores: readonly TenantStoreNames[]): string {
  return entraPrincipalScript(stores.map((s) => ({ role: s.loginRole, variable: principalVariable(s).variable })));
}

export function reconcileScript(stores: readonly TenantStoreNames[], dimensions: number): string {
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error(`embedding dimensions must be a positive integer, got ${dimensions}`);
  const sorted = [...stores].sort((a, b) => a.tenant.localeCompare(b.tenant));
  for (const s of sorted) {
    for (const v of [s.tenant, s.schema, s.ownerRole, s.accessRole, s.loginRole]) if (!SAFE.test(v)) throw new Error(`${s.tenant}: unsafe name ${v}`);
  }
  const active = sorted.length === 0 ? 'ARRAY[]::text[]' : `ARRAY[${sorted.map((s) => literal(s.tenant)).join(', ')}]::text[]`;
  return [
    'BEGIN;',
    `SELECT pg_advisory_xact_lock(${RETRIEVAL_RECONCILE_LOCK_KEY});`,
    ...sorted.flatMap((s) => [
      `SELECT retrieval.onboard_tenant(${[s.tenant, s.schema, s.ownerRole, s.accessRole].map(literal).join(', ')}, ${dimensions});`,
      `SELECT retrieval.grant_login(${literal(s.tenant)}, ${literal(s.loginRole)});`,
    ]),
    `SELECT retrieval.retire_absent(${active});`,
    'COMMIT;',
    '',
  ].join('\n');
}
