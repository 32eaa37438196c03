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
