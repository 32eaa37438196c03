/**
 * Builds the platform namespaces: Pod Security labels, a ResourceQuota, a LimitRange (defaults
 * for upstream charts that set no requests), a default-deny NetworkPolicy and only the
 * allowances the namespace catalogue lists.
 */
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { TENANT_LABEL } from '../tenant/labels';
import { namespaceQuota, TENANT_NAMESPACES, type NamespacePeer, type PlatformNamespace, type SubnetRef } from '../../catalog/namespaces';

const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
const peer = (p: NamespacePeer) => ({
  ...(p.namespace === '*'
    ? { namespaceSelector: {} }
    : p.namespace === TENANT_NAMESPACES
      ? { namespaceSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: 'Exists' }] } }
      : { namespaceSelector: byName(p.namespace) }),
  ...(p.pods ? { podSelector: { matchLabels: { ...p.pods } } } : {}),
});

/** What a route-forwarding namespace may reach: the ports the other namespaces accept from it. */
export function routedPeers(ns: PlatformNamespace, all: readonly PlatformNamespace[]): NamespacePeer[] {
  if (!ns.forwardsRoutes) return [];
  return all.flatMap((other) => (other.ingressFrom ?? []).filter((p) => p.namespace === ns.name).map((p) => ({ namespace: other.name, ports: p.ports, why: p.why })));
}
const tcp = (ports: number[] | undefined, protocol = 'TCP') => (ports ? { ports: ports.map((port) => ({ port, protocol })) } : {});

export interface PlatformNamespacesProps {
  readonly namespaces: readonly PlatformNamespace[];
  readonly subnets: Record<SubnetRef['subnet'], string>;
  /**
   * Ranges HTTPS egress must not reach: the pod and service ranges (pods and services talk
   * through their own policies) and the VNet, so private endpoints are reachable only where the
   * catalogue lists the private-endpoint subnet for a namespace.
   */
  readonly privateCidrs: string[];
  /** Nodes the pools can scale to together: the quotas of DaemonSet namespaces grow with it. */
  readonly maxNodes: number;
}

export class PlatformNamespaces extends Construct {
  /** Namespace name -> the objects a release in it must wait for. */
  readonly ready: Record<string, Manifest[]> = {};

  constructor(scope: Construct, id: string, props: PlatformNamespacesProps) {
    super(scope, id);
    for (const ns of props.namespaces) {
      if (ns.podSecurity !== 'restricted' && !ns.podSecurityReason) throw new Error(`namespace ${ns.name}: Pod Security ${ns.podSecurity} needs a reason`);
      this.ready[ns.name] = this.namespace(ns, props);
    }
  }

  private namespace(ns: PlatformNamespace, props: PlatformNamespacesProps): Manifest[] {
    const scope = new Construct(this, ns.name);
    const labels = { 'app.kubernetes.io/part-of': 'platform', 'platform.example.org/namespace-class': 'platform' };
    const namespace = new Manifest(scope, 'namespace', {
      manifest: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: ns.name,
          labels: {
            ...labels,
            'pod-security.kubernetes.io/enforce': ns.podSecurity,
            // Warn and audit at restricted everywhere, so any drift from it stays visible.
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
          ...(ns.podSecurityReason ? { annotations: { 'platform.example.org/pod-security-reason': ns.podSecurityReason } } : {}),
        },
      },
    });
    const object = (id: string, manifest: Record<string, unknown>) =>
      new Manifest(scope, id, { manifest: { ...manifest, metadata: { name: id, namespace: ns.name, labels } }, dependsOn: [namespace] });
    const policy = (name: string, spec: Record<string, unknown>) => object(name, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', spec: { podSelector: {}, ...spec } });

    const quota = namespaceQuota(ns, props.maxNodes);
    const objects = [
      namespace,
      object('quota', { apiVersion: 'v1', kind: 'ResourceQuota', spec: { hard: { 'requests.cpu': quota.cpu, 'limits.memory': quota.memory, pods: String(quota.pods) } } }),
      object('defaults', {
        apiVersion: 'v1',
        kind: 'LimitRange',
        spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { memory: '256Mi' } }] },
      }),
      policy('default-deny', { policyTypes: ['Ingress', 'Egress'] }),
      policy('allow-dns', {
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
      }),
    ];
    const ingress = [...(ns.ingressFrom ?? []).map((p) => ({ from: [peer(p)], ...tcp(p.ports) })), ...(ns.publicPorts ? [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ...tcp(ns.publicPorts) }] : [])];
    const egress = [
      ...[...(ns.egressTo ?? []), ...routedPeers(ns, props.namespaces)].map((p) => ({ to: [peer(p)], ...tcp(p.ports) })),
      ...(ns.egressCidrs ?? []).map((c) => ({
        to: c.cidrs.map((cidr) => ({ ipBlock: { cidr: typeof cidr === 'string' ? cidr : props.subnets[cidr.subnet] } })),
        ...tcp(c.ports, c.protocol),
      })),
      ...(ns.httpsEgress ? [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: props.privateCidrs } }], ...tcp([443]) }] : []),
    ];
    // Add-on components talk to each other (server -> repo server -> redis, ...); workload
    // namespaces get no blanket allowance: their charts declare each caller.
    const addon = ns.apiServer || ns.ingressFrom || ns.egressTo;
    if (addon) objects.push(policy('allow-same-namespace', { policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }));
    if (ingress.length > 0) objects.push(policy('allow-ingress', { policyTypes: ['Ingress'], ingress }));
    if (egress.length > 0) objects.push(policy('allow-egress', { policyTypes: ['Egress'], egress }));
    const cilium = ciliumRules(ns, props.subnets.apiServer);
    if (cilium) objects.push(object('allow-api-server-and-nodes', { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', spec: { endpointSelector: {}, ...cilium } }));
    return objects;
  }
}

const ciliumPorts = (ports: number[]) => [{ ports: ports.map((p) => ({ port: String(p), protocol: 'TCP' })) }];

/**
 * What standard NetworkPolicies cannot say on AKS with Cilium: the API server and the nodes are
 * entities, not pods or stable CIDRs. Webhook calls arrive from the API server entity, from
 * `remote-node` (konnectivity) or, with API server VNet integration, from its subnet.
 */
export function ciliumRules(ns: PlatformNamespace, apiServerSubnet: string): { egress?: unknown[]; ingress?: unknown[] } | undefined {
  const egress = [
    ...(ns.apiServer ? [{ toEntities: ['kube-apiserver'] }] : []),
    ...(ns.nodePorts ? [{ toEntities: ['host', 'remote-node'], toPorts: ciliumPorts(ns.nodePorts.ports) }] : []),
  ];
  const ingress = ns.webhookPorts
    ? [
        { fromEntities: ['kube-apiserver', 'remote-node'], toPorts: ciliumPorts(ns.webhookPorts) },
        { fromCIDR: [apiServerSubnet], toPorts: ciliumPorts(ns.webhookPorts) },
      ]
    : [];
  if (egress.length === 0 && ingress.length === 0) return undefined;
  return { ...(egress.length ? { egress } : {}), ...(ingress.length ? { ingress } : {}) };
}
