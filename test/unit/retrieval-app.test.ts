/**
 * The retrieval app meets the stacks by name: its service account is the subject the migrator's
 * identity is federated with, it logs in as an Entra admin the data stack registers, on the
 * server and database the data stack creates (with pgvector allow-listed), and every Key Vault
 * secret its ExternalSecret reads is written by the data stack (its client id) or by a tenant
 * stack (each retrieval tenant's object id, that tenant's workload identity, the one federated
 * with its namespace's workload service account). Its pod is restricted, reaches only the private
 * endpoints on 5432 and Entra ID, and every object passes its upstream schema. Bad input (a
 * tenant asking for retrieval where there is no retrieval database, an embedding width the
 * HNSW index cannot take) is a located error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { principalVariable } from '../../charts/retrieval/sql';
import { App } from 'cdk8s';
import { RETRIEVAL_MIGRATE_JOB } from '../../charts/retrieval/chart';
import { RETRIEVAL_APP } from '../../charts/app-names';
import { workloadApps } from '../../charts/workloads/apps';
import { loadInputs } from '../../config/inputs';
import type { Tenant } from '../../config/tenant-schema';
import { RETRIEVAL_DATABASE, RETRIEVAL_MIGRATOR, tenantStoreNames } from '../../catalog/retrieval';
import { ENVIRONMENTS_DIR, loadEnvironment, loadEnvironments } from '../../config/load';
import { loadTenants, tenantFiles } from '../../config/tenants';
import { loadModelCatalogue } from '../../config/models';
import { loadWorkloadsConfig } from '../../config/workloads';
import { ValidationError } from '../../config/yaml-validate';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { podSecurityViolations } from '../helpers/pod-security';
import { synthApp, type SynthedStack } from '../helpers/synth';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;
const docs = (env: string): Obj[] => parseAllDocuments(readFileSync(join(ROOT, 'rendered', env, 'retrieval', 'manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);

/** Every name the rendered app uses that the data and tenant stacks must have created; one line per miss. */
export function retrievalBoundaryProblems(rendered: Obj[], data: SynthedStack, tenants: SynthedStack[]): string[] {
  const out: string[] = [];
  const all = [data, ...tenants];
  const subjects = new Set(data.of('azurerm_federated_identity_credential').map((f) => f.config.subject));
  const vault = new Map(all.flatMap((s) => s.of('azurerm_key_vault_secret').map((k) => [k.config.name, { stack: s.name, value: String(k.config.value) }] as const)));
  const admins = new Set(data.of('azurerm_postgresql_flexible_server_active_directory_administrator').map((a) => a.config.principal_name));
  const databases = new Set(data.of('azurerm_postgresql_flexible_server_database').map((d) => d.config.name));
  const server = `${data.one('azurerm_postgresql_flexible_server').config.name}.postgres.database.azure.com`;
  const extensions = data.of('azurerm_postgresql_flexible_server_configuration').find((c) => c.config.name === 'azure.extensions')?.config.value ?? '';
  if (!String(extensions).split(',').includes('VECTOR')) out.push(`azure.extensions (${extensions}) does not allow-list VECTOR`);
  for (const o of rendered) {
    const where = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'ExternalSecret') {
      for (const d of o.spec.data) {
        const written = vault.get(d.remoteRef.key);
        if (!written) out.push(`${where}: Key Vault secret ${d.remoteRef.key} is written by no stack`);
        // An object id must be the principal of the tenant's identity that its namespace's workload service account is federated with.
        else if (d.secretKey !== 'AZURE_CLIENT_ID' && !/\.principal_id\}$/.test(written.value)) out.push(`${where}: ${d.remoteRef.key} is not an identity's principal id (${written.value})`);
      }
    }
    if (o.kind !== 'Job') continue;
    const pod = o.spec.template;
    const subject = `system:serviceaccount:${o.metadata.namespace}:${pod.spec.serviceAccountName}`;
    if (pod.metadata.labels?.['azure.workload.identity/use'] === 'true' && !subjects.has(subject)) out.push(`${where}: ${subject} has no federated identity`);
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const env = Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e.value]));
      if (env.PGHOST && env.PGHOST !== server) out.push(`${where} ${c.name}: PGHOST ${env.PGHOST} is not ${server}`);
      if (env.PGDATABASE && !databases.has(env.PGDATABASE)) out.push(`${where} ${c.name}: database ${env.PGDATABASE} is not created`);
      if (env.PGUSER && !admins.has(env.PGUSER)) out.push(`${where} ${c.name}: PGUSER ${env.PGUSER} is not an Entra admin of the server`);
    }
  }
  return out;
}

