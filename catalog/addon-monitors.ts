/**
 * How Prometheus scrapes the add-ons, as the pinned charts (catalog/addons.ts) create them with
 * the values the platform sets: which Services or pods a ServiceMonitor or PodMonitor selects, the
 * port name, and what the scrape then labels its series with (`job`, `container`). Read from the
 * chart templates of the offline cache at these versions; test/tools/addon-monitors.test.ts
 * renders each chart with the platform's values and fails when a selector stops matching or a
 * label changes, so a chart bump cannot silently empty a dashboard.
 *
 * The metric names the dashboards read are listed per add-on, each checked against the
 * component's source at the version the chart ships (the `source` line says where).
 */
import { ADDONS, releaseName, type AddonName } from './addons';
import { ENVOY_METRICS_PATH, ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE, PLATFORM_GATEWAY } from './edge';
import { TEMPORAL_RELEASE, TEMPORAL_SERVER_COMPONENTS } from './temporal';

export interface ScrapedTarget {
  /** The Service (ServiceMonitor) or the workload (PodMonitor) the chart creates. */
  readonly object: string;
  /** Container serving the metrics port. */
  readonly container: string;
}

export interface AddonMonitor {
  readonly addon: AddonName;
  readonly kind: 'ServiceMonitor' | 'PodMonitor';
  /** The monitor's name (in the observability namespace). */
  readonly name: string;
  /** matchLabels on the Services (ServiceMonitor) or pods (PodMonitor). */
  readonly selector: Readonly<Record<string, string>>;
  /** Port name on the Service (ServiceMonitor) or container (PodMonitor). */
  readonly port: string;
  readonly path: string;
  /** What the selector and port match in the chart's output, exactly. */
  readonly targets: readonly ScrapedTarget[];
  /** Metric names the platform's dashboards or rules read from this add-on. */
  readonly metrics: readonly string[];
  /** Where the metric names were checked. */
  readonly source: string;
  /**
   * `controller`: the scraped pods are created at runtime by the add-on's controller (Envoy
   * Gateway's proxies), so the chart cannot show them; the selector is the labels the controller
   * sets (catalog/edge.ts). Default: the chart creates them.
   */
  readonly createdBy?: 'chart' | 'controller';
}

/** The namespace the monitors live in (Prometheus' own; its selectors take monitors from every namespace). */
export const MONITOR_NAMESPACE = 'observability';

const instance = (addon: AddonName) => ({ 'app.kubernetes.io/instance': releaseName(addon) });

