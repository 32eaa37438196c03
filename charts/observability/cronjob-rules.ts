/**
 * Alerts on a CronJob from kube-state-metrics' CronJob gauges (kube-prometheus-stack): its last
 * scheduled run has not succeeded within a grace (failed, or still running past its deadline), or
 * no run has succeeded for too long (also: never, once the CronJob itself is older than that).
 */

/** One alert's name, severity, how long its condition must hold, and what it tells the on-call. */
export interface CronJobAlert {
  readonly alert: string;
  readonly severity: string;
  readonly for: string;
  readonly summary: string;
  readonly description: string;
}

export interface CronJobRulesProps {
  readonly namespace: string;
  readonly cronjob: string;
  /** The runbook; each alert links its anchor (the alert's name, lower case). */
  readonly runbook: string;
  readonly failing: CronJobAlert;
  /** Fires when no run has succeeded for `afterSeconds`. */
  readonly stale: CronJobAlert & { readonly afterSeconds: number };
}

export function cronJobRules(p: CronJobRulesProps): Record<string, unknown>[] {
  const sel = `{namespace="${p.namespace}",cronjob="${p.cronjob}"}`;
  const lastSuccess = `max by (namespace, cronjob) (kube_cronjob_status_last_successful_time${sel})`;
  const lastSchedule = `max by (namespace, cronjob) (kube_cronjob_status_last_schedule_time${sel})`;
  const rule = (a: CronJobAlert, expr: string) => ({
    alert: a.alert,
    expr,
    for: a.for,
    labels: { severity: a.severity },
    annotations: { summary: a.summary, description: a.description, runbook_url: `${p.runbook}#${a.alert.toLowerCase()}` },
  });
  return [
    // The last run started after the last success and has not succeeded since.
    rule(p.failing, `${lastSchedule} > (${lastSuccess} or ${lastSchedule} * 0)`),
    rule(
      p.stale,
      `time() - ${lastSuccess} > ${p.stale.afterSeconds} or absent(kube_cronjob_status_last_successful_time${sel}) and on () (time() - max(kube_cronjob_created${sel}) > ${p.stale.afterSeconds})`,
    ),
  ];
}
