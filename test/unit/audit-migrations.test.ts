/**
 * The audit schema against a real PostgreSQL (test/helpers/postgres.ts, the major version the
 * environments run): the migration script applies migrations/audit once, a second run is a
 * no-op, an edited or deleted applied migration fails the run and changes nothing, and the roles
 * get exactly their privileges: writers append and read nothing, readers read, the archiver
 * reads and records closed days, and nobody (the owner included) updates, deletes or truncates.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { parseAllDocuments } from 'yaml';
import { ARCHIVE_CRONJOB, MIGRATE_JOB } from '../../charts/audit/chart';
import { AUDIT_IDENTITIES, AUDIT_ROLES, MCP_AUDIT_FIELDS, MCP_AUDIT_WRITER, MIGRATION_QUOTE, type Migration } from '../../catalog/audit';
import { loadMigrations } from '../../config/audit-migrations';
import { ValidationError } from '../../config/yaml-validate';
import { migrationScript, roleGrantsScript } from '../../charts/audit/migration-script';
import { asRole, createEntraAdmin, runAs, startPostgres, type TestPostgres } from '../helpers/postgres';
import { ROOT } from '../helpers/tools';

const MIGRATOR = 'audit-migrator';

/** A file of a rendered ConfigMap of a dev app (the audit app unless said): the tests run what the cluster runs. */
function renderedFile(configMap: string, key: string, app = 'audit'): string {
  const objects = parseAllDocuments(readFileSync(join(ROOT, `rendered/dev/${app}/manifests.yaml`), 'utf8')).map((d) => d.toJS());
  const text = objects.find((o) => o?.kind === 'ConfigMap' && o.metadata.name === configMap)?.data?.[key];
  assert.ok(text, `rendered/dev/${app}: ConfigMap ${configMap} has no ${key}`);
  return text;
}
/** psql's :'name' interpolation, for the one script the test runs through the pg client. */
const interpolate = (sql: string, vars: Record<string, string>) => sql.replace(/:'(\w+)'/g, (_, k: string) => `'${vars[k].replace(/'/g, "''")}'`);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
type Obj = Record<string, any>;

