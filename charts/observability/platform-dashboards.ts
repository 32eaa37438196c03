/**
 * The dashboards whose queries select platform services or add-ons: SLOs, agent operations, the
 * platform Gateway (gateway-dashboard.ts), Argo CD, Gatekeeper and certificate expiry. Services and metrics come from
 * catalog/services.ts, add-on jobs and metric names from catalog/addon-monitors.ts (checked against
 * the pinned charts and the components' sources).
 *
 * Labels an add-on puts on its own series that clash with the scrape's target labels (`namespace`,
 * `service`) arrive as `exported_namespace`, `exported_service`: Prometheus keeps the target's.
 */
import { monitorMatchers } from '../../catalog/addon-monitors';
import type { AddonName } from '../../catalog/addons';
import { AGENT_SERVICES, METRICS, SERVICES, seriesOf } from '../../catalog/services';
import type { Dashboard } from './chart';
import { dashboard } from './dashboard-builder';
import { gatewayDashboard } from './gateway-dashboard';
import { temporalDashboard } from './temporal-dashboard';
import { SEVERITY } from './operations';
import { errorRatioRecord } from './slo';

const orchestrator = (metric: 'variantRuns' | 'variantDuration' | 'jobs', suffix: '' | '_bucket' = '') => seriesOf(metric, 'orchestrator', '', suffix);
const agentNames = AGENT_SERVICES.map((s) => SERVICES[s].name).join('|');

