/**
 * The platform's entry points: the host names its routes answer on (under the environment's
 * DNS zone), which of them may be published to the internet through the WAF edge, and the
 * fixed address and Private Link service of the internal load balancer in front of the Gateway.
 * The Gateway's listeners and routes, external-dns, the Front Door edge and the smoke checks all
 * read these names, so a host cannot be routed without a record, a certificate and a probe.
 */
import { parseCidr } from './cidr';

export interface PlatformHost {
  /** The first label: `<label>.<zone>`. */
  readonly label: string;
  readonly why: string;
  /** May be published through the WAF edge (`network.edge.frontDoor.publicHosts`). */
  readonly publishable: boolean;
}

export const PLATFORM_HOSTS = {
  api: { label: 'api', why: 'the agent gateway: the API tenants and their tools call', publishable: true },
  llm: { label: 'llm', why: 'the LLM router (OpenAI-compatible API) for tenant workloads outside the cluster', publishable: true },
  argocd: { label: 'argocd', why: 'the Argo CD UI and API (Entra ID sign-in)', publishable: false },
  grafana: { label: 'grafana', why: 'Grafana (Entra ID sign-in)', publishable: false },
  demo: { label: 'demo', why: 'a demo service (podinfo) that proves DNS, TLS, the Gateway and a route end to end (smoke test, probe)', publishable: false },
  n8n: { label: 'n8n', why: "the n8n editor and REST API (Entra ID sign-in at the Gateway: n8n's own OIDC is an enterprise feature)", publishable: false },
  'n8n-hooks': { label: 'hooks', why: 'n8n production webhooks (Azure DevOps service hooks, approval links): no sign-in, their own rate limit, only the webhook paths', publishable: true },
  temporal: { label: 'temporal', why: 'the Temporal Web UI (Entra ID sign-in at the Gateway)', publishable: false },
  ledger: { label: 'ledger', why: "the cost ledger's read-only API (PostgREST): tenants read their own usage and cost with Entra ID access tokens", publishable: false },
  mlflow: { label: 'mlflow', why: 'the MLflow UI, REST API and artifact proxy (Entra ID sign-in at the Gateway)', publishable: false },
} as const satisfies Record<string, PlatformHost>;

export type PlatformHostName = keyof typeof PLATFORM_HOSTS;
export const PLATFORM_HOST_NAMES = Object.keys(PLATFORM_HOSTS) as PlatformHostName[];

export function platformHostname(host: PlatformHostName, zone: string): string {
  return `${PLATFORM_HOSTS[host].label}.${zone}`;
}

/**
 * The internal load balancer's fixed address: the last usable address of the node subnet, where
 * AKS never places a node (it allocates from the start). Front Door's Private Link origin and the
 * Gateway's Service both use it.
 */
export function ingressAddress(nodesCidr: string): string {
  const c = parseCidr(nodesCidr);
  if (!c) throw new Error(`not a CIDR: ${nodesCidr}`);
  const last = (c.base + 2 ** (32 - c.prefix) - 2) >>> 0;
  return [24, 16, 8, 0].map((s) => (last >>> s) & 255).join('.');
}

/** The Private Link service AKS creates for the Gateway's internal load balancer (Service annotation). */
export const INGRESS_PRIVATE_LINK_SERVICE = 'pls-platform-gateway';

// ---- The Gateway (Envoy Gateway, Gateway API) --------------------------------------------------

/** Where Envoy Gateway's controller runs, and (deploy type ControllerNamespace) its Envoy proxies and their Service. */
export const GATEWAY_NAMESPACE = 'envoy-gateway-system';
/** The GatewayClass Envoy Gateway's controller (its default controllerName) serves. */
export const GATEWAY_CLASS = 'platform';
export const GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
/** The one shared Gateway of an environment, and the EnvoyProxy that shapes its data plane. */
export const PLATFORM_GATEWAY = 'platform';
export const ENVOY_PROXY_CONFIG = 'platform-proxy';
/** Listener names: plain HTTP (redirect only), one HTTPS listener per platform host, and the tenants' wildcard. */
export const HTTP_LISTENER = 'http';
export const TENANT_LISTENER = 'tenants';

/**
 * Labels Envoy Gateway puts on the proxy pods it creates for a Gateway
 * (envoyproxy/gateway v1.9.0 internal/infrastructure/kubernetes/proxy: envoyLabels plus the
 * owning-gateway labels; the same in its testdata deployments). The NetworkPolicies that admit the
 * data plane select exactly these.
 */
export const ENVOY_PROXY_POD_LABELS = {
  'app.kubernetes.io/name': 'envoy',
  'app.kubernetes.io/component': 'proxy',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
  'gateway.envoyproxy.io/owning-gateway-name': PLATFORM_GATEWAY,
  'gateway.envoyproxy.io/owning-gateway-namespace': GATEWAY_NAMESPACE,
} as const;

/**
 * Container ports of the proxy: Envoy Gateway adds 10000 to listener ports below 1024, so Envoy
 * runs without NET_BIND_SERVICE (80 -> 10080, 443 -> 10443); metrics on 19001 (`metrics`,
 * /stats/prometheus), readiness on 19003.
 */
export const ENVOY_PORTS = { http: 10080, https: 10443, metrics: 19001, readiness: 19003 } as const;
export const ENVOY_METRICS_PATH = '/stats/prometheus';

/** The data plane's size: per replica, and how far its HPA scales (the namespace quota holds the maximum). */
export const ENVOY_PROXY_SIZE = {
  envoy: { cpuMillis: 250, memoryMi: 512, ephemeralMi: 256 },
  shutdownManager: { cpuMillis: 10, memoryMi: 64, ephemeralMi: 64 },
  replicas: { ha: { min: 2, max: 6 }, single: { min: 1, max: 2 } },
} as const;

/** The tenants' domain: tenant routes use `<tenant>.<this>` and names under it (Gatekeeper rule ingress-host). */
export function tenantAppsDomain(zone: string): string {
  return `apps.${zone}`;
}

/** Whether the Gateway's Service gets an internal Azure load balancer (always, unless the environment opts into public ingress on a public cluster). */
export function internalGateway(env: { readonly aks: { readonly privateCluster: boolean }; readonly network: { readonly publicIngress: boolean } }): boolean {
  return env.aks.privateCluster || !env.network.publicIngress;
}