describe('audit migrations on a real PostgreSQL', () => {
  let pg: TestPostgres;
  let admin: Client;
  let db: Client;
  const migrations = loadMigrations();

  /** Runs `sql` in the audit database as the migrator in a session of its own (what the Job does with psql), returning its rows' first column. */
  const asMigrator = (sql: string) => runAs(pg, 'audit', MIGRATOR, sql);

  const as = <T>(role: string, fn: () => Promise<T>): Promise<T> => asRole(db, role, fn);

  const ledger = async () => (await db.query('SELECT version, name, checksum, applied_at FROM public.schema_migrations ORDER BY version')).rows;

  before(async () => {
    pg = await startPostgres();
    admin = await pg.client();
    await createEntraAdmin(admin, MIGRATOR, 'audit');
    db = await pg.client('audit');
  });

  after(async () => {
    await db?.end();
    await admin?.end();
    await pg?.stop();
  });

  it('the rendered migration script is the one built from migrations/audit', () => {
    assert.equal(renderedFile(MIGRATE_JOB, 'migrate.sql'), migrationScript(migrations));
  });

  it('applies every migration in order, once, recording the checksum PostgreSQL computed', async () => {
    const out = await asMigrator(renderedFile(MIGRATE_JOB, 'migrate.sql'));
    assert.deepEqual(out.filter((l) => l.startsWith('V')), migrations.map((m) => `V${m.version} ${m.name}: applied`));
    const rows = await ledger();
    assert.deepEqual(rows.map((r) => r.version), migrations.map((m) => m.version));
    const { createHash } = await import('node:crypto');
    assert.deepEqual(rows.map((r) => r.checksum), migrations.map((m) => createHash('sha256').update(m.sql).digest('hex')));
  });

  it('a second run is a no-op', async () => {
    const before = await ledger();
    const out = await asMigrator(renderedFile(MIGRATE_JOB, 'migrate.sql'));
    assert.deepEqual(out.filter((l) => l.startsWith('V')), migrations.map((m) => `V${m.version} ${m.name}: already applied`));
    assert.deepEqual(await ledger(), before);
  });

  it('an edited applied migration fails the run loudly, and the new migration of the same run is not applied', async () => {
    const edited = migrations.map((m) => (m.version === 2 ? { ...m, sql: m.sql.replace('jsonb', 'json') } : m));
    const next: Migration = { version: migrations.length + 1, name: 'probe', file: 'V9999__probe.sql', sql: 'CREATE TABLE audit.probe (x int);' };
    await assert.rejects(asMigrator(migrationScript([...edited, next])), /migration V2 \(events\) was applied with checksum [0-9a-f]{64}, but the file now has [0-9a-f]{64}/);
    assert.equal((await db.query(`SELECT to_regclass('audit.probe') AS t`)).rows[0].t, null);
    assert.equal((await ledger()).length, migrations.length);
  });

  it('a deleted applied migration is refused', async () => {
    await assert.rejects(asMigrator(migrationScript(migrations.slice(0, -1))), new RegExp(`the database has migrations \\{${migrations.length}\\} that the repository does not`));
  });

  describe('roles', () => {
    before(async () => {
      // Stand-ins for the Entra principals: on Azure, pgaadauth_create_principal_with_oid creates
      // these login roles (entraPrincipalScript); vanilla PostgreSQL has no such function, so the
      // test creates plain roles of the same names and runs the real grant script on them.
      for (const id of Object.values(AUDIT_IDENTITIES)) if (id.role !== 'entra-admin') await admin.query(`CREATE ROLE "${id.name}" LOGIN`);
      await admin.query(`CREATE ROLE auditor LOGIN`);
      await asMigrator(renderedFile(MIGRATE_JOB, 'grants.sql'));
      await asMigrator(roleGrantsScript([{ role: 'auditor', group: AUDIT_ROLES.reader }]));
    });

    const writer = AUDIT_IDENTITIES.gatewayWriter.name;
    const hub = AUDIT_IDENTITIES.mcpHubWriter.name;
    const archiver = AUDIT_IDENTITIES.archiver.name;
    const insert = (occurredAt: string, tool = 'createTask', source = 'agent-gateway') =>
      db.query(
        `INSERT INTO audit.events (occurred_at, actor_oid, actor_upn, tenant, source, tool, action, decision, reason, trace_id, span_id, request)
         VALUES ($1, '6a1f2c3d-4b5e-4f60-8a71-92b3c4d5e6f7', 'dev@acme.example', 'acme-search', $3, $2, 'invoke', 'allow', NULL, $4, '00f067aa0ba902b7', '{"method":"POST","path":"/api/v1/tasks"}')`,
        [occurredAt, tool, source, TRACE],
      );
    const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

    it('writers append and cannot read, change, delete or truncate', async () => {
      await as(writer, () => insert(`${yesterday()}T12:00:00Z`));
      await as(hub, () => insert(`${yesterday()}T13:00:00Z`, 'repo.search', 'mcp-hub'));
      for (const [sql, what] of [
        ['SELECT count(*) FROM audit.events', 'read'],
        [`UPDATE audit.events SET decision = 'deny'`, 'update'],
        ['DELETE FROM audit.events', 'delete'],
        ['TRUNCATE audit.events', 'truncate'],
        ['SELECT * FROM audit.archived_days', 'read the ledger'],
        [`SELECT audit.record_archived_day(current_date - 1, 'events/2000/01/01.jsonl.gz', 0, repeat('0', 64))`, 'record archives'],
        ['SELECT * FROM public.schema_migrations', 'read the migrations ledger'],
      ]) {
        await assert.rejects(as(writer, () => db.query(sql)), /permission denied/, `a writer must not ${what}`);
      }
      await assert.rejects(as(writer, () => insert(`${yesterday()}T12:00:00Z`, 'createTask', 'someone-else')), /violates check constraint/);
    });

    it('nobody updates, deletes or truncates events, the owner included', async () => {
      await assert.rejects(asMigrator(`UPDATE audit.events SET decision = 'deny'`), /append-only: UPDATE/);
      await assert.rejects(asMigrator('DELETE FROM audit.events'), /append-only: DELETE/);
      await assert.rejects(asMigrator('TRUNCATE audit.events'), /append-only: TRUNCATE/);
      assert.equal((await db.query('SELECT count(*)::int AS n FROM audit.events')).rows[0].n, 2);
    });

    it('readers read and cannot write', async () => {
      const n = await as('auditor', async () => (await db.query('SELECT count(*)::int AS n FROM audit.events')).rows[0].n);
      assert.equal(n, 2);
      await assert.rejects(as('auditor', () => insert(`${yesterday()}T12:00:00Z`)), /permission denied/);
    });

    it('the runbook query by trace id runs as a reader and finds the request across sources', async () => {
      const runbook = readFileSync(join(ROOT, 'docs/runbooks/audit.md'), 'utf8');
      const query = /```sql\n(-- by trace id[\s\S]*?)```/.exec(runbook)?.[1];
      assert.ok(query, 'docs/runbooks/audit.md has a ```sql block starting with "-- by trace id"');
      const rows = await as('auditor', async () => (await db.query(query.replace(":'trace_id'", `'${TRACE}'`))).rows);
      assert.deepEqual(rows.map((r) => [r.source, r.tool, r.decision]), [['agent-gateway', 'createTask', 'allow'], ['mcp-hub', 'repo.search', 'allow']]);
    });

    it("the archiver's export of a day is every event of it as JSON lines, in order, byte-identical on a rerun", async () => {
      const sql = interpolate(renderedFile(ARCHIVE_CRONJOB, 'export-day.sql'), { day: yesterday() });
      const run = async () => as(archiver, async () => (await db.query(sql)).rows.map((r) => Object.values(r)[0] as string));
      const lines = await run();
      assert.deepEqual(await run(), lines);
      const events = lines.map((l) => JSON.parse(l));
      assert.deepEqual(events.map((e) => [e.source, e.tool, e.trace_id, e.request.path]), [['agent-gateway', 'createTask', TRACE, '/api/v1/tasks'], ['mcp-hub', 'repo.search', TRACE, '/api/v1/tasks']]);
      assert.deepEqual(Object.keys(events[0]), ['id', 'occurred_at', 'recorded_at', 'actor_oid', 'actor_upn', 'tenant', 'source', 'tool', 'action', 'decision', 'reason', 'trace_id', 'span_id', 'request']);
      assert.deepEqual(await as(archiver, async () => (await db.query(interpolate(renderedFile(ARCHIVE_CRONJOB, 'export-day.sql'), { day: '2001-01-01' }))).rows), []);
    });

    it('the archiver lists closed days, records one only with the true row count, once, and never today', async () => {
      const day = yesterday();
      const blob = `events/${day.replace(/-/g, '/')}.jsonl.gz`;
      const sha = 'a'.repeat(64);
      await as(archiver, async () => {
        assert.ok((await db.query('SELECT day::text FROM audit.days_to_archive')).rows.some((r) => r.day === day));
        await assert.rejects(db.query('SELECT audit.record_archived_day($1, $2, 5, $3)', [day, blob, sha]), /has 2 events, the blob .* has 5/);
      });
      await as(archiver, async () => {
        assert.equal((await db.query('SELECT audit.record_archived_day($1, $2, 2, $3) AS r', [day, blob, sha])).rows[0].r, true);
        assert.equal((await db.query('SELECT audit.record_archived_day($1, $2, 2, $3) AS r', [day, blob, sha])).rows[0].r, false);
        assert.ok(!(await db.query('SELECT day::text FROM audit.days_to_archive')).rows.some((r) => r.day === day));
      });
      await assert.rejects(as(archiver, () => db.query('SELECT audit.record_archived_day($1, $2, 2, $3)', [day, blob, 'b'.repeat(64)])), /already archived/);
      await assert.rejects(as(archiver, () => db.query(`SELECT audit.record_archived_day((now() AT TIME ZONE 'UTC')::date, 'events/2999/01/01.jsonl.gz', 0, $1)`, [sha])), /has not ended/);
      await assert.rejects(as(archiver, () => db.query('DELETE FROM audit.archived_days')), /permission denied/);
      await assert.rejects(as(archiver, () => insert(`${day}T12:00:00Z`)), /permission denied/);
    });

    it('months ahead have partitions; an event outside them still lands in the default partition', async () => {
      const parts = (await db.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit.events'::regclass ORDER BY 1`)).rows.map((r) => r.relname);
      const month = (offset: number) => { const d = new Date(); d.setUTCDate(1); d.setUTCMonth(d.getUTCMonth() + offset); return `events_${d.toISOString().slice(0, 7).replace('-', '_')}`; };
      for (const m of [month(0), month(1), month(2)]) assert.ok(parts.includes(m), `${m} in ${parts}`);
      // Counted before and after: earlier events of this file land there too when they fall in the month before
      // this one (yesterday, on the first of a month), since the migration makes this month and the next two.
      const inDefault = async () => (await db.query('SELECT count(*)::int AS n FROM audit.events_default')).rows[0].n as number;
      const before = await inDefault();
      await as(writer, () => insert('2099-01-01T00:00:00Z'));
      assert.equal(await inDefault(), before + 1);
    });

    describe("the MCP hub's loader", () => {
      // What the loader sends: the rendered load.sql with its batch file as the :'lines' value.
      const loadSql = () => renderedFile(MCP_AUDIT_WRITER.name, 'load.sql', 'mcp-hub').split('\n').filter((l) => !l.startsWith('\\')).join('\n');
      const load = (lines: string[]) => as(hub, async () => Number(Object.values((await db.query(interpolate(loadSql(), { lines: lines.join('\n') }))).rows[0])[0]));
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();
      const MCP_TRACE = '0af7651916cd43dd8448eb211c80319c';
      const CALLER = '7b1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
      /** One access-log record as Envoy's OpenTelemetry access logger sends it: the format's keys as string attributes. */
      const record = (fields: Partial<Record<keyof typeof MCP_AUDIT_FIELDS, string>>, extra: Obj = {}) => ({
        timeUnixNano: String(BigInt(new Date(fields.start_time!).getTime()) * 1_000_000n),
        observedTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
        body: {},
        attributes: Object.entries(fields).map(([key, value]) => ({ key, value: { stringValue: value } })),
        ...extra,
      });
      /** One line of the collector's file exporter: an ExportLogsServiceRequest in OTLP/JSON. */
      const line = (...records: Obj[]) =>
        JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'platform-gateway' } }] }, scopeLogs: [{ scope: {}, logRecords: records }] }] });
      const toolCall = record({
        start_time: at(30), duration_ms: '182', response_code: '200', http_method: 'POST', path: '/mcp', route: 'envoy-gateway-system/mcp-acme-search',
        mcp_backend: 'azure-devops', mcp_method: 'tools/call', mcp_tool_name: 'repo_list_pull_requests_by_repo', mcp_request_id: '7',
        caller_oid: CALLER, caller_app: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', request_id: 'b5d1c0de-0000-4000-8000-000000000001',
        client_request_id: 'b5d1c0de-0000-4000-8000-000000000000', traceparent: `00-${MCP_TRACE}-b7ad6b7169203331-01`,
      });
      const forbidden = record({ start_time: at(20), duration_ms: '1', response_code: '403', http_method: 'POST', path: '/tenants/acme-search/mcp', caller_oid: CALLER, request_id: '3f2c9a4e-1b7d-4c2e-9f0a-5d6e7f8a9b0c', route: '-', mcp_method: '-' });
      const anonymous = record({ start_time: at(10), response_code: '401', http_method: 'POST', path: '/tenants/acme-search/mcp', caller_oid: CALLER, request_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' });
      const lines = [line(toolCall), line(forbidden, anonymous)];

      it('maps each record to one event, as the writer, which still reads nothing', async () => {
        assert.equal(await load(lines), 3);
        const rows = (await db.query(`SELECT actor_oid, tenant, source, tool, action, decision, reason, trace_id, span_id, request FROM audit.events WHERE source = 'mcp-hub' AND occurred_at >= $1 ORDER BY occurred_at`, [at(60)])).rows;
        assert.deepEqual(rows.map((r) => [r.actor_oid, r.tenant, r.tool, r.action, r.decision, r.reason]), [
          [CALLER, 'acme-search', 'repo_list_pull_requests_by_repo', 'tools/call', 'allow', null],
          [CALLER, 'acme-search', '-', 'post', 'deny', "the token lacks the tenant's role"],
          // A 401's caller headers can only be the client's own: not trusted.
          ['00000000-0000-0000-0000-000000000000', 'acme-search', '-', 'post', 'deny', 'no valid Entra ID token'],
        ]);
        assert.deepEqual([rows[0].trace_id, rows[0].span_id], [MCP_TRACE, 'b7ad6b7169203331']);
        assert.equal(rows[1].trace_id, '3f2c9a4e1b7d4c2e9f0a5d6e7f8a9b0c', "without trace context, Envoy's request id");
        assert.deepEqual(rows[0].request, { method: 'POST', path: '/mcp', status: 200, duration_ms: 182, mcp_request_id: '7', mcp_backend: 'azure-devops', client_app: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', request_id: 'b5d1c0de-0000-4000-8000-000000000001', client_request_id: 'b5d1c0de-0000-4000-8000-000000000000' });
        await assert.rejects(as(hub, () => db.query(`SELECT count(*) FROM audit.events WHERE source = 'mcp-hub'`)), /permission denied/);
      });

      it('a batch sent again (a commit the loader did not see) adds nothing', async () => {
        assert.equal(await load(lines), 0);
        assert.equal(await load([lines[1]]), 0);
      });

      it('a malformed line fails the whole batch: nothing of it is stored, and the loader retries it', async () => {
        const fresh = line(record({ ...Object.fromEntries(toolCall.attributes.map((a: Obj) => [a.key, a.value.stringValue])), start_time: at(5), request_id: 'c0ffee00-0000-4000-8000-000000000002' }));
        await assert.rejects(load([fresh, '{"resourceLogs": [']), /invalid input syntax for type json/);
        assert.equal(await load([fresh]), 1);
      });

      it('the runbook query by trace id finds the tool call', async () => {
        const runbook = readFileSync(join(ROOT, 'docs/runbooks/audit.md'), 'utf8');
        const query = /```sql\n(-- by trace id[\s\S]*?)```/.exec(runbook)![1];
        const rows = await as('auditor', async () => (await db.query(query.replace(":'trace_id'", `'${MCP_TRACE}'`))).rows);
        assert.deepEqual(rows.map((r) => [r.source, r.tenant, r.tool, r.decision]), [['mcp-hub', 'acme-search', 'repo_list_pull_requests_by_repo', 'allow'], ['mcp-hub', 'acme-search', 'repo_list_pull_requests_by_repo', 'allow']]);
      });

      it('reads every attribute the access log writes, and no other (negative control: a field the format lacks)', () => {
        const sql = migrations.find((m) => m.name === 'mcp_hub_events')!.sql;
        const read = new Set([...sql.matchAll(/f->>'(\w+)'/g)].map((m) => m[1]));
        assert.deepEqual([...read].sort(), Object.keys(MCP_AUDIT_FIELDS).sort());
        const unread = (fields: string[]) => fields.filter((k) => !read.has(k));
        assert.deepEqual(unread(['caller_upn']), ['caller_upn']);
      });
    });
  });
});

describe('loading migrations', () => {
  const dir = (files: Record<string, string>) => {
    const d = mkdtempSync(join(tmpdir(), 'migrations-'));
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(d, name), sql);
    return d;
  };

  it('reads migrations/audit in version order', () => {
    const ms = loadMigrations();
    assert.deepEqual(ms.map((m) => m.version), ms.map((_, i) => i + 1));
    assert.ok(ms.length >= 3);
  });

  it('reports a bad name, a gap and the runner quote together, located', () => {
    const d = dir({ 'V0001__roles.sql': 'SELECT 1;', 'V0003__gap.sql': `SELECT 1;\nSELECT ${MIGRATION_QUOTE}x${MIGRATION_QUOTE};`, 'add-table.sql': 'SELECT 1;' });
    assert.throws(() => loadMigrations(d), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /add-table\.sql:1:1 "add-table\.sql" is not a migration name/);
      assert.match(err.message, /V0003__gap\.sql:2:8 \$migration\$ is the runner's quote/);
      assert.match(err.message, /V0003__gap\.sql:1:1 version 3 where 2 was expected/);
      return true;
    });
  });
});
