/**
 * Temporal on the platform, as plain data: the names its chart (temporal 1.6.0, server 1.31.2)
 * creates for the release `temporal` in namespace `temporal`, the ports, the certificates and
 * secrets the control-plane stack makes for it, and the retention bounds of the per-tenant
 * Temporal namespaces. The chart derives its object names from the release name: with release
 * `temporal` (which contains the chart name) the full name is `temporal`, so components are
 * `temporal-<component>` (templates/_helpers.tpl temporal.fullname / temporal.componentname).
 */

export const TEMPORAL_NAMESPACE = 'temporal';
export const TEMPORAL_RELEASE = 'temporal';

/** The server components the chart runs, each a Deployment `temporal-<component>`. */
export const TEMPORAL_SERVER_COMPONENTS = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalServerComponent = (typeof TEMPORAL_SERVER_COMPONENTS)[number];

/** gRPC and membership ports (the chart's values.yaml defaults, kept so the policies can name them). */
export const TEMPORAL_PORTS = {
  frontend: { grpc: 7233, membership: 6933, http: 7243 },
  history: { grpc: 7234, membership: 6934 },
  matching: { grpc: 7235, membership: 6935 },
  worker: { membership: 6939 },
  web: 8080,
  /** Every server pod's Prometheus endpoint (the chart hard-codes 9090 on the `metrics` port). */
  metrics: 9090,
} as const;

/** The frontend Service clients dial, and its in-cluster address. */
export const TEMPORAL_FRONTEND_SERVICE = `${TEMPORAL_RELEASE}-frontend`;
export const TEMPORAL_FRONTEND_ADDRESS = `${TEMPORAL_FRONTEND_SERVICE}.${TEMPORAL_NAMESPACE}.svc:${TEMPORAL_PORTS.frontend.grpc}`;
/** The Web UI's Service (templates/web-service.yaml). */
export const TEMPORAL_WEB_SERVICE = `${TEMPORAL_RELEASE}-web`;

/** Pod labels of a component, as the chart sets them (templates/_helpers.tpl temporal.resourceLabels). */
export function temporalPodLabels(component: TemporalServerComponent | 'web'): Record<string, string> {
  return { 'app.kubernetes.io/name': 'temporal', 'app.kubernetes.io/instance': TEMPORAL_RELEASE, 'app.kubernetes.io/component': component };
}

/**
 * The ServiceAccount every Temporal pod runs as. The stack creates it with
 * `automountServiceAccountToken: false`: the chart has no pod-level value for it, and no Temporal
 * component calls the Kubernetes API.
 */
export const TEMPORAL_SERVICE_ACCOUNT = 'temporal';

/** The PostgreSQL databases (created by the data stack) and the dedicated login role. */
export const TEMPORAL_DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;
export const TEMPORAL_DB_ROLE = 'temporal';
/** Key Vault secret (platform vault) with the role's password; the Kubernetes Secret it becomes. */
export const TEMPORAL_DB_PASSWORD_VAULT_SECRET = 'temporal-postgres-password';
export const TEMPORAL_DB_SECRET = 'temporal-postgres';
export const TEMPORAL_DB_SECRET_KEY = 'password';

/**
 * TLS material from the internal CA (cert-manager): each Certificate's Secret holds tls.crt,
 * tls.key and the issuing CA as ca.crt. Internode: every server pod presents it to every other
 * (mutual TLS). Frontend: the frontend's serving certificate; clients (the UI, the namespace job,
 * the orchestrator) present a client certificate of the same CA.
 */
export const TEMPORAL_CERTIFICATES = {
  internode: { secret: 'temporal-internode-tls', commonName: 'temporal-internode' },
  frontend: { secret: 'temporal-frontend-tls', commonName: TEMPORAL_FRONTEND_SERVICE },
  /** The client certificate of Temporal's own clients in its namespace (Web UI, namespace job). */
  client: { secret: 'temporal-client-tls', commonName: 'temporal-client' },
} as const;
/**
 * The orchestrator's client certificate for the frontend (rendered with the agent services in
 * namespace `platform`, same internal CA), and where its container finds it.
 */
