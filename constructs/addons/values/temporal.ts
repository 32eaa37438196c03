/**
 * temporal chart values: the four server services and the Web UI on the platform PostgreSQL
 * (persistence and visibility, a dedicated login role whose password External Secrets brings from
 * Key Vault; docs/adr/0006-temporal-persistence.md), the schema Job as a pre-install/pre-upgrade
 * hook with the admin-tools image of the server's own release, mutual TLS from the internal CA
 * between the services and towards every client, restricted pods, PDBs (scraped by the
 * platform's monitor in catalog/addon-monitors.ts, not the chart's), and a post-install/
 * post-upgrade Job that creates or updates one Temporal namespace per tenant with its retention.
 */
import { stringify } from 'yaml';
import { POSTGRES_PORT } from '../../../catalog/data-services';
import { mirrorRepository, type AddonContext } from '../context';
import type { TemporalValues } from '../../../catalog/chart-values/temporal';
import { RESTRICTED_CONTAINER, restrictedPod, type Resources } from '../../../catalog/chart-values/common';
import {
  TEMPORAL_CERTIFICATES,
  TEMPORAL_DATABASES,
  TEMPORAL_DB_ROLE,
  TEMPORAL_DB_SECRET,
  TEMPORAL_DB_SECRET_KEY,
  TEMPORAL_FRONTEND_ADDRESS,
  TEMPORAL_FRONTEND_SERVER_NAME,
  TEMPORAL_HISTORY_SHARDS,
  TEMPORAL_INTERNODE_SERVER_NAME,
  TEMPORAL_NAMESPACE,
  TEMPORAL_RELEASE,
  TEMPORAL_SEARCH_ATTRIBUTES,
  TEMPORAL_SERVICE_ACCOUNT,
  TEMPORAL_SIZE,
  TEMPORAL_TLS_MOUNTS,
  temporalReplicas,
  type TemporalSize,
} from '../../../catalog/temporal';

/** The server release the chart ships (Chart.yaml appVersion); the admin-tools image must match it, as the schema it applies is the server's. */
export const TEMPORAL_SERVER_VERSION = '1.31.2';
/** The Web UI the chart ships (values.yaml web.image.tag). */
export const TEMPORAL_UI_VERSION = '2.52.0';

/** The images' user (docker/targets/*.Dockerfile: adduser -u 1000 temporal; the UI's likewise). */
const TEMPORAL_UID = 1000;

/** One tenant's Temporal namespace. */
export interface TemporalNamespace {
  readonly name: string;
  readonly retentionDays: number;
}

export interface TemporalValuesProps {
  /** The PostgreSQL server's FQDN (a Terraform reference). */
  readonly postgresHost: string;
  /** The tenants' namespaces in this environment, retired tenants left out. */
  readonly namespaces: readonly TemporalNamespace[];
}

const sized = (s: TemporalSize): Resources => ({ requests: { cpu: `${s.cpuMillis}m`, memory: `${s.memoryRequestMi}Mi` }, limits: { memory: `${s.memoryLimitMi}Mi` } });
const READ_ONLY_CONTAINER = { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true };

const secretVolume = (name: keyof typeof TEMPORAL_CERTIFICATES) => ({ name: `tls-${name}`, secret: { secretName: TEMPORAL_CERTIFICATES[name].secret, defaultMode: 0o440 } });
const secretMount = (name: keyof typeof TEMPORAL_CERTIFICATES) => ({ name: `tls-${name}`, mountPath: TEMPORAL_TLS_MOUNTS[name], readOnly: true });
const TMP = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };
const file = (dir: keyof typeof TEMPORAL_TLS_MOUNTS, name: 'tls.crt' | 'tls.key' | 'ca.crt') => `${TEMPORAL_TLS_MOUNTS[dir]}/${name}`;

function sqlStore(props: TemporalValuesProps, database: string) {
  return {
    pluginName: 'postgres12_pgx' as const,
    driverName: 'postgres12_pgx' as const,
    databaseName: database,
    connectAddr: `${props.postgresHost}:${POSTGRES_PORT}`,
    connectProtocol: 'tcp' as const,
    user: TEMPORAL_DB_ROLE,
    existingSecret: TEMPORAL_DB_SECRET,
    secretKey: TEMPORAL_DB_SECRET_KEY,
    // The data stack creates the databases; the role may not create any (docs/adr/0006).
    createDatabase: false,
    manageSchema: true,
    maxConns: 20,
    maxIdleConns: 20,
    maxConnLifetime: '1h',
    // The server requires TLS (require_secure_transport); its certificate chains to a public root in the image's CA bundle.
    tls: { enabled: true, enableHostVerification: true, serverName: props.postgresHost },
  };
}

