/**
 * The platform's own namespaces and what each may do on the network, as plain data: the add-ons
 * stack builds them (namespaces.ts), the Gatekeeper catalogue exempts them from tenant rules,
 * and tenant validation reserves their names.
 */

import { LOG_AGENT_NAMESPACE, LOKI_GATEWAY_POD_LABELS, LOKI_GATEWAY_POD_PORT, RATIFY_PROVIDER_PORT } from './cluster-names';
import { POSTGRES_PORT, REDIS_TLS_PORT } from './data-services';
import { N8N_PORT } from './n8n';
import { N8N_NAMESPACE } from './services';
import { ENVOY_PORTS, ENVOY_PROXY_POD_LABELS, ENVOY_PROXY_SIZE, GATEWAY_NAMESPACE } from './edge';
import { SERVICES } from './services';
import { TEMPORAL_NAMESPACE, TEMPORAL_PORTS, TEMPORAL_SIZE, temporalNamespaceQuota } from './temporal';
import { AI_GATEWAY_NAMESPACE, AI_GATEWAY_PORTS, EXTPROC_SIZE } from './ai-gateway';
import { MCP_HUB_NAMESPACE, MCP_SIDECAR_METRICS_PORT, MCP_TOOL_SERVERS } from './mcp-tools';
import { MCP_AUDIT_WRITER } from './audit';

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Stands for every tenant namespace (labelled `tenant`); not a valid namespace name, so never a real one. */
export const TENANT_NAMESPACES = '@tenants';

export interface NamespacePeer {
  /** A namespace name, `*` for every namespace, or TENANT_NAMESPACES. */
  readonly namespace: string;
  /** Only the pods with these labels in that namespace (default: all of them). */
  readonly pods?: Readonly<Record<string, string>>;
  readonly ports?: number[];
  readonly why: string;
}

export interface PlatformNamespace {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  /** Required when podSecurity is not restricted. */
  readonly podSecurityReason?: string;
  readonly quota: NamespaceQuota;
  /** Talks to the Kubernetes API (operators, controllers). */
  readonly apiServer?: boolean;
  /**
   * Why pods here may mount a service-account token that the API server accepts. Unset: every pod
   * must set `automountServiceAccountToken: false` (Gatekeeper rule service-account-token). Tenant
   * namespaces never get one: they are not in this list, and tenant validation reserves its names.
   */
  readonly serviceAccountToken?: string;
  /** The largest container the namespace admits (Gatekeeper rule container-limits). */
  readonly containerMaximum: ContainerMaximum;
  /** Ports the API server calls for admission webhooks or aggregated APIs. */
  readonly webhookPorts?: number[];
  /**
   * Ports on the nodes themselves (kubelet, host-network exporters). Cilium cannot match node
   * addresses with an ipBlock, so these become `host`/`remote-node` entity rules.
   */
  readonly nodePorts?: { readonly ports: number[]; readonly why: string };
  /** HTTPS to addresses outside the cluster, and why. */
  readonly httpsEgress?: string;
  readonly ingressFrom?: NamespacePeer[];
  readonly egressTo?: NamespacePeer[];
  /**
   * The namespace forwards routed traffic (the ingress controller): besides `egressTo`, it may
   * reach exactly the ports other entries accept from it in their `ingressFrom`.
   */
  readonly forwardsRoutes?: boolean;
  /** Load-balancer traffic from anywhere on these ports (the ingress controller only). */
  readonly publicPorts?: number[];
  /** Extra egress to IP ranges: CIDRs or the environment's subnets by name, and why. */
  readonly egressCidrs?: { readonly cidrs: (string | SubnetRef)[]; readonly ports: number[]; readonly protocol?: 'TCP' | 'UDP'; readonly why: string }[];
}

