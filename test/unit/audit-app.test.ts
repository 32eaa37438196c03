/**
 * The audit app meets the data stack by name: the service accounts its pods run as are the
 * subjects the audit identities are federated with, every Key Vault secret its ExternalSecrets
 * (and the agent gateway's) read is one the data stack writes, the migrator logs in as the Entra
 * admin the data stack registers, and the hosts are the server and storage account the data stack
 * creates. NetworkPolicies open only the private endpoints and Entra ID; the archive runs its
 * steps in order (nothing is recorded before its blob exists).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ARCHIVE_CRONJOB, MIGRATE_JOB } from '../../charts/audit/chart';
import { SERVICES } from '../../catalog/services';
import { AUDIT_IDENTITIES, MCP_AUDIT_WRITER } from '../../catalog/audit';
import { mirrorRegistry, registryLoginServer, UPSTREAM_REGISTRIES } from '../../catalog/registry-mirrors';
import { loadEnvironment } from '../../config/load';
import { loadWorkloadsConfig } from '../../config/workloads';
import { synthApp, type SynthedStack } from '../helpers/synth';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;
const docs = (app: string): Obj[] => parseAllDocuments(readFileSync(join(ROOT, 'rendered/dev', app, 'manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);

/** Pod spec of a Job or CronJob. */
const podOf = (o: Obj): Obj => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template);

/** Every name the rendered objects use that the data stack must have created; one line per miss. */
export function boundaryProblems(rendered: Obj[], data: SynthedStack): string[] {
  const out: string[] = [];
  const subjects = new Set(data.of('azurerm_federated_identity_credential').map((f) => f.config.subject));
  const vault = new Set(data.of('azurerm_key_vault_secret').map((k) => k.config.name));
  const admins = new Set(data.of('azurerm_postgresql_flexible_server_active_directory_administrator').map((a) => a.config.principal_name));
  const server = `${data.one('azurerm_postgresql_flexible_server').config.name}.postgres.database.azure.com`;
  const blob = `${data.one('azurerm_storage_account').config.name}.blob.core.windows.net`;
  for (const o of rendered) {
    const where = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'ExternalSecret') for (const d of o.spec.data) if (!vault.has(d.remoteRef.key)) out.push(`${where}: Key Vault secret ${d.remoteRef.key} is not written by the data stack`);
    const pod = o.kind === 'Job' || o.kind === 'CronJob' ? podOf(o) : o.kind === 'Deployment' ? o.spec.template : undefined;
    if (!pod) continue;
    const identity = pod.metadata.labels?.['azure.workload.identity/use'] === 'true';
    const subject = `system:serviceaccount:${o.metadata.namespace}:${pod.spec.serviceAccountName}`;
    if (identity && !subjects.has(subject)) out.push(`${where}: ${subject} has no federated identity`);
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const env = Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e.value]));
      if (env.PGHOST && env.PGHOST !== server) out.push(`${where} ${c.name}: PGHOST ${env.PGHOST} is not ${server}`);
      if (env.BLOB_HOST && env.BLOB_HOST !== blob) out.push(`${where} ${c.name}: BLOB_HOST ${env.BLOB_HOST} is not ${blob}`);
      if (o.metadata.name === MIGRATE_JOB && env.PGUSER && !admins.has(env.PGUSER)) out.push(`${where} ${c.name}: PGUSER ${env.PGUSER} is not an Entra admin of the server`);
    }
  }
  return out;
}