function sloDashboard(): Dashboard {
  const gateway = (suffix: '_bucket' | '_count') => seriesOf('httpServerDuration', 'gateway', '', suffix);
  return dashboard({
    name: 'slo',
    uid: 'platform-slo',
    title: 'Platform / Service level objectives',
    tags: ['slo'],
    panels: [
      { title: 'Error ratio (1h) by SLO', unit: 'percentunit', targets: [{ expr: `max by (slo) (${errorRatioRecord('1h')})`, legend: '{{slo}}' }] },
      { title: 'Error ratio (3d) by SLO', unit: 'percentunit', targets: [{ expr: `max by (slo) (${errorRatioRecord('3d')})`, legend: '{{slo}}' }] },
      { title: 'Gateway latency p95', unit: 's', targets: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(${gateway('_bucket')}[5m])))`, legend: 'p95' }] },
      { title: 'Gateway requests by status', unit: 'reqps', targets: [{ expr: `sum by (http_response_status_code) (rate(${gateway('_count')}[5m]))`, legend: '{{http_response_status_code}}' }] },
      { title: 'Jobs by outcome (end to end)', unit: 'short', targets: [{ expr: `sum by (outcome) (increase(${orchestrator('jobs')}[1h]))`, legend: '{{outcome}}' }] },
      { title: 'Variant outcomes', unit: 'short', targets: [{ expr: `sum by (variant, outcome) (increase(${orchestrator('variantRuns')}[1h]))`, legend: '{{variant}} {{outcome}}' }] },
      {
        title: 'Variant duration p95 and p99',
        unit: 's',
        targets: [
          { expr: `histogram_quantile(0.95, sum by (le, variant) (rate(${orchestrator('variantDuration', '_bucket')}[30m])))`, legend: '{{variant}} p95' },
          { expr: `histogram_quantile(0.99, sum by (le) (rate(${orchestrator('variantDuration', '_bucket')}[30m])))`, legend: 'p99' },
        ],
      },
      { title: 'Firing SLO alerts', unit: 'short', targets: [{ expr: 'sum by (slo, severity) (ALERTS{alertname="SLOErrorBudgetBurn",alertstate="firing"})', legend: '{{slo}} {{severity}}' }] },
    ],
  });
}

function agentsDashboard(): Dashboard {
  const http = (extra: string) => `${METRICS.httpServerDuration.name}_count{service_name=~"${agentNames}"${extra}}`;
  const scraped = (metric: keyof typeof METRICS) => {
    const m = METRICS[metric];
    return `${m.name}{namespace="${SERVICES[m.emittedBy[0]].namespace}",job=~"${m.emittedBy.map((s) => SERVICES[s].name).join('|')}"}`;
  };
  return dashboard({
    name: 'agents',
    uid: 'platform-agents',
    title: 'Platform / Agent services',
    tags: ['agents'],
    panels: [
      {
        title: 'Server error ratio by service (5m)',
        unit: 'percentunit',
        targets: [{ expr: `sum by (service_name) (rate(${http(',http_response_status_code=~"5.."')}[5m])) / sum by (service_name) (rate(${http('')}[5m]))`, legend: '{{service_name}}' }],
      },
      { title: 'Requests by service', unit: 'reqps', targets: [{ expr: `sum by (service_name) (rate(${http('')}[5m]))`, legend: '{{service_name}}' }] },
      { title: 'Seconds since the last heartbeat', unit: 's', targets: [{ expr: `time() - max by (job) (${scraped('heartbeat')})`, legend: '{{job}}' }] },
      { title: 'Orchestrator queue backlog', unit: 'short', targets: [{ expr: `sum(${seriesOf('jobsQueued', 'orchestrator')})`, legend: 'queued jobs' }] },
      { title: 'Open circuit breakers', unit: 'short', targets: [{ expr: `max by (job, dependency) (${scraped('circuitBreakerOpen')}) == 1`, legend: '{{job}} -> {{dependency}}' }] },
      { title: 'Azure DevOps rate limiting (per minute)', unit: 'short', targets: [{ expr: `sum by (organization) (rate(${seriesOf('adoThrottled', 'repoAdapter')}[5m])) * 60`, legend: '{{organization}}' }] },
      {
        title: 'Firing operations alerts',
        unit: 'short',
        targets: [{ expr: `sum by (alertname, severity) (ALERTS{alertname=~"${Object.keys(SEVERITY).join('|')}",alertstate="firing"})`, legend: '{{alertname}} {{severity}}' }],
      },
      { title: 'LLM spend by team (router budget period)', unit: 'short', targets: [{ expr: `max by (team) (${seriesOf('teamSpend', 'spendExporter')})`, legend: '{{team}}' }] },
    ],
  });
}

function argocdDashboard(): Dashboard {
  const sel = monitorMatchers('argocd');
  return dashboard({
    name: 'argocd',
    uid: 'platform-argocd',
    title: 'Platform / Argo CD',
    tags: ['argocd', 'gitops'],
    panels: [
      { title: 'Applications by health', unit: 'short', targets: [{ expr: `sum by (health_status) (argocd_app_info{${sel}})`, legend: '{{health_status}}' }] },
      { title: 'Applications by sync status', unit: 'short', targets: [{ expr: `sum by (sync_status) (argocd_app_info{${sel}})`, legend: '{{sync_status}}' }] },
      {
        title: 'Applications not healthy or not synced',
        type: 'table',
        targets: [{ expr: `max by (name, project, health_status, sync_status) (argocd_app_info{${sel},health_status!="Healthy"} or argocd_app_info{${sel},sync_status!="Synced"})`, legend: '{{name}}', instant: true }],
      },
      { title: 'Syncs by phase (1h)', unit: 'short', targets: [{ expr: `sum by (phase) (increase(argocd_app_sync_total{${sel}}[1h]))`, legend: '{{phase}}' }] },
      { title: 'Reconciliation p95', unit: 's', targets: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(argocd_app_reconcile_bucket{${sel}}[5m])))`, legend: 'p95' }] },
      { title: 'Git requests by type', unit: 'reqps', targets: [{ expr: `sum by (request_type) (rate(argocd_git_request_total{${sel}}[5m]))`, legend: '{{request_type}}' }] },
      { title: 'Cluster connection (1 = connected)', unit: 'short', targets: [{ expr: `min by (server) (argocd_cluster_connection_status{${sel}})`, legend: '{{server}}' }] },
    ],
  });
}

