/**
 * The cost ledger against a real PostgreSQL 16 (test/helpers/postgres.ts): the rendered migration
 * script applies migrations/ledger once; the loader's own SQL (the rendered ConfigMap's files)
 * copies a LiteLLM spend log table, built as LiteLLM v1.74.9 builds it, into the ledger, and a
 * reload, a late row and a corrected row never count twice; and the per-tenant row filter holds
 * when a request is set up the way PostgREST sets it up (SET LOCAL ROLE from the token, the claims
 * in request.jwt.claims), with a negative control that shows the filter is what restricts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseAllDocuments } from 'yaml';
import { LEDGER_API, LEDGER_APP_ROLE, LEDGER_IDENTITIES, LEDGER_ROLES, LEDGER_SOURCES, TASK_ID } from '../../catalog/ledger';
import { LEDGER_LOAD_CRONJOB, LEDGER_LOAD_OVERLAP, LEDGER_MIGRATE_JOB } from '../../charts/ledger/chart';
import { LEDGER_EXPORTER, LEDGER_TOTALS_QUERY } from '../../charts/ledger/exporter';
import { ENTRA_SH, LOAD_SH, routerGrantSql, SCRIPTS_DIR, SPEND_LOG_COLUMNS, TOKENS_DIR, WORK_DIR } from '../../charts/ledger/scripts';
import { tenantGroupsScript } from '../../charts/ledger/sql';
import { migrationScript } from '../../charts/audit/migration-script';
import { ledgerDashboardName, ledgerFolder } from '../../charts/observability/ledger-dashboards';
import { LEDGER_MIGRATIONS_DIR, loadMigrations } from '../../config/audit-migrations';
import { loadInputs } from '../../config/inputs';
import { GATEWAY_PROXY_PEER } from '../../charts/workloads/common';
import { createEntraAdmin, runAs, startPostgres, type TestPostgres } from '../helpers/postgres';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;
const objects = (env: string, app: string): Obj[] => parseAllDocuments(readFileSync(join(ROOT, `rendered/${env}/${app}/manifests.yaml`), 'utf8')).map((d) => d.toJS()).filter(Boolean);
function renderedFile(configMap: string, key: string): string {
  const text = objects('dev', 'ledger').find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMap)?.data?.[key];
  assert.ok(text, `rendered/dev/ledger: ConfigMap ${configMap} has no ${key}`);
  return text;
}
/** psql's :'name' and :name interpolation. */
const interpolate = (sql: string, vars: Record<string, string>) =>
  sql.replace(/:'(\w+)'/g, (_, k: string) => `'${vars[k].replace(/'/g, "''")}'`).replace(/(?<!:):(\w+)\b/g, (m, k: string) => (k in vars ? vars[k] : m));

const MIGRATOR = LEDGER_IDENTITIES.migrator.name;
const LOADER = LEDGER_IDENTITIES.loader.name;
const AUTHENTICATOR = LEDGER_IDENTITIES.api.name;
const PASSWORD = 'test-only';
const DIRECTORY = '0f1e2d3c-4b5a-4968-8776-655443322110';
const ISSUER = `https://login.microsoftonline.com/${DIRECTORY}/v2.0`;
const GROUPS = { acme: '11111111-2222-4333-8444-555555555555', globex: '66666666-7777-4888-8999-aaaaaaaaaaaa' };

