/**
 * The real MLflow server (the version the platform pins, scripts/tools.sh `mlflow`) against a real
 * PostgreSQL 16, configured from the rendered app (rendered/dev/mlflow): the bootstrap's schema
 * SQL, `mlflow db upgrade` as the bootstrap role and its grants; then `mlflow server` as the
 * server role with the rendered allowed hosts and origin, and no password anywhere but libpq's
 * password file. It serves the UI's own requests, refuses foreign hosts and origins, proxies
 * artifacts, serves metrics to a pod-IP Host, owns no table, and keeps working when the token
 * (here: the role's password) is rotated and every connection is dropped: libpq reads the
 * replaced file for each new connection. Negative control: a stale file after rotation fails.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { parseAllDocuments } from 'yaml';
import { loadWorkloadsConfig } from '../../config/workloads';
import { MLFLOW_IDENTITIES, MLFLOW_SERVER } from '../../catalog/mlflow';
import { backendStoreUri, MLFLOW_SCHEMA } from '../../charts/mlflow/scripts';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { ROOT, tool } from '../helpers/tools';

type Obj = Record<string, any>;
const objects: Obj[] = parseAllDocuments(readFileSync(join(ROOT, 'rendered/dev/mlflow/manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);
const configFile = (key: string): string => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mlflow-bootstrap-scripts')!.data[key];
const container = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === MLFLOW_SERVER.name)!.spec.template.spec.containers[0];
const renderedEnv = (name: string): string => container.env.find((e: Obj) => e.name === name).value;
const HOST = renderedEnv('MLFLOW_SERVER_ALLOWED_HOSTS').split(',')[0];

/** The rendered URI, pointed at the local server without TLS (nothing else changes: role, database, options). */
const localUri = (role: string, port: number) =>
  backendStoreUri('127.0.0.1', port, role).replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${port}/`).replace('sslmode=verify-full', 'sslmode=disable').replace(/&sslrootcert=[^&]+/, '');

/** libpq's password file, replaced whole as the sidecar does. */
function writePassfile(file: string, secret: string): void {
  writeFileSync(`${file}.new`, `*:*:*:*:${secret}\n`, { mode: 0o600 });
  renameSync(`${file}.new`, file);
}

describe('MLflow server on PostgreSQL as rendered', () => {
  let pg: TestPostgres;
  let admin: Client;
  let db: Client;
  let server: ChildProcess;
  let serverLog = '';
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-server-'));
  const BOOTSTRAP = 'id-aip-dev-weu-mlflow-bootstrap';
  const ROLE = MLFLOW_IDENTITIES.server.name;
  const bootPass = join(dir, 'bootstrap.pgpass');
  const serverPass = join(dir, 'server.pgpass');

  function call(path: string, init: { method?: string; body?: string } = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const body = init.body ?? '';
      const req = request(
        { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { host: HOST, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const uiOrigin = { origin: renderedEnv('MLFLOW_SERVER_CORS_ALLOWED_ORIGINS') };

  before(async () => {
    pg = await startPostgres();
    admin = await pg.client();
    await admin.query('CREATE ROLE azure_pg_admin NOLOGIN');
    await admin.query(`CREATE ROLE "${BOOTSTRAP}" LOGIN PASSWORD 'bootstrap-token' CREATEROLE IN ROLE azure_pg_admin`);
    await admin.query('CREATE DATABASE mlflow OWNER azure_pg_admin');
    await admin.query(`CREATE ROLE "${ROLE}" LOGIN PASSWORD 'server-token-1'`);
    writePassfile(bootPass, 'bootstrap-token');
    writePassfile(serverPass, 'server-token-1');
    db = await pg.client('mlflow');
    await db.query(`SET ROLE "${BOOTSTRAP}"`);
    await db.query(configFile('schema.sql'));
    await db.query('RESET ROLE');
    const base = { ...process.env, HOME: dir, PYTHONDONTWRITEBYTECODE: '1' };
    const upgrade = spawnSync(tool('mlflow'), ['db', 'upgrade', localUri(BOOTSTRAP, pg.port)], { env: { ...base, PGPASSFILE: bootPass }, encoding: 'utf8' });
    assert.equal(upgrade.status, 0, upgrade.stderr);
    await db.query(`SET ROLE "${BOOTSTRAP}"`);
    await db.query(configFile('grants.sql'));
    await db.query('RESET ROLE');
    port = 20000 + (process.pid % 20000);
    const args = container.args.map((a: string) => (a.startsWith('postgresql') ? localUri(ROLE, pg.port) : a.startsWith('wasbs://') ? `file://${dir}/artifacts` : a === '/tmp/prometheus' ? join(dir, 'prometheus') : a));
    args[args.indexOf('--host') + 1] = '127.0.0.1';
    args[args.indexOf('--port') + 1] = String(port);
    args[args.indexOf('--workers') + 1] = '1';
    const env = Object.fromEntries(container.env.filter((e: Obj) => e.name.startsWith('MLFLOW_')).map((e: Obj) => [e.name, e.value]));
    server = spawn(tool('mlflow'), ['server', ...args], { env: { ...base, ...env, PATH: `${join(tool('mlflow'), '..')}:${process.env.PATH}`, PGPASSFILE: serverPass } });
    server.stdout?.on('data', (d) => (serverLog += d));
    server.stderr?.on('data', (d) => (serverLog += d));
    for (let i = 0; i < 240; i++) {
      try {
        if ((await call('/health')).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.fail(`mlflow server did not start:\n${serverLog.slice(-3000)}`);
  });

  after(async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await db?.end();
    await admin?.end();
    await pg?.stop();
  });

  it('the upgrade, as the bootstrap role, put every table in the mlflow schema; the server role owns none', async () => {
    const rows = (await db.query(`SELECT schemaname, tableowner, count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') GROUP BY 1, 2`)).rows;
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].schemaname, MLFLOW_SCHEMA);
    assert.equal(rows[0].tableowner, BOOTSTRAP);
    assert.ok(rows[0].n > 20, `${rows[0].n} tables`);
  });

  it("serves the UI's own requests: an experiment, a registered model, a run, an artifact through the proxy", async () => {
    const exp = await call('/api/2.0/mlflow/experiments/create', { method: 'POST', body: JSON.stringify({ name: 'platform-test' }) }, uiOrigin);
    assert.equal(exp.status, 200, exp.body);
    const experimentId = JSON.parse(exp.body).experiment_id;
    const model = await call('/api/2.0/mlflow/registered-models/create', { method: 'POST', body: JSON.stringify({ name: 'platform-model' }) }, uiOrigin);
    assert.equal(model.status, 200, model.body);
    const run = await call('/api/2.0/mlflow/runs/create', { method: 'POST', body: JSON.stringify({ experiment_id: experimentId }) }, uiOrigin);
    assert.equal(run.status, 200, run.body);
    const artifact = await call(`/api/2.0/mlflow-artifacts/artifacts/${experimentId}/hello.txt`, { method: 'PUT', body: 'hello' });
    assert.equal(artifact.status, 200, artifact.body);
    assert.equal(readFileSync(join(dir, 'artifacts', experimentId, 'hello.txt'), 'utf8'), 'hello');
  });

  it('refuses a foreign Host and a foreign origin; answers metrics to a pod-IP Host', async () => {
    assert.equal((await call('/api/2.0/mlflow/experiments/search?max_results=1', {}, { host: 'mlflow.attacker.example' })).status, 403);
    const foreign = await call('/api/2.0/mlflow/experiments/create', { method: 'POST', body: JSON.stringify({ name: 'x' }) }, { origin: 'https://attacker.example' });
    assert.equal(foreign.status, 403, foreign.body);
    const metrics = await call('/metrics', {}, { host: `10.244.3.7:${MLFLOW_SERVER.httpPort}` });
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^# HELP /m);
  });

  it('a rotated token file is used by new connections of the same process; a stale one is not (negative control)', async () => {
    const rotate = async (password: string, file: string) => {
      await admin.query(`ALTER ROLE "${ROLE}" PASSWORD '${password}'`);
      writePassfile(serverPass, file);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [ROLE]);
    };
    await rotate('server-token-2', 'server-token-2');
    const fresh = await call('/api/2.0/mlflow/experiments/search?max_results=5');
    assert.equal(fresh.status, 200, fresh.body);
    await rotate('server-token-3', 'server-token-2');
    const stale = await call('/api/2.0/mlflow/experiments/search?max_results=5');
    assert.notEqual(stale.status, 200, 'a file that was not refreshed must not authenticate');
    await rotate('server-token-4', 'server-token-4');
    assert.equal((await call('/api/2.0/mlflow/experiments/search?max_results=5')).status, 200);
  });

  it('runs the version config/workloads.yaml pins', () => {
    const tag = loadWorkloadsConfig().images.mlflow.tag;
    const version = spawnSync(tool('mlflow'), ['--version'], { encoding: 'utf8' }).stdout;
    assert.match(tag, /^v\d+\.\d+\.\d+-full$/);
    assert.ok(version.includes(tag.slice(1, -'-full'.length)), `${version} vs ${tag}`);
    assert.match(readFileSync(join(ROOT, 'scripts/tools.sh'), 'utf8'), new RegExp(`^MLFLOW_VERSION=${tag.slice(1, -'-full'.length).replace(/\./g, '\\.')}$`, 'm'));
  });
});