/**
 * Idempotent: describe decides between create and update, so a changed retention lands on the
 * next upgrade; registering the platform's search attributes again is a no-op. A namespace
 * created a moment ago may not be visible to that call yet: the step fails, and the Job's retry
 * (restartPolicy OnFailure) finds it. The connection flags (mutual TLS to the frontend) are the CLI's own, stable since
 * its 1.0 (temporalio/cli cliext/option-sets.yaml: tls-cert-path, tls-key-path, tls-ca-path, tls-server-name).
 */
export function namespaceScript(namespaces: readonly TemporalNamespace[]): string {
  const connection = [
    `--address ${TEMPORAL_FRONTEND_ADDRESS}`,
    `--tls-cert-path ${file('client', 'tls.crt')}`,
    `--tls-key-path ${file('client', 'tls.key')}`,
    `--tls-ca-path ${file('client', 'ca.crt')}`,
    `--tls-server-name ${TEMPORAL_FRONTEND_SERVER_NAME}`,
  ].join(' ');
  const attributes = Object.entries(TEMPORAL_SEARCH_ATTRIBUTES).map(([name, type]) => `--name ${name} --type ${type}`).join(' ');
  const lines = namespaces.map(
    (n) =>
      `if temporal operator namespace describe --namespace ${n.name} $T >/dev/null; then temporal operator namespace update --namespace ${n.name} --retention ${n.retentionDays}d $T; ` +
      `else temporal operator namespace create --namespace ${n.name} --retention ${n.retentionDays}d $T; fi; ` +
      `temporal operator search-attribute create --namespace ${n.name} ${attributes} $T`,
  );
  return ['set -eu', `T="${connection}"`, ...lines].join('\n');
}

/** The name of the namespace Job: a hook, recreated on every install and upgrade. */
export const TEMPORAL_NAMESPACE_JOB = `${TEMPORAL_RELEASE}-tenant-namespaces`;

function namespaceJob(ctx: AddonContext, namespaces: readonly TemporalNamespace[]): Record<string, unknown> {
  const labels = { 'app.kubernetes.io/name': 'temporal', 'app.kubernetes.io/instance': TEMPORAL_RELEASE, 'app.kubernetes.io/component': 'tenant-namespaces', 'app.kubernetes.io/part-of': 'platform' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: TEMPORAL_NAMESPACE_JOB,
      namespace: TEMPORAL_NAMESPACE,
      labels,
      // After the services are up (post-*), replaced on every upgrade, kept when it fails for inspection.
      annotations: { 'helm.sh/hook': 'post-install,post-upgrade', 'helm.sh/hook-weight': '0', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
    },
    spec: {
      backoffLimit: 10,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: TEMPORAL_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          restartPolicy: 'OnFailure',
          securityContext: restrictedPod(TEMPORAL_UID),
          containers: [
            {
              name: 'namespaces',
              image: `${mirrorRepository(ctx, 'docker.io', 'temporalio/admin-tools')}:${TEMPORAL_SERVER_VERSION}`,
              command: ['sh', '-c', namespaceScript(namespaces)],
              env: [{ name: 'HOME', value: '/tmp' }],
              resources: sized(TEMPORAL_SIZE.job),
              securityContext: READ_ONLY_CONTAINER,
              volumeMounts: [secretMount('client'), TMP_MOUNT],
            },
          ],
          volumes: [secretVolume('client'), TMP],
        },
      },
    },
  };
}

