/**
 * Where the platform's own components must reach outside the VNet, each with why: the egress
 * firewall's allow-list is built from this (plus the AKS FQDN tag, the environment's Git hosts
 * and the tenants' declared egress), so a destination is allowed only where an entry says who
 * needs it. Private endpoints (ACR, Key Vault, PostgreSQL, Redis, Blob) are inside the VNet and
 * never pass the firewall.
 *
 * Registry hosts stay until the add-on images are mirrored into the environment's ACR (then the
 * ACR private endpoint is the only registry path); a test keeps this list and the add-on
 * catalogue in step.
 */
export interface EgressEntry {
  /** Host names; a leading `*.` allows the subdomains. HTTPS on 443 unless `port` says otherwise. */
  readonly fqdns: string[];
  readonly port?: number;
  readonly reason: string;
}

const QUAY = ['quay.io', 'cdn01.quay.io', 'cdn02.quay.io', 'cdn03.quay.io'];
const GHCR = ['ghcr.io', 'pkg-containers.githubusercontent.com'];
const DOCKER_HUB = ['registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com'];
const K8S_REGISTRY = ['registry.k8s.io', '*.pkg.dev'];
/** Entra ID token endpoints: workload identity exchanges a service-account token for an Entra token here. */
const ENTRA = ['login.microsoftonline.com'];

/** Per add-on (the add-on catalogue's names). */
export const ADDON_EGRESS: Readonly<Record<string, EgressEntry[]>> = {
  argocd: [
    { fqdns: QUAY, reason: 'Argo CD images (quay.io/argoproj) until they are mirrored into ACR' },
    { fqdns: ENTRA, reason: 'Entra ID single sign-on of the Argo CD UI (workload identity, no client secret)' },
  ],
  ingressNginx: [{ fqdns: K8S_REGISTRY, reason: 'controller images (registry.k8s.io, served from Artifact Registry) until mirrored into ACR' }],
  certManager: [
    { fqdns: QUAY, reason: 'cert-manager images (quay.io/jetstack) until mirrored into ACR' },
    { fqdns: ['acme-v02.api.letsencrypt.org', 'acme-staging-v02.api.letsencrypt.org'], reason: "ACME orders for the public certificates (Let's Encrypt, production and staging)" },
    { fqdns: ['management.azure.com', ...ENTRA], reason: 'DNS-01 challenges: TXT records in the environment DNS zone through Azure Resource Manager, with a workload-identity token' },
  ],
  externalSecrets: [
    { fqdns: GHCR, reason: 'External Secrets images (ghcr.io/external-secrets) until mirrored into ACR' },
    { fqdns: ENTRA, reason: 'workload-identity token for reading Key Vault (the vault itself is reached through its private endpoint)' },
  ],
  gatekeeper: [{ fqdns: DOCKER_HUB, reason: 'Gatekeeper images (docker.io/openpolicyagent) until mirrored into ACR' }],
  keda: [{ fqdns: GHCR, reason: 'KEDA images (ghcr.io/kedacore) until mirrored into ACR' }],
  nvidiaDevicePlugin: [{ fqdns: ['nvcr.io'], reason: 'NVIDIA device plugin images (nvcr.io/nvidia) until mirrored into ACR' }],
  kubePrometheusStack: [
    { fqdns: [...QUAY, ...K8S_REGISTRY, ...DOCKER_HUB], reason: 'Prometheus, Alertmanager, Thanos (quay.io), kube-state-metrics (registry.k8s.io) and Grafana (docker.io) images until mirrored into ACR' },
    { fqdns: [...ENTRA, 'graph.microsoft.com'], reason: 'Entra ID sign-in to Grafana and its group lookup for the admin role' },
  ],
  loki: [{ fqdns: DOCKER_HUB, reason: 'Loki images (docker.io/grafana) until mirrored into ACR; its Blob storage is reached through a private endpoint' }],
  tempo: [{ fqdns: DOCKER_HUB, reason: 'Tempo images (docker.io/grafana) until mirrored into ACR; its Blob storage is reached through a private endpoint' }],
  otelCollector: [{ fqdns: DOCKER_HUB, reason: 'OpenTelemetry Collector images (docker.io/otel) until mirrored into ACR' }],
  otelLogAgent: [{ fqdns: DOCKER_HUB, reason: 'OpenTelemetry Collector images of the log agent (docker.io/otel) until mirrored into ACR' }],
};
