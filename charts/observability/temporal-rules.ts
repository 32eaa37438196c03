/**
 * Alerts on Temporal (catalog/temporal.ts), from the server's own metrics as its tally Prometheus
 * reporter exposes them (temporalio/temporal v1.31.2 common/metrics/metric_defs.go; counters as
 * named, timers as histograms in seconds), scraped through the `temporal` add-on monitor
 * (catalog/addon-monitors.ts). Temporal's own `namespace` tag collides with the target's, so
 * Prometheus keeps it as `exported_namespace`: the tenant. Runbook: docs/runbooks/temporal.md.
 *
 * - workflow failure rate: closed workflows that failed or timed out, per Temporal namespace;
 * - schedule-to-start latency: tasks waiting for a worker (too few workers, or stuck ones);
 * - persistence errors: the history, matching and frontend services failing against PostgreSQL.
 */
import { monitorMatchers } from '../../catalog/addon-monitors';
import type { RuleGroup } from './slo';

export const TEMPORAL_RUNBOOK = 'docs/runbooks/temporal.md';
const runbook = (alert: string) => `${TEMPORAL_RUNBOOK}#${alert.toLowerCase()}`;

export const TEMPORAL_SEVERITY = {
  TemporalWorkflowFailureRateHigh: 'P3',
  TemporalScheduleToStartLatencyHigh: 'P2',
  TemporalPersistenceErrors: 'P2',
} as const;
type Alert = keyof typeof TEMPORAL_SEVERITY;

/** Counters of closed workflows by outcome (metric_defs.go WorkflowSuccessCount ... WorkflowCancelCount), and the failed ones. */
export const CLOSED_WORKFLOWS = ['workflow_success', 'workflow_failed', 'workflow_timeout', 'workflow_terminate', 'workflow_cancel'] as const;
export const FAILED_WORKFLOWS = ['workflow_failed', 'workflow_timeout'] as const;

/** The thresholds, in one place for the rules, their tests and the runbook. */
export const TEMPORAL_THRESHOLDS = {
  /** Share of closed workflows that failed or timed out, over 15 minutes. */
  workflowFailureRatio: 0.1,
  /** Below this many closed workflows a minute a namespace is too quiet for a ratio to mean anything. */
  minClosedPerMinute: 1,
  /** 95th percentile wait of a task for a worker, seconds. */
  scheduleToStartP95Seconds: 5,
  /** Share of persistence requests that fail. */
  persistenceErrorRatio: 0.01,
} as const;

const alert = (name: Alert, expr: string, forDuration: string, summary: string, description: string) => ({
  alert: name,
  expr,
  for: forDuration,
  labels: { severity: TEMPORAL_SEVERITY[name] },
  annotations: { summary, description, runbook_url: runbook(name) },
});

/**
 * Per-namespace rate of the sum of Temporal workflow counters, for the alerts and the dashboard.
 * Per counter, with 0 for a namespace that has the other counters but not this one: a plain sum of
 * per-counter sums would drop it, and one selector over all names collides once rate() drops them.
 */
export function temporalRateOf(metrics: readonly string[], window: string): string {
  const matchers = monitorMatchers('temporal');
  const present = `0 * count by (exported_namespace) ({__name__=~"${CLOSED_WORKFLOWS.join('|')}",${matchers}})`;
  return `(${metrics.map((m) => `(sum by (exported_namespace) (rate(${m}{${matchers}}[${window}])) or ${present})`).join(' + ')})`;
}

export function temporalRuleGroups(): RuleGroup[] {
  const matchers = monitorMatchers('temporal');
  const sel = `{${matchers}}`;
  const t = TEMPORAL_THRESHOLDS;
  const ns = 'exported_namespace';
  const rateOf = temporalRateOf;
  return [
    {
      name: 'temporal',
      rules: [
        alert(
          'TemporalWorkflowFailureRateHigh',
          `${rateOf(FAILED_WORKFLOWS, '15m')} / ${rateOf(CLOSED_WORKFLOWS, '15m')} > ${t.workflowFailureRatio}` +
            ` and ${rateOf(CLOSED_WORKFLOWS, '15m')} * 60 > ${t.minClosedPerMinute}`,
          '15m',
          `Temporal namespace {{ $labels.exported_namespace }}: more than ${t.workflowFailureRatio * 100}% of closed workflows failed or timed out`,
          `More than ${t.workflowFailureRatio * 100}% of the workflows that closed in the last 15 minutes in Temporal namespace {{ $labels.exported_namespace }} failed or timed out (retries exhausted, or a workflow timeout).`,
        ),
        alert(
          'TemporalScheduleToStartLatencyHigh',
          `histogram_quantile(0.95, sum by (${ns}, le) (rate(task_schedule_to_start_latency_bucket${sel}[5m]))) > ${t.scheduleToStartP95Seconds}`,
          '10m',
          `Temporal namespace {{ $labels.exported_namespace }}: tasks wait more than ${t.scheduleToStartP95Seconds}s for a worker (p95)`,
          `The 95th percentile of the time workflow and activity tasks wait before a worker picks them up has been above ${t.scheduleToStartP95Seconds}s for 10 minutes in Temporal namespace {{ $labels.exported_namespace }}: too few workers poll its task queues, or they are stuck.`,
        ),
        alert(
          'TemporalPersistenceErrors',
          `sum by (job) (rate(persistence_errors${sel}[5m])) / sum by (job) (rate(persistence_requests${sel}[5m])) > ${t.persistenceErrorRatio}`,
          '10m',
          `{{ $labels.job }}: more than ${t.persistenceErrorRatio * 100}% of persistence requests fail`,
          `More than ${t.persistenceErrorRatio * 100}% of {{ $labels.job }}'s requests to PostgreSQL have failed for 10 minutes: workflows stall or fail to start.`,
        ),
      ],
    },
  ];
}
