/**
 * What each platform host routes to, defined once: the backend Service (name, namespace, port),
 * the route's request timeout and its local rate limit. The Gateway's listeners, the HTTPRoutes,
 * the BackendTrafficPolicies, the probes and the smoke test all read this table, and the
 * chart-render test checks that the Helm charts really create the Services named here.
 */
import { ADDONS, releaseName } from './addons';
import { PLATFORM_HOST_NAMES, type PlatformHostName } from './edge';
import { SERVICES } from './services';
import { N8N_WEBHOOK_PATHS } from './n8n';
import { TEMPORAL_NAMESPACE, TEMPORAL_PORTS, TEMPORAL_WEB_SERVICE } from './temporal';
import { AGENT_HEALTH } from './agent-gateway';
import { LEDGER_API } from './ledger';
import { MLFLOW_SERVER } from './mlflow';
import { canaryServiceName } from './rollouts';

export interface PlatformRouteBase {
  readonly host: PlatformHostName;
  /** The backend Service; the HTTPRoute lives in this namespace (no ReferenceGrant needed). */
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
  /** The path a probe and the smoke test expect HTTP 200 from (a sign-in route: the redirect to Entra ID). */
  readonly healthPath: string;
  /**
   * Sign in with Entra ID at the Gateway (Envoy Gateway SecurityPolicy: OIDC, then the ID token's
   * groups checked) before anything reaches the backend: for UIs without single sign-on of their
   * own, or whose own is a paid edition. Unset: the backend authenticates its callers itself.
   */
  readonly signIn?: boolean;
  /**
   * The backend's canary Service (catalog/rollouts.ts canaryServiceName), where an Argo Rollout shifts
   * this route's traffic with the Gateway API plugin: the route lists it with weight 0 beside the
   * stable Service, and the plugin moves the weights during a canary.
   */
  readonly canaryService?: string;
  readonly why: string;
}

/** One catch-all rule for the whole host. */
export interface HostLimits {
  readonly contract?: undefined;
  /** Gateway API request timeout (`0s`: none, for long-lived streams). */
  readonly requestTimeout: string;
  /** Local rate limit per Envoy replica (BackendTrafficPolicy), requests per second. */
  readonly requestsPerSecond: number;
  /** Path prefixes routed (default `/`, everything); the health path must be one of them. */
  readonly paths?: readonly string[];
}

/** The backend's OpenAPI contract is the source: one rule, timeout and rate limit per operation (catalog/agent-gateway.ts). */
export interface ContractLimits {
  readonly contract: 'agentGateway';
}

export type PlatformRoute = PlatformRouteBase & (HostLimits | ContractLimits);

