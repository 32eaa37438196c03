/**
 * Every Helm chart the platform installs: where it comes from, the exact version, the namespace,
 * which stack installs it, what it depends on, and whether it may act as cluster-admin (and
 * why). Versions are exact on purpose: a range would let Helm pick whatever is newest on the
 * day of a deploy, so two deploys of one commit could differ.
 */
import { z } from 'zod';

export const ADDON_NAMES = [
  'argocd',
  'envoyGateway',
  'aiGatewayCrds',
  'aiGateway',
  'certManager',
  'externalDns',
  'externalDnsPrivate',
  'externalSecrets',
  'gatekeeper',
  'ratify',
  'keda',
  'argoRollouts',
  'nvidiaDevicePlugin',
  'kubePrometheusStack',
  'loki',
  'tempo',
  'otelCollector',
  'otelLogAgent',
  'blackboxExporter',
  'temporal',
] as const;
export type AddonName = (typeof ADDON_NAMES)[number];

export interface AddonChart {
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
  readonly namespace: string;
  readonly stack: 'addons' | 'observability' | 'control-plane';
  /** Add-ons that must be enabled too, each with why. */
  readonly dependsOn: Partial<Record<AddonName, string>>;
  /** Set only when the chart binds itself to cluster-admin or an equivalent `*` ClusterRole. */
  readonly clusterAdmin?: string;
  /** The Helm release name, where it is not the chart's (two releases of one chart). */
  readonly release?: string;
}

