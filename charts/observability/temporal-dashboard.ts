/**
 * Grafana dashboard for Temporal: workflow outcomes and failure ratio per Temporal namespace (the
 * tenant, `exported_namespace`), schedule-to-start latency, service and persistence errors and
 * latency. Metric names from catalog/addon-monitors.ts (temporalio/temporal v1.31.2).
 */
import { monitorMatchers } from '../../catalog/addon-monitors';
import type { Dashboard } from './chart';
import { dashboard } from './dashboard-builder';
import { CLOSED_WORKFLOWS, FAILED_WORKFLOWS, TEMPORAL_SEVERITY, temporalRateOf } from './temporal-rules';

export function temporalDashboard(): Dashboard {
  const sel = monitorMatchers('temporal');
  const s = (metric: string) => `${metric}{${sel}}`;
  const rateOf = (metrics: readonly string[]) => temporalRateOf(metrics, '15m');
  return dashboard({
    name: 'temporal',
    uid: 'platform-temporal',
    title: 'Platform / Temporal',
    tags: ['temporal', 'workflows'],
    panels: [
      ...CLOSED_WORKFLOWS.map((m) => ({ title: `${m.replace('workflow_', 'Workflows ')} (1h) by namespace`, unit: 'short', targets: [{ expr: `sum by (exported_namespace) (increase(${s(m)}[1h]))`, legend: '{{exported_namespace}}' }] })),
      {
        title: 'Failed or timed-out share of closed workflows (15m)',
        unit: 'percentunit',
        targets: [
          {
            expr: `${rateOf(FAILED_WORKFLOWS)} / ${rateOf(CLOSED_WORKFLOWS)}`,
            legend: '{{exported_namespace}}',
          },
        ],
      },
      { title: 'Schedule-to-start latency p95', unit: 's', targets: [{ expr: `histogram_quantile(0.95, sum by (exported_namespace, le) (rate(${s('task_schedule_to_start_latency_bucket')}[5m])))`, legend: '{{exported_namespace}}' }] },
      { title: 'Service requests by service', unit: 'reqps', targets: [{ expr: `sum by (job) (rate(${s('service_requests')}[5m]))`, legend: '{{job}}' }] },
      { title: 'Service errors by service', unit: 'reqps', targets: [{ expr: `sum by (job) (rate(${s('service_errors')}[5m]))`, legend: '{{job}}' }] },
      { title: 'Persistence error ratio by service', unit: 'percentunit', targets: [{ expr: `sum by (job) (rate(${s('persistence_errors')}[5m])) / sum by (job) (rate(${s('persistence_requests')}[5m]))`, legend: '{{job}}' }] },
      {
        title: 'Firing Temporal alerts',
        unit: 'short',
        targets: [{ expr: `sum by (alertname, severity) (ALERTS{alertname=~"${Object.keys(TEMPORAL_SEVERITY).join('|')}",alertstate="firing"})`, legend: '{{alertname}} {{severity}}' }],
      },
    ],
  });
}