/** A ResourceQuota's hard limits: CPU requests, memory limits and pods. */
export interface FixedQuota {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

/**
 * The quota of a namespace whose pods are DaemonSets: what its pods take on one node, times every
 * node the pools can scale to, plus one node's worth for the pod a rolling update starts while the
 * old one still counts (terminating pods hold their quota until they are gone).
 */
export interface PerNodeQuota {
  readonly perNode: { readonly pods: number; readonly cpuMillis: number; readonly memoryMi: number };
  readonly why: string;
}

export type NamespaceQuota = FixedQuota | PerNodeQuota;

/** The ResourceQuota of a namespace in a cluster of at most `maxNodes` nodes (catalog/node-pools.ts maxNodeCount). */
export function namespaceQuota(ns: Pick<PlatformNamespace, 'quota'>, maxNodes: number): FixedQuota {
  if (!('perNode' in ns.quota)) return ns.quota;
  const nodes = maxNodes + 1;
  const { pods, cpuMillis, memoryMi } = ns.quota.perNode;
  return { cpu: `${nodes * cpuMillis}m`, memory: `${nodes * memoryMi}Mi`, pods: nodes * pods };
}

/**
 * Containers of the node agents (DaemonSets), in plain numbers: the values builders set exactly
 * these, and the namespaces' quotas multiply them by the node count.
 */
export interface AgentSize {
  readonly cpuMillis: number;
  readonly memoryRequestMi: number;
  readonly memoryLimitMi: number;
}

export const NODE_AGENTS = {
  // node-exporter reads /proc and /sys; tens of MiB on any node size.
  nodeExporter: { cpuMillis: 20, memoryRequestMi: 32, memoryLimitMi: 128 },
  nvidiaDevicePlugin: { cpuMillis: 50, memoryRequestMi: 64, memoryLimitMi: 256 },
  // The log agent batches and retries pushes to Loki; its memory limiter starts refusing at 80%.
  logAgent: { cpuMillis: 100, memoryRequestMi: 128, memoryLimitMi: 512 },
} as const satisfies Record<string, AgentSize>;

/** Per-container ceilings: quantities as Kubernetes writes them, the ratio as limit / request. */
export interface ContainerMaximum {
  readonly cpu: string;
  readonly memory: string;
  /** Largest limit / request, for CPU and memory alike. */
  readonly ratio: number;
  readonly why: string;
}

/**
 * Upstream charts size their containers with limits up to 10 times the request (KEDA ships 100Mi
 * requests with 1000Mi limits); the platform's own values stay within 8 (the KEDA operator,
 * 128Mi/1Gi). The rendered-chart test (test/tools/chart-render.test.ts) runs the container-limits rule
 * over every container the charts create.
 */
const CHART_DEFAULTS = 'upstream chart defaults reach a limit/request ratio of 10 (KEDA ships 100Mi/1000Mi)';

/**
 * The gateway namespace at full scale: the controller (two replicas and a rolling update's third,
 * 100m and 1Gi each), its certgen hook (50m, 128Mi), and the Envoy proxies at their HPA maximum
 * plus one for a rolling update (envoy, shutdown-manager and the AI gateway's external processor,
 * catalog/edge.ts ENVOY_PROXY_SIZE, catalog/ai-gateway.ts EXTPROC_SIZE).
 */
function gatewayQuota(): FixedQuota {
  const proxy = ENVOY_PROXY_SIZE.envoy;
  const sm = ENVOY_PROXY_SIZE.shutdownManager;
  const proxies = ENVOY_PROXY_SIZE.replicas.ha.max + 1;
  const cpuMillis = 3 * 100 + 50 + proxies * (proxy.cpuMillis + sm.cpuMillis + EXTPROC_SIZE.cpuMillis);
  const memoryMi = 3 * 1024 + 128 + proxies * (proxy.memoryMi + sm.memoryMi + EXTPROC_SIZE.memoryLimitMi);
  // Headroom of half again: a Gateway's HPA maximum can be raised without touching the quota.
  return { cpu: `${Math.ceil((cpuMillis * 1.5) / 1000)}`, memory: `${Math.ceil((memoryMi * 1.5) / 1024)}Gi`, pods: 30 };
}

/** A subnet of the environment, resolved when the namespaces are built. */
export interface SubnetRef {
  readonly subnet: 'nodes' | 'privateEndpoints' | 'apiServer';
}

export const OBSERVABILITY_NAMESPACE = 'observability';
const SCRAPE: NamespacePeer = { namespace: OBSERVABILITY_NAMESPACE, why: 'Prometheus scrapes metrics' };

const PRIVATE_ENDPOINTS: SubnetRef = { subnet: 'privateEndpoints' };

/**
 * The platform namespaces; `envoy-gateway-system`, `observability`, `argocd` and `platform` match the
 * tenancy defaults in config/schema.ts, `platform` and `serving` the workload charts.
 */
export const PLATFORM_NAMESPACES: readonly PlatformNamespace[] = [
  {
    name: 'argocd',
    podSecurity: 'restricted',
    quota: { cpu: '16', memory: '32Gi', pods: 60 },
    containerMaximum: { cpu: '4', memory: '8Gi', ratio: 10, why: `the application controller is limited to 2Gi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'the application controller and the repo server reconcile every rendered object through the API',
    apiServer: true,
    httpsEgress: 'Git and Helm repositories, Entra ID for SSO',
    ingressFrom: [{ namespace: GATEWAY_NAMESPACE, pods: ENVOY_PROXY_POD_LABELS, ports: [8080], why: "the UI and API through the platform Gateway's Envoy proxies" }, SCRAPE],
  },
  {
    // Envoy Gateway's controller and, created by it at runtime, the Gateway's Envoy proxies and their Service.
    name: GATEWAY_NAMESPACE,
    podSecurity: 'restricted',
    quota: gatewayQuota(),
    containerMaximum: { cpu: '4', memory: '4Gi', ratio: 10, why: `the controller is limited to 1Gi and Envoy to ${ENVOY_PROXY_SIZE.envoy.memoryMi}Mi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'the controller watches Gateway API objects, Services and EndpointSlices and creates the proxies (which mount no token); its certgen hook writes the xDS certificates',
    apiServer: true,
    // The topology injector (a mutating webhook on pods/binding) and the xDS server's certificates.
    webhookPorts: [9443],
    publicPorts: [ENVOY_PORTS.http, ENVOY_PORTS.https],
    // In-cluster clients of the routes: the probes (observability) and the edge smoke test. The
    // load-balancer rule below admits the world; these name cluster sources explicitly.
    ingressFrom: [
      SCRAPE,
      { namespace: 'platform', pods: { 'app.kubernetes.io/name': 'edge-smoke' }, ports: [ENVOY_PORTS.https], why: "the edge smoke test (PostSync) fetches every route through the Gateway" },
    ],
    forwardsRoutes: true,
    // The proxies exchange sign-in codes and fetch signing keys at Entra ID (routes with signIn, and the MCP hub's JWT validation).
    httpsEgress: 'Entra ID for the sign-in at the Gateway and the MCP hub (token endpoint, signing keys)',
    egressTo: [
      { namespace: 'platform', why: "the agent gateway's and the LLM router's routes (the workload charts' policies admit only the proxies, on the service ports)" },
      { namespace: TENANT_NAMESPACES, why: "tenants' HTTPRoutes (each tenant namespace admits the proxies)" },
      { namespace: N8N_NAMESPACE, ports: [N8N_PORT], why: "the n8n editor's and webhooks' routes (the n8n chart's policies admit only the proxies, and only to main and webhook)" },
      // The MCP hub's audit writer admits the proxies on OTLP (its ingressFrom): routedPeers adds that egress.
    ],
  },
  {
    // Envoy AI Gateway's controller: Envoy Gateway's extension server and the webhook that adds the external processor to the proxies.
    name: AI_GATEWAY_NAMESPACE,
    podSecurity: 'restricted',
    // Two controllers and a rolling update's third at 512Mi each.
    quota: { cpu: '2', memory: '3Gi', pods: 10 },
    containerMaximum: { cpu: '1', memory: '1Gi', ratio: 8, why: 'the controller is limited to 512Mi' },
    serviceAccountToken: 'the controller watches MCPRoutes and Gateways and writes the generated HTTPRoutes, Backends, policies and filter-config Secrets',
    apiServer: true,
    webhookPorts: [AI_GATEWAY_PORTS.webhook],
    ingressFrom: [
      { namespace: OBSERVABILITY_NAMESPACE, ports: [AI_GATEWAY_PORTS.metrics], why: 'Prometheus scrapes the controller' },
      { namespace: GATEWAY_NAMESPACE, pods: { 'control-plane': 'envoy-gateway' }, ports: [AI_GATEWAY_PORTS.extensionServer], why: "Envoy Gateway's extension manager (xDS translation hooks)" },
    ],
  },
  {
    // The MCP hub's tool servers (docs/mcp-hub.md): reached only from the Gateway's proxies, over mTLS.
    name: MCP_HUB_NAMESPACE,
    podSecurity: 'restricted',
    // The Azure DevOps server at its autoscaler's maximum (6) and a rolling update's seventh: 1Gi and 128Mi each;
    // the audit writer's two pods and a surge third at 416Mi (charts/mcp-hub/audit-writer.ts): 9.1Gi, 2.8 CPU requested, 10 pods.
    quota: { cpu: '4', memory: '12Gi', pods: 20 },
    containerMaximum: { cpu: '2', memory: '2Gi', ratio: 4, why: 'a tool server is limited to 1 CPU and 1Gi, its TLS sidecar to 200m and 128Mi' },
    httpsEgress: 'the tool servers\' SaaS APIs (Azure DevOps) and Entra ID token exchange (workload identity)',
    ingressFrom: [
      ...Object.values(MCP_TOOL_SERVERS).map((t) => ({ namespace: GATEWAY_NAMESPACE, pods: ENVOY_PROXY_POD_LABELS, ports: [t.tlsPort], why: `${t.service} through the platform Gateway's Envoy proxies (mTLS)` })),
      // The stats port only: a server's plain MCP port must stay unreachable, Prometheus included.
      { namespace: OBSERVABILITY_NAMESPACE, ports: [MCP_SIDECAR_METRICS_PORT], why: "Prometheus scrapes the TLS sidecars' stats" },
      { namespace: GATEWAY_NAMESPACE, pods: ENVOY_PROXY_POD_LABELS, ports: [MCP_AUDIT_WRITER.otlpPort], why: "the proxies' MCP access-log records to the audit writer" },
      { namespace: OBSERVABILITY_NAMESPACE, ports: [MCP_AUDIT_WRITER.metricsPort], why: "Prometheus scrapes the audit writer's collector" },
    ],
  },
  {
    name: 'cert-manager',
    podSecurity: 'restricted',
    quota: { cpu: '4', memory: '4Gi', pods: 20 },
    containerMaximum: { cpu: '2', memory: '2Gi', ratio: 10, why: `controllers are limited to 512Mi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'the controller, webhook and cainjector read and write Certificates, Secrets and webhook configurations',
    apiServer: true,
    webhookPorts: [10250],
    httpsEgress: "Let's Encrypt ACME, Azure DNS and Entra ID",
    ingressFrom: [SCRAPE],
    egressCidrs: [{ cidrs: ['1.1.1.1/32', '8.8.8.8/32'], ports: [53], protocol: 'UDP', why: 'DNS-01 self-checks ask public resolvers' }],
  },
  {
    name: 'external-dns',
    podSecurity: 'restricted',
    // Two releases of one replica each (the chart's Recreate strategy never runs two at once).
    quota: { cpu: '1', memory: '2Gi', pods: 10 },
    containerMaximum: { cpu: '1', memory: '1Gi', ratio: 10, why: `external-dns is limited to 256Mi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'external-dns watches Gateways, HTTPRoutes and Namespaces to learn the hosts and the Gateway address',
    apiServer: true,
    httpsEgress: 'Azure Resource Manager (DNS records) and Entra ID token exchange',
    ingressFrom: [SCRAPE],
  },
  {
    name: 'external-secrets',
    podSecurity: 'restricted',
    quota: { cpu: '4', memory: '4Gi', pods: 20 },
    containerMaximum: { cpu: '2', memory: '2Gi', ratio: 10, why: `controllers are limited to 512Mi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'the controller writes the Secrets it syncs from Key Vault',
    apiServer: true,
    webhookPorts: [10250],
    httpsEgress: 'Entra ID token exchange',
    ingressFrom: [SCRAPE],
    egressCidrs: [{ cidrs: [PRIVATE_ENDPOINTS], ports: [443], why: 'Key Vault through its private endpoint' }],
  },
  {
    name: 'gatekeeper-system',
    podSecurity: 'restricted',
    quota: { cpu: '8', memory: '8Gi', pods: 20 },
    containerMaximum: { cpu: '4', memory: '4Gi', ratio: 10, why: `the controller manager and audit are limited to 1Gi, Ratify to 512Mi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'Gatekeeper watches every synced kind and its own custom resources; Ratify its verifier, store and certificate resources',
    apiServer: true,
    webhookPorts: [8443],
    httpsEgress: 'Entra ID token exchange (Ratify)',
    ingressFrom: [SCRAPE, { namespace: 'gatekeeper-system', ports: [RATIFY_PROVIDER_PORT], why: 'the webhook and audit ask Ratify whether an image is signed (external data)' }],
    egressTo: [{ namespace: 'gatekeeper-system', pods: { 'app.kubernetes.io/name': 'ratify' }, ports: [RATIFY_PROVIDER_PORT], why: 'Gatekeeper asks Ratify whether an image is signed (external data)' }],
    egressCidrs: [{ cidrs: [PRIVATE_ENDPOINTS], ports: [443], why: 'Ratify reads signatures from the registry and the signing certificate from Key Vault through their private endpoints' }],
  },
  {
    name: 'keda',
    podSecurity: 'restricted',
    // Highly available: two operators and two metrics servers at 1Gi each, the 256Mi webhook, and a
    // rolling update's extra pod.
    quota: { cpu: '4', memory: '6Gi', pods: 20 },
    containerMaximum: { cpu: '2', memory: '2Gi', ratio: 10, why: `operator and metrics server are limited to 1Gi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'the operator manages HPAs and the metrics server answers the external-metrics API',
    apiServer: true,
    webhookPorts: [6443, 9443],
    ingressFrom: [SCRAPE],
    egressTo: [{ namespace: OBSERVABILITY_NAMESPACE, ports: [9090], why: 'Prometheus queries behind the ScaledObjects' }],
    egressCidrs: [{ cidrs: [PRIVATE_ENDPOINTS], ports: [REDIS_TLS_PORT], why: "the n8n workers' trigger reads the Bull queue's length from their Redis (TLS) through its private endpoint" }],
  },
  {
    name: 'argo-rollouts',
    podSecurity: 'restricted',
    // Two controllers at 1Gi and a rolling update's third; the plugin-copying init container is smaller.
    quota: { cpu: '2', memory: '4Gi', pods: 10 },
    containerMaximum: { cpu: '2', memory: '2Gi', ratio: 10, why: 'the controller is limited to 1Gi (4 times its request)' },
    serviceAccountToken: 'the controller manages Rollouts, ReplicaSets, Services, AnalysisRuns and Jobs, and sets the weights of HTTPRoutes',
    apiServer: true,
    ingressFrom: [SCRAPE],
    egressTo: [{ namespace: OBSERVABILITY_NAMESPACE, ports: [9090], why: "canary analyses query Prometheus" }],
  },
  {
    name: 'nvidia-device-plugin',
    podSecurity: 'privileged',
    podSecurityReason: 'the device plugin mounts the kubelet device-plugin socket (hostPath) to advertise GPUs',
    quota: {
      // The chart always renders the MPS control daemon beside the plugin (two containers sized alike, one
      // of them an init container); it waits for a node labelled for MPS, but a quota cannot count on that.
      perNode: { pods: 2, cpuMillis: 2 * NODE_AGENTS.nvidiaDevicePlugin.cpuMillis, memoryMi: 2 * NODE_AGENTS.nvidiaDevicePlugin.memoryLimitMi },
      why: 'the device plugin and the MPS control daemon: one pod each per node',
    },
    containerMaximum: { cpu: '1', memory: '1Gi', ratio: 10, why: `the device plugin is limited to 256Mi; ${CHART_DEFAULTS}` },
    serviceAccountToken: 'the chart has no value to switch the token off; with no config map and feature discovery off, its service account is bound to no role, so the token grants only API discovery',
  },
  {
    name: OBSERVABILITY_NAMESPACE,
    podSecurity: 'restricted',
    quota: { cpu: '32', memory: '128Gi', pods: 100 },
    containerMaximum: { cpu: '8', memory: '16Gi', ratio: 10, why: `Prometheus is limited to 8Gi and Loki's and Tempo's components to 4Gi; ${CHART_DEFAULTS}` },
    serviceAccountToken: "Prometheus discovers its targets, the operator manages the stack, and Grafana's sidecars load dashboards from ConfigMaps",
    apiServer: true,
    webhookPorts: [10250],
    httpsEgress: 'Entra ID token exchange, PagerDuty, Teams and the ticket webhook',
    ingressFrom: [
      { namespace: GATEWAY_NAMESPACE, pods: ENVOY_PROXY_POD_LABELS, ports: [3000], why: "Grafana through the platform Gateway's Envoy proxies" },
      { namespace: 'keda', ports: [9090], why: 'KEDA queries Prometheus' },
      { namespace: 'argo-rollouts', ports: [9090], why: 'canary analyses of Argo Rollouts query Prometheus' },
      { namespace: '*', ports: [4317, 4318], why: 'workloads send OTLP to the collector' },
      { namespace: LOG_AGENT_NAMESPACE, ports: [LOKI_GATEWAY_POD_PORT], why: "the log agent pushes container logs to Loki's gateway" },
    ],
    egressTo: [{ namespace: '*', why: 'Prometheus scrapes every namespace' }],
    nodePorts: { ports: [10250, 9100], why: 'kubelet/cAdvisor and node-exporter (host network) on every node' },
    egressCidrs: [
      { cidrs: [PRIVATE_ENDPOINTS], ports: [443], why: 'Blob storage (Thanos, Loki, Tempo) through its private endpoint' },
    ],
  },
  {
    name: 'node-exporter',
    podSecurity: 'privileged',
    podSecurityReason: "node-exporter reads the host's /proc and /sys with the host's PID and network namespaces",
    quota: {
      perNode: { pods: 1, cpuMillis: NODE_AGENTS.nodeExporter.cpuMillis, memoryMi: NODE_AGENTS.nodeExporter.memoryLimitMi },
      why: 'node-exporter: one pod per node',
    },
    containerMaximum: { cpu: '1', memory: '1Gi', ratio: 10, why: `node-exporter is limited to ${NODE_AGENTS.nodeExporter.memoryLimitMi}Mi; ${CHART_DEFAULTS}` },
  },
  {
    name: LOG_AGENT_NAMESPACE,
    podSecurity: 'privileged',
    podSecurityReason:
      'the log agent reads the container logs of its node from a read-only hostPath volume (/var/log/pods), which Pod Security baseline and restricted both forbid; otherwise it runs as restricted asks (non-root, no capabilities, no privilege escalation, RuntimeDefault seccomp, read-only root)',
    quota: {
      perNode: { pods: 1, cpuMillis: NODE_AGENTS.logAgent.cpuMillis, memoryMi: NODE_AGENTS.logAgent.memoryLimitMi },
      why: 'the log agent: one pod per node',
    },
    containerMaximum: { cpu: '1', memory: '1Gi', ratio: 10, why: `the log agent is limited to ${NODE_AGENTS.logAgent.memoryLimitMi}Mi; ${CHART_DEFAULTS}` },
    serviceAccountToken: "the k8sattributes processor watches the node's pods and the namespaces to label each log line",
    apiServer: true,
    // Loki's gateway only: the agent receives nothing and sends nowhere else.
    egressTo: [{ namespace: OBSERVABILITY_NAMESPACE, pods: LOKI_GATEWAY_POD_LABELS, ports: [LOKI_GATEWAY_POD_PORT], why: "container logs to Loki's gateway (OTLP/HTTP)" }],
  },
  {
    // Temporal (catalog/temporal.ts): its components talk to each other (membership, gRPC, mutual
    // TLS) through the same-namespace allowance; from outside only the orchestrator reaches the
    // frontend, and the Gateway's proxies the Web UI.
    name: TEMPORAL_NAMESPACE,
    podSecurity: 'restricted',
    quota: (() => {
      const q = temporalNamespaceQuota();
      return { cpu: `${Math.ceil(q.cpuMillis / 1000)}`, memory: `${Math.ceil(q.memoryMi / 1024)}Gi`, pods: q.pods };
    })(),
    containerMaximum: { cpu: '2', memory: `${TEMPORAL_SIZE.history.memoryLimitMi}Mi`, ratio: 4, why: `history is limited to ${TEMPORAL_SIZE.history.memoryLimitMi}Mi, every container at most four times its request` },
    serviceAccountToken:
      'the chart has no value to switch the pod-level mount off; every Temporal pod runs as the ServiceAccount the control-plane stack creates with automountServiceAccountToken: false and no role, so no token is mounted',
    ingressFrom: [
      SCRAPE,
      { namespace: SERVICES.orchestrator.namespace, pods: { 'app.kubernetes.io/name': SERVICES.orchestrator.name }, ports: [TEMPORAL_PORTS.frontend.grpc], why: "the orchestrator starts and signals workflows through the frontend (mutual TLS)" },
      { namespace: GATEWAY_NAMESPACE, pods: ENVOY_PROXY_POD_LABELS, ports: [TEMPORAL_PORTS.web], why: "the Web UI through the platform Gateway's Envoy proxies (Entra ID sign-in)" },
    ],
    egressCidrs: [{ cidrs: [PRIVATE_ENDPOINTS], ports: [POSTGRES_PORT], why: 'PostgreSQL (persistence and visibility) through its private endpoint' }],
  },
  // Workload namespaces: the charts in charts/workloads add the allowances of each service.
  {
    name: 'platform',
    podSecurity: 'restricted',
    quota: { cpu: '64', memory: '128Gi', pods: 200 },
    // The agent services and the router never call the Kubernetes API: no tokens here.
    containerMaximum: { cpu: '8', memory: '16Gi', ratio: 4, why: 'the orchestrator bursts to twice its CPU request (4 CPUs in prod); the router is limited to 2 CPUs and 2Gi' },
  },
  {
    // n8n in queue mode (charts/control-plane/n8n.ts); sized for the largest environment at full scale
    // (test/unit/n8n.test.ts renders prod at its maxima and checks it fits).
    name: N8N_NAMESPACE,
    podSecurity: 'restricted',
    quota: { cpu: '24', memory: '64Gi', pods: 40 },
    // n8n never calls the Kubernetes API: no tokens here.
    containerMaximum: { cpu: '2', memory: '4Gi', ratio: 4, why: 'workers are limited to 2 CPUs and 2Gi (10 concurrent executions), the main process to 2 CPUs and 2Gi' },
  },
  {
    name: 'serving',
    podSecurity: 'restricted',
    quota: { cpu: '256', memory: '2Ti', pods: 200 },
    // vLLM stages the weights in host memory while loading: a 70B model at tensor parallelism 4 asks
    // about 180Gi and 32 CPUs, and the GPU nodes (Standard_NC96ads_A100_v4) have 880Gi and 96 vCPUs.
    containerMaximum: { cpu: '64', memory: '512Gi', ratio: 2, why: 'vLLM replicas stage model weights in host memory (about 180Gi for a 70B model) and burst to twice their CPU request' },
  },
];

export const PLATFORM_NAMESPACE_NAMES: readonly string[] = PLATFORM_NAMESPACES.map((n) => n.name);