describe('audit app (dev)', () => {
  const data = synthApp().stack('dev-data');
  const audit = docs('audit');
  const gateway = docs('agent-services').filter((o) => o.metadata.name.startsWith(SERVICES.gateway.name));
  // The MCP hub's audit writer (charts/mcp-hub/audit-writer.ts).
  const hubWriter = docs('mcp-hub').filter((o) => o.metadata.name.startsWith(MCP_AUDIT_WRITER.name));
  const env = loadEnvironment('dev');
  const cloud = loadWorkloadsConfig().environments.dev.agents.cloudEndpoints;

  it('every service account, vault secret, login and host it names exists in the data stack', () => {
    assert.ok(audit.some((o) => o.kind === 'CronJob') && audit.some((o) => o.kind === 'Job'));
    assert.ok(gateway.some((o) => o.kind === 'ExternalSecret'), 'the gateway reads its audit identity through an ExternalSecret');
    assert.ok(hubWriter.some((o) => o.kind === 'Deployment') && hubWriter.some((o) => o.kind === 'ExternalSecret'), "the MCP hub's audit writer is rendered");
    assert.deepEqual(boundaryProblems([...audit, ...gateway, ...hubWriter], data), []);
  });

  it("the MCP hub's writer is the audit-mcp-hub identity the data stack federates (negative control: another service account)", () => {
    const id = AUDIT_IDENTITIES.mcpHubWriter;
    const deploy = hubWriter.find((o) => o.kind === 'Deployment')!;
    assert.equal(`${deploy.metadata.namespace}:${deploy.spec.template.spec.serviceAccountName}`, `${id.namespace}:${id.serviceAccount}`);
    const broken = structuredClone(hubWriter);
    broken.find((o) => o.kind === 'Deployment')!.spec.template.spec.serviceAccountName = 'mcp-other';
    assert.match(boundaryProblems(broken, data).join('\n'), /system:serviceaccount:mcp-hub:mcp-other has no federated identity/);
  });

  it('the check can fail: an unknown vault secret, service account, login and host', () => {
    const broken = structuredClone(audit);
    const secret = broken.find((o) => o.kind === 'ExternalSecret')!;
    secret.spec.data[0].remoteRef.key = 'nope-client-id';
    const job = broken.find((o) => o.kind === 'Job')!;
    job.spec.template.spec.serviceAccountName = 'someone';
    const migrate = job.spec.template.spec.containers[0];
    migrate.env = migrate.env.map((e: Obj) => (e.name === 'PGUSER' ? { ...e, value: 'id-nobody' } : e.name === 'PGHOST' ? { ...e, value: 'other.postgres.database.azure.com' } : e));
    const problems = boundaryProblems(broken, data).join('\n');
    for (const needle of ['nope-client-id', 'system:serviceaccount:platform:someone', 'PGUSER id-nobody', 'PGHOST other.postgres']) assert.ok(problems.includes(needle), `${needle} in\n${problems}`);
  });

  it('NetworkPolicies: the migrator reaches PostgreSQL and Entra ID only, the archiver also Blob, and nobody reaches either', () => {
    const egress = (name: string) => audit.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)!.spec;
    const rules = (name: string) => egress(name).egress.map((r: Obj) => `${r.to[0].ipBlock.cidr}:${r.ports[0].port}`).sort();
    const pe = env.network.subnets.privateEndpoints;
    assert.deepEqual(rules(MIGRATE_JOB), [`${pe}:5432`, ...cloud].sort());
    assert.deepEqual(rules(ARCHIVE_CRONJOB), [`${pe}:443`, `${pe}:5432`, ...cloud].sort());
    for (const n of [MIGRATE_JOB, ARCHIVE_CRONJOB]) assert.deepEqual(egress(n).ingress, []);
    const gw = gateway.find((o) => o.kind === 'NetworkPolicy')!;
    assert.ok(gw.spec.egress.some((r: Obj) => r.to[0].ipBlock?.cidr === pe && r.ports[0].port === 5432), 'the gateway reaches the audit database');
  });

  it("its images come through the ACR's docker.io cache rule (no import step)", () => {
    const prefix = `${mirrorRegistry(registryLoginServer(env), 'docker.io')}/`;
    const images = audit.flatMap((o) => (o.kind === 'Job' || o.kind === 'CronJob' ? [...(podOf(o).spec.initContainers ?? []), ...podOf(o).spec.containers].map((c: Obj) => c.image) : []));
    assert.ok(images.length >= 6);
    assert.deepEqual(images.filter((i) => !i.startsWith(prefix)), []);
    assert.ok(UPSTREAM_REGISTRIES.some((u) => u.host === 'docker.io'));
  });

  it('the archive runs token, export, upload, record in that order; the migration is a Sync hook before the writers', () => {
    const cron = audit.find((o) => o.kind === 'CronJob')!;
    const pod = podOf(cron).spec;
    assert.deepEqual([...pod.initContainers.map((c: Obj) => c.name), ...pod.containers.map((c: Obj) => c.name)], ['token', 'export', 'upload', 'record']);
    assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
    const job = audit.find((o) => o.kind === 'Job')!;
    assert.equal(job.metadata.annotations['argocd.argoproj.io/hook'], 'Sync');
    // Everything the hook needs (service account, secret, scripts, the NetworkPolicy of a default-deny namespace) is synced in an earlier wave.
    const waveOf = (o: Obj) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    for (const o of audit.filter((x) => x !== job && x.kind !== 'CronJob')) assert.ok(waveOf(o) < waveOf(job), `${o.kind}/${o.metadata.name} (wave ${waveOf(o)}) before the hook (wave ${waveOf(job)})`);
    const apps = docs('apps');
    const wave = (name: string) => Number(apps.find((o) => o.kind === 'Application' && o.metadata.name.endsWith(name))?.metadata.annotations['argocd.argoproj.io/sync-wave']);
    assert.ok(wave('audit') < wave('agent-services'), `audit (${wave('audit')}) before agent-services (${wave('agent-services')})`);
    assert.ok(wave('audit') < wave('mcp-hub'), `audit (${wave('audit')}) before mcp-hub (${wave('mcp-hub')})`);
  });
});
