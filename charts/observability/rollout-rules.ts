/**
 * Alerts on canary delivery (docs/rollouts.md), from the Argo Rollouts controller's `rollout_info`
 * gauge (argoproj/argo-rollouts v1.9.0 controller/metrics/rollouts.go: one series per Rollout with
 * its phase: Progressing, Paused, Completed, Abort, Error, Timeout or InvalidSpec), scraped through
 * the `argo-rollouts` add-on monitor. The Rollout's own `namespace` label collides with the target's,
 * so Prometheus keeps it as `exported_namespace`. Runbook: docs/runbooks/rollouts.md.
 *
 * - aborted: an analysis failed (or a step stopped progressing) and the canary was rolled back; the
 *   stable version serves, but the change that was merged is not running;
 * - degraded: the controller cannot carry the rollout out (invalid spec, a ReplicaSet it cannot
 *   create, a progress deadline without abort).
 */
import { monitorMatchers } from '../../catalog/addon-monitors';
import type { RuleGroup } from './slo';

export const ROLLOUT_RUNBOOK = 'docs/runbooks/rollouts.md';
export const ROLLOUT_SEVERITY = { RolloutAborted: 'P2', RolloutDegraded: 'P2' } as const;
/** Phases in which the controller cannot proceed (controller/metrics/rollouts.go calculatePhase). */
export const DEGRADED_PHASES = ['Error', 'Timeout', 'InvalidSpec'] as const;

export function rolloutRuleGroups(): RuleGroup[] {
  const info = (phase: string) => `max by (exported_namespace, name) (rollout_info{${monitorMatchers('argo-rollouts')},phase${phase}})`;
  const runbook = (alert: string) => `${ROLLOUT_RUNBOOK}#${alert.toLowerCase()}`;
  return [
    {
      name: 'canary-delivery',
      rules: [
        {
          alert: 'RolloutAborted',
          expr: `${info('="Abort"')} == 1`,
          // An abort is final until someone acts: no need to wait long, but one scrape can be a race with a retry.
          for: '2m',
          labels: { severity: ROLLOUT_SEVERITY.RolloutAborted },
          annotations: {
            summary: 'Canary of {{ $labels.exported_namespace }}/{{ $labels.name }} was aborted and rolled back',
            description: 'An analysis step failed (error ratio, latency, throughput, cost or the golden set) or the canary stopped progressing: the stable version serves all traffic, the new version is not running.',
            runbook_url: runbook('RolloutAborted'),
          },
        },
        {
          alert: 'RolloutDegraded',
          expr: `${info(`=~"${DEGRADED_PHASES.join('|')}"`)} == 1`,
          for: '10m',
          labels: { severity: ROLLOUT_SEVERITY.RolloutDegraded },
          annotations: {
            summary: 'Rollout {{ $labels.exported_namespace }}/{{ $labels.name }} cannot proceed',
            description: 'The controller reports the rollout as Error, Timeout or InvalidSpec for 10 minutes: new pods cannot be created or the spec is invalid.',
            runbook_url: runbook('RolloutDegraded'),
          },
        },
      ],
    },
  ];
}