describe('retrieval app (dev)', () => {
  const synthed = synthApp();
  const data = synthed.stack('dev-data');
  const acme = synthed.stack('dev-tenant-acme-search');
  const app = docs('dev');
  const acmeStore = tenantStoreNames('acme-search');

  it('every service account, vault secret, login, database and host it names exists in the stacks', () => {
    assert.ok(app.some((o) => o.kind === 'Job'));
    const secret = app.find((o) => o.kind === 'ExternalSecret')!;
    assert.deepEqual(secret.spec.data.map((d: Obj) => d.remoteRef.key).sort(), [acmeStore.objectIdSecret, RETRIEVAL_MIGRATOR.clientIdSecret].sort());
    assert.deepEqual(retrievalBoundaryProblems(app, data, [acme]), []);
    assert.ok(data.of('azurerm_postgresql_flexible_server_database').some((d) => d.config.name === RETRIEVAL_DATABASE));
  });

  it("the tenant's object id is its workload identity, federated with its namespace's service account", () => {
    const written = acme.of('azurerm_key_vault_secret').find((k) => k.config.name === acmeStore.objectIdSecret)!;
    const identity = acme.of('azurerm_user_assigned_identity').find((i) => String(written.config.value).includes(`azurerm_user_assigned_identity.${i.id}.principal_id`));
    assert.ok(identity, `${written.config.value} names a user-assigned identity of the tenant stack`);
    const federation = acme.of('azurerm_federated_identity_credential').find((f) => String(f.config.parent_id).includes(`azurerm_user_assigned_identity.${identity.id}.id`))!;
    assert.equal(federation.config.subject, 'system:serviceaccount:acme-search:workload');
  });

  it("the tenant's pods may reach the PostgreSQL private endpoint on 5432 (tenants cannot declare private ranges themselves)", () => {
    const pe = loadEnvironment('dev').network.subnets.privateEndpoints;
    const egress = (stack: SynthedStack) => stack.of('kubernetes_network_policy_v1').filter((p) => p.config.metadata.name === 'allow-retrieval-store');
    const [policy] = egress(acme);
    assert.ok(policy, 'acme-search has allow-retrieval-store');
    assert.deepEqual(policy.config.spec.egress, [{ ports: [{ port: '5432', protocol: 'TCP' }], to: [{ ip_block: { cidr: pe } }] }]);
    // Negative control: a tenant without retrieval gets no such path.
    assert.deepEqual(egress(synthed.stack('dev-tenant-contoso-docs')), []);
  });

  it('the check can fail: a secret nobody writes, another service account, login, database and host (negative control)', () => {
    const broken = structuredClone(app);
    broken.find((o) => o.kind === 'ExternalSecret')!.spec.data.push({ secretKey: 'RETRIEVAL_NOBODY_OBJECT_ID', remoteRef: { key: 'retrieval-nobody-object-id' } });
    const job = broken.find((o) => o.kind === 'Job')!;
    job.spec.template.spec.serviceAccountName = 'someone';
    const migrate = job.spec.template.spec.containers[0];
    const swap: Record<string, string> = { PGUSER: 'id-nobody', PGHOST: 'other.postgres.database.azure.com', PGDATABASE: 'vectors' };
    migrate.env = migrate.env.map((e: Obj) => (swap[e.name] ? { ...e, value: swap[e.name] } : e));
    const problems = retrievalBoundaryProblems(broken, data, [acme]).join('\n');
    for (const needle of ['retrieval-nobody-object-id is written by no stack', 'system:serviceaccount:platform:someone', 'PGUSER id-nobody', 'PGHOST other.postgres', 'database vectors']) assert.ok(problems.includes(needle), `${needle} in\n${problems}`);
    // Without the tenant stack, its object id is written by nobody.
    assert.match(retrievalBoundaryProblems(app, data, []).join('\n'), new RegExp(`${acmeStore.objectIdSecret} is written by no stack`));
  });

  it('the Job is a restricted Sync hook, everything it needs comes in an earlier wave, and it reaches only PostgreSQL and Entra ID', async () => {
    const job = app.find((o) => o.kind === 'Job')!;
    assert.equal(job.metadata.name, RETRIEVAL_MIGRATE_JOB);
    assert.equal(job.metadata.annotations['argocd.argoproj.io/hook'], 'Sync');
    assert.deepEqual(podSecurityViolations(job.spec.template.spec, job.spec.template.metadata?.annotations ?? {}), []);
    const waveOf = (o: Obj) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    for (const o of app.filter((x) => x !== job)) assert.ok(waveOf(o) < waveOf(job), `${o.kind}/${o.metadata.name} before the hook`);
    const policy = app.find((o) => o.kind === 'NetworkPolicy')!;
    const pe = loadEnvironment('dev').network.subnets.privateEndpoints;
    const cloud = loadWorkloadsConfig().environments.dev.agents.cloudEndpoints;
    assert.deepEqual(policy.spec.ingress, []);
    assert.deepEqual(policy.spec.egress.map((r: Obj) => `${r.to[0].ipBlock.cidr}:${r.ports[0].port}`).sort(), [`${pe}:5432`, ...cloud].sort());
    assert.deepEqual(policy.spec.podSelector.matchLabels['app.kubernetes.io/name'], job.spec.template.metadata.labels['app.kubernetes.io/name']);
    // The scripts it mounts are the ConfigMap's keys.
    const files = Object.keys(app.find((o) => o.kind === 'ConfigMap')!.data);
    const script = app.find((o) => o.kind === 'ConfigMap')!.data['migrate.sh'] as string;
    for (const f of [...script.matchAll(/\/etc\/retrieval\/([\w.]+)/g)].map((m) => m[1])) assert.ok(files.includes(f), `${f} in ${files}`);
    assert.deepEqual(await schemaErrors(app as KubeObject[]), []);
  });

  it("the Job stops with the reason when a tenant stack has not written its object id yet (its checks, run by sh)", () => {
    const script = app.find((o) => o.kind === 'ConfigMap')!.data['migrate.sh'] as string;
    const checks = script.split('\n').filter((l) => l.startsWith(': "${')).join('\n');
    const env = principalVariable(acmeStore).env;
    assert.ok(checks.includes(env), checks);
    const run = (vars: Record<string, string>) => spawnSync('sh', ['-eu', '-c', checks], { env: { PATH: process.env.PATH, ...vars }, encoding: 'utf8' });
    const missing = run({});
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /retrieval-acme-search-object-id is not in the platform vault yet: deploy the tenant stack of acme-search/);
    assert.equal(run({ [env]: '6a1f2c3d-4b5e-4f60-8a71-92b3c4d5e6f7' }).status, 0);
  });

  it('the tenant list drives the Job: retrieval tenants of the environment only, retired ones left out (prod, with promoted images)', () => {
    const inputs = loadInputs();
    const prodEnv = inputs.allEnvironments.find((e) => e.name === 'prod')!;
    const withTenants = (tenants: Tenant[]) => {
      const out = new App();
      workloadApps({ lockFile: join(ROOT, 'test/fixtures/workloads/images.lock.yaml') })[RETRIEVAL_APP](out, { env: prodEnv, models: inputs.models, tenants });
      const objects: Obj[] = parseAllDocuments(out.synthYaml()).map((d) => d.toJS()).filter(Boolean);
      const cm = objects.find((o) => o.kind === 'ConfigMap')!;
      const secrets = objects.find((o) => o.kind === 'ExternalSecret')!.spec.data.map((d: Obj) => d.remoteRef.key).sort();
      const onboarded = [...(cm.data['reconcile.sql'] as string).matchAll(/onboard_tenant\('([a-z0-9-]+)'/g)].map((m) => m[1]);
      return { secrets, onboarded, active: /retire_absent\((.*)\)/.exec(cm.data['reconcile.sql'])![1] };
    };
    const acmeTenant = inputs.tenants.find((t) => t.metadata.name === 'acme-search')!;
    const like = (name: string, spec: Partial<Tenant['spec']>): Tenant => ({ ...acmeTenant, metadata: { name }, spec: { ...acmeTenant.spec, ...spec } });
    const r = withTenants([...inputs.tenants, like('gone', { retired: true }), like('no-store', { retrieval: false }), like('dev-only', { environments: ['dev'] })]);
    assert.deepEqual(r.onboarded, ['acme-search']);
    assert.equal(r.active, "ARRAY['acme-search']::text[]");
    assert.deepEqual(r.secrets, [acmeStore.objectIdSecret, RETRIEVAL_MIGRATOR.clientIdSecret].sort());
    // Nobody left: every registered store is retired.
    assert.deepEqual(withTenants(inputs.tenants.map((t) => ({ ...t, spec: { ...t.spec, retrieval: false } }))), { secrets: [RETRIEVAL_MIGRATOR.clientIdSecret], onboarded: [], active: 'ARRAY[]::text[]' });
  });
});

