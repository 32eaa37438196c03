/**
 * The platform's service level objectives as Prometheus rules: one error-ratio recording rule
 * per SLO and window, and multi-window, multi-burn-rate alerts (the SRE workbook's pairs): a
 * fast burn pages (P1), a slow burn goes to chat (P2), a budget that is merely being spent faster
 * than it refills opens a ticket (P3). The short window of each pair stops an alert from firing
 * long after the burn has ended.
 */

/** The metrics services emit (OpenTelemetry HTTP semantic conventions, through the collector). */
export const HTTP_DURATION = 'http_server_request_duration_seconds';
/** Agent variant runs by outcome (success, failure), emitted by the orchestrator. */
export const VARIANT_RUNS = 'agent_variant_runs_total';

export interface Slo {
  readonly name: string;
  readonly service: string;
  readonly description: string;
  /** Fraction of good events the SLO promises, e.g. 0.995. */
  readonly objective: number;
  /** PromQL for the rate of bad and of all events over `$w`. */
  readonly errors: string;
  readonly total: string;
}

const http = (service: string) => `${HTTP_DURATION}_count{service_name="${service}"}`;

export const SLOS: readonly Slo[] = [
  {
    name: 'gateway-availability',
    service: 'gateway',
    description: 'gateway requests answered without a server error',
    objective: 0.995,
    errors: `sum(rate(${HTTP_DURATION}_count{service_name="gateway",http_response_status_code=~"5.."}[$w]))`,
    total: `sum(rate(${http('gateway')}[$w]))`,
  },
  {
    name: 'gateway-latency',
    service: 'gateway',
    description: 'gateway requests served within 500 ms (p95 < 500 ms)',
    objective: 0.95,
    errors: `(sum(rate(${http('gateway')}[$w])) - sum(rate(${HTTP_DURATION}_bucket{service_name="gateway",le="0.5"}[$w])))`,
    total: `sum(rate(${http('gateway')}[$w]))`,
  },
  {
    name: 'orchestrator-availability',
    service: 'orchestrator',
    description: 'orchestrator requests answered without a server error',
    objective: 0.999,
    errors: `sum(rate(${HTTP_DURATION}_count{service_name="orchestrator",http_response_status_code=~"5.."}[$w]))`,
    total: `sum(rate(${http('orchestrator')}[$w]))`,
  },
  {
    name: 'variant-success',
    service: 'orchestrator',
    description: 'agent variants that finish successfully',
    objective: 0.95,
    errors: `sum(rate(${VARIANT_RUNS}{outcome="failure"}[$w]))`,
    total: `sum(rate(${VARIANT_RUNS}[$w]))`,
  },
];

/** Burn-rate alert pairs: long window, short window, burn factor, severity. */
export const BURN_ALERTS = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'P1' },
  { long: '6h', short: '30m', factor: 6, severity: 'P1' },
  { long: '1d', short: '2h', factor: 3, severity: 'P2' },
  { long: '3d', short: '6h', factor: 1, severity: 'P3' },
] as const;

export const WINDOWS = [...new Set(BURN_ALERTS.flatMap((a) => [a.short, a.long]))];

export const errorRatioRecord = (w: string) => `slo:sli_error:ratio_rate${w}`;

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: Record<string, unknown>[];
}

export function sloRuleGroups(slos: readonly Slo[] = SLOS): RuleGroup[] {
  const recording: RuleGroup = {
    name: 'slo-recording',
    interval: '30s',
    rules: slos.flatMap((slo) =>
      WINDOWS.map((w) => ({
        record: errorRatioRecord(w),
        // No traffic is no error: the ratio is 0, not NaN, so alerts stay quiet on idle services.
        expr: `(${slo.errors.replaceAll('$w', w)}) / clamp_min(${slo.total.replaceAll('$w', w)}, 1e-12)`,
        labels: { slo: slo.name, service: slo.service },
      })),
    ),
  };
  const alerts: RuleGroup = {
    name: 'slo-burn-rate',
    rules: slos.flatMap((slo) =>
      BURN_ALERTS.map((a) => {
        const threshold = Number((a.factor * (1 - slo.objective)).toPrecision(6));
        const sel = `{slo="${slo.name}"}`;
        return {
          alert: 'SLOErrorBudgetBurn',
          expr: `${errorRatioRecord(a.long)}${sel} > ${threshold} and ${errorRatioRecord(a.short)}${sel} > ${threshold}`,
          for: a.severity === 'P1' ? '2m' : a.severity === 'P2' ? '15m' : '1h',
          labels: { severity: a.severity, slo: slo.name, service: slo.service, window: a.long },
          annotations: {
            summary: `${slo.name}: error budget burning ${a.factor}x over ${a.long}`,
            description: `${slo.description}; objective ${(slo.objective * 100).toFixed(1)} %. At this rate the 30-day budget lasts ${Math.round((30 / a.factor) * 10) / 10} days.`,
            runbook_url: 'docs/runbooks/slo-burn.md',
          },
        };
      }),
    ),
  };
  return [recording, alerts];
}
