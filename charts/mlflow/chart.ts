/**
 * The `mlflow` app (rendered/<env>/mlflow): the MLflow tracking server and model registry from
 * the official image (its `-full` variant, which carries psycopg2, azure-storage-blob and
 * azure-identity), in namespace `platform`, behind the Gateway's Entra ID sign-in
 * (catalog/routes.ts). Metadata in the platform PostgreSQL (database `mlflow`), artifacts in the
 * storage account's `mlflow` container through the artifact proxy (`--serve-artifacts`), both
 * with the server's workload identity: Blob through azure-identity's DefaultAzureCredential
 * (workload identity), PostgreSQL with Entra ID tokens that a native sidecar keeps fresh in
 * libpq's password file (scripts.ts). No password exists anywhere.
 *
 * A Sync hook Job runs first, as the bootstrap identity (an Entra admin of the server): it
 * creates the server's Entra role and the `mlflow` schema, runs `mlflow db upgrade`, and grants
 * the server read and write on the tables, so the server itself never changes the schema.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { MLFLOW_CONTAINER, MLFLOW_IDENTITIES, MLFLOW_SERVER, type MlflowIdentity } from '../../catalog/mlflow';
import {
  cidrEgress, egressOnlyPolicy, ExternalSecret, GATEWAY_PROXY_PEER, hookJob, labelsFor, metricsIngress, port, q, resources, RESTRICTED_CONTAINER,
  selectorFor, ServiceMonitor, spreadOverZonesAndNodes, tcp, workloadPod,
} from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { POSTGRES_PORT } from '../../catalog/data-services';
import { backendStoreUri, grantsSql, PGPASS_FILE, PGPASS_SH, principalSql, PSQL_SH, SCHEMA_SQL, SCRIPTS_DIR, TOKENS_DIR } from './scripts';

export const BOOTSTRAP_JOB = 'mlflow-bootstrap';
const HTTPS_PORT = 443;
/** Where the hook's and the server's scripts are mounted from. */
const SCRIPTS = { server: 'mlflow-scripts', bootstrap: 'mlflow-bootstrap-scripts' } as const;

