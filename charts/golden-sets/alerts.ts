/**
 * The alert on golden-set failures. The analysis already aborted the rollout; this tells people
 * why and keeps saying it until a later run of the same set passes. Each run is its own Job pod,
 * and the collector labels every series with the pod it came from, so "the latest verdict" is the
 * series of the most recent run (highest run timestamp), not the lowest value of the day.
 */
import { GOLDEN_SET_METRICS, GOLDEN_SET_NAME } from '../../catalog/golden-sets';
import type { RuleGroup } from '../observability/slo';

export const GOLDEN_SET_RUNBOOK = 'docs/golden-sets.md';
export const GOLDEN_SET_SEVERITY = { GoldenSetFailing: 'P3' } as const;
/** A run older than this no longer says anything about what runs now. */
export const GOLDEN_SET_WINDOW = '1d';

export function goldenSetRuleGroups(): RuleGroup[] {
  const sel = `{service_name="${GOLDEN_SET_NAME}"}`;
  const latestRun = `topk by (service_namespace, set, target) (1, last_over_time(${GOLDEN_SET_METRICS.runTimestamp}${sel}[${GOLDEN_SET_WINDOW}]))`;
  return [
    {
      name: 'golden-sets',
      rules: [
        {
          alert: 'GoldenSetFailing',
          // `and` matches on every label but the name: the verdict of exactly that run.
          expr: `(last_over_time(${GOLDEN_SET_METRICS.passed}${sel}[${GOLDEN_SET_WINDOW}]) == 0) and ${latestRun}`,
          labels: { severity: GOLDEN_SET_SEVERITY.GoldenSetFailing },
          annotations: {
            summary: 'Golden set {{ $labels.set }} failed against {{ $labels.target }}',
            description: 'The latest run of golden set {{ $labels.set }} against {{ $labels.target }} (namespace {{ $labels.service_namespace }}) passed fewer cases than its threshold; the rollout that ran it was aborted.',
            runbook_url: `${GOLDEN_SET_RUNBOOK}#goldensetfailing`,
          },
        },
      ],
    },
  ];
}
