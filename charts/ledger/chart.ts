/**
 * The `ledger` app (rendered/<env>/ledger): the cost ledger's migration Job (an Argo CD Sync hook),
 * the loader CronJob that copies the router's spend logs into it, its read-only API (PostgREST)
 * and the exporter that turns its totals into metrics for the tenant dashboards. Everything runs
 * in namespace `platform`, each part with its own workload identity (stacks/data-stack.ts) or, for
 * the exporter, a read-only login (docs/cost-ledger.md), and NetworkPolicies that admit only what
 * it needs: the database's private endpoint, Entra ID, and for the API the Gateway's proxies.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { LEDGER_API, LEDGER_APP_ROLE, LEDGER_DATABASE, LEDGER_IDENTITIES, LEDGER_ROLES, LEDGER_SCHEMAS, type LedgerIdentity } from '../../catalog/ledger';
import { entraPrincipalScript, migrationScript, objectIdVariable } from '../audit/migration-script';
import { postgresEgress, postgresEnv, scriptContainer, scriptCronJob, scriptFiles, scriptIdentity, scriptJobPod, tokenContainer, withWorkloadIdentity, type MigratedAppProps, type ScriptPodLayout } from '../audit/job-pod';
import { TOKEN_SH } from '../audit/scripts';
import { POSTGRES_PORT } from '../../catalog/data-services';
import {
  cidrEgress,
  egressOnlyPolicy,
  ExternalSecret,
  GATEWAY_PROXY_PEER,
  hookJob,
  labelsFor,
  metricsIngress,
  PLATFORM_NAMESPACE,
  port,
  q,
  resources,
  RESTRICTED_CONTAINER,
  selectorFor,
  ServiceMonitor,
  spreadOverZonesAndNodes,
  tcp,
  workloadPod,
} from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { LedgerExporter } from './exporter';
import { ENTRA_SH, EXTRACT_SQL, LOAD_SH, LOAD_SQL, ledgerMigrateSh, SCRIPTS_DIR, SINCE_SQL, TOKENS_DIR } from './scripts';
import { ledgerGrantsScript, tenantGroupsScript, type TenantGroup } from './sql';

export const LEDGER_MIGRATE_JOB = 'ledger-migrate';
export const LEDGER_LOAD_CRONJOB = 'ledger-load';
/** Every 15 minutes: the dashboards and the API lag the router by at most that and the overlap's rewrite. */
export const LEDGER_LOAD_SCHEDULE = '*/15 * * * *';
/** Re-read this much before the watermark: the router writes spend logs in batches (about a minute), late rows land here. */
export const LEDGER_LOAD_OVERLAP = '2 hours';
export const LEDGER_BATCH_ROWS = 5000;
export const LEDGER_MAX_BATCHES = 200;
/** The router's LiteLLM database (stacks/data-stack.ts DATABASES). */
export const ROUTER_DATABASE = 'router';
/** Entra ID access tokens live 60-90 minutes; a refresh every 30 leaves room for a failed one. */
const ENTRA_REFRESH_SECONDS = 1800;

export interface LedgerApiSettings {
  readonly entraTenantId: string;
  readonly appId: string;
}

export interface LedgerChartProps extends MigratedAppProps {
  readonly environment: string;
  readonly postgrestImage: ImageRef;
  readonly sqlExporterImage: ImageRef;
  /** Tenants of this environment and their owners groups: who sees which rows. */
  readonly tenantGroups: readonly TenantGroup[];
  /** The API's app registration; absent: no API. */
  readonly api?: LedgerApiSettings;
}

const principalVar = (a: LedgerIdentity) => objectIdVariable(a.name, a.objectIdSecret);

/** Containers probed by command (a shell loop in the curl image has no HTTP server). */
export const LEDGER_SHELL_PROBED = [`${LEDGER_API.name}/entra`];