export function temporalChartValues(ctx: AddonContext, props: TemporalValuesProps): TemporalValues {
  const ha = ctx.highAvailability;
  const replicas = temporalReplicas(ha);
  const service = (component: 'frontend' | 'history' | 'matching' | 'worker') => ({
    replicaCount: replicas,
    resources: sized(TEMPORAL_SIZE[component]),
    containerSecurityContext: READ_ONLY_CONTAINER,
    ...(ha ? { podDisruptionBudget: { minAvailable: 1 } } : {}),
  });
  return {
    // Created by the stack without a token mount (the chart's own has no such setting).
    serviceAccount: { create: false, name: TEMPORAL_SERVICE_ACCOUNT },
    server: {
      image: { repository: mirrorRepository(ctx, 'docker.io', 'temporalio/server'), tag: TEMPORAL_SERVER_VERSION },
      securityContext: restrictedPod(TEMPORAL_UID),
      additionalVolumes: [secretVolume('internode'), secretVolume('frontend'), secretVolume('client'), TMP],
      additionalVolumeMounts: [secretMount('internode'), secretMount('frontend'), secretMount('client'), TMP_MOUNT],
      // No call home from inside the cluster (it has no route out anyway).
      versionCheckDisabled: true,
      // Scraped through the platform's monitor (catalog/addon-monitors.ts), not the prometheus.io annotations nor the chart's own monitors.
      metrics: { annotations: { enabled: false }, serviceMonitor: { enabled: false } },
      config: {
        logLevel: 'info',
        tls: {
          internode: {
            server: { certFile: file('internode', 'tls.crt'), keyFile: file('internode', 'tls.key'), requireClientAuth: true, clientCaFiles: [file('internode', 'ca.crt')] },
            client: { serverName: TEMPORAL_INTERNODE_SERVER_NAME, rootCaFiles: [file('internode', 'ca.crt')] },
          },
          frontend: {
            server: { certFile: file('frontend', 'tls.crt'), keyFile: file('frontend', 'tls.key'), requireClientAuth: true, clientCaFiles: [file('frontend', 'ca.crt')] },
            client: { serverName: TEMPORAL_FRONTEND_SERVER_NAME, rootCaFiles: [file('frontend', 'ca.crt')] },
          },
          // The system workers (scavengers, schedules) are clients of the frontend like any other.
          systemWorker: { certFile: file('client', 'tls.crt'), keyFile: file('client', 'tls.key'), client: { serverName: TEMPORAL_FRONTEND_SERVER_NAME, rootCaFiles: [file('client', 'ca.crt')] } },
          // cert-manager renews in place; the server rereads the files.
          refreshInterval: '1h',
        },
        persistence: {
          defaultStore: 'default',
          visibilityStore: 'visibility',
          numHistoryShards: TEMPORAL_HISTORY_SHARDS,
          datastores: { default: { sql: sqlStore(props, TEMPORAL_DATABASES.default) }, visibility: { sql: sqlStore(props, TEMPORAL_DATABASES.visibility) } },
        },
        metrics: { prometheus: { timerType: 'histogram', listenAddress: '0.0.0.0:9090' } },
        // The chart's namespace job only creates (describe || create): retention changes would never land. Ours updates.
        namespaces: { create: false },
      },
      frontend: service('frontend'),
      history: service('history'),
      matching: service('matching'),
      worker: service('worker'),
    },
    // No standing admin shell in the cluster; the schema Job still takes its image and volumes from here.
    admintools: {
      enabled: false,
      image: { repository: mirrorRepository(ctx, 'docker.io', 'temporalio/admin-tools'), tag: TEMPORAL_SERVER_VERSION },
      additionalVolumes: [TMP],
      additionalVolumeMounts: [TMP_MOUNT],
    },
    web: {
      replicaCount: replicas,
      image: { repository: mirrorRepository(ctx, 'docker.io', 'temporalio/ui'), tag: TEMPORAL_UI_VERSION },
      resources: sized(TEMPORAL_SIZE.web),
      securityContext: restrictedPod(TEMPORAL_UID),
      containerSecurityContext: READ_ONLY_CONTAINER,
      ...(ha ? { podDisruptionBudget: { minAvailable: 1 } } : {}),
      // The UI server's config (server/config/docker.yaml at v2.52.0) reads these: mutual TLS to the frontend.
      additionalEnv: [
        { name: 'TEMPORAL_TLS_CA', value: file('client', 'ca.crt') },
        { name: 'TEMPORAL_TLS_CERT', value: file('client', 'tls.crt') },
        { name: 'TEMPORAL_TLS_KEY', value: file('client', 'tls.key') },
        { name: 'TEMPORAL_TLS_ENABLE_HOST_VERIFICATION', value: 'true' },
        { name: 'TEMPORAL_TLS_SERVER_NAME', value: TEMPORAL_FRONTEND_SERVER_NAME },
        // Sign-in is the Gateway's (Entra ID OIDC); the UI itself stays without its own auth.
        { name: 'TEMPORAL_AUTH_ENABLED', value: 'false' },
      ],
      additionalVolumes: [secretVolume('client'), TMP],
      additionalVolumeMounts: [secretMount('client'), TMP_MOUNT],
    },
    schema: {
      // Helm runs the schema Job as a pre-install/pre-upgrade hook: before any server Deployment
      // changes, and the release fails (atomic: rolled back) when it does.
      useHelmHooks: true,
      backoffLimit: 10,
      activeDeadlineSeconds: 1800,
      resources: sized(TEMPORAL_SIZE.job),
      securityContext: restrictedPod(TEMPORAL_UID),
      containerSecurityContext: READ_ONLY_CONTAINER,
    },
    // Both shims are for 1.29 images (values.yaml); 1.31 needs neither.
    shims: { dockerize: false, elasticsearchTool: false },
    extraObjects: props.namespaces.length > 0 ? [stringify(namespaceJob(ctx, props.namespaces), { lineWidth: 0, aliasDuplicateObjects: false })] : [],
  };
}
