/**
 * Where the platform's own components must reach outside the VNet, each with why: the egress
 * firewall's allow-list is built from this (plus the AKS FQDN tag, the environment's Git hosts
 * and the tenants' declared egress), so a destination is allowed only where an entry says who
 * needs it. Private endpoints (ACR, Key Vault, PostgreSQL, Redis, Blob) are inside the VNet and
 * never pass the firewall.
 *
 * No registry host is here: the add-ons pull through the environment's ACR mirror
 * (catalog/registry-mirrors.ts) over its private endpoint, and ACR fetches from the upstream
 * registries itself, outside the VNet.
 */
export interface EgressEntry {
  /** Host names; a leading `*.` allows the subdomains. HTTPS on 443 unless `port` says otherwise. */
  readonly fqdns: string[];
  readonly port?: number;
  readonly reason: string;
}

/** Entra ID token endpoints: workload identity exchanges a service-account token for an Entra token here. */
const ENTRA = ['login.microsoftonline.com'];

/** Per add-on (the add-on catalogue's names). */
export const ADDON_EGRESS: Readonly<Record<string, EgressEntry[]>> = {
  argocd: [
    { fqdns: ENTRA, reason: 'Entra ID single sign-on of the Argo CD UI (workload identity, no client secret)' },
  ],
  certManager: [
    { fqdns: ['acme-v02.api.letsencrypt.org', 'acme-staging-v02.api.letsencrypt.org'], reason: "ACME orders for the public certificates (Let's Encrypt, production and staging)" },
    { fqdns: ['management.azure.com', ...ENTRA], reason: 'DNS-01 challenges: TXT records in the environment DNS zone through Azure Resource Manager, with a workload-identity token' },
  ],
  externalDns: [
    { fqdns: ['management.azure.com', ...ENTRA], reason: 'A and TXT records in the public DNS zone through Azure Resource Manager, with a workload-identity token' },
  ],
  externalDnsPrivate: [
    { fqdns: ['management.azure.com', ...ENTRA], reason: 'A and TXT records in the private DNS zone through Azure Resource Manager, with a workload-identity token' },
  ],
  externalSecrets: [
    { fqdns: ENTRA, reason: 'workload-identity token for reading Key Vault (the vault itself is reached through its private endpoint)' },
  ],
  ratify: [
    { fqdns: ENTRA, reason: 'workload-identity token for the registry and the signing certificate (both reached through private endpoints)' },
  ],
  aiGateway: [
    { fqdns: ['dev.azure.com', '*.dev.azure.com', ...ENTRA], reason: "the MCP hub's Azure DevOps tool server: the organisation's REST APIs (vssps.dev.azure.com for its Entra tenant) with a workload-identity token (docs/mcp-hub.md)" },
  ],
  kubePrometheusStack: [
    { fqdns: [...ENTRA, 'graph.microsoft.com'], reason: 'Entra ID sign-in to Grafana and its group lookup for the admin role' },
    { fqdns: ['events.pagerduty.com'], reason: 'Alertmanager P1 pages (PagerDuty Events API v2); the ticket webhook and the heartbeat monitor are per organisation: network.egressFirewall.allow' },
    { fqdns: ['*.logic.azure.com'], reason: 'Alertmanager P1/P2 chat: Teams workflow webhooks are served by Azure Logic Apps' },
  ],
};