function gatekeeperDashboard(): Dashboard {
  const sel = monitorMatchers('gatekeeper');
  return dashboard({
    name: 'gatekeeper',
    uid: 'platform-gatekeeper',
    title: 'Platform / Gatekeeper admission',
    tags: ['gatekeeper', 'policy'],
    panels: [
      // Every controller-manager replica and the audit pod report the same constraint counts: max, not sum.
      { title: 'Audit violations by enforcement action', unit: 'short', targets: [{ expr: `max by (enforcement_action) (gatekeeper_violations{${sel}})`, legend: '{{enforcement_action}}' }] },
      { title: 'Admission requests by result', unit: 'reqps', targets: [{ expr: `sum by (admission_status) (rate(gatekeeper_validation_request_count_total{${sel}}[5m]))`, legend: '{{admission_status}}' }] },
      { title: 'Admission latency p99', unit: 's', targets: [{ expr: `histogram_quantile(0.99, sum by (le) (rate(gatekeeper_validation_request_duration_seconds_bucket{${sel}}[5m])))`, legend: 'p99' }] },
      { title: 'Constraints by enforcement action and status', unit: 'short', targets: [{ expr: `max by (enforcement_action, status) (gatekeeper_constraints{${sel}})`, legend: '{{enforcement_action}} {{status}}' }] },
      { title: 'Constraint templates by status', unit: 'short', targets: [{ expr: `max by (status) (gatekeeper_constraint_templates{${sel}})`, legend: '{{status}}' }] },
      { title: 'Seconds since the last audit started', unit: 's', targets: [{ expr: `time() - max(gatekeeper_audit_last_run_time{${sel}})`, legend: 'since last audit' }] },
      { title: 'Audit duration p95', unit: 's', targets: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(gatekeeper_audit_duration_seconds_bucket{${sel}}[1h])))`, legend: 'p95' }] },
    ],
  });
}

function certificatesDashboard(): Dashboard {
  const sel = monitorMatchers('cert-manager');
  return dashboard({
    name: 'certificates',
    uid: 'platform-certificates',
    title: 'Platform / Certificates',
    tags: ['certificates', 'cert-manager'],
    time: '7d',
    panels: [
      {
        title: 'Days until expiry, by certificate',
        unit: 'd',
        targets: [{ expr: `(min by (exported_namespace, name) (certmanager_certificate_expiration_timestamp_seconds{${sel}}) - time()) / 86400`, legend: '{{exported_namespace}}/{{name}}' }],
      },
      {
        title: 'Certificates expiring within 14 days',
        type: 'stat',
        targets: [{ expr: `count((min by (exported_namespace, name) (certmanager_certificate_expiration_timestamp_seconds{${sel}}) - time()) < 14 * 86400) or vector(0)`, instant: true }],
      },
      {
        title: 'Certificates not ready',
        type: 'table',
        targets: [{ expr: `max by (exported_namespace, name, issuer_name) (certmanager_certificate_ready_status{${sel},condition!="True"}) == 1`, legend: '{{exported_namespace}}/{{name}}', instant: true }],
      },
      {
        title: 'Hours past the renewal time (positive: renewal overdue)',
        unit: 'h',
        targets: [{ expr: `(time() - max by (exported_namespace, name) (certmanager_certificate_renewal_timestamp_seconds{${sel}})) / 3600`, legend: '{{exported_namespace}}/{{name}}' }],
      },
    ],
  });
}

/** The dashboards built here, next to the JSON files of charts/observability/dashboards/; an add-on's only where it is enabled. */
export function platformDashboards(enabled: (addon: AddonName) => boolean = () => true): Dashboard[] {
  const addons: [AddonName, () => Dashboard][] = [
    ['envoyGateway', gatewayDashboard],
    ['argocd', argocdDashboard],
    ['gatekeeper', gatekeeperDashboard],
    ['certManager', certificatesDashboard],
    ['temporal', temporalDashboard],
  ];
  return [sloDashboard(), agentsDashboard(), ...addons.filter(([a]) => enabled(a)).map(([, build]) => build())];
}