export const ADDON_MONITORS: readonly AddonMonitor[] = [
  {
    addon: 'envoyGateway',
    kind: 'ServiceMonitor',
    name: 'envoy-gateway',
    // The controller's Service carries its metrics port (19001) next to xDS, rate limit, Wasm and webhook.
    selector: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', ...instance('envoyGateway') },
    port: 'metrics',
    path: '/metrics',
    targets: [{ object: 'envoy-gateway', container: 'envoy-gateway' }],
    metrics: ['xds_snapshot_update_total', 'status_update_total', 'resource_apply_total'],
    source: 'envoyproxy/gateway v1.9.0 internal/xds/cache/metrics.go, internal/provider/kubernetes/metrics.go, internal/infrastructure/kubernetes/metrics.go',
  },
  {
    addon: 'envoyGateway',
    kind: 'PodMonitor',
    name: 'envoy-proxy',
    // The Gateway's Envoy proxies: created by the controller from the EnvoyProxy of the
    // cluster-config stack, not by the chart, so only their labels (catalog/edge.ts) are known here.
    selector: { ...ENVOY_PROXY_POD_LABELS },
    port: 'metrics',
    path: ENVOY_METRICS_PATH,
    targets: [{ object: `envoy-${GATEWAY_NAMESPACE}-${PLATFORM_GATEWAY}-<hash>`, container: 'envoy' }],
    createdBy: 'controller',
    metrics: [
      'envoy_cluster_upstream_rq_total',
      'envoy_cluster_upstream_rq_xx',
      'envoy_cluster_upstream_rq_time_bucket',
      'envoy_http_downstream_cx_active',
      'envoy_server_days_until_first_cert_expiring',
    ],
    source: 'envoyproxy/envoy v1.39 (source/common/upstream/upstream_impl.h cluster stats, source/server/server.h server stats), served by Envoy Gateway at :19001/stats/prometheus',
  },
  {
    addon: 'externalDns',
    kind: 'ServiceMonitor',
    name: 'external-dns',
    // The chart's Service (service.enabled) exposes the controller's `http` port (7979): /metrics and /healthz.
    selector: { 'app.kubernetes.io/name': 'external-dns', ...instance('externalDns') },
    port: 'http',
    path: '/metrics',
    targets: [{ object: 'external-dns', container: 'external-dns' }],
    metrics: ['external_dns_controller_last_sync_timestamp_seconds', 'external_dns_registry_errors_total', 'external_dns_source_errors_total'],
    source: 'kubernetes-sigs/external-dns v0.21.0 controller/metrics.go, pkg/metrics (chart 1.21.1)',
  },
  {
    addon: 'externalDnsPrivate',
    kind: 'ServiceMonitor',
    name: 'external-dns-private',
    // The chart's Service (service.enabled) exposes the controller's `http` port (7979): /metrics and /healthz.
    selector: { 'app.kubernetes.io/name': 'external-dns', ...instance('externalDnsPrivate') },
    port: 'http',
    path: '/metrics',
    targets: [{ object: 'external-dns-private', container: 'external-dns' }],
    metrics: ['external_dns_controller_last_sync_timestamp_seconds', 'external_dns_registry_errors_total', 'external_dns_source_errors_total'],
    source: 'kubernetes-sigs/external-dns v0.21.0 controller/metrics.go, pkg/metrics (chart 1.21.1)',
  },
  {
    addon: 'keda',
    kind: 'ServiceMonitor',
    name: 'keda',
    // prometheus.operator.enabled and prometheus.metricServer.enabled add a `metrics` port to the
    // operator and metrics-server Services; the admission webhooks' Service has none.
    selector: { 'app.kubernetes.io/part-of': 'keda-operator', ...instance('keda') },
    port: 'metrics',
    path: '/metrics',
    targets: [
      { object: 'keda-operator', container: 'keda-operator' },
      { object: 'keda-operator-metrics-apiserver', container: 'keda-operator-metrics-apiserver' },
    ],
    metrics: [],
    source: 'kedacore/keda v2.18 (no dashboard reads KEDA yet)',
  },
  {
    addon: 'argoRollouts',
    kind: 'ServiceMonitor',
    name: 'argo-rollouts',
    // controller.metrics.enabled creates <release>-metrics with the controller's `metrics` port (8090).
    selector: { 'app.kubernetes.io/component': 'rollouts-controller', 'app.kubernetes.io/name': 'argo-rollouts', ...instance('argoRollouts') },
    port: 'metrics',
    path: '/metrics',
    targets: [{ object: 'argo-rollouts-metrics', container: 'argo-rollouts' }],
    metrics: ['rollout_info'],
    source: 'argoproj/argo-rollouts v1.9.0 controller/metrics/prommetrics.go and rollouts.go (chart 2.41.0)',
  },
  {
    addon: 'argocd',
    kind: 'PodMonitor',
    name: 'argocd',
    // The chart creates metrics Services only with <component>.metrics.enabled, which the platform
    // does not set; every component's container declares a `metrics` port regardless.
    selector: { 'app.kubernetes.io/part-of': 'argocd', ...instance('argocd') },
    port: 'metrics',
    path: '/metrics',
    targets: [
      { object: 'argo-cd-argocd-application-controller', container: 'application-controller' },
      { object: 'argo-cd-argocd-applicationset-controller', container: 'applicationset-controller' },
      { object: 'argo-cd-argocd-notifications-controller', container: 'notifications-controller' },
      { object: 'argo-cd-argocd-repo-server', container: 'repo-server' },
      { object: 'argo-cd-argocd-server', container: 'server' },
    ],
    metrics: ['argocd_app_info', 'argocd_app_sync_total', 'argocd_app_reconcile_bucket', 'argocd_git_request_total', 'argocd_cluster_connection_status'],
    source: 'argoproj/argo-cd v3.2.0 (chart 9.1.0) controller/metrics/metrics.go, docs/operator-manual/metrics.md',
  },
  {
    addon: 'certManager',
    kind: 'ServiceMonitor',
    name: 'cert-manager',
    // prometheus.enabled (the platform sets it) gives the controller's Service its metrics port.
    selector: { 'app.kubernetes.io/name': 'cert-manager', ...instance('certManager'), 'app.kubernetes.io/component': 'controller' },
    port: 'tcp-prometheus-servicemonitor',
    path: '/metrics',
    targets: [{ object: 'cert-manager', container: 'cert-manager-controller' }],
    metrics: ['certmanager_certificate_expiration_timestamp_seconds', 'certmanager_certificate_renewal_timestamp_seconds', 'certmanager_certificate_ready_status'],
    source: 'cert-manager/cert-manager v1.19.1 internal/collectors/certificate_collector.go',
  },
  {
    addon: 'externalSecrets',
    kind: 'PodMonitor',
    name: 'external-secrets',
    // metrics.service.enabled is off by default; the three deployments declare a `metrics` port.
    selector: instance('externalSecrets'),
    port: 'metrics',
    path: '/metrics',
    targets: [
      { object: 'external-secrets', container: 'external-secrets' },
      { object: 'external-secrets-cert-controller', container: 'cert-controller' },
      { object: 'external-secrets-webhook', container: 'webhook' },
    ],
    metrics: [],
    source: 'external-secrets/external-secrets v0.20.4 (no dashboard reads it yet)',
  },
  {
    addon: 'gatekeeper',
    kind: 'PodMonitor',
    name: 'gatekeeper',
    // The webhook Service has only the webhook port; the controller manager and audit pods serve
    // metrics on 8888 (`metrics`, --metrics-backend=prometheus).
    selector: { 'gatekeeper.sh/system': 'yes', release: releaseName('gatekeeper') },
    port: 'metrics',
    path: '/metrics',
    targets: [
      { object: 'gatekeeper-audit', container: 'manager' },
      { object: 'gatekeeper-controller-manager', container: 'manager' },
    ],
    // OpenTelemetry's Prometheus exporter appends _total to counters (open-policy-agent/gatekeeper#3349).
    metrics: [
      'gatekeeper_violations',
      'gatekeeper_constraints',
      'gatekeeper_constraint_templates',
      'gatekeeper_audit_last_run_time',
      'gatekeeper_audit_duration_seconds_bucket',
      'gatekeeper_validation_request_count_total',
      'gatekeeper_validation_request_duration_seconds_bucket',
    ],
    source: 'open-policy-agent/gatekeeper v3.23.0 pkg/{audit,webhook,controller/constraint,controller/constrainttemplate}/stats_reporter.go (3.23.1 is a patch release of it)',
  },
  {
    addon: 'temporal',
    kind: 'ServiceMonitor',
    name: 'temporal',
    // The chart's headless Service of each server component carries the `metrics` port (9090);
    // the ClusterIP Services do not (templates/server-service.yaml).
    selector: { 'app.kubernetes.io/name': 'temporal', ...instance('temporal'), 'app.kubernetes.io/headless': 'true' },
    port: 'metrics',
    path: '/metrics',
    targets: TEMPORAL_SERVER_COMPONENTS.map((c) => ({ object: `${TEMPORAL_RELEASE}-${c}-headless`, container: `temporal-${c}` })),
    metrics: [
      'workflow_success',
      'workflow_failed',
      'workflow_timeout',
      'workflow_terminate',
      'workflow_cancel',
      'task_schedule_to_start_latency_bucket',
      'persistence_requests',
      'persistence_errors',
      'service_requests',
      'service_errors',
    ],
    source: 'temporalio/temporal v1.31.2 common/metrics/metric_defs.go (tally Prometheus reporter: counters as named, timers as seconds histograms with timerType histogram)',
  },
];

/** The `job` label a scrape through this monitor gives each target. */
export function monitorJobs(m: AddonMonitor): string[] {
  // A ServiceMonitor's job is the Service name; a PodMonitor's is <monitor namespace>/<monitor name>.
  return m.kind === 'ServiceMonitor' ? m.targets.map((t) => t.object) : [`${MONITOR_NAMESPACE}/${m.name}`];
}

export function monitorNamespace(m: AddonMonitor): string {
  return ADDONS[m.addon].namespace;
}

/** PromQL matchers that select what one add-on monitor scrapes. */
export function monitorMatchers(name: string): string {
  const m = ADDON_MONITORS.find((x) => x.name === name);
  if (!m) throw new Error(`no add-on monitor ${name} (catalog/addon-monitors.ts)`);
  const jobs = monitorJobs(m);
  return `namespace="${monitorNamespace(m)}",job${jobs.length === 1 ? `="${jobs[0]}"` : `=~"${jobs.join('|')}"`}`;
}
