/**
 * Alerts on the cost ledger's loader, from kube-state-metrics' CronJob metrics: the last scheduled
 * run has not succeeded within its deadline, or no run has succeeded for two hours (also: never).
 * Either way the API and the tenant dashboards fall behind the router; the watermark and the
 * overlap make the next good run catch up without double counting.
 */
import { PLATFORM_NAMESPACE } from '../../catalog/services';
import { cronJobRules } from '../observability/cronjob-rules';
import type { RuleGroup } from '../observability/slo';
import { LEDGER_LOAD_CRONJOB } from './chart';

export const LEDGER_RUNBOOK = 'docs/runbooks/ledger.md';
/** Cost data running late hurts reports, not requests: P3. */
export const LEDGER_SEVERITY = { LedgerLoadFailing: 'P3', LedgerLoadStale: 'P3' } as const;
/** A run may take 14 minutes (activeDeadlineSeconds 840); five on top for the metrics. */
export const LEDGER_RUN_GRACE = '20m';
/** Eight missed 15-minute runs. */
export const LEDGER_STALE_SECONDS = 2 * 3600;

export function ledgerRuleGroups(): RuleGroup[] {
  return [
    {
      name: 'ledger-load',
      rules: cronJobRules({
        namespace: PLATFORM_NAMESPACE,
        cronjob: LEDGER_LOAD_CRONJOB,
        runbook: LEDGER_RUNBOOK,
        failing: {
          alert: 'LedgerLoadFailing',
          severity: LEDGER_SEVERITY.LedgerLoadFailing,
          for: LEDGER_RUN_GRACE,
          summary: 'The cost ledger load has not succeeded',
          description: `The ${LEDGER_LOAD_CRONJOB} CronJob's last run has not succeeded within ${LEDGER_RUN_GRACE}: router spend logs are not reaching the cost ledger.`,
        },
        stale: {
          alert: 'LedgerLoadStale',
          severity: LEDGER_SEVERITY.LedgerLoadStale,
          for: '15m',
          afterSeconds: LEDGER_STALE_SECONDS,
          summary: 'No cost ledger load has succeeded for two hours',
          description: `No run of the ${LEDGER_LOAD_CRONJOB} CronJob has succeeded for ${LEDGER_STALE_SECONDS / 3600} hours (or ever, since it was created); the ledger API and the tenant cost dashboards are behind.`,
        },
      }),
    },
  ];
}
