/**
 * Alerts on the audit archive, from kube-state-metrics' CronJob metrics (kube-prometheus-stack):
 * the last scheduled run has not succeeded within its deadline, or no run has succeeded for more
 * than a day (also: never). Either way closed days are not reaching the immutable container.
 */
import { PLATFORM_NAMESPACE } from '../../catalog/services';
import type { RuleGroup } from '../observability/slo';

export const AUDIT_RUNBOOK = 'docs/runbooks/audit.md';
export const AUDIT_SEVERITY = { AuditArchiveFailing: 'P2', AuditArchiveStale: 'P2' } as const;
const CRONJOB = 'audit-archive';
/** A run may take up to an hour (activeDeadlineSeconds); five minutes on top for the metrics. */
const RUN_GRACE = '65m';
/** A day and two hours: one missed daily run is already an alert. */
const STALE_SECONDS = 26 * 3600;

export function auditRuleGroups(): RuleGroup[] {
  const sel = `{namespace="${PLATFORM_NAMESPACE}",cronjob="${CRONJOB}"}`;
  const lastSuccess = `max by (namespace, cronjob) (kube_cronjob_status_last_successful_time${sel})`;
  const lastSchedule = `max by (namespace, cronjob) (kube_cronjob_status_last_schedule_time${sel})`;
  return [
    {
      name: 'audit-archive',
      rules: [
        {
          alert: 'AuditArchiveFailing',
          // The last run started after the last success and has not succeeded since (failed, or still running past its deadline).
          expr: `${lastSchedule} > (${lastSuccess} or ${lastSchedule} * 0)`,
          for: RUN_GRACE,
          labels: { severity: AUDIT_SEVERITY.AuditArchiveFailing },
          annotations: {
            summary: 'The audit archive run has not succeeded',
            description: `The ${CRONJOB} CronJob's last run has not succeeded within ${RUN_GRACE}: closed days of audit events are not being written to the immutable container.`,
            runbook_url: `${AUDIT_RUNBOOK}#auditarchivefailing`,
          },
        },
        {
          alert: 'AuditArchiveStale',
          // Never succeeded: stale once the CronJob itself is older than that.
          expr: `time() - ${lastSuccess} > ${STALE_SECONDS} or absent(kube_cronjob_status_last_successful_time${sel}) and on () (time() - max(kube_cronjob_created${sel}) > ${STALE_SECONDS})`,
          for: '30m',
          labels: { severity: AUDIT_SEVERITY.AuditArchiveStale },
          annotations: {
            summary: 'No audit archive run has succeeded for more than a day',
            description: `No run of the ${CRONJOB} CronJob has succeeded for ${STALE_SECONDS / 3600} hours (or ever, since it was created).`,
            runbook_url: `${AUDIT_RUNBOOK}#auditarchivestale`,
          },
        },
      ],
    },
  ];
}
