/**
 * The platform's service level objectives as Prometheus rules: one error-ratio recording rule
 * per SLO and window, and multi-window, multi-burn-rate alerts (the SRE workbook's pairs): a
 * fast burn pages (P1), a slow burn goes to chat (P2), a budget that is merely being spent faster
 * than it refills opens a ticket (P3). The short window of each pair stops an alert from firing
 * long after the burn has ended.
 *
 * Every selector comes from catalog/services.ts, the same names the workloads are built with.
 */
import { leMatcher, SERVICES, seriesOf, type ServiceKey } from '../../catalog/services';

/** The runbook every SLO alert links, with one section (anchor) per SLO. */
export const SLO_RUNBOOK = 'docs/runbooks/slo-burn.md';

export interface Slo {
  readonly name: string;
  readonly service: ServiceKey;
  readonly description: string;
  /** Fraction of good events the SLO promises, e.g. 0.995. */
  readonly objective: number;
  /** PromQL for the rate of bad and of all events over `$w`. */
  readonly errors: string;
  readonly total: string;
}

const rate = (series: string) => `sum(rate(${series}[$w]))`;

/** Requests answered with a 5xx, out of all requests, from the OpenTelemetry HTTP server histogram. */
function availability(service: ServiceKey) {
  return {
    errors: rate(seriesOf('httpServerDuration', service, 'http_response_status_code=~"5.."', '_count')),
    total: rate(seriesOf('httpServerDuration', service, '', '_count')),
  };
}

/** Events slower than `seconds` (the histogram's count minus its bucket at that boundary). */
function latency(metric: 'httpServerDuration' | 'variantDuration', service: ServiceKey, seconds: number, extra = '') {
  const all = rate(seriesOf(metric, service, extra, '_count'));
  return { errors: `(${all} - ${rate(seriesOf(metric, service, [extra, leMatcher(seconds)].filter(Boolean).join(','), '_bucket'))})`, total: all };
}

const variant = (v: string) => `variant="${v}"`;

export const SLOS: readonly Slo[] = [
  { name: 'gateway-availability', service: 'gateway', description: 'gateway requests answered without a server error', objective: 0.995, ...availability('gateway') },
  { name: 'gateway-latency', service: 'gateway', description: 'gateway requests served within 500 ms (p95 < 500 ms)', objective: 0.95, ...latency('httpServerDuration', 'gateway', 0.5) },
  { name: 'orchestrator-availability', service: 'orchestrator', description: 'orchestrator requests answered without a server error', objective: 0.999, ...availability('orchestrator') },
  {
    name: 'variant-success',
    service: 'orchestrator',
    description: 'agent variants that finish successfully',
    objective: 0.95,
    errors: rate(seriesOf('variantRuns', 'orchestrator', 'outcome="failure"')),
    total: rate(seriesOf('variantRuns', 'orchestrator')),
  },
  {
    // End to end: a job accepted by the gateway ends with a result (every hop and retry included).
    name: 'jobs-end-to-end',
    service: 'orchestrator',
    description: 'jobs accepted by the gateway that end successfully (cancelled jobs excluded)',
    objective: 0.99,
    errors: rate(seriesOf('jobs', 'orchestrator', 'outcome=~"failure|timeout"')),
    total: rate(seriesOf('jobs', 'orchestrator', 'outcome!="cancelled"')),
  },
  { name: 'variant-duration-stub', service: 'orchestrator', description: 'stub variant runs finished within 90 s (p95 < 90 s)', objective: 0.95, ...latency('variantDuration', 'orchestrator', 90, variant('stub')) },
  { name: 'variant-duration-llm', service: 'orchestrator', description: 'LLM variant runs finished within 4 min (p95 < 4 min)', objective: 0.95, ...latency('variantDuration', 'orchestrator', 240, variant('llm')) },
  { name: 'variant-duration-p99', service: 'orchestrator', description: 'variant runs of either kind finished within 8 min (p99 < 8 min)', objective: 0.99, ...latency('variantDuration', 'orchestrator', 480) },
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
        // Traffic without a single bad event is a ratio of 0 too: SDKs create no series for an
        // outcome that never happened, and an empty numerator would leave no ratio at all.
        expr: `((${slo.errors.replaceAll('$w', w)}) or vector(0)) / clamp_min(${slo.total.replaceAll('$w', w)}, 1e-12)`,
        labels: { slo: slo.name, service: SERVICES[slo.service].name },
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
          labels: { severity: a.severity, slo: slo.name, service: SERVICES[slo.service].name, window: a.long },
          annotations: {
            summary: `${slo.name}: error budget burning ${a.factor}x over ${a.long}`,
            description: `${slo.description}; objective ${(slo.objective * 100).toFixed(1)} %. At this rate the 30-day budget lasts ${Math.round((30 / a.factor) * 10) / 10} days.`,
            runbook_url: `${SLO_RUNBOOK}#${slo.name}`,
          },
        };
      }),
    ),
  };
  return [recording, alerts];
}
