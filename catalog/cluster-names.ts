/**
 * Names of in-cluster objects that more than one layer refers to (issuers, the secret store,
 * Argo CD's project, service accounts that workload identities federate with, secrets the
 * observability app and the add-on values both name): defined once here, so a rename cannot
 * leave a reference behind.
 */

/** Namespaces with ExternalSecrets on the platform vault: Argo CD's repository token, Alertmanager's receivers, the workloads. */
export const SECRET_READERS = ['argocd', 'observability', 'platform', 'serving', 'temporal'] as const;

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

/**
 * Alertmanager's receiver credentials: the Key Vault secret an operator seeds
 * (docs/runbooks/provisioning.md) and the key it gets in ALERTMANAGER_RECEIVERS_SECRET, which
 * Alertmanager reads from /etc/alertmanager/secrets/<secret>/<key>.
 */
export const ALERTMANAGER_RECEIVER_SECRETS = {
  pagerduty: { vault: 'alertmanager-pagerduty-routing-key', key: 'pagerduty-routing-key' },
  teams: { vault: 'alertmanager-teams-webhook-url', key: 'teams-webhook-url' },
  ticket: { vault: 'alertmanager-ticket-webhook-url', key: 'ticket-webhook-url' },
  // The dead-man's switch: the external heartbeat monitor's ping URL, called with the Watchdog every minute.
  heartbeat: { vault: 'alertmanager-heartbeat-url', key: 'heartbeat-url' },
} as const satisfies Record<string, { vault: string; key: string }>;

/** The path Alertmanager reads a receiver credential from. */
export const alertmanagerSecretPath = (receiver: keyof typeof ALERTMANAGER_RECEIVER_SECRETS) =>
  `/etc/alertmanager/secrets/${ALERTMANAGER_RECEIVERS_SECRET}/${ALERTMANAGER_RECEIVER_SECRETS[receiver].key}`;

/** node-exporter needs the host's PID and network namespaces, so it runs apart from the restricted namespace. */
export const NODE_EXPORTER_NAMESPACE = 'node-exporter';

/** The service account Argo CD's SSO login runs as; the Entra app registration federates with it. */
export const ARGOCD_SERVER_SERVICE_ACCOUNT = 'argocd-server';

export const CERT_MANAGER_SERVICE_ACCOUNT = 'cert-manager';

export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = 'external-secrets';

/** Ratify's service account (the chart's default name), federated with its workload identity. */
export const RATIFY_SERVICE_ACCOUNT = 'ratify-admin';

/** The Gatekeeper external-data provider Ratify registers (the chart's name for it). */
export const RATIFY_PROVIDER = 'ratify-provider';

/** Ratify's HTTPS port for Gatekeeper's external-data calls. */
export const RATIFY_PROVIDER_PORT = 6001;

/** external-dns' Azure settings (azure.json, no secret in it: workload identity), one ConfigMap per release. */
export const externalDnsConfigMap = (release: string) => `${release}-azure`;

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

/** The blackbox exporter's Service (fullnameOverride) and port: the prober of every Probe. */
export const BLACKBOX_EXPORTER_NAME = 'blackbox-exporter';
export const BLACKBOX_EXPORTER_PORT = 9115;
/** The module that fetches a route over HTTPS and expects a 2xx (configured in the exporter's values). */
export const HTTPS_PROBE_MODULE = 'https_2xx';
/** The module for a route that signs in at the Gateway: it must answer with the redirect to Entra ID, nothing else. */
export const HTTPS_SIGN_IN_PROBE_MODULE = 'https_sign_in';
/** Where Entra ID's sign-in redirects point (authority host of every Entra ID tenant). */
export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';

/** Exempt from Gatekeeper: what must keep working when Gatekeeper itself is down. */
export const GATEKEEPER_EXEMPT_NAMESPACES = ['kube-system', 'gatekeeper-system'];
