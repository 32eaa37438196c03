/**
 * The `audit` app (rendered/<env>/audit): the audit database's migration Job and the archiver
 * CronJob, in namespace `platform`, each with its own workload identity (stacks/data-stack.ts),
 * its client id through External Secrets, and a NetworkPolicy that lets it reach only the private
 * endpoints (PostgreSQL 5432; the archiver also Blob 443) and Entra ID. The migration Job is an
 * Argo CD Sync hook of this app, whose wave is before the writers' apps, so the schema and the
 * writers' roles exist before the agent gateway or the MCP hub start writing. Its alerts
 * (alerts.ts) are a rule set of the observability app.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { AUDIT_CONTAINER, AUDIT_DATABASE, AUDIT_IDENTITIES, type AuditIdentity } from '../../catalog/audit';
import { cidrEgress, egressOnlyPolicy, hookJob, labelsFor, PLATFORM_NAMESPACE, tcp } from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { entraPrincipalScript, migrationScript, objectIdVariable, roleGrantsScript } from './migration-script';
import { postgresEgress, postgresEnv, scriptContainer, scriptCronJob, scriptFiles, scriptIdentity, scriptJobPod, tokenContainer, withWorkloadIdentity, type MigratedAppProps, type ScriptPodLayout } from './job-pod';
import { EXPORT_DAY_SQL, EXPORT_SH, migrateSh, RECORD_SH, SCRIPTS_DIR, TOKEN_SH, UPLOAD_SH } from './scripts';

export const MIGRATE_JOB = 'audit-migrate';
export const ARCHIVE_CRONJOB = 'audit-archive';
/** 01:30 UTC: the previous UTC day is closed and late writers (clock skew, retries) are done. */
export const ARCHIVE_SCHEDULE = '30 1 * * *';
/** Longest an archive run may take; the alert waits a little longer before calling it failed. */
export const ARCHIVE_DEADLINE_SECONDS = 3600;
const HTTPS_PORT = 443;

export interface AuditChartProps extends MigratedAppProps {
  readonly environment: string;
  readonly blobHost: string;
}

const principalVar = (a: AuditIdentity) => objectIdVariable(a.name, a.objectIdSecret);
const WRITERS_AND_ARCHIVER = [AUDIT_IDENTITIES.gatewayWriter, AUDIT_IDENTITIES.mcpHubWriter, AUDIT_IDENTITIES.archiver];

export class AuditChart extends Chart {
  constructor(scope: Construct, id: string, props: AuditChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: PLATFORM_NAMESPACE });
    const ns = PLATFORM_NAMESPACE;
    const earlier = { 'argocd.argoproj.io/sync-wave': '-2' };
    const pgEgress = postgresEgress(props.privateEndpointsCidr);
    const blobEgress: k8s.NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: props.privateEndpointsCidr } }], ports: tcp(HTTPS_PORT) };
    const entra = props.cloudEndpoints.map(cidrEgress);

    const layout: ScriptPodLayout = { scriptsDir: SCRIPTS_DIR, work: true, ephemeralStorage: { request: '256Mi', limit: '3Gi' }, workloadPool: false };
    const identity = (a: AuditIdentity, extraSecrets: Record<string, string>, labels: Record<string, string>) => scriptIdentity(this, a, { namespace: ns, labels, annotations: earlier }, extraSecrets);
    const files = (name: string, data: Record<string, string>, labels: Record<string, string>) => scriptFiles(this, name, { namespace: ns, labels, annotations: earlier }, data);
    // Wave -2 like the rest: the namespace denies by default, so the policy must exist before the hook runs.
    const netpol = (name: string, labels: Record<string, string>, egress: k8s.NetworkPolicyEgressRule[]) =>
      egressOnlyPolicy(this, { name, namespace: ns, labels, annotations: earlier, egress });
    const container = (name: string, image: ImageRef, script: string, env: k8s.EnvVar[], secret: string) => scriptContainer(layout, { name, image, script, env, secret });
    const podSpec = (serviceAccount: string, configMap: string, init: k8s.Container[], main: k8s.Container) => scriptJobPod(layout, serviceAccount, configMap, init, main);
    const pgEnv = (user: string) => postgresEnv(props.postgresHost, AUDIT_DATABASE, user);

    // ---- migrations -------------------------------------------------------------------
    const migrator = AUDIT_IDENTITIES.migrator;
    const mLabels = labelsFor({ name: MIGRATE_JOB, component: 'audit-migration', version: props.postgresImage.version });
    identity(migrator, Object.fromEntries(WRITERS_AND_ARCHIVER.map((a) => [principalVar(a).env, a.objectIdSecret])), mLabels);
    files(MIGRATE_JOB, {
      'token.sh': TOKEN_SH,
      'migrate.sh': migrateSh(WRITERS_AND_ARCHIVER.map(principalVar)),
      'principals.sql': entraPrincipalScript(WRITERS_AND_ARCHIVER.map((a) => ({ role: a.name, variable: principalVar(a).variable }))),
      'migrate.sql': migrationScript(props.migrations),
      'grants.sql': roleGrantsScript(WRITERS_AND_ARCHIVER.map((a) => ({ role: a.name, group: a.role }))),
    }, mLabels);
    hookJob(this, {
      name: MIGRATE_JOB,
      namespace: ns,
      labels: mLabels,
      podLabels: withWorkloadIdentity(mLabels),
      hook: { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-1' },
      pod: podSpec(migrator.serviceAccount, MIGRATE_JOB, [tokenContainer(layout, props.curlImage, migrator.serviceAccount, ['postgres'])], container('migrate', props.postgresImage, 'migrate.sh', pgEnv(props.migratorRole), migrator.serviceAccount)),
    });
    netpol(MIGRATE_JOB, mLabels, [pgEgress, ...entra]);

    // ---- archive ----------------------------------------------------------------------
    const archiver = AUDIT_IDENTITIES.archiver;
    const aLabels = labelsFor({ name: ARCHIVE_CRONJOB, component: 'audit-archive', version: props.postgresImage.version });
    identity(archiver, {}, aLabels);
    files(ARCHIVE_CRONJOB, { 'token.sh': TOKEN_SH, 'export.sh': EXPORT_SH, 'export-day.sql': EXPORT_DAY_SQL, 'upload.sh': UPLOAD_SH, 'record.sh': RECORD_SH }, aLabels);
    const archiverPg = [...pgEnv(archiver.name), { name: 'MAX_DAYS', value: '31' }];
    scriptCronJob(this, {
      name: ARCHIVE_CRONJOB,
      namespace: ns,
      labels: aLabels,
      schedule: ARCHIVE_SCHEDULE,
      startingDeadlineSeconds: 3600,
      activeDeadlineSeconds: ARCHIVE_DEADLINE_SECONDS,
      // In order, each only after the one before succeeded: nothing is recorded as archived before its blob exists.
      pod: podSpec(
        archiver.serviceAccount,
        ARCHIVE_CRONJOB,
        [
          tokenContainer(layout, props.curlImage, archiver.serviceAccount, ['postgres', 'storage']),
          container('export', props.postgresImage, 'export.sh', archiverPg, archiver.serviceAccount),
          container('upload', props.curlImage, 'upload.sh', [{ name: 'BLOB_HOST', value: props.blobHost }, { name: 'CONTAINER', value: AUDIT_CONTAINER }], archiver.serviceAccount),
        ],
        container('record', props.postgresImage, 'record.sh', archiverPg, archiver.serviceAccount),
      ),
    });
    netpol(ARCHIVE_CRONJOB, aLabels, [pgEgress, blobEgress, ...entra]);

  }
}