/** The Host headers MLflow answers (besides /health and /version, which it answers for any). */
export function allowedHosts(publicHost: string, ns: string): string[] {
  const svc = `${MLFLOW_SERVER.name}.${ns}.svc`;
  const privateRanges = ['10.*', '192.168.*', ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`)];
  return [publicHost, `${svc}:${MLFLOW_SERVER.httpPort}`, `${svc}.cluster.local:${MLFLOW_SERVER.httpPort}`, ...privateRanges];
}

export interface MlflowChartProps {
  readonly environment: string;
  readonly images: { readonly mlflow: ImageRef; readonly postgres: ImageRef; readonly curl: ImageRef };
  readonly postgresHost: string;
  /** PostgreSQL roles: the server's (created by the bootstrap) and the bootstrap identity's Azure name (how the server names an Entra admin). */
  readonly roles: { readonly server: string; readonly bootstrap: string };
  readonly blobHost: string;
  /** mlflow.<zone>: the Host the Gateway forwards; MLflow refuses requests for hosts it was not told about. */
  readonly publicHost: string;
  readonly replicas: number;
  /** The private-endpoint subnet: PostgreSQL and Blob are reachable only there. */
  readonly privateEndpointsCidr: string;
  /** CIDR:port of Entra ID, for the token exchanges. */
  readonly cloudEndpoints: readonly string[];
}

export class MlflowChart extends Chart {
  constructor(scope: Construct, id: string, props: MlflowChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: MLFLOW_SERVER.namespace });
    const ns = MLFLOW_SERVER.namespace;
    const earlier = { 'argocd.argoproj.io/sync-wave': '-2' };
    const privateEndpoints = (p: number): k8s.NetworkPolicyEgressRule => ({ to: [{ ipBlock: { cidr: props.privateEndpointsCidr } }], ports: tcp(p) });
    const entra = props.cloudEndpoints.map(cidrEgress);
    const artifacts = `wasbs://${MLFLOW_CONTAINER}@${props.blobHost}/artifacts`;
    const pgEnv = (role: string): k8s.EnvVar[] => [
      { name: 'PGHOST', value: props.postgresHost },
      { name: 'PGPORT', value: String(POSTGRES_PORT) },
      { name: 'PGUSER', value: role },
      { name: 'PGPASSFILE', value: PGPASS_FILE },
    ];
    const common: k8s.EnvVar[] = [
      { name: 'HOME', value: '/tmp' },
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
    ];

    const identity = (a: MlflowIdentity, labels: Record<string, string>, extra: Record<string, string> = {}) => {
      new k8s.KubeServiceAccount(this, `${a.serviceAccount}-sa`, { metadata: { name: a.serviceAccount, namespace: ns, labels, annotations: earlier }, automountServiceAccountToken: false });
      new ExternalSecret(this, `${a.serviceAccount}-secret`, { metadata: { name: a.serviceAccount, namespace: ns, labels, annotations: earlier }, data: { AZURE_CLIENT_ID: a.clientIdSecret, ...extra } });
    };
    // The workload identity webhook mutates init containers too (v1.6.0, pkg/webhook/webhook.go); the client id comes from the ExternalSecret.
    const wiLabels = (labels: Record<string, string>) => ({ ...labels, 'azure.workload.identity/use': 'true' });
    const volumes = (configMap: string): k8s.Volume[] => [
      { name: 'scripts', configMap: { name: configMap } },
      // Access tokens never touch a disk.
      { name: 'tokens', emptyDir: { medium: 'Memory', sizeLimit: q('1Mi') } },
      { name: 'tmp', emptyDir: { sizeLimit: q('2Gi') } },
    ];
    const mounts = (tokens: 'rw' | 'ro'): k8s.VolumeMount[] => [
      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
      { name: 'tokens', mountPath: TOKENS_DIR, readOnly: tokens === 'ro' },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    const small = resources({ cpuRequest: '50m', cpuLimit: '200m', memory: '64Mi', ephemeralStorage: { request: '64Mi', limit: '1Gi' } });
    const script = (name: string, image: ImageRef, args: string[], secret: string, env: k8s.EnvVar[] = []): k8s.Container => ({
      name,
      image: image.ref,
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/sh', ...args],
      env: [...common, ...env],
      envFrom: [{ secretRef: { name: secret } }],
      resources: small,
      securityContext: RESTRICTED_CONTAINER,
      volumeMounts: mounts(name === 'token' || name === 'token-refresh' ? 'rw' : 'ro'),
    });

    // ---- bootstrap: role, schema, upgrade, grants -----------------------------------------
    const boot = MLFLOW_IDENTITIES.bootstrap;
    const bLabels = labelsFor({ name: BOOTSTRAP_JOB, component: 'mlflow-bootstrap', version: props.images.mlflow.version });
    identity(boot, bLabels, { MLFLOW_OBJECT_ID: MLFLOW_IDENTITIES.server.objectIdSecret });
    new k8s.KubeConfigMap(this, 'bootstrap-files', {
      metadata: { name: SCRIPTS.bootstrap, namespace: ns, labels: bLabels, annotations: earlier },
      data: { 'pgpass.sh': PGPASS_SH, 'psql.sh': PSQL_SH, 'principal.sql': principalSql(props.roles.server), 'schema.sql': SCHEMA_SQL, 'grants.sql': grantsSql(props.roles.server) },
    });
    const bootPg = pgEnv(props.roles.bootstrap);
    hookJob(this, {
      name: BOOTSTRAP_JOB,
      namespace: ns,
      labels: bLabels,
      podLabels: wiLabels(bLabels),
      hook: { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-1' },
      pod: {
        ...workloadPod(boot.serviceAccount),
        initContainers: [
          script('token', props.images.curl, [`${SCRIPTS_DIR}/pgpass.sh`, 'once'], boot.serviceAccount),
          script('schema', props.images.postgres, [`${SCRIPTS_DIR}/psql.sh`, 'postgres:principal.sql', 'mlflow:schema.sql'], boot.serviceAccount, bootPg),
          {
            name: 'upgrade',
            image: props.images.mlflow.ref,
            imagePullPolicy: 'IfNotPresent',
            // Alembic migrations in order, each recorded in the schema's alembic_version; a no-op when current.
            command: ['mlflow', 'db', 'upgrade', backendStoreUri(props.postgresHost, POSTGRES_PORT, props.roles.bootstrap)],
            env: [...common, ...bootPg],
            envFrom: [{ secretRef: { name: boot.serviceAccount } }],
            resources: resources({ cpuRequest: '250m', cpuLimit: '1', memory: '1Gi', ephemeralStorage: { request: '256Mi', limit: '3Gi' } }),
            securityContext: RESTRICTED_CONTAINER,
            volumeMounts: mounts('ro'),
          },
        ],
        containers: [script('grants', props.images.postgres, [`${SCRIPTS_DIR}/psql.sh`, 'mlflow:grants.sql'], boot.serviceAccount, bootPg)],
        volumes: volumes(SCRIPTS.bootstrap),
      },
    });
    egressOnlyPolicy(this, { name: BOOTSTRAP_JOB, namespace: ns, labels: bLabels, annotations: earlier, egress: [privateEndpoints(POSTGRES_PORT), ...entra] });

    // ---- the server ------------------------------------------------------------------------
    const server = MLFLOW_IDENTITIES.server;
    const labels = labelsFor({ name: MLFLOW_SERVER.name, component: 'model-registry', version: props.images.mlflow.version });
    const selector = selectorFor(MLFLOW_SERVER.name);
    identity(server, labels);
    new k8s.KubeConfigMap(this, 'server-files', { metadata: { name: SCRIPTS.server, namespace: ns, labels }, data: { 'pgpass.sh': PGPASS_SH } });
    const http = { path: '/health', port: port(MLFLOW_SERVER.httpPort) };
    new k8s.KubeDeployment(this, 'server', {
      metadata: { name: MLFLOW_SERVER.name, namespace: ns, labels },
      spec: {
        replicas: props.replicas,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: port(0), maxSurge: port(1) } },
        template: {
          metadata: { labels: wiLabels(labels) },
          spec: {
            ...workloadPod(server.serviceAccount),
            topologySpreadConstraints: spreadOverZonesAndNodes(selector),
            // A native sidecar (restartPolicy Always): started, with a token file, before the server; refreshing it as long as the pod lives.
            initContainers: [
              {
                ...script('token-refresh', props.images.curl, [`${SCRIPTS_DIR}/pgpass.sh`], server.serviceAccount),
                restartPolicy: 'Always',
                startupProbe: { exec: { command: ['test', '-s', PGPASS_FILE] }, periodSeconds: 2, failureThreshold: 60 },
              },
            ],
            containers: [
              {
                name: 'mlflow',
                image: props.images.mlflow.ref,
                imagePullPolicy: 'IfNotPresent',
                command: ['mlflow', 'server'],
                args: [
                  '--host', '0.0.0.0',
                  '--port', String(MLFLOW_SERVER.httpPort),
                  '--workers', '2',
                  '--backend-store-uri', backendStoreUri(props.postgresHost, POSTGRES_PORT, props.roles.server),
                  // Clients upload and download through the server (mlflow-artifacts:/), which alone holds the Blob role.
                  '--serve-artifacts',
                  '--artifacts-destination', artifacts,
                  // prometheus_flask_exporter (in the -full image) in multiprocess mode, its files in this directory; served on /metrics.
                  '--expose-prometheus', '/tmp/prometheus',
                ],
                env: [
                  ...common,
                  { name: 'PGPASSFILE', value: PGPASS_FILE },
                  // The Gateway forwards mlflow.<zone>; in-cluster callers use the Service name. Health paths are exempt (mlflow/server/security_utils.py).
                  // Private addresses (Prometheus scrapes by pod IP) are what upstream allows by default (get_private_ip_patterns); a Host header opens no network path.
                  { name: 'MLFLOW_SERVER_ALLOWED_HOSTS', value: allowedHosts(props.publicHost, ns).join(',') },
                  // Browsers send Origin on the UI's own POSTs; without this MLflow answers them 403 (CORSBlockingMiddleware, mlflow/server/fastapi_security.py).
                  { name: 'MLFLOW_SERVER_CORS_ALLOWED_ORIGINS', value: `https://${props.publicHost}` },
                  // No job runner: it would execute scorers and other user code inside the registry's pod.
                  { name: 'MLFLOW_SERVER_ENABLE_JOB_EXECUTION', value: 'false' },
                  // Connections are re-opened (with the current token) at least this often.
                  { name: 'MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE', value: '1800' },
                ],
                envFrom: [{ secretRef: { name: server.serviceAccount } }],
                ports: [{ name: 'http', containerPort: MLFLOW_SERVER.httpPort, protocol: 'TCP' }],
                startupProbe: { httpGet: http, periodSeconds: 5, failureThreshold: 36 },
                readinessProbe: { httpGet: http, periodSeconds: 10, failureThreshold: 3 },
                livenessProbe: { httpGet: http, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
                resources: resources({ cpuRequest: '500m', cpuLimit: '2', memory: '2Gi', ephemeralStorage: { request: '512Mi', limit: '3Gi' } }),
                securityContext: RESTRICTED_CONTAINER,
                volumeMounts: mounts('ro'),
              },
            ],
            volumes: volumes(SCRIPTS.server),
          },
        },
      },
    });
    new k8s.KubeService(this, 'service', {
      metadata: { name: MLFLOW_SERVER.name, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: MLFLOW_SERVER.httpPort, targetPort: port('http'), protocol: 'TCP' }] },
    });
    new ServiceMonitor(this, 'monitor', { metadata: { name: MLFLOW_SERVER.name, namespace: ns, labels }, selector: labels, port: 'http' });
    new k8s.KubePodDisruptionBudget(this, 'pdb', { metadata: { name: MLFLOW_SERVER.name, namespace: ns, labels }, spec: { maxUnavailable: port(1), selector: { matchLabels: selector } } });
    new k8s.KubeNetworkPolicy(this, 'netpol', {
      metadata: { name: MLFLOW_SERVER.name, namespace: ns, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        // Only through the Gateway, where Entra ID sign-in comes first.
        ingress: [{ from: [GATEWAY_PROXY_PEER], ports: tcp(MLFLOW_SERVER.httpPort) }, metricsIngress(MLFLOW_SERVER.httpPort)],
        egress: [privateEndpoints(POSTGRES_PORT), privateEndpoints(HTTPS_PORT), ...entra],
      },
    });
  }
}