export const PLATFORM_ROUTES: Readonly<Record<PlatformHostName, PlatformRoute>> = {
  api: {
    host: 'api',
    namespace: SERVICES.gateway.namespace,
    service: SERVICES.gateway.name,
    port: SERVICES.gateway.httpPort,
    contract: 'agentGateway',
    healthPath: AGENT_HEALTH.ready,
    why: 'tenant jobs are submitted and polled; per-tenant limits are enforced again by the gateway itself',
  },
  llm: {
    host: 'llm',
    namespace: SERVICES.router.namespace,
    service: SERVICES.router.name,
    port: SERVICES.router.httpPort,
    // Long generations stream for minutes.
    requestTimeout: '600s',
    requestsPerSecond: 100,
    healthPath: '/health/liveliness',
    canaryService: canaryServiceName(SERVICES.router.name),
    why: 'OpenAI-compatible completions; token budgets are the router\'s, this only caps request floods',
  },
  argocd: {
    host: 'argocd',
    namespace: ADDONS.argocd.namespace,
    // The argo-cd chart names its objects <release>-argocd-<component> (nameOverride argocd).
    service: `${releaseName('argocd')}-argocd-server`,
    port: 80,
    // The UI keeps server-sent event streams open (application watch).
    requestTimeout: '0s',
    requestsPerSecond: 50,
    healthPath: '/healthz',
    why: 'UI and API for platform operators (Entra ID sign-in)',
  },
  grafana: {
    host: 'grafana',
    namespace: ADDONS.kubePrometheusStack.namespace,
    service: `${releaseName('kubePrometheusStack')}-grafana`,
    port: 80,
    requestTimeout: '300s',
    requestsPerSecond: 50,
    healthPath: '/api/health',
    why: 'dashboards for operators and tenants (Entra ID sign-in)',
  },
  demo: {
    host: 'demo',
    namespace: SERVICES.demo.namespace,
    service: SERVICES.demo.name,
    port: SERVICES.demo.httpPort,
    requestTimeout: '10s',
    requestsPerSecond: 20,
    healthPath: '/readyz',
    why: 'the end-to-end smoke and synthetic checks have a backend the platform controls',
  },
  n8n: {
    host: 'n8n',
    namespace: SERVICES.n8n.namespace,
    service: SERVICES.n8n.name,
    port: SERVICES.n8n.httpPort,
    // The editor keeps a push connection (SSE/websocket) open.
    requestTimeout: '0s',
    requestsPerSecond: 50,
    healthPath: '/healthz',
    // n8n's own OIDC is an enterprise feature (module sso-oidc, licenseFlag feat:oidc): sign in at the Gateway.
    signIn: true,
    why: 'the n8n editor for workflow authors and operators (docs/n8n.md)',
  },
  'n8n-hooks': {
    host: 'n8n-hooks',
    namespace: SERVICES.n8nWebhook.namespace,
    service: SERVICES.n8nWebhook.name,
    port: SERVICES.n8nWebhook.httpPort,
    // A webhook answers when the workflow is queued (respond immediately), not when it finishes.
    requestTimeout: '30s',
    requestsPerSecond: 20,
    healthPath: '/healthz',
    paths: N8N_WEBHOOK_PATHS,
    why: 'Azure DevOps service hooks and approval links reach the webhook processes; /metrics and the REST API are not routed',
  },
  temporal: {
    host: 'temporal',
    namespace: TEMPORAL_NAMESPACE,
    service: TEMPORAL_WEB_SERVICE,
    port: TEMPORAL_PORTS.web,
    requestTimeout: '60s',
    requestsPerSecond: 50,
    healthPath: '/healthz',
    // The open-source UI has no SSO of its own that the platform could use without a client secret per UI.
    signIn: true,
    why: 'the Temporal Web UI for operators and tenants: workflow histories, retries, terminations (Entra ID sign-in at the Gateway)',
  },
  ledger: {
    host: 'ledger',
    namespace: LEDGER_API.namespace,
    service: LEDGER_API.name,
    port: LEDGER_API.httpPort,
    requestTimeout: '30s',
    requestsPerSecond: 20,
    // PostgREST's OpenAPI description: answered without a token, listing only what the anonymous role may read (nothing).
    healthPath: '/',
    // No sign-in at the Gateway: callers are programs with Entra ID access tokens, which PostgREST validates (docs/cost-ledger.md).
    why: "tenant users and tools read their own usage and cost by task, model and day; PostgREST validates the token, the database filters the rows",
  },
  mlflow: {
    host: 'mlflow',
    namespace: MLFLOW_SERVER.namespace,
    service: MLFLOW_SERVER.name,
    port: MLFLOW_SERVER.httpPort,
    // Artifact uploads and downloads stream through the server's proxy.
    requestTimeout: '600s',
    requestsPerSecond: 50,
    healthPath: '/health',
    // Open-source MLflow has no single sign-on (its basic-auth app keeps its own users): sign in at the Gateway.
    signIn: true,
    why: 'the MLflow model registry: UI, REST API and artifact proxy for model owners (Entra ID sign-in at the Gateway, docs/mlflow.md)',
  },
};

export const PLATFORM_ROUTE_LIST: readonly PlatformRoute[] = PLATFORM_HOST_NAMES.map((h) => PLATFORM_ROUTES[h]);

/** The shared Gateway's HTTPS listener of a platform host. */
export const hostListener = (host: PlatformHostName) => `https-${host}`;

/** The Secret cert-manager writes a listener's certificate to (in the Gateway's namespace). */
export function listenerSecret(listener: string): string {
  return `gateway-${listener}-tls`;
}