export const TEMPORAL_ORCHESTRATOR_CLIENT = { secret: 'agent-orchestrator-temporal-tls', commonName: 'agent-orchestrator', mountPath: '/etc/temporal-tls' } as const;
/** The name clients verify on the frontend's certificate (one of its SANs). */
export const TEMPORAL_FRONTEND_SERVER_NAME = `${TEMPORAL_FRONTEND_SERVICE}.${TEMPORAL_NAMESPACE}.svc`;
/** The server name internode clients expect on the internode certificate. */
export const TEMPORAL_INTERNODE_SERVER_NAME = `${TEMPORAL_RELEASE}-internode.${TEMPORAL_NAMESPACE}.svc`;
/** Where the server and its clients mount the certificates. */
export const TEMPORAL_TLS_MOUNTS = { internode: '/etc/temporal/tls/internode', frontend: '/etc/temporal/tls/frontend', client: '/etc/temporal/tls/client' } as const;

/**
 * Retention of closed workflows per tenant namespace, in days. The default is what a tenant gets
 * without `spec.workflows.retentionDays`; the maximum bounds what the visibility and history
 * tables of one shared PostgreSQL server hold (closed histories are kept until retention ends).
 */
export const TEMPORAL_RETENTION = { defaultDays: 7, minDays: 1, maxDays: 90 } as const;

/**
 * Search attributes every tenant namespace gets (docs/workflows.md): the request's correlation id,
 * and the dead-letter mark. Registering an existing one is a no-op on SQL visibility
 * (temporalio/temporal v1.31.2 service/frontend/operator_handler.go addSearchAttributesSQL).
 */
export const TEMPORAL_SEARCH_ATTRIBUTES = { CorrelationId: 'Keyword', DeadLettered: 'Bool' } as const;

/**
 * History shards: fixed at the first deploy (Temporal cannot change it afterwards,
 * values.yaml: "numHistoryShards cannot be changed after the initial deployment").
 */
export const TEMPORAL_HISTORY_SHARDS = 512;

/** One container's size in plain numbers: the values builder sets exactly these, the namespace quota sums them. */
export interface TemporalSize {
  readonly cpuMillis: number;
  readonly memoryRequestMi: number;
  readonly memoryLimitMi: number;
}

/**
 * Container sizes. History holds the mutable state cache of its shards (512 shards over the
 * replicas), so it gets the most memory; matching keeps task-queue partitions in memory; the
 * worker runs Temporal's internal system workflows (scavengers, schedules); the UI is a thin proxy.
 * The schema and namespace Jobs are short admin-tools runs.
 */
export const TEMPORAL_SIZE: Readonly<Record<TemporalServerComponent | 'web' | 'job', TemporalSize>> = {
  frontend: { cpuMillis: 250, memoryRequestMi: 512, memoryLimitMi: 1024 },
  history: { cpuMillis: 500, memoryRequestMi: 1024, memoryLimitMi: 2048 },
  matching: { cpuMillis: 250, memoryRequestMi: 512, memoryLimitMi: 1024 },
  worker: { cpuMillis: 100, memoryRequestMi: 256, memoryLimitMi: 512 },
  web: { cpuMillis: 50, memoryRequestMi: 128, memoryLimitMi: 256 },
  job: { cpuMillis: 50, memoryRequestMi: 64, memoryLimitMi: 256 },
};

/** Replicas of every server component and the UI: two where the environment is highly available. */
export const temporalReplicas = (highAvailability: boolean): number => (highAvailability ? 2 : 1);

/**
 * What the namespace holds at most: every Deployment at its highly-available replica count plus
 * one pod each for a rolling update's surge, and the schema and namespace hook Jobs (one pod each,
 * counted although the capacity test leaves hooks out: they do take quota while they run).
 */
export function temporalNamespaceQuota(): { cpuMillis: number; memoryMi: number; pods: number } {
  const deployments = [...TEMPORAL_SERVER_COMPONENTS, 'web'] as const;
  const perDeployment = temporalReplicas(true) + 1;
  const cpuMillis = deployments.reduce((sum, d) => sum + perDeployment * TEMPORAL_SIZE[d].cpuMillis, 2 * TEMPORAL_SIZE.job.cpuMillis);
  const memoryMi = deployments.reduce((sum, d) => sum + perDeployment * TEMPORAL_SIZE[d].memoryLimitMi, 2 * TEMPORAL_SIZE.job.memoryLimitMi);
  return { cpuMillis, memoryMi, pods: deployments.length * perDeployment + 2 };
}