/** An exact chart version (SemVer, optional leading v); no ranges, wildcards or `latest`. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export const exactVersion = z
  .string()
  .regex(EXACT_VERSION, 'must be an exact chart version such as 9.1.0, not a range: a range lets Helm pick a different chart on every deploy');

export const ADDONS: Record<AddonName, AddonChart> = {
  argocd: {
    chart: 'argo-cd',
    repository: 'https://argoproj.github.io/argo-helm',
    version: '9.1.0',
    namespace: 'argocd',
    stack: 'addons',
    dependsOn: {
      externalSecrets: 'the Git credentials of the rendered-manifests repository come from Key Vault through an ExternalSecret',
      certManager: 'the platform apps it syncs include the ClusterIssuers, and its UI certificate comes from one',
      envoyGateway: 'the UI and the Entra ID sign-in callback are served through the platform Gateway',
    },
    clusterAdmin: 'the application controller applies everything the platform renders, including CRDs and cluster-scoped objects; AppProjects restrict what each app may touch',
  },
  /**
   * The platform's entry point: Envoy Gateway, the Envoy project's Gateway API implementation
   * (ingress-nginx, its predecessor here, reached end of maintenance in March 2026). The chart
   * installs the Gateway API CRDs (v1.6.1) and its own with the first install; the GatewayClass,
   * EnvoyProxy, Gateway and policies are custom resources of the cluster-config stack. It goes in
   * before cert-manager, whose Gateway API support needs the CRDs when its controller starts.
   */
  envoyGateway: {
    chart: 'gateway-helm',
    repository: 'oci://docker.io/envoyproxy',
    version: 'v1.9.0',
    namespace: 'envoy-gateway-system',
    stack: 'addons',
    release: 'envoy-gateway',
    dependsOn: {},
  },
  /**
   * Envoy AI Gateway (envoyproxy/ai-gateway v1.1.0): an Envoy Gateway extension that turns
   * MCPRoutes into routes of the platform Gateway and runs the MCP proxy beside each Envoy (an
   * external processor its webhook injects into the proxy pods); the MCP hub (docs/mcp-hub.md).
   * The CRDs come as their own chart, as upstream installs them, so an upgrade of the controller
   * never drops a CRD. Charts packaged from the v1.1.0 tag (upstream publishes them as OCI
   * artifacts; the offline cache's SOURCES.tsv says how).
   */
  aiGatewayCrds: {
    chart: 'ai-gateway-crds-helm',
    repository: 'oci://docker.io/envoyproxy',
    version: 'v1.1.0',
    namespace: 'envoy-ai-gateway-system',
    stack: 'addons',
    release: 'aieg-crd',
    dependsOn: { envoyGateway: 'MCPRoutes and GatewayConfigs refer to Gateway API and Envoy Gateway kinds' },
  },
  aiGateway: {
    chart: 'ai-gateway-helm',
    repository: 'oci://docker.io/envoyproxy',
    version: 'v1.1.0',
    namespace: 'envoy-ai-gateway-system',
    stack: 'addons',
    release: 'aieg',
    dependsOn: {
      aiGatewayCrds: 'the controller watches MCPRoutes and GatewayConfigs',
      envoyGateway: 'it is Envoy Gateway\'s extension server (extension manager hooks) and creates HTTPRoutes, Backends and policies for it',
      certManager: 'the certificate of its pod-mutating webhook comes from cert-manager',
    },
    clusterAdmin:
      'the chart binds the controller to a ClusterRole with every verb on Services, Secrets, Pods, Deployments, DaemonSets and the Gateway API, Envoy Gateway and AI Gateway groups: it writes the generated routes, the filter-config Secrets of every Gateway and rolls the proxy Deployments (upstream means to narrow this to the Envoy Gateway namespace, and has not yet)',
  },
  certManager: {
    chart: 'cert-manager',
    repository: 'https://charts.jetstack.io',
    version: 'v1.19.1',
    namespace: 'cert-manager',
    stack: 'addons',
    dependsOn: {},
  },
  /**
   * DNS records for every route host on the platform Gateway: external-dns reads the HTTPRoutes
   * attached to it and writes A records (the Gateway's address) with TXT ownership records, one
   * release per zone because a process serves one provider: the environment's public Azure DNS
   * zone here, the private zone of the same name (split horizon, inside the VNet) below. Each has a
   * workload identity with the contributor role on its own zone only.
   */
  externalDns: {
    chart: 'external-dns',
    repository: 'https://kubernetes-sigs.github.io/external-dns/',
    version: '1.21.1',
    namespace: 'external-dns',
    stack: 'addons',
    release: 'external-dns',
    dependsOn: { envoyGateway: 'the records are the hosts of the HTTPRoutes attached to the platform Gateway' },
  },
  externalDnsPrivate: {
    chart: 'external-dns',
    repository: 'https://kubernetes-sigs.github.io/external-dns/',
    version: '1.21.1',
    namespace: 'external-dns',
    stack: 'addons',
    release: 'external-dns-private',
    dependsOn: { envoyGateway: 'the records are the hosts of the HTTPRoutes attached to the platform Gateway' },
  },
  externalSecrets: {
    chart: 'external-secrets',
    repository: 'https://charts.external-secrets.io',
    version: '0.20.4',
    namespace: 'external-secrets',
    stack: 'addons',
    dependsOn: {},
  },
  gatekeeper: {
    chart: 'gatekeeper',
    repository: 'https://open-policy-agent.github.io/gatekeeper/charts',
    // The same release as the gator binary that tests the policies (scripts/tools.sh).
    version: '3.23.1',
    namespace: 'gatekeeper-system',
    stack: 'addons',
    dependsOn: {},
  },
  ratify: {
    chart: 'ratify',
    repository: 'https://notaryproject.github.io/ratify',
    version: '1.15.5',
    // Gatekeeper calls its external-data provider by in-namespace address, with the CA it mounts.
    namespace: 'gatekeeper-system',
    stack: 'addons',
    dependsOn: { gatekeeper: 'Ratify answers Gatekeeper as an external-data provider (a Gatekeeper Provider object), and the image-signature constraint is a Gatekeeper policy' },
  },
  keda: {
    chart: 'keda',
    repository: 'https://kedacore.github.io/charts',
    version: '2.18.1',
    namespace: 'keda',
    stack: 'addons',
    dependsOn: {},
  },
  /**
   * Canary delivery with automatic rollback for the LLM router and every vLLM model (docs/rollouts.md):
   * Rollouts that take over the Deployments (workloadRef), AnalysisTemplates on Prometheus, and the
   * Gateway API traffic-router plugin, copied into the controller from its mirrored image at start.
   */
  argoRollouts: {
    chart: 'argo-rollouts',
    repository: 'https://argoproj.github.io/argo-helm',
    version: '2.41.0',
    namespace: 'argo-rollouts',
    stack: 'addons',
    dependsOn: { envoyGateway: "the router's canary weight is set on its HTTPRoute (Gateway API CRDs from Envoy Gateway's chart)" },
  },
  nvidiaDevicePlugin: {
    chart: 'nvidia-device-plugin',
    repository: 'https://nvidia.github.io/k8s-device-plugin',
    version: '0.18.0',
    namespace: 'nvidia-device-plugin',
    stack: 'addons',
    dependsOn: {},
  },
  kubePrometheusStack: {
    chart: 'kube-prometheus-stack',
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '79.5.0',
    namespace: 'observability',
    stack: 'observability',
    dependsOn: {
      externalSecrets: "Alertmanager's receiver keys come from Key Vault through an ExternalSecret",
      envoyGateway: 'Grafana is reached through the platform Gateway',
    },
  },
  loki: {
    chart: 'loki',
    repository: 'https://grafana.github.io/helm-charts',
    version: '6.46.0',
    namespace: 'observability',
    stack: 'observability',
    dependsOn: { kubePrometheusStack: 'Loki is queried through Grafana and monitored by Prometheus' },
  },
  tempo: {
    chart: 'tempo',
    repository: 'https://grafana.github.io/helm-charts',
    version: '1.24.0',
    namespace: 'observability',
    stack: 'observability',
    dependsOn: { kubePrometheusStack: 'span metrics are written to Prometheus, traces viewed in Grafana' },
  },
  otelCollector: {
    chart: 'opentelemetry-collector',
    repository: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    version: '0.138.0',
    namespace: 'observability',
    stack: 'observability',
    dependsOn: {
      kubePrometheusStack: 'metrics are exported to Prometheus',
      loki: 'logs are exported to Loki',
      tempo: 'traces are exported to Tempo',
    },
  },
  /**
   * The log agent: one collector per node tails the container logs under /var/log/pods and pushes
   * them to Loki. The same chart and image as the gateway collector rather than Promtail (deprecated
   * since Loki 3.4) or the Grafana Agent (end of life), both superseded by Alloy, or Fluent Bit: the
   * OpenTelemetry Collector is maintained upstream by the CNCF project whose OTLP the platform's
   * workloads already speak, so one component, one pinned chart and one configuration language cover
   * traces, metrics and logs, and Loki takes its OTLP natively (structured metadata, trace ids).
   */
  otelLogAgent: {
    chart: 'opentelemetry-collector',
    repository: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    version: '0.138.0',
    namespace: 'log-agent',
    stack: 'observability',
    release: 'otel-log-agent',
    dependsOn: { loki: 'container logs are pushed to Loki' },
  },
  /**
   * Synthetic checks from inside the cluster: Prometheus' Probe objects (rendered app `edge`) ask
   * the blackbox exporter to fetch every platform route over HTTPS, through DNS, the Gateway and TLS
   * as a client would.
   */
  blackboxExporter: {
    chart: 'prometheus-blackbox-exporter',
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '11.17.2',
    namespace: 'observability',
    stack: 'observability',
    release: 'blackbox-exporter',
    dependsOn: { kubePrometheusStack: 'Prometheus runs the Probes and evaluates the probe alerts' },
  },
  /**
   * Durable workflows for the agent services (docs/workflows.md): frontend, history, matching,
   * worker and the Web UI on the platform PostgreSQL. It needs the data stack's databases and the
   * internal CA, so it is installed by `<env>-control-plane`, after the data and cluster-config stacks.
   */
  temporal: {
    chart: 'temporal',
    repository: 'https://go.temporal.io/helm-charts',
    version: '1.6.0',
    namespace: 'temporal',
    stack: 'control-plane',
    dependsOn: {
      certManager: 'internode and frontend mutual TLS use certificates of the internal CA',
      externalSecrets: "the database role's password comes from Key Vault through an ExternalSecret",
      envoyGateway: 'the Web UI is reached through the platform Gateway with Entra ID sign-in',
    },
  },
};

/** Release name: the chart name, except where service names are part of a contract or one chart is installed twice. */
export function releaseName(name: AddonName): string {
  return ADDONS[name].release ?? ADDONS[name].chart;
}