describe('cost ledger on a real PostgreSQL', () => {
  let pg: TestPostgres;
  let admin: Client;
  let ledger: Client;
  let router: Client;
  const migrations = loadMigrations(LEDGER_MIGRATIONS_DIR);
  const work = mkdtempSync(join(tmpdir(), 'ledger-'));
  chmodSync(work, 0o755);

  const session = async (database: string, user = 'postgres', password = PASSWORD) => {
    const c = new Client({ host: '127.0.0.1', port: pg.port, user, password, database });
    await c.connect();
    return c;
  };
  const asMigrator = (sql: string) => runAs(pg, 'ledger', MIGRATOR, sql);
  const spendLog = (id: string, team: string | null, start: string, extra: { spend?: number; tags?: string[]; metadata?: Obj; model?: string; seconds?: number } = {}) =>
    router.query(
      `INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, api_key, spend, total_tokens, prompt_tokens, completion_tokens, "startTime", "endTime", model, model_group, team_id, request_tags, metadata, messages, requester_ip_address)
       VALUES ($1, 'acompletion', 'hashed', $2, 150, 100, 50, $3::timestamp, $3::timestamp + make_interval(secs => $4), 'hosted_vllm/meta-llama/Llama-3.1-8B-Instruct', $5, $6, $7::jsonb, $8::jsonb, '{"secret":"prompt"}', '10.0.0.1')`,
      [id, extra.spend ?? 0.002, start, extra.seconds ?? 1.5, extra.model ?? 'llama-3-1-8b-instruct', team, JSON.stringify(extra.tags ?? []), JSON.stringify(extra.metadata ?? {})],
    );

  /**
   * One loader run with the rendered files (load.sh's loop, here in the test): since.sql, then
   * extract.sql on the router and load.sql on the ledger per batch, both as the loader's login.
   * psql's `\copy ... FROM '<file>'` runs as the server-side COPY with the same options (the test's
   * server reads the batch file), `\o` captures the cursor query.
   */
  async function loaderRun(batchRows = 5000): Promise<{ batches: number; results: string[] }> {
    const routerAs = await session('router', LOADER);
    const ledgerAs = await session('ledger', LOADER);
    const superLedger = await pg.client('ledger');
    try {
      // As text, the way psql -At prints it.
      const since = (await ledgerAs.query({ text: interpolate(renderedFile(LEDGER_LOAD_CRONJOB, 'since.sql'), { overlap: LEDGER_LOAD_OVERLAP }), types: { getTypeParser: () => (v: string) => v } } as any)).rows[0];
      let afterTime = String(Object.values(since)[0]);
      let afterId = '';
      const results: string[] = [];
      let batches = 0;
      for (;;) {
        const rows = (await routerAs.query(interpolate(renderedFile(LEDGER_LOAD_CRONJOB, 'extract.sql'), { after_time: afterTime, after_id: afterId, batch_rows: String(batchRows) }))).rows;
        if (rows.length === 0) break;
        const file = join(work, 'batch.jsonl');
        writeFileSync(file, rows.map((r) => `${Object.values(r)[0]}\n`).join(''), { mode: 0o644 });
        // The loader's session runs the transaction; the COPY from the file is the superuser's (server side).
        let capture = false;
        for (const line of renderedFile(LEDGER_LOAD_CRONJOB, 'load.sql').split('\n').filter((l) => l.trim() !== '')) {
          const copy = /^\\copy (\S+) \((\w+)\) FROM '([^']+)' WITH (.+)$/.exec(line);
          if (copy) {
            assert.equal(copy[3], `${WORK_DIR}/batch.jsonl`);
            // The temp table is the loader session's; the same COPY options load it from there.
            const staged = (await superLedger.query(`SELECT $1::text[] AS lines`, [readFileSync(file, 'utf8').split('\n').filter(Boolean)])).rows[0].lines as string[];
            const check = await superLedger.query(`CREATE TEMP TABLE copy_check (doc jsonb NOT NULL); COPY copy_check (doc) FROM '${file}' WITH ${copy[4]}; SELECT doc::text FROM copy_check; DROP TABLE copy_check;`);
            const copied = (check as any)[2].rows.map((r: Obj) => r.doc);
            assert.equal(copied.length, staged.length, 'the COPY options split the batch into its lines');
            await ledgerAs.query(`INSERT INTO ${copy[1]} (${copy[2]}) SELECT unnest($1::text[])::jsonb`, [copied]);
            continue;
          }
          if (line.startsWith('\\o')) {
            capture = line.trim() !== '\\o';
            continue;
          }
          const r = await ledgerAs.query({ text: line, rowMode: 'array' });
          if (capture) {
            [afterTime, afterId] = (r.rows[0] as unknown[]).map(String);
          } else if (r.rows?.[0] && line.includes('merge_router_spend_logs')) results.push(String((r.rows[0] as unknown[])[0]));
        }
        batches += 1;
        if (rows.length < batchRows) break;
      }
      return { batches, results };
    } finally {
      await routerAs.end();
      await ledgerAs.end();
      await superLedger.end();
    }
  }
  const totals = async () => (await ledger.query(`SELECT count(*)::int AS rows, sum(cost)::text AS cost, sum(input_tokens)::int AS input, sum(output_tokens)::int AS output FROM ledger.usage`)).rows[0];

  before(async () => {
    pg = await startPostgres();
    admin = await pg.client();
    await createEntraAdmin(admin, MIGRATOR, 'ledger');
    // The router's database belongs to LiteLLM's login, like on the server.
    await admin.query(`CREATE ROLE litellm LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE DATABASE router OWNER litellm`);
    // Stand-ins for the Entra principals (pgaadauth_create_principal_with_oid does not exist here).
    for (const role of [LOADER, AUTHENTICATOR]) await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${PASSWORD}'`);
    ledger = await pg.client('ledger');
    router = await session('router', 'litellm');
    await router.query(readFileSync(join(ROOT, 'test/fixtures/ledger/litellm-spend-logs.sql'), 'utf8'));
    await router.query(routerGrantSql(LOADER));
  });

  after(async () => {
    await router?.end();
    await ledger?.end();
    await admin?.end();
    await pg?.stop();
  });

  it('the rendered migration script is the one built from migrations/ledger, and applies once', async () => {
    assert.equal(renderedFile(LEDGER_MIGRATE_JOB, 'migrate.sql'), migrationScript(migrations));
    const first = await asMigrator(renderedFile(LEDGER_MIGRATE_JOB, 'migrate.sql'));
    assert.deepEqual(first.filter((l) => l.startsWith('V')), migrations.map((m) => `V${m.version} ${m.name}: applied`));
    const second = await asMigrator(renderedFile(LEDGER_MIGRATE_JOB, 'migrate.sql'));
    assert.deepEqual(second.filter((l) => l.startsWith('V')), migrations.map((m) => `V${m.version} ${m.name}: already applied`));
    await asMigrator(renderedFile(LEDGER_MIGRATE_JOB, 'grants.sql'));
    // The rendered tenants.sql is the one built from dev's tenants; the test maps its own two.
    const { tenants, environments } = loadInputs();
    const dev = environments.find((e) => e.name === 'dev')!;
    const devGroups = tenants.filter((t) => !t.spec.retired && t.spec.environments.includes('dev')).map((t) => ({ tenant: t.metadata.name, groupObjectId: t.spec.owners.entraGroupObjectId }));
    assert.equal(renderedFile(LEDGER_MIGRATE_JOB, 'tenants.sql'), tenantGroupsScript(devGroups, dev.ledger!.entraTenantId));
    await asMigrator(tenantGroupsScript(Object.entries(GROUPS).map(([tenant, groupObjectId]) => ({ tenant, groupObjectId })), DIRECTORY));
  });

  it('the loader reads only the columns the router owner granted: no prompts, no addresses', async () => {
    const routerAs = await session('router', LOADER);
    try {
      await assert.rejects(routerAs.query(`SELECT messages FROM "LiteLLM_SpendLogs"`), /permission denied/);
      await assert.rejects(routerAs.query(`SELECT requester_ip_address FROM "LiteLLM_SpendLogs"`), /permission denied/);
      await routerAs.query(`SELECT ${SPEND_LOG_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "LiteLLM_SpendLogs"`);
    } finally {
      await routerAs.end();
    }
  });

  describe('loading the router spend logs', () => {
    before(async () => {
      await spendLog('req-a1', 'acme', '2026-11-30 10:00:00', { metadata: { spend_logs_metadata: { [TASK_ID.metadataKey]: 'wf-123' } } });
      await spendLog('req-a2', 'acme', '2026-11-30 10:01:00', { tags: ['env:dev', `${TASK_ID.tagPrefix}wf-123`], spend: 0.003 });
      await spendLog('req-a3', 'acme', '2026-11-30 10:02:00', { tags: [`${TASK_ID.tagPrefix}bad id with spaces`] });
      await spendLog('req-g1', 'globex', '2026-11-30 10:03:00', { metadata: { spend_logs_metadata: { [TASK_ID.metadataKey]: 'wf-9' } }, tags: [`${TASK_ID.tagPrefix}ignored`], model: 'qwen2-5-coder-32b-instruct', seconds: 12.25 });
      // The router's own call with the master key: no team, no tenant.
      await spendLog('req-x1', null, '2026-11-30 10:04:00');
      // JSON a COPY in text format would mangle: backslashes, quotes, a newline in a string.
      await spendLog('req-g2', 'globex', '2026-11-30 10:05:00', { metadata: { spend_logs_metadata: { note: 'C:\\path "quoted"\nnext line' } } });
    });

    it('maps every tenant row once, with task ids from the metadata or a task: tag', async () => {
      const run = await loaderRun();
      assert.deepEqual(run.results, ['inserted=5 updated=0 skipped=1']);
      const rows = (await ledger.query(`SELECT source_id, tenant, task_id, model, input_tokens, output_tokens, runtime_seconds::text, cost::text, currency, source FROM ledger.usage ORDER BY source_id`)).rows;
      assert.deepEqual(
        rows.map((r) => [r.source_id, r.tenant, r.task_id, r.model]),
        [
          ['req-a1', 'acme', 'wf-123', 'llama-3-1-8b-instruct'],
          ['req-a2', 'acme', 'wf-123', 'llama-3-1-8b-instruct'],
          ['req-a3', 'acme', null, 'llama-3-1-8b-instruct'],
          ['req-g1', 'globex', 'wf-9', 'qwen2-5-coder-32b-instruct'],
          ['req-g2', 'globex', null, 'llama-3-1-8b-instruct'],
        ],
      );
      const g1 = rows.find((r) => r.source_id === 'req-g1')!;
      assert.deepEqual([g1.input_tokens, g1.output_tokens, g1.runtime_seconds, g1.currency, g1.source], ['100', '50', '12.250', 'USD', LEDGER_SOURCES.routerSpendLog]);
      assert.equal(rows.find((r) => r.source_id === 'req-a2')!.cost, '0.0030000000');
      const mark = (await ledger.query(`SELECT high_water AT TIME ZONE 'UTC' AS t FROM ledger.watermarks WHERE source = 'router-spend-log'`)).rows[0].t as Date;
      assert.equal(mark.toISOString(), '2026-11-30T10:05:00.000Z');
    });

    it('a rerun changes nothing: the overlap is re-read and upserted, never added', async () => {
      const before = await totals();
      const run = await loaderRun();
      assert.deepEqual(run.results, ['inserted=0 updated=0 skipped=1']);
      assert.deepEqual(await totals(), before);
    });

    it('a row written late (older than the watermark, within the overlap) is picked up; one older than the overlap is not', async () => {
      await spendLog('req-late', 'acme', '2026-11-30 09:30:00');
      await spendLog('req-ancient', 'acme', '2026-11-30 07:00:00');
      await loaderRun();
      const ids = (await ledger.query(`SELECT source_id FROM ledger.usage WHERE source_id IN ('req-late', 'req-ancient')`)).rows.map((r) => r.source_id);
      assert.deepEqual(ids, ['req-late']);
    });

    it('a corrected spend log row updates its ledger row instead of adding one', async () => {
      const before = await totals();
      await router.query(`UPDATE "LiteLLM_SpendLogs" SET spend = 0.5 WHERE request_id = 'req-a1'`);
      const run = await loaderRun();
      assert.deepEqual(run.results, ['inserted=0 updated=1 skipped=1']);
      const after = await totals();
      assert.equal(after.rows, before.rows);
      assert.equal(Number(after.cost) - Number(before.cost), 0.5 - 0.002);
    });

    it('small batches page through the same rows (keyset on start time and request id)', async () => {
      const before = await totals();
      const run = await loaderRun(2);
      assert.ok(run.batches >= 3, `expected several batches, got ${run.batches}`);
      assert.deepEqual(await totals(), before);
    });
  });

  describe('the API as PostgREST runs it: role from the token, claims in request.jwt.claims', () => {
    const claims = (groups: string[], iss = ISSUER) => JSON.stringify({ iss, aud: 'ledger-app', oid: '0e0e0e0e-0000-4000-8000-000000000001', roles: [LEDGER_APP_ROLE], groups });
    /** One request: PostgREST's transaction on its authenticator login. */
    async function request(role: string, claimsJson: string | null, sql: string): Promise<Obj[]> {
      const c = await session('ledger', AUTHENTICATOR);
      try {
        await c.query('BEGIN');
        await c.query(`SET LOCAL ROLE ${role}`);
        if (claimsJson !== null) await c.query(`SELECT set_config('request.jwt.claims', $1, true)`, [claimsJson]);
        const r = await c.query(sql);
        await c.query('COMMIT');
        return r.rows;
      } finally {
        await c.end();
      }
    }
    const tenantsSeen = async (claimsJson: string | null, view = 'usage') =>
      [...new Set((await request(LEDGER_ROLES.reader, claimsJson, `SELECT tenant FROM ledger_api.${view}`)).map((r) => r.tenant))].sort();

    it("a token with tenant A's owners group sees only A's rows, in every view", async () => {
      for (const view of ['usage', 'tasks', 'daily']) {
        assert.deepEqual(await tenantsSeen(claims([GROUPS.acme]), view), ['acme'], view);
        assert.deepEqual(await tenantsSeen(claims([GROUPS.globex]), view), ['globex'], view);
      }
      assert.deepEqual(await tenantsSeen(claims([GROUPS.acme, GROUPS.globex])), ['acme', 'globex']);
      const tasks = await request(LEDGER_ROLES.reader, claims([GROUPS.acme]), `SELECT task_id, calls::int FROM ledger_api.tasks`);
      assert.deepEqual(tasks, [{ task_id: 'wf-123', calls: 2 }]);
    });

    it('no groups, an unknown group, another directory or no claims: nothing', async () => {
      assert.deepEqual(await tenantsSeen(claims([])), []);
      assert.deepEqual(await tenantsSeen(claims(['99999999-9999-4999-8999-999999999999'])), []);
      assert.deepEqual(await tenantsSeen(claims([GROUPS.acme], 'https://login.microsoftonline.com/ffffffff-ffff-4fff-8fff-ffffffffffff/v2.0')), []);
      assert.deepEqual(await tenantsSeen(null), []);
    });

    it('negative control: without row-level security the same token sees every tenant', async () => {
      await ledger.query('ALTER TABLE ledger.usage DISABLE ROW LEVEL SECURITY');
      try {
        assert.deepEqual(await tenantsSeen(claims([GROUPS.acme])), ['acme', 'globex']);
      } finally {
        await ledger.query('ALTER TABLE ledger.usage ENABLE ROW LEVEL SECURITY');
      }
      assert.deepEqual(await tenantsSeen(claims([GROUPS.acme])), ['acme']);
    });

    it('the anonymous role and the authenticator itself read nothing; the reader cannot write or read the mapping', async () => {
      await assert.rejects(request(LEDGER_ROLES.anonymous, claims([GROUPS.acme]), 'SELECT * FROM ledger_api.usage'), /permission denied/);
      const c = await session('ledger', AUTHENTICATOR);
      try {
        await assert.rejects(c.query('SELECT * FROM ledger_api.usage'), /permission denied/);
        await assert.rejects(c.query('SELECT * FROM ledger.usage'), /permission denied/);
      } finally {
        await c.end();
      }
      await assert.rejects(request(LEDGER_ROLES.reader, claims([GROUPS.acme]), `DELETE FROM ledger.usage`), /permission denied/);
      await assert.rejects(request(LEDGER_ROLES.reader, claims([GROUPS.acme]), `SELECT * FROM ledger.tenant_groups`), /permission denied/);
      // The authenticator cannot become the loader or the metrics role.
      await assert.rejects(request(LEDGER_ROLES.loader, null, 'SELECT 1'), /permission denied to set role/);
    });

    it('the route\'s health path: PostgREST\'s OpenAPI root works for the anonymous role and lists nothing; the reader sees the three views', async () => {
      // The query PostgREST v16.2 runs for GET / (Query/SqlFragment.hs accessibleTables), as the request's role.
      const accessible = `SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v','r','m','f','p') AND c.relnamespace = 'ledger_api'::regnamespace
        AND (pg_has_role(c.relowner, 'USAGE') OR has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') OR has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))
        AND NOT c.relispartition ORDER BY 1`;
      assert.deepEqual(await request(LEDGER_ROLES.anonymous, null, accessible), []);
      assert.deepEqual((await request(LEDGER_ROLES.reader, null, accessible)).map((r) => r.table_name), ['daily', 'tasks', 'usage']);
    });

    it("the metrics role reads every tenant's totals through the exporter query, nothing else", async () => {
      await admin.query(`CREATE ROLE ledger_exporter_login LOGIN PASSWORD '${PASSWORD}' IN ROLE ${LEDGER_ROLES.metrics}`);
      const c = await session('ledger', 'ledger_exporter_login');
      try {
        const rows = (await c.query(LEDGER_TOTALS_QUERY)).rows;
        assert.deepEqual([...new Set(rows.map((r) => r.tenant))].sort(), ['acme', 'globex']);
        const sum = rows.reduce((a, r) => a + Number(r.cost), 0);
        assert.equal(sum.toFixed(10), Number((await totals()).cost).toFixed(10));
        await assert.rejects(c.query('SELECT * FROM ledger.tenant_groups'), /permission denied/);
        await assert.rejects(c.query('INSERT INTO ledger.watermarks (source, high_water) VALUES ($1, now())', ['orchestrator-task']), /permission denied/);
      } finally {
        await c.end();
      }
    });
  });
});

