/**
 * Names of in-cluster objects that more than one layer refers to (issuers, the secret store,
 * Argo CD's project, service accounts that workload identities federate with, secrets the
 * observability app and the add-on values both name): defined once here, so a rename cannot
 * leave a reference behind.
 */

/** Namespaces with ExternalSecrets on the platform vault: Argo CD's repository token, Alertmanager's receivers, the workloads. */
export const SECRET_READERS = ['argocd', 'observability', 'platform', 'serving'] as const;

export const ACME_ISSUER = 'letsencrypt-dns';

export const INTERNAL_CA_ISSUER = 'internal-ca';

export const PLATFORM_SECRET_STORE = 'platform-key-vault';

export const PLATFORM_PROJECT = 'platform';

export const ROOT_APPLICATION = 'platform-root';

/** Key Vault secret holding a read-only token for the platform repository. */
export const REPO_TOKEN_SECRET = 'argocd-platform-repo-token';

export const PROMETHEUS_SERVICE_ACCOUNT = 'prometheus';

export const GRAFANA_SERVICE_ACCOUNT = 'grafana';

export const THANOS_OBJSTORE_SECRET = 'thanos-objstore';

/** Secret with the receivers' keys and URLs, synced from Key Vault by an ExternalSecret. */
export const ALERTMANAGER_RECEIVERS_SECRET = 'alertmanager-receivers';

/** node-exporter needs the host's PID and network namespaces, so it runs apart from the restricted namespace. */
export const NODE_EXPORTER_NAMESPACE = 'node-exporter';

/** The service account Argo CD's SSO login runs as; the Entra app registration federates with it. */
export const ARGOCD_SERVER_SERVICE_ACCOUNT = 'argocd-server';

export const CERT_MANAGER_SERVICE_ACCOUNT = 'cert-manager';

export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = 'external-secrets';

export const LOKI_SERVICE_ACCOUNT = 'loki';

export const TEMPO_SERVICE_ACCOUNT = 'tempo';

/** In-cluster name of the collector: OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.observability.svc:4317. */
export const OTEL_COLLECTOR_NAME = 'otel-collector';

/** The log agent's name (its DaemonSet, service account and cluster role) and namespace. */
export const OTEL_LOG_AGENT_NAME = 'otel-log-agent';
export const LOG_AGENT_NAMESPACE = 'log-agent';

/**
 * Loki's OTLP endpoint: the chart's gateway Service (nginx, port 80 to pod port 8080) routes
 * /otlp/v1/logs to the write path; OTLP/HTTP exporters append /v1/logs.
 */
export const LOKI_OTLP_ENDPOINT = 'http://loki-gateway.observability.svc/otlp';
/** The Loki chart's labels on its gateway pods, and the pods' port. */
export const LOKI_GATEWAY_POD_LABELS = { 'app.kubernetes.io/name': 'loki', 'app.kubernetes.io/component': 'gateway' } as const;
export const LOKI_GATEWAY_POD_PORT = 8080;

export const INGRESS_CLASS = 'nginx';

/** Exempt from Gatekeeper: what must keep working when Gatekeeper itself is down. */
export const GATEKEEPER_EXEMPT_NAMESPACES = ['kube-system', 'gatekeeper-system'];