describe('retrieval: bad input', () => {
  const ctx = () => ({ environments: loadEnvironments(), models: loadModelCatalogue() });

  it('retrieval: true in an environment without the retrieval database is located at spec.retrieval', () => {
    const env = loadEnvironment('dev');
    const environments = loadEnvironments().map((e) => (e.name === 'dev' ? { ...e, data: { ...env.data, retrieval: undefined } } : e));
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const source = readFileSync(tenantFiles().find((f) => f.endsWith('acme-search.yaml'))!, 'utf8');
    const file = join(dir, 'acme-search.yaml');
    writeFileSync(file, source);
    const line = source.split('\n').findIndex((l) => l.startsWith('  retrieval:')) + 1;
    assert.throws(() => loadTenants([file], { environments, models: loadModelCatalogue() }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, new RegExp(`acme-search\\.yaml:${line}:\\d+ .*retrieval needs the retrieval database, which dev does not have`));
      return true;
    });
    // Negative control: the same file is fine where every environment has the database.
    assert.equal(loadTenants([file], ctx()).length, 1);
  });

  it("an embedding width the HNSW index cannot take is located in the environment file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'envs-'));
    const source = readFileSync(join(ENVIRONMENTS_DIR, 'dev.yaml'), 'utf8');
    assert.match(source, /embeddingDimensions: 1536/);
    writeFileSync(join(dir, 'dev.yaml'), source.replace('embeddingDimensions: 1536', 'embeddingDimensions: 3072'));
    const line = source.split('\n').findIndex((l) => l.includes('embeddingDimensions:')) + 1;
    assert.throws(() => loadEnvironment('dev', dir), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, new RegExp(`dev\\.yaml:${line}:\\d+ .*at most 2000: pgvector's HNSW index`));
      return true;
    });
  });
});
