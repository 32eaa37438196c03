/**
 * Default-deny for a tenant namespace plus the paths it needs: its own pods, cluster DNS, the
 * platform Gateway's Envoy proxies, metric scraping, the LLM router, and the egress the tenant declared.
 * CIDR egress is a NetworkPolicy; host names need Cilium's FQDN policy (Advanced Container
 * Networking security on the cluster), which fails closed when it is unavailable.
 */
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { splitHostPort, type Tenant } from '../../config/tenant-schema';
import { tenantLabels } from './labels';

export interface TenantNetworkPoliciesProps {
  readonly tenant: Tenant;
  readonly namespace: string;
  /** The platform Gateway's data plane: the namespace and labels of the Envoy proxy pods (catalog/edge.ts). */
  readonly gateway: { readonly namespace: string; readonly pods: Readonly<Record<string, string>> };
  readonly monitoringNamespace: string;
  readonly routerNamespace: string;
  /** The tenant's vector store (docs/retrieval.md): the PostgreSQL private endpoint's subnet and port. */
  readonly retrievalStore?: { readonly cidr: string; readonly port: number };
}

const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

export class TenantNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: TenantNetworkPoliciesProps) {
    super(scope, id);
    const labels = tenantLabels(props.tenant);
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels });
    const all = { matchLabels: {} };
    const policy = (name: string, spec: ConstructorParameters<typeof NetworkPolicyV1>[2]['spec']) =>
      new NetworkPolicyV1(this, name, { metadata: metadata(name), spec });

    policy('default-deny', { podSelector: all, policyTypes: ['Ingress', 'Egress'] });
    // The paths every tenant needs, as one policy (fewer objects: hundreds of tenants are
    // synthesized and reviewed at once): its own pods, the Gateway's Envoy proxies and metric
    // scraping in; its own pods, cluster DNS and the LLM router out.
    policy('allow-platform-paths', {
      podSelector: all,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: all }] },
        { from: [{ namespaceSelector: byName(props.gateway.namespace), podSelector: { matchLabels: { ...props.gateway.pods } } }] },
        { from: [{ namespaceSelector: byName(props.monitoringNamespace) }] },
      ],
      egress: [
        { to: [{ podSelector: all }] },
        {
          to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
        },
        { to: [{ namespaceSelector: byName(props.routerNamespace) }], ports: [{ port: '4000', protocol: 'TCP' }] },
      ],
    });

    // Tenants may not declare private ranges; the platform opens the one its vector store needs.
    if (props.retrievalStore) {
      policy('allow-retrieval-store', {
        podSelector: all,
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: props.retrievalStore.cidr } }], ports: [{ port: String(props.retrievalStore.port), protocol: 'TCP' }] }],
      });
    }

    const targets = props.tenant.spec.network.allowEgressTo.map(splitHostPort);
    const cidrs = targets.filter(([host]) => host.includes('/'));
    const hosts = targets.filter(([host]) => !host.includes('/'));
    if (cidrs.length > 0) {
      policy('allow-declared-egress-cidr', {
        podSelector: all,
        policyTypes: ['Egress'],
        egress: cidrs.map(([cidr, port]) => ({ to: [{ ipBlock: { cidr } }], ports: [{ port: String(port), protocol: 'TCP' }] })),
      });
    }
    if (hosts.length > 0) {
      new Manifest(this, 'allow-declared-egress-fqdn', {
        manifest: {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: metadata('allow-declared-egress-fqdn'),
          spec: {
            endpointSelector: {},
            egress: [
              // The DNS proxy must see lookups to learn which IPs a name resolves to.
              {
                toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
                toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
              },
              ...hosts.map(([host, port]) => ({ toFQDNs: [{ matchName: host }], toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }] })),
            ],
          },
        },
      });
    }
  }
}