export class LedgerChart extends Chart {
  constructor(scope: Construct, id: string, props: LedgerChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: PLATFORM_NAMESPACE });
    const ns = PLATFORM_NAMESPACE;
    const earlier = { 'argocd.argoproj.io/sync-wave': '-2' };
    const pgEgress = postgresEgress(props.privateEndpointsCidr);
    const entra = props.cloudEndpoints.map(cidrEgress);
    const principals = [LEDGER_IDENTITIES.loader, LEDGER_IDENTITIES.api];

    const layout: ScriptPodLayout = { scriptsDir: SCRIPTS_DIR, work: true, ephemeralStorage: { request: '256Mi', limit: '3Gi' }, workloadPool: true };
    // The migration hook's objects come a wave earlier (the namespace denies by default, so its policy must exist before it runs).
    const metaOf = (labels: Record<string, string>, hook: boolean) => ({ namespace: ns, labels, ...(hook ? { annotations: earlier } : {}) });
    const identity = (a: LedgerIdentity, extraSecrets: Record<string, string>, labels: Record<string, string>, hook: boolean) => scriptIdentity(this, a, metaOf(labels, hook), extraSecrets);
    const files = (name: string, data: Record<string, string>, labels: Record<string, string>, hook: boolean) => scriptFiles(this, name, metaOf(labels, hook), data);
    const container = (name: string, image: ImageRef, script: string, env: k8s.EnvVar[], secret: string, memory?: string) => scriptContainer(layout, { name, image, script, env, secret, memory });
    const jobPod = (serviceAccount: string, configMap: string, init: k8s.Container[], main: k8s.Container) => scriptJobPod(layout, serviceAccount, configMap, init, main);
    const pgEnv = (user: string) => postgresEnv(props.postgresHost, LEDGER_DATABASE, user);
    const tokenStep = (image: ImageRef, secret: string) => tokenContainer(layout, image, secret, ['postgres']);

    // ---- migrations -------------------------------------------------------------------
    const migrator = LEDGER_IDENTITIES.migrator;
    const mLabels = labelsFor({ name: LEDGER_MIGRATE_JOB, component: 'ledger-migration', version: props.postgresImage.version });
    identity(migrator, Object.fromEntries(principals.map((a) => [principalVar(a).env, a.objectIdSecret])), mLabels, true);
    files(LEDGER_MIGRATE_JOB, {
      'token.sh': TOKEN_SH,
      'migrate.sh': ledgerMigrateSh(principals.map(principalVar)),
      'principals.sql': entraPrincipalScript(principals.map((a) => ({ role: a.name, variable: principalVar(a).variable }))),
      'migrate.sql': migrationScript(props.migrations),
      'grants.sql': ledgerGrantsScript(principals),
      'tenants.sql': tenantGroupsScript(props.tenantGroups, props.api?.entraTenantId),
    }, mLabels, true);
    hookJob(this, {
      name: LEDGER_MIGRATE_JOB,
      namespace: ns,
      labels: mLabels,
      podLabels: withWorkloadIdentity(mLabels),
      hook: { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-1' },
      pod: jobPod(migrator.serviceAccount, LEDGER_MIGRATE_JOB, [tokenStep(props.curlImage, migrator.serviceAccount)], container('migrate', props.postgresImage, 'migrate.sh', pgEnv(props.migratorRole), migrator.serviceAccount)),
    });
    egressOnlyPolicy(this, { name: LEDGER_MIGRATE_JOB, namespace: ns, labels: mLabels, annotations: earlier, egress: [pgEgress, ...entra] });

    // ---- loader -----------------------------------------------------------------------
    const loader = LEDGER_IDENTITIES.loader;
    const lLabels = labelsFor({ name: LEDGER_LOAD_CRONJOB, component: 'ledger-loader', version: props.postgresImage.version });
    identity(loader, {}, lLabels, false);
    files(LEDGER_LOAD_CRONJOB, { 'token.sh': TOKEN_SH, 'load.sh': LOAD_SH, 'since.sql': SINCE_SQL, 'extract.sql': EXTRACT_SQL, 'load.sql': LOAD_SQL }, lLabels, false);
    const loaderEnv = [
      ...pgEnv(loader.name),
      { name: 'ROUTER_DATABASE', value: ROUTER_DATABASE },
      { name: 'OVERLAP', value: LEDGER_LOAD_OVERLAP },
      { name: 'BATCH_ROWS', value: String(LEDGER_BATCH_ROWS) },
      { name: 'MAX_BATCHES', value: String(LEDGER_MAX_BATCHES) },
    ];
    // A run still going when the next is due finishes first; the next takes over from the watermark.
    scriptCronJob(this, {
      name: LEDGER_LOAD_CRONJOB,
      namespace: ns,
      labels: lLabels,
      schedule: LEDGER_LOAD_SCHEDULE,
      startingDeadlineSeconds: 600,
      activeDeadlineSeconds: 840,
      pod: jobPod(loader.serviceAccount, LEDGER_LOAD_CRONJOB, [tokenStep(props.curlImage, loader.serviceAccount)], container('load', props.postgresImage, 'load.sh', loaderEnv, loader.serviceAccount, '512Mi')),
    });
    egressOnlyPolicy(this, { name: LEDGER_LOAD_CRONJOB, namespace: ns, labels: lLabels, egress: [pgEgress, ...entra] });

    // ---- API --------------------------------------------------------------------------
    if (props.api) this.api(props, props.api, pgEgress, entra);

    new LedgerExporter(this, 'exporter', { environment: props.environment, image: props.sqlExporterImage, databaseEgress: pgEgress });
  }

  /**
   * PostgREST over the `ledger_api` views. It validates the caller's Entra ID access token itself
   * (PostgREST cannot fetch a JWKS URL: the sidecar keeps the key set in a file and signals a
   * reload when it changes), takes the role from the `roles` claim, and logs in with its own
   * workload identity's token through libpq's password file.
   */
  private api(props: LedgerChartProps, api: LedgerApiSettings, pgEgress: k8s.NetworkPolicyEgressRule, entra: k8s.NetworkPolicyEgressRule[]): void {
    const ns = PLATFORM_NAMESPACE;
    const id = LEDGER_IDENTITIES.api;
    const labels = labelsFor({ name: LEDGER_API.name, component: LEDGER_API.component, version: props.postgrestImage.version });
    const selector = selectorFor(LEDGER_API.name);
    const meta = { name: LEDGER_API.name, namespace: ns, labels };
    new k8s.KubeServiceAccount(this, 'api-sa', { metadata: meta, automountServiceAccountToken: false });
    new ExternalSecret(this, 'api-secret', { metadata: meta, data: { AZURE_CLIENT_ID: id.clientIdSecret } });
    new k8s.KubeConfigMap(this, 'api-files', { metadata: meta, data: { 'entra.sh': ENTRA_SH } });

    const entraDir = TOKENS_DIR;
    const sidecarEnv: k8s.EnvVar[] = [
      { name: 'HOME', value: '/tmp' },
      { name: 'JWKS_URL', value: `https://login.microsoftonline.com/${api.entraTenantId}/discovery/v2.0/keys` },
      { name: 'REFRESH_SECONDS', value: String(ENTRA_REFRESH_SECONDS) },
    ];
    const sidecarMounts: k8s.VolumeMount[] = [
      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
      { name: 'entra', mountPath: entraDir },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    const sidecar = (name: string, args: string[]): k8s.Container => ({
      name,
      image: props.curlImage.ref,
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/sh', `${SCRIPTS_DIR}/entra.sh`, ...args],
      env: sidecarEnv,
      envFrom: [{ secretRef: { name: LEDGER_API.name } }],
      resources: resources({ cpuRequest: '50m', cpuLimit: '200m', memory: '32Mi', ephemeralStorage: { request: '64Mi', limit: '1Gi' } }),
      securityContext: RESTRICTED_CONTAINER,
      volumeMounts: sidecarMounts,
    });
    // Fresh if written within the last hour (the sidecar writes every 30 minutes).
    const fresh: k8s.Probe = { exec: { command: ['/bin/sh', '-c', `find ${entraDir}/pgpass ${entraDir}/jwks.json -mmin -60 | grep -c . | grep -qx 2`] }, periodSeconds: 60, failureThreshold: 3, timeoutSeconds: 5 };
    const admin = (path: string, overrides: Partial<k8s.Probe>): k8s.Probe => ({ httpGet: { path, port: port('admin') }, timeoutSeconds: 3, ...overrides });
    const postgrestEnv: Record<string, string> = {
      // No password in the URI: libpq reads it (the Entra token) from PGPASSFILE on every new connection.
      PGRST_DB_URI: `postgres://${id.name}@${props.postgresHost}:${POSTGRES_PORT}/${LEDGER_DATABASE}?sslmode=verify-full&sslrootcert=${entraDir}/ca.crt`,
      PGPASSFILE: `${entraDir}/pgpass`,
      PGRST_DB_SCHEMAS: LEDGER_SCHEMAS.api,
      PGRST_DB_ANON_ROLE: LEDGER_ROLES.anonymous,
      PGRST_DB_MAX_ROWS: '10000',
      PGRST_DB_POOL: '10',
      PGRST_DB_AGGREGATES_ENABLED: 'false',
      // A JSON Web Key Set in a file, re-read on every configuration reload (PostgREST v16.2 Config.hs readSecretFile).
      PGRST_JWT_SECRET: `@${entraDir}/jwks.json`,
      PGRST_JWT_AUD: api.appId,
      // RFC 9535 JSON path (PostgREST 16): the role is the app role's value when the token carries it.
      PGRST_JWT_ROLE_CLAIM_KEY: `$.roles[?(@ == "${LEDGER_APP_ROLE}")]`,
      PGRST_SERVER_PORT: String(LEDGER_API.httpPort),
      PGRST_ADMIN_SERVER_PORT: String(LEDGER_API.adminPort),
      PGRST_LOG_LEVEL: 'warn',
    };

    new k8s.KubeDeployment(this, 'api-deployment', {
      metadata: meta,
      spec: {
        // No replicas: the autoscaler below owns the count.
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: port(0), maxSurge: port(1) } },
        template: {
          metadata: { labels: { ...labels, 'azure.workload.identity/use': 'true' } },
          spec: {
            ...workloadPod(LEDGER_API.name),
            // The sidecar signals PostgREST (SIGUSR2) to reload its keys: same user, shared process namespace.
            shareProcessNamespace: true,
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: spreadOverZonesAndNodes(selector),
            initContainers: [sidecar('entra-init', ['once'])],
            containers: [
              {
                name: 'postgrest',
                image: props.postgrestImage.ref,
                imagePullPolicy: 'IfNotPresent',
                ports: [
                  { name: 'http', containerPort: LEDGER_API.httpPort, protocol: 'TCP' },
                  { name: 'admin', containerPort: LEDGER_API.adminPort, protocol: 'TCP' },
                ],
                env: Object.entries(postgrestEnv).map(([name, value]) => ({ name, value })),
                resources: resources({ cpuRequest: '250m', cpuLimit: '1', memory: '256Mi', ephemeralStorage: { request: '64Mi', limit: '1Gi' } }),
                securityContext: RESTRICTED_CONTAINER,
                startupProbe: admin('/live', { periodSeconds: 5, failureThreshold: 24 }),
                livenessProbe: admin('/live', { periodSeconds: 10, failureThreshold: 3 }),
                readinessProbe: admin('/ready', { periodSeconds: 5, failureThreshold: 2 }),
                // The image holds only the static binary (no shell for a preStop sleep); v16 shuts down gracefully on SIGTERM.
                volumeMounts: [{ name: 'entra', mountPath: entraDir, readOnly: true }],
              },
              { ...sidecar('entra', []), startupProbe: fresh, livenessProbe: fresh, readinessProbe: fresh },
            ],
            volumes: [
              { name: 'scripts', configMap: { name: LEDGER_API.name } },
              // The token and the keys live in memory only.
              { name: 'entra', emptyDir: { medium: 'Memory', sizeLimit: q('2Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: q('16Mi') } },
            ],
          },
        },
      },
    });
    new k8s.KubeService(this, 'api-service', {
      metadata: meta,
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'http', port: LEDGER_API.httpPort, targetPort: port('http'), protocol: 'TCP' },
          { name: 'metrics', port: LEDGER_API.adminPort, targetPort: port('admin'), protocol: 'TCP' },
        ],
      },
    });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'api-hpa', {
      metadata: meta,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: LEDGER_API.name },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
      },
    });
    new k8s.KubePodDisruptionBudget(this, 'api-pdb', { metadata: meta, spec: { maxUnavailable: port(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } });
    new k8s.KubeNetworkPolicy(this, 'api-netpol', {
      metadata: meta,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        // Only the Gateway's proxies call the API; Prometheus scrapes the admin port.
        ingress: [{ from: [GATEWAY_PROXY_PEER], ports: tcp(LEDGER_API.httpPort) }, metricsIngress(LEDGER_API.adminPort)],
        egress: [pgEgress, ...entra],
      },
    });
    new ServiceMonitor(this, 'api-servicemonitor', { metadata: meta, selector, port: 'metrics' });
  }
}
