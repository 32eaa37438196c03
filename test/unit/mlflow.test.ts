/**
 * The MLflow app as rendered (rendered/dev/mlflow): the Gateway's route resolves to its Service
 * and named port, no password is anywhere (the backend URI has none; a sidecar keeps libpq's
 * password file fresh), artifacts go to the mlflow container through the proxy, the bootstrap
 * hook runs in order as the Entra admin identity, and only the Gateway and Prometheus may call it.
 * The bootstrap's SQL runs on a real PostgreSQL: the server's role reads and writes MLflow's
 * tables, also those a later upgrade adds, and cannot change the schema.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { parseAllDocuments } from 'yaml';
import { PLATFORM_ROUTES } from '../../catalog/routes';
import { MLFLOW_CONTAINER, MLFLOW_IDENTITIES, MLFLOW_SERVER } from '../../catalog/mlflow';
import { BOOTSTRAP_JOB } from '../../charts/mlflow/chart';
import { MLFLOW_SCHEMA, PGPASS_FILE } from '../../charts/mlflow/scripts';
import { asRole, createEntraAdmin, startPostgres, type TestPostgres } from '../helpers/postgres';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;
const objects: Obj[] = parseAllDocuments(readFileSync(join(ROOT, 'rendered/dev/mlflow/manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);
const one = (kind: string, name: string) => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  assert.equal(found.length, 1, `${kind}/${name}`);
  return found[0];
};
const configFile = (configMap: string, key: string): string => one('ConfigMap', configMap).data[key];

describe('MLflow as rendered', () => {
  const deployment = one('Deployment', MLFLOW_SERVER.name);
  const pod = deployment.spec.template.spec;
  const server = pod.containers.find((c: Obj) => c.name === 'mlflow');
  const arg = (flag: string) => server.args[server.args.indexOf(flag) + 1];

  it('the route (signed in at the Gateway) resolves to the Service, and its target port to the container', () => {
    const route = PLATFORM_ROUTES.mlflow;
    assert.equal(route.signIn, true);
    const svc = one('Service', route.service);
    assert.equal(svc.metadata.namespace, route.namespace);
    const p = svc.spec.ports.find((x: Obj) => x.port === route.port);
    assert.ok(p, `Service port ${route.port}`);
    assert.ok(server.ports.some((c: Obj) => c.name === p.targetPort && c.containerPort === route.port));
    for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(deployment.spec.template.metadata.labels[k], v);
    assert.ok(server.startupProbe.httpGet.path === route.healthPath);
    // MLflow refuses other Host headers and blocks state-changing requests from origins it does not know (its UI's own included).
    const env = (n: string) => server.env.find((e: Obj) => e.name === n)?.value;
    assert.ok(env('MLFLOW_SERVER_ALLOWED_HOSTS').split(',').includes('mlflow.dev.ai.example.org'));
    assert.equal(env('MLFLOW_SERVER_CORS_ALLOWED_ORIGINS'), 'https://mlflow.dev.ai.example.org');
  });

  it('the official -full image, and no password anywhere: libpq reads the token file a native sidecar keeps fresh', () => {
    assert.match(server.image, /\/ghcr\.io\/mlflow\/mlflow:v\d+\.\d+\.\d+-full$/);
    const uri = arg('--backend-store-uri');
    assert.match(uri, /^postgresql\+psycopg2:\/\/mlflow@[^/]+:5432\/mlflow\?/);
    assert.doesNotMatch(uri, /\/\/[^@/]*:[^@/]*@/, 'no password in the URI');
    assert.match(uri, /sslmode=verify-full/);
    assert.match(uri, new RegExp(`options=-csearch_path%3D${MLFLOW_SCHEMA}`));
    assert.equal(server.env.find((e: Obj) => e.name === 'PGPASSFILE').value, PGPASS_FILE);
    const sidecar = pod.initContainers.find((c: Obj) => c.name === 'token-refresh');
    assert.equal(sidecar.restartPolicy, 'Always');
    assert.deepEqual(sidecar.startupProbe.exec.command, ['test', '-s', PGPASS_FILE]);
    assert.ok(sidecar.volumeMounts.some((m: Obj) => m.name === 'tokens' && !m.readOnly));
    assert.ok(server.volumeMounts.some((m: Obj) => m.name === 'tokens' && m.readOnly));
    const tokens = pod.volumes.find((v: Obj) => v.name === 'tokens');
    assert.equal(tokens.emptyDir.medium, 'Memory');
    assert.ok(!JSON.stringify(objects).match(/PASSWORD|password=/), 'no password variable or parameter anywhere');
  });

  it('artifacts through the proxy into the mlflow container, with the workload identity', () => {
    assert.ok(server.args.includes('--serve-artifacts'));
    assert.match(arg('--artifacts-destination'), new RegExp(`^wasbs://${MLFLOW_CONTAINER}@[a-z0-9]+\\.blob\\.core\\.windows\\.net/`));
    assert.equal(deployment.spec.template.metadata.labels['azure.workload.identity/use'], 'true');
    assert.equal(pod.serviceAccountName, MLFLOW_IDENTITIES.server.serviceAccount);
    const secret = one('ExternalSecret', MLFLOW_IDENTITIES.server.serviceAccount);
    assert.deepEqual(secret.spec.data, [{ secretKey: 'AZURE_CLIENT_ID', remoteRef: { key: MLFLOW_IDENTITIES.server.clientIdSecret } }]);
    assert.ok(server.envFrom.some((e: Obj) => e.secretRef.name === secret.spec.target.name));
  });

  it('restricted and read-only, with a PDB and no CPU-less limits', () => {
    for (const c of [...pod.containers, ...pod.initContainers]) {
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
      assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
      assert.equal(c.resources.requests.memory, c.resources.limits.memory, c.name);
    }
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(one('PodDisruptionBudget', MLFLOW_SERVER.name).spec.selector.matchLabels, deployment.spec.selector.matchLabels);
  });

  it('only the Gateway and Prometheus may call it', () => {
    const np = one('NetworkPolicy', MLFLOW_SERVER.name);
    const peers = np.spec.ingress.flatMap((r: Obj) => r.from.map((f: Obj) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']));
    assert.deepEqual(peers.sort(), ['envoy-gateway-system', 'observability']);
  });

  it('the bootstrap hook: before the server (Sync, wave -1), as the Entra admin identity, token, role and schema, upgrade, grants in that order', () => {
    const job = one('Job', BOOTSTRAP_JOB);
    assert.equal(job.metadata.annotations['argocd.argoproj.io/hook'], 'Sync');
    assert.equal(job.metadata.annotations['argocd.argoproj.io/sync-wave'], '-1');
    const spec = job.spec.template.spec;
    assert.equal(spec.serviceAccountName, MLFLOW_IDENTITIES.bootstrap.serviceAccount);
    assert.deepEqual([...spec.initContainers, ...spec.containers].map((c: Obj) => c.name), ['token', 'schema', 'upgrade', 'grants']);
    const upgrade = spec.initContainers.find((c: Obj) => c.name === 'upgrade');
    assert.deepEqual(upgrade.command.slice(0, 3), ['mlflow', 'db', 'upgrade']);
    assert.match(upgrade.command[3], new RegExp(`^postgresql\\+psycopg2://id-[a-z0-9-]+-${MLFLOW_IDENTITIES.bootstrap.name}@`), 'as the bootstrap identity: it owns the tables');
    const secret = one('ExternalSecret', MLFLOW_IDENTITIES.bootstrap.serviceAccount);
    assert.ok(secret.spec.data.some((d: Obj) => d.secretKey === 'MLFLOW_OBJECT_ID' && d.remoteRef.key === MLFLOW_IDENTITIES.server.objectIdSecret));
    assert.match(configFile('mlflow-bootstrap-scripts', 'principal.sql'), /pgaadauth_create_principal_with_oid\('mlflow', :'object_id', 'service', false, false\)/);
  });
});

describe('MLflow bootstrap SQL on a real PostgreSQL', () => {
  let pg: TestPostgres;
  let admin: Client;
  let db: Client;
  const BOOTSTRAP = 'id-aip-dev-weu-mlflow-bootstrap';
  const SERVER = MLFLOW_IDENTITIES.server.name;

  const as = <T>(role: string, fn: () => Promise<T>): Promise<T> => asRole(db, role, fn);

  before(async () => {
    pg = await startPostgres();
    admin = await pg.client();
    await createEntraAdmin(admin, BOOTSTRAP, 'mlflow');
    // pgaadauth_create_principal_with_oid makes a login role; vanilla PostgreSQL gets a plain one.
    await admin.query(`CREATE ROLE "${SERVER}" LOGIN`);
    await admin.query('CREATE ROLE stranger LOGIN');
    db = await pg.client('mlflow');
    await as(BOOTSTRAP, () => db.query(configFile('mlflow-bootstrap-scripts', 'schema.sql')));
    // What `mlflow db upgrade` does as the bootstrap identity: tables (with sequences) in the schema on the search_path.
    await as(BOOTSTRAP, () => db.query(`SET search_path = ${MLFLOW_SCHEMA}; CREATE TABLE experiments (experiment_id serial PRIMARY KEY, name text NOT NULL); RESET search_path`));
  });

  after(async () => {
    await db?.end();
    await admin?.end();
    await pg?.stop();
  });

  it('negative control: before the grants the server role reads nothing', async () => {
    await assert.rejects(as(SERVER, () => db.query(`SELECT * FROM ${MLFLOW_SCHEMA}.experiments`)), /permission denied/);
  });

  it('after the grants: the server reads and writes, also tables a later upgrade adds; it changes no schema; others get nothing', async () => {
    await as(BOOTSTRAP, () => db.query(configFile('mlflow-bootstrap-scripts', 'grants.sql')));
    await as(SERVER, async () => {
      await db.query(`SET search_path = ${MLFLOW_SCHEMA}`);
      await db.query(`INSERT INTO experiments (name) VALUES ('default')`);
      assert.equal((await db.query('SELECT count(*)::int AS n FROM experiments')).rows[0].n, 1);
      await db.query(`UPDATE experiments SET name = 'renamed'`);
      await assert.rejects(db.query('CREATE TABLE sneaky (x int)'), /permission denied for schema/);
      await assert.rejects(db.query('DROP TABLE experiments'), /must be owner/);
      await db.query('RESET search_path');
    });
    await as(BOOTSTRAP, () => db.query(`CREATE TABLE ${MLFLOW_SCHEMA}.registered_models (name text PRIMARY KEY)`));
    await as(SERVER, () => db.query(`INSERT INTO ${MLFLOW_SCHEMA}.registered_models VALUES ('m')`));
    await assert.rejects(as('stranger', () => db.query(`SELECT * FROM ${MLFLOW_SCHEMA}.experiments`)), /permission denied/);
  });

  it('the bootstrap is repeatable: schema and grants run again without error', async () => {
    await as(BOOTSTRAP, () => db.query(configFile('mlflow-bootstrap-scripts', 'schema.sql')));
    await as(BOOTSTRAP, () => db.query(configFile('mlflow-bootstrap-scripts', 'grants.sql')));
  });
});