describe('cost ledger: generated SQL and rendered objects', () => {
  it('the tenant mapping refuses anything but tenant names and UUIDs', () => {
    assert.throws(() => tenantGroupsScript([{ tenant: "acme'; DROP TABLE x; --", groupObjectId: '11111111-2222-4333-8444-555555555555' }], DIRECTORY), /not a tenant name and group object id/);
    assert.throws(() => tenantGroupsScript([{ tenant: 'acme', groupObjectId: 'not-a-uuid' }]), /not-a-uuid/);
    assert.throws(() => tenantGroupsScript([], 'directory'), /directory/);
    assert.match(tenantGroupsScript([], undefined), /DELETE FROM ledger\.api_settings;/);
  });

  it('PostgREST validates Entra ID tokens of the environment app registration and takes the role from its roles claim', () => {
    const dev = loadInputs().environments.find((e) => e.name === 'dev')!;
    const deployment = objects('dev', 'ledger').find((o) => o.kind === 'Deployment' && o.metadata.name === LEDGER_API.name);
    assert.ok(deployment, `no ${LEDGER_API.name} Deployment`);
    const spec = deployment.spec.template.spec;
    const envOf = Object.fromEntries(spec.containers.find((c: Obj) => c.name === 'postgrest').env.map((e: Obj) => [e.name, e.value]));
    assert.equal(envOf.PGRST_JWT_AUD, dev.ledger!.appId);
    assert.equal(envOf.PGRST_JWT_ROLE_CLAIM_KEY, `$.roles[?(@ == "${LEDGER_APP_ROLE}")]`);
    assert.equal(envOf.PGRST_DB_ANON_ROLE, LEDGER_ROLES.anonymous);
    assert.equal(envOf.PGRST_DB_SCHEMAS, 'ledger_api');
    assert.match(envOf.PGRST_DB_URI, /^postgres:\/\/ledger-api@[^:/]+:5432\/ledger\?sslmode=verify-full&sslrootcert=/);
    assert.equal(envOf.PGRST_JWT_SECRET, `@${envOf.PGPASSFILE.replace(/pgpass$/, 'jwks.json')}`);
    const sidecar = spec.containers.find((c: Obj) => c.name === 'entra');
    assert.equal(sidecar.env.find((e: Obj) => e.name === 'JWKS_URL').value, `https://login.microsoftonline.com/${dev.ledger!.entraTenantId}/discovery/v2.0/keys`);
    assert.equal(spec.shareProcessNamespace, true);
  });

  it('only the Gateway proxies reach the API port; the Jobs only egress; the route resolves to the API Service', () => {
    const ledgerObjs = objects('dev', 'ledger');
    const apiPolicy = ledgerObjs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === LEDGER_API.name)!;
    const apiRule = apiPolicy.spec.ingress.find((r: Obj) => r.ports.some((p: Obj) => p.port === LEDGER_API.httpPort));
    assert.deepEqual(apiRule.from, [GATEWAY_PROXY_PEER]);
    for (const job of [LEDGER_MIGRATE_JOB, LEDGER_LOAD_CRONJOB]) {
      const p = ledgerObjs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === job)!;
      assert.deepEqual(p.spec.policyTypes, ['Ingress', 'Egress'], job);
      assert.deepEqual(p.spec.ingress ?? [], [], `${job} admits nothing`);
      assert.ok(p.spec.egress.some((r: Obj) => r.ports?.some((x: Obj) => x.port === 5432)), `${job} reaches PostgreSQL`);
    }
    const service = ledgerObjs.find((o) => o.kind === 'Service' && o.metadata.name === LEDGER_API.name)!;
    const route = objects('dev', 'edge').find((o) => o.kind === 'HTTPRoute' && o.spec.hostnames?.[0]?.startsWith('ledger.'))!;
    assert.ok(route, 'no HTTPRoute for ledger.<zone>');
    const backend = route.spec.rules[0].backendRefs[0];
    assert.equal(backend.name, service.metadata.name);
    assert.equal(route.metadata.namespace, service.metadata.namespace);
    assert.ok(service.spec.ports.some((p: Obj) => p.port === backend.port && p.name === 'http'));
  });

  it('one dashboard per tenant of the environment, in its own folder, querying only that tenant', () => {
    const { tenants } = loadInputs();
    const obs = objects('dev', 'observability');
    const devTenants = tenants.filter((t) => !t.spec.retired && t.spec.environments.includes('dev')).map((t) => t.metadata.name);
    assert.ok(devTenants.length > 0);
    const boards = obs.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('dashboard-ledger-'));
    assert.deepEqual(boards.map((b) => b.metadata.name).sort(), devTenants.map((t) => `dashboard-${ledgerDashboardName(t)}`).sort());
    for (const t of devTenants) {
      const cm = boards.find((b) => b.metadata.name === `dashboard-${ledgerDashboardName(t)}`)!;
      assert.equal(cm.metadata.annotations.grafana_folder, ledgerFolder(t));
      const json = JSON.parse(Object.values(cm.data)[0] as string);
      const exprs: string[] = json.panels.flatMap((p: Obj) => p.targets.map((x: Obj) => x.expr));
      for (const e of exprs) {
        const tenantsQueried = [...e.matchAll(/tenant="([^"]+)"/g)].map((m) => m[1]);
        assert.ok(tenantsQueried.length > 0 && tenantsQueried.every((q) => q === t), `${t}: ${e}`);
        assert.ok(e.includes(`job="${LEDGER_EXPORTER.name}"`), e);
      }
    }
  });
});

