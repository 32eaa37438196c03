/**
 * SQL the ledger's migration Job runs after the migrations, generated from typed inputs: the
 * principals' group roles, and which Entra ID group sees which tenant's rows.
 */
import { LEDGER_ROLES, type LedgerIdentity } from '../../catalog/ledger';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The loader joins its group role; PostgREST's login may only SET ROLE to the reader and the
 * anonymous role and inherits neither (PostgreSQL 16: WITH INHERIT FALSE), so its own session can
 * read nothing: what a request may see is decided by the role the token names.
 */
export function ledgerGrantsScript(identities: readonly LedgerIdentity[]): string {
  const lines = ['BEGIN;'];
  for (const i of identities) {
    if (i.role === 'authenticator') {
      lines.push(`GRANT ${LEDGER_ROLES.reader}, ${LEDGER_ROLES.anonymous} TO "${i.name}" WITH INHERIT FALSE, SET TRUE;`);
      // It inherits nothing from those roles, CONNECT included: it needs its own.
      lines.push(`DO $grant$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), '${i.name}'); END $grant$;`);
    }
    else if (i.role !== 'entra-admin') lines.push(`GRANT ${i.role} TO "${i.name}";`);
  }
  lines.push('COMMIT;', '');
  return lines.join('\n');
}

export interface TenantGroup {
  readonly tenant: string;
  readonly groupObjectId: string;
}

/**
 * Replaces the tenant -> owners group mapping and the accepted token issuer whole, in one
 * transaction (an environment without the API gets no issuer), then tells PostgREST to reload its schema cache (the migrations may have changed
 * the views). Values are checked here, so nothing but a tenant name and a UUID reaches the SQL.
 */
export function tenantGroupsScript(groups: readonly TenantGroup[], entraTenantId?: string): string {
  const bad = [...groups.filter((g) => !TENANT.test(g.tenant) || !UUID.test(g.groupObjectId)).map((g) => `${g.tenant}/${g.groupObjectId}`), ...(entraTenantId === undefined || UUID.test(entraTenantId) ? [] : [entraTenantId])];
  if (bad.length > 0) throw new Error(`not a tenant name and group object id: ${bad.join(', ')}`);
  const rows = [...groups].sort((a, b) => a.tenant.localeCompare(b.tenant)).map((g) => `  ('${g.tenant}', '${g.groupObjectId.toLowerCase()}')`);
  return [
    'BEGIN;',
    'DELETE FROM ledger.tenant_groups;',
    ...(rows.length > 0 ? ['INSERT INTO ledger.tenant_groups (tenant, group_oid) VALUES', `${rows.join(',\n')};`] : []),
    // No API (no directory configured): no issuer, so the row filter admits nobody.
    entraTenantId === undefined
      ? 'DELETE FROM ledger.api_settings;'
      : `INSERT INTO ledger.api_settings (id, issuer) VALUES (true, 'https://login.microsoftonline.com/${entraTenantId.toLowerCase()}/v2.0') ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer;`,
    'COMMIT;',
    "NOTIFY pgrst, 'reload schema';",
    '',
  ].join('\n');
}
