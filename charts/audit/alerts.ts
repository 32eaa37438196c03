/**
 * Alerts on the audit archive, from kube-state-metrics' CronJob metrics (kube-prometheus-stack):
 * the last scheduled run has not succeeded within its deadline, or no run has succeeded for more
 * than a day (also: never). Either way closed days are not reaching the immutable container.
 * And on the MCP hub's writer: a container of an `mcp-audit` pod not ready for a while (the
 * loader's readiness is a recent successful round, charts/mcp-hub/audit-writer-files.ts), so MCP
 * calls pile up in its spool or are not received.
 */
import { PLATFORM_NAMESPACE } from '../../catalog/services';
import { MCP_AUDIT_WRITER, MCP_HUB } from '../../catalog/audit';
import { cronJobRules } from '../observability/cronjob-rules';
import type { RuleGroup } from '../observability/slo';

export const AUDIT_RUNBOOK = 'docs/runbooks/audit.md';
export const AUDIT_SEVERITY = { AuditArchiveFailing: 'P2', AuditArchiveStale: 'P2', AuditMcpWriterBehind: 'P2' } as const;
/** Not ready this long (for the loader: on top of its own LOADER_STALE_SECONDS, about 25 minutes without a load). */
const MCP_WRITER_FOR = '15m';
const CRONJOB = 'audit-archive';
/** A run may take up to an hour (activeDeadlineSeconds); five minutes on top for the metrics. */
const RUN_GRACE = '65m';
/** A day and two hours: one missed daily run is already an alert. */
const STALE_SECONDS = 26 * 3600;

export function auditRuleGroups(): RuleGroup[] {
  return [
    {
      name: 'audit-archive',
      rules: cronJobRules({
        namespace: PLATFORM_NAMESPACE,
        cronjob: CRONJOB,
        runbook: AUDIT_RUNBOOK,
        failing: {
          alert: 'AuditArchiveFailing',
          severity: AUDIT_SEVERITY.AuditArchiveFailing,
          for: RUN_GRACE,
          summary: 'The audit archive run has not succeeded',
          description: `The ${CRONJOB} CronJob's last run has not succeeded within ${RUN_GRACE}: closed days of audit events are not being written to the immutable container.`,
        },
        stale: {
          alert: 'AuditArchiveStale',
          severity: AUDIT_SEVERITY.AuditArchiveStale,
          for: '30m',
          afterSeconds: STALE_SECONDS,
          summary: 'No audit archive run has succeeded for more than a day',
          description: `No run of the ${CRONJOB} CronJob has succeeded for ${STALE_SECONDS / 3600} hours (or ever, since it was created).`,
        },
      }),
    },
    {
      name: 'audit-mcp-writer',
      rules: [
        {
          alert: 'AuditMcpWriterBehind',
          // Any of the pod's containers: the loader is not ready without a successful load within
          // LOADER_STALE_SECONDS, the token refresher without a fresh token (the loader's next
          // connection fails), the collector when it takes no records. By pod name, not container:
          // kube-state-metrics labels every container, the telemetry contract only scraped ones.
          expr: `min by (namespace, pod) (kube_pod_container_status_ready{namespace="${MCP_HUB.namespace}",pod=~"${MCP_AUDIT_WRITER.name}-[a-z0-9]+-[a-z0-9]+"}) == 0`,
          for: MCP_WRITER_FOR,
          labels: { severity: AUDIT_SEVERITY.AuditMcpWriterBehind },
          annotations: {
            summary: "The MCP hub's audit writer is not loading events",
            description: `A container of {{ $labels.pod }} has not been ready for 15 minutes (the loader: no MCP audit events written to the audit database for 25 minutes); records wait in its spool (1Gi) and are lost if the pod goes.`,
            runbook_url: `${AUDIT_RUNBOOK}#auditmcpwriterbehind`,
          },
        },
      ],
    },
  ];
}
