/**
 * The migration runner as one SQL script, run by `psql` in the migration Job and by the tests
 * against a real PostgreSQL: in one transaction under an advisory lock, it creates the ledger
 * (public.schema_migrations), then per migration in version order applies it and records the
 * SHA-256 PostgreSQL computes over the body it received, or skips it when the ledger has that
 * version with the same checksum. A changed applied migration, or an applied version the repo no
 * longer has, fails the whole run and changes nothing.
 */
import { MIGRATION_LOCK_KEY, MIGRATION_QUOTE, type Migration } from '../../catalog/audit';

export const MIGRATIONS_TABLE = 'public.schema_migrations';

export function migrationScript(migrations: readonly Migration[]): string {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const m of sorted) {
    if (m.sql.includes(MIGRATION_QUOTE)) throw new Error(`${m.file} contains ${MIGRATION_QUOTE}`);
    if (!/^[a-z0-9_]+$/.test(m.name)) throw new Error(`${m.file}: migration names are snake_case`);
  }
  const versions = sorted.map((m) => m.version).join(', ');
  return [
    'BEGIN;',
    `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});`,
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum char(64) NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT session_user
);`,
    `REVOKE ALL ON ${MIGRATIONS_TABLE} FROM PUBLIC;`,
    `CREATE OR REPLACE FUNCTION pg_temp.apply_migration(v integer, n text, body text) RETURNS text LANGUAGE plpgsql AS $runner$
DECLARE
  sum text := encode(sha256(convert_to(body, 'UTF8')), 'hex');
  known text;
BEGIN
  SELECT checksum INTO known FROM ${MIGRATIONS_TABLE} WHERE version = v;
  IF known = sum THEN
    RETURN format('V%s %s: already applied', v, n);
  ELSIF known IS NOT NULL THEN
    RAISE EXCEPTION 'migration V% (%) was applied with checksum %, but the file now has %', v, n, known, sum
      USING HINT = 'applied migrations never change: restore the file and add a new migration';
  END IF;
  EXECUTE body;
  INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum) VALUES (v, n, sum);
  RETURN format('V%s %s: applied', v, n);
END
$runner$;`,
    `DO $runner$
DECLARE unknown integer[];
BEGIN
  SELECT array_agg(version ORDER BY version) INTO unknown FROM ${MIGRATIONS_TABLE} WHERE version <> ALL (ARRAY[${versions}]::integer[]);
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION 'the database has migrations % that the repository does not', unknown
      USING HINT = 'a migration was deleted or renumbered; migrations are only ever added';
  END IF;
END
$runner$;`,
    ...sorted.map((m) => `SELECT pg_temp.apply_migration(${m.version}, '${m.name}', ${MIGRATION_QUOTE}${m.sql}${MIGRATION_QUOTE});`),
    'COMMIT;',
    '',
  ].join('\n');
}

/** The psql variable and environment variable carrying a principal's object id (from its Key Vault secret) into principals.sql. */
export function objectIdVariable(role: string, objectIdSecret: string): { variable: string; env: string } {
  return { variable: role.replace(/-/g, '_'), env: objectIdSecret.replace(/-/g, '_').toUpperCase() };
}

/**
 * Maps each audit identity's Entra ID principal to a PostgreSQL role named like the identity, in
 * the `postgres` database, where Azure Database for PostgreSQL Flexible Server provides
 * `pgaadauth_create_principal_with_oid(roleName, objectId, objectType, isAdmin, isMfa)`
 * (learn.microsoft.com: how-to-manage-azure-ad-users). Object ids come in as psql variables
 * (`-v <name>=<object id>`) from the identities' Key Vault secrets. Vanilla PostgreSQL has no
 * such function, so tests cannot run this part; they create plain roles of the same names.
 */
export function entraPrincipalScript(principals: readonly { role: string; variable: string }[]): string {
  return [
    ...principals.map(
      (p) =>
        `SELECT pg_catalog.pgaadauth_create_principal_with_oid('${p.role}', :'${p.variable}', 'service', false, false) WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${p.role}');`,
    ),
    '',
  ].join('\n');
}

/** Grants each principal its audit group role (in the audit database, after the migrations). */
export function roleGrantsScript(grants: readonly { role: string; group: string }[]): string {
  return ['BEGIN;', ...grants.map((g) => `GRANT ${g.group} TO "${g.role}";`), 'COMMIT;', ''].join('\n');
}
