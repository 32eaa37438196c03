/**
 * The `retrieval` app (rendered/<env>/retrieval): the retrieval database's migration Job, an
 * Argo CD Sync hook in namespace `platform` like the audit trail's (charts/audit/chart.ts), run
 * as its own workload identity (an Entra admin of the server, stacks/data-stack.ts). It creates
 * each retrieval tenant's Entra role (postgres database), applies migrations/retrieval, then
 * reconciles the tenant stores with the environment's tenant list (sql.ts). Its SQL is in a
 * ConfigMap; its pod reaches only the private endpoints on 5432 and Entra ID.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { RETRIEVAL_DATABASE, RETRIEVAL_MIGRATOR, type TenantStoreNames } from '../../catalog/retrieval';
import { cidrEgress, egressOnlyPolicy, hookJob, labelsFor, PLATFORM_NAMESPACE } from '../workloads/common';
import { migrationScript } from '../audit/migration-script';
import { postgresEgress, postgresEnv, scriptContainer, scriptFiles, scriptIdentity, scriptJobPod, tokenContainer, withWorkloadIdentity, type MigratedAppProps, type ScriptPodLayout } from '../audit/job-pod';
import { migrationJobSh, TOKEN_SH } from '../audit/scripts';
import { principalsScript, principalVariable, reconcileScript } from './sql';

export const RETRIEVAL_MIGRATE_JOB = 'retrieval-migrate';
const SCRIPTS_DIR = '/etc/retrieval';

export interface RetrievalChartProps extends MigratedAppProps {
  /** The environment's active retrieval tenants. */
  readonly stores: readonly TenantStoreNames[];
  readonly embeddingDimensions: number;
}

/** The Job's script: Entra roles in `postgres`, then the versioned migrations and the reconcile in the retrieval database. */
export function retrievalMigrateSh(stores: readonly TenantStoreNames[]): string {
  // A tenant stack not deployed yet has not written its object id: fail with that, and Argo CD retries the sync.
  const checks = stores.map((s) => `: "\${${principalVariable(s).env}:?${s.objectIdSecret} is not in the platform vault yet: deploy the tenant stack of ${s.tenant}}"\n`).join('');
  return migrationJobSh(SCRIPTS_DIR, stores.map(principalVariable), [
    { file: 'migrate.sql', tuplesOnly: true },
    { file: 'reconcile.sql', tuplesOnly: true },
  ], checks);
}

export class RetrievalChart extends Chart {
  constructor(scope: Construct, id: string, props: RetrievalChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: PLATFORM_NAMESPACE });
    const ns = PLATFORM_NAMESPACE;
    const m = RETRIEVAL_MIGRATOR;
    // Wave -2: the namespace denies by default, so the policy and the secret exist before the hook runs.
    const earlier = { 'argocd.argoproj.io/sync-wave': '-2' };
    const labels = labelsFor({ name: RETRIEVAL_MIGRATE_JOB, component: 'retrieval-migration', version: props.postgresImage.version });
    const meta = { namespace: ns, labels, annotations: earlier };
    const layout: ScriptPodLayout = { scriptsDir: SCRIPTS_DIR, work: false, ephemeralStorage: { request: '64Mi', limit: '256Mi' }, workloadPool: false };

    // The tenants' object ids are written to the platform vault by their tenant stacks.
    scriptIdentity(this, m, meta, Object.fromEntries(props.stores.map((s) => [principalVariable(s).env, s.objectIdSecret])));
    scriptFiles(this, RETRIEVAL_MIGRATE_JOB, meta, {
      'token.sh': TOKEN_SH,
      'migrate.sh': retrievalMigrateSh(props.stores),
      'principals.sql': principalsScript(props.stores),
      'migrate.sql': migrationScript(props.migrations),
      'reconcile.sql': reconcileScript(props.stores, props.embeddingDimensions),
    });
    egressOnlyPolicy(this, {
      name: RETRIEVAL_MIGRATE_JOB,
      ...meta,
      egress: [postgresEgress(props.privateEndpointsCidr), ...props.cloudEndpoints.map(cidrEgress)],
    });
    hookJob(this, {
      name: RETRIEVAL_MIGRATE_JOB,
      namespace: ns,
      labels,
      podLabels: withWorkloadIdentity(labels),
      hook: { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-1' },
      pod: scriptJobPod(
        layout,
        m.serviceAccount,
        RETRIEVAL_MIGRATE_JOB,
        [tokenContainer(layout, props.curlImage, m.serviceAccount, ['postgres'])],
        scriptContainer(layout, { name: 'migrate', image: props.postgresImage, script: 'migrate.sh', env: postgresEnv(props.postgresHost, RETRIEVAL_DATABASE, props.migratorRole), secret: m.serviceAccount }),
      ),
    });
  }
}