describe("cost ledger: the API pod's Entra ID sidecar (sh, stand-in curl and pidof)", () => {
  it('is valid POSIX sh', () => {
    execFileSync('sh', ['-n'], { input: ENTRA_SH });
    assert.throws(() => execFileSync('sh', ['-n'], { input: `${ENTRA_SH}\nif then`, stdio: 'pipe' }));
  });

  it('writes the password file (owner only) and the key set; signals PostgREST only when the keys change; a bad key set keeps the old one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ledger-entra-'));
    const dirs = { tokens: join(root, 'tokens'), bin: join(root, 'bin') };
    for (const d of Object.values(dirs)) mkdirSync(d);
    const keys = join(root, 'keys.json');
    const marker = join(root, 'signals');
    writeFileSync(join(root, 'ca.crt'), 'CA BUNDLE');
    writeFileSync(join(root, 'federated'), 'federated-token');
    // Entra ID: the token endpoint answers with an access token, the keys URL with the file `keys.json`.
    writeFileSync(join(dirs.bin, 'curl'), `#!/bin/sh
out=''; url=''
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2;; https://*) url=$1; shift;; *) shift;; esac; done
case "$url" in
  */oauth2/v2.0/token) echo '{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ.token.sig"}';;
  */discovery/v2.0/keys) cat ${keys} > "$out";;
  *) exit 22;;
esac
`);
    // PostgREST: a process that records every SIGUSR2.
    const postgrest = spawn('sh', ['-c', `trap 'echo usr2 >> ${marker}' USR2; while :; do sleep 0.05; done`], { stdio: 'ignore' });
    writeFileSync(join(dirs.bin, 'pidof'), `#!/bin/sh\n[ "$1" = postgrest ] && echo ${postgrest.pid}\n`);
    for (const f of ['curl', 'pidof']) chmodSync(join(dirs.bin, f), 0o755);
    const script = ENTRA_SH.replaceAll(TOKENS_DIR, dirs.tokens).replaceAll('/etc/ssl/certs/ca-certificates.crt', join(root, 'ca.crt'));
    assert.deepEqual(script.replaceAll(root, 'SANDBOX').match(/(^|[^A-Za-z])\/(tmp|var|run|etc)\//gm), null, 'every path of the script is in the sandbox');
    const env = {
      ...process.env,
      PATH: `${dirs.bin}:${process.env.PATH}`,
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/',
      AZURE_TENANT_ID: DIRECTORY,
      AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000000',
      AZURE_FEDERATED_TOKEN_FILE: join(root, 'federated'),
      JWKS_URL: `https://login.microsoftonline.com/${DIRECTORY}/discovery/v2.0/keys`,
      REFRESH_SECONDS: '1',
    };
    const once = () => execFileSync('sh', ['-c', script, 'entra.sh', 'once'], { env, encoding: 'utf8', stdio: 'pipe' });
    const signals = async () => {
      await new Promise((r) => setTimeout(r, 300));
      try { return readFileSync(marker, 'utf8').split('\n').filter(Boolean).length; } catch { return 0; }
    };
    try {
      writeFileSync(keys, '{"keys":[{"kty":"RSA","kid":"k1","n":"AQAB","e":"AQAB"}]}');
      once();
      assert.equal(readFileSync(join(dirs.tokens, 'pgpass'), 'utf8'), '*:*:*:*:eyJ.token.sig\n');
      assert.equal(statSync(join(dirs.tokens, 'pgpass')).mode & 0o777, 0o600);
      assert.equal(readFileSync(join(dirs.tokens, 'ca.crt'), 'utf8'), 'CA BUNDLE');
      assert.match(readFileSync(join(dirs.tokens, 'jwks.json'), 'utf8'), /"kid":"k1"/);
      assert.equal(await signals(), 1, 'new keys: PostgREST reloads');

      // Unchanged keys: no signal, but the file's time moves on (the probes read it).
      const old = new Date(Date.now() - 2 * 3600_000);
      utimesSync(join(dirs.tokens, 'jwks.json'), old, old);
      once();
      assert.equal(await signals(), 1, 'unchanged keys: no reload');
      assert.ok(statSync(join(dirs.tokens, 'jwks.json')).mtimeMs > old.getTime() + 3600_000, 'touched');

      writeFileSync(keys, '{"keys":[{"kty":"RSA","kid":"k2","n":"AQAB","e":"AQAB"}]}');
      once();
      assert.match(readFileSync(join(dirs.tokens, 'jwks.json'), 'utf8'), /"kid":"k2"/);
      assert.equal(await signals(), 2, 'rotated keys: PostgREST reloads');

      writeFileSync(keys, '<html>maintenance</html>');
      assert.throws(once, /returned no key set/);
      assert.match(readFileSync(join(dirs.tokens, 'jwks.json'), 'utf8'), /"kid":"k2"/, 'the old keys stay');
      assert.equal(await signals(), 2);
    } finally {
      postgrest.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('cost ledger: the loader script (sh, a stand-in psql)', () => {
  it('is valid POSIX sh', () => {
    execFileSync('sh', ['-n'], { input: LOAD_SH });
    assert.throws(() => execFileSync('sh', ['-n'], { input: `${LOAD_SH}\nif then`, stdio: 'pipe' }));
  });

  /** load.sh in a sandbox: psql answers since.sql, returns `rows` lines per extract, and fails the `failAt`th load (0: none). */
  function run(rows: number, failAt: number): { status: number; out: string; loads: number } {
    const root = mkdtempSync(join(tmpdir(), 'ledger-load-'));
    const dirs = { tokens: join(root, 'tokens'), work: join(root, 'work'), bin: join(root, 'bin'), scripts: join(root, 'scripts') };
    for (const d of Object.values(dirs)) mkdirSync(d);
    writeFileSync(join(dirs.tokens, 'postgres'), 'token');
    const loads = join(root, 'loads');
    writeFileSync(join(dirs.bin, 'psql'), `#!/bin/sh
out=''; file=''
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2;; -f) file=$2; shift 2;; *) shift;; esac; done
case "$file" in
  */since.sql) echo '-infinity';;
  */extract.sql) : > "$out"; i=0; while [ $i -lt ${rows} ]; do echo '{"request_id":"r'$i'"}' >> "$out"; i=$((i+1)); done;;
  */load.sql) echo load >> ${loads}; n=$(wc -l < ${loads}); [ "$n" -eq ${failAt} ] && { echo "ERROR: permission denied" >&2; exit 3; }; echo "2026-11-30T10:00:00|r$n" > ${dirs.work}/cursor; echo 'inserted=1 updated=0 skipped=0';;
esac
`);
    chmodSync(join(dirs.bin, 'psql'), 0o755);
    const script = LOAD_SH.replaceAll(TOKENS_DIR, dirs.tokens).replaceAll(WORK_DIR, dirs.work).replaceAll(SCRIPTS_DIR, dirs.scripts);
    assert.deepEqual(script.replaceAll(root, 'SANDBOX').match(/(^|[^A-Za-z])\/(tmp|var|run|etc|work)\//gm), null, 'every path of the script is in the sandbox');
    try {
      const out = execFileSync('sh', ['-c', script], { env: { ...process.env, PATH: `${dirs.bin}:${process.env.PATH}`, OVERLAP: '2 hours', BATCH_ROWS: '3', MAX_BATCHES: '5', ROUTER_DATABASE: 'router' }, encoding: 'utf8', stdio: 'pipe' });
      return { status: 0, out, loads: readFileSync(loads, 'utf8').split('\n').filter(Boolean).length };
    } catch (err: any) {
      return { status: err.status, out: `${err.stdout}${err.stderr}`, loads: readFileSync(loads, 'utf8').split('\n').filter(Boolean).length };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('a failed load stops the run with an error (it does not go on with the last cursor)', () => {
    const r = run(3, 2);
    assert.notEqual(r.status, 0, r.out);
    assert.equal(r.loads, 2);
    assert.match(r.out, /permission denied/);
  });

  it('full batches go on up to MAX_BATCHES; a short batch ends the run', () => {
    assert.equal(run(3, 0).loads, 5);
    const short = run(2, 0);
    assert.equal(short.status, 0, short.out);
    assert.equal(short.loads, 1);
    assert.match(short.out, /loaded 1 batch\(es\)/);
  });
});
