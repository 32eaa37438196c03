/**
 * The platform's own namespaces and what each may do on the network, as plain data: the add-ons
 * stack builds them (namespaces.ts), the Gatekeeper catalogue exempts them from tenant rules,
 * and tenant validation reserves their names.
 */

export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface NamespacePeer {
  /** A namespace name, or `*` for every namespace. */
  readonly namespace: string;
  readonly ports?: number[];
  readonly why: string;
}

export interface PlatformNamespace {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  /** Required when podSecurity is not restricted. */
  readonly podSecurityReason?: string;
  readonly quota: { readonly cpu: string; readonly memory: string; readonly pods: number };
  /** Talks to the Kubernetes API (operators, controllers). */
  readonly apiServer?: boolean;
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
  /** Load-balancer traffic from anywhere on these ports (the ingress controller only). */
  readonly publicPorts?: number[];
  /** Extra egress to IP ranges: CIDRs or the environment's subnets by name, and why. */
  readonly egressCidrs?: { readonly cidrs: (string | SubnetRef)[]; readonly ports: number[]; readonly protocol?: 'TCP' | 'UDP'; readonly why: string }[];
}

/** A subnet of the environment, resolved when the namespaces are built. */
export interface SubnetRef {
  readonly subnet: 'nodes' | 'privateEndpoints' | 'apiServer';
}

export const OBSERVABILITY_NAMESPACE = 'observability';
const SCRAPE: NamespacePeer = { namespace: OBSERVABILITY_NAMESPACE, why: 'Prometheus scrapes metrics' };

const PRIVATE_ENDPOINTS: SubnetRef = { subnet: 'privateEndpoints' };

/**
 * The platform namespaces; `ingress-nginx`, `observability`, `argocd` and `platform` match the
 * tenancy defaults in config/schema.ts, `platform` and `serving` the workload charts.
 */
export const PLATFORM_NAMESPACES: readonly PlatformNamespace[] = [
  {
    name: 'argocd',
    podSecurity: 'restricted',
    quota: { cpu: '16', memory: '32Gi', pods: 60 },
    apiServer: true,
    httpsEgress: 'Git and Helm repositories, Entra ID for SSO',
    ingressFrom: [{ namespace: 'ingress-nginx', ports: [8080], why: 'the UI and API through the ingress controller' }, SCRAPE],
  },
  {
    name: 'ingress-nginx',
    podSecurity: 'restricted',
    quota: { cpu: '16', memory: '16Gi', pods: 30 },
    apiServer: true,
    webhookPorts: [8443],
    publicPorts: [80, 443],
    ingressFrom: [SCRAPE],
    egressTo: [{ namespace: '*', why: 'proxies to the backends of every Ingress' }],
  },
  {
    name: 'cert-manager',
    podSecurity: 'restricted',
    quota: { cpu: '4', memory: '4Gi', pods: 20 },
    apiServer: true,
    webhookPorts: [10250],
    httpsEgress: "Let's Encrypt ACME, Azure DNS and Entra ID",
    ingressFrom: [SCRAPE],
    egressCidrs: [{ cidrs: ['1.1.1.1/32', '8.8.8.8/32'], ports: [53], protocol: 'UDP', why: 'DNS-01 self-checks ask public resolvers' }],
  },
  {
    name: 'external-secrets',
    podSecurity: 'restricted',
    quota: { cpu: '4', memory: '4Gi', pods: 20 },
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
    apiServer: true,
    webhookPorts: [8443],
    ingressFrom: [SCRAPE],
  },
  {
    name: 'keda',
    podSecurity: 'restricted',
    quota: { cpu: '4', memory: '4Gi', pods: 20 },
    apiServer: true,
    webhookPorts: [6443, 9443],
    ingressFrom: [SCRAPE],
    egressTo: [{ namespace: OBSERVABILITY_NAMESPACE, ports: [9090], why: 'Prometheus queries behind the ScaledObjects' }],
  },
  {
    name: 'nvidia-device-plugin',
    podSecurity: 'privileged',
    podSecurityReason: 'the device plugin mounts the kubelet device-plugin socket (hostPath) to advertise GPUs',
    quota: { cpu: '4', memory: '4Gi', pods: 100 },
  },
  {
    name: OBSERVABILITY_NAMESPACE,
    podSecurity: 'restricted',
    quota: { cpu: '32', memory: '128Gi', pods: 100 },
    apiServer: true,
    webhookPorts: [10250],
    httpsEgress: 'Entra ID token exchange, PagerDuty, Teams and the ticket webhook',
    ingressFrom: [
      { namespace: 'ingress-nginx', ports: [3000], why: 'Grafana through the ingress controller' },
      { namespace: 'keda', ports: [9090], why: 'KEDA queries Prometheus' },
      { namespace: '*', ports: [4317, 4318], why: 'workloads send OTLP to the collector' },
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
    quota: { cpu: '4', memory: '4Gi', pods: 200 },
  },
  // Workload namespaces: the charts in charts/workloads add the allowances of each service.
  { name: 'platform', podSecurity: 'restricted', quota: { cpu: '64', memory: '128Gi', pods: 200 } },
  { name: 'serving', podSecurity: 'restricted', quota: { cpu: '256', memory: '2Ti', pods: 200 } },
];

export const PLATFORM_NAMESPACE_NAMES: readonly string[] = PLATFORM_NAMESPACES.map((n) => n.name);
