/**
 * The audit archive alerts under promtool (`promtool test rules`): a failed run and a run that
 * never succeeded fire, a run that succeeded in time stays quiet; no success for more than a day
 * fires, a daily success stays quiet. Input series are kube-state-metrics' CronJob gauges, sampled at most 5 minutes apart (Prometheus' lookback), with
 * the labels it puts on them (`namespace`, `cronjob`), values in seconds since the epoch.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_SEVERITY, auditRuleGroups } from '../../charts/audit/alerts';
import { ARCHIVE_CRONJOB } from '../../charts/audit/chart';
import { PLATFORM_NAMESPACE } from '../../catalog/services';
import { MCP_AUDIT_WRITER, MCP_HUB } from '../../catalog/audit';
import { assertAlertsDocumented, promtoolRules } from '../helpers/promtool';

const groups = auditRuleGroups();
const promtool = promtoolRules('audit', groups);
const labels = { namespace: PLATFORM_NAMESPACE, cronjob: ARCHIVE_CRONJOB };
const gauge = (name: string, values: string) => ({ series: `${name}{namespace="${labels.namespace}",cronjob="${labels.cronjob}",job="kube-state-metrics"}`, values });
const firing = (alert: keyof typeof AUDIT_SEVERITY) => {
  const rule = groups[0].rules.find((r: any) => r.alert === alert) as any;
  return { exp_labels: { ...labels, ...rule.labels }, exp_annotations: rule.annotations };
};


describe('audit archive alerts (promtool)', () => {
  it('every alert has its severity and a runbook anchor', () => {
    assertAlertsDocumented(groups, AUDIT_SEVERITY, 'docs/runbooks/audit.md');
  });

  it('a run that fails (or never succeeds) fires after its deadline; one that succeeds stays quiet', () => {
    const res = promtool.test('failing', [
      {
        name: 'scheduled at minute 100, last success at minute 1: failing from minute 165',
        interval: '1m',
        input_series: [gauge('kube_cronjob_status_last_schedule_time', '60x100 6000x100'), gauge('kube_cronjob_status_last_successful_time', '60x200'), gauge('kube_cronjob_created', '0x200')],
        alert_rule_test: [
          { eval_time: '150m', alertname: 'AuditArchiveFailing', exp_alerts: [] },
          { eval_time: '170m', alertname: 'AuditArchiveFailing', exp_alerts: [firing('AuditArchiveFailing')] },
        ],
      },
      {
        name: 'scheduled at minute 100, succeeded at minute 105: quiet',
        interval: '1m',
        input_series: [gauge('kube_cronjob_status_last_schedule_time', '60x100 6000x100'), gauge('kube_cronjob_status_last_successful_time', '60x105 6300x95'), gauge('kube_cronjob_created', '0x200')],
        alert_rule_test: [{ eval_time: '170m', alertname: 'AuditArchiveFailing', exp_alerts: [] }],
      },
      {
        name: 'scheduled, never succeeded: failing',
        interval: '1m',
        input_series: [gauge('kube_cronjob_status_last_schedule_time', '60x200'), gauge('kube_cronjob_created', '0x200')],
        alert_rule_test: [{ eval_time: '70m', alertname: 'AuditArchiveFailing', exp_alerts: [firing('AuditArchiveFailing')] }],
      },
    ]);
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  });

  it('no success for more than 26 hours (or never, for a CronJob that old) fires; a daily success stays quiet', () => {
    const res = promtool.test('stale', [
      {
        name: 'last success at minute 1',
        interval: '5m',
        input_series: [gauge('kube_cronjob_status_last_successful_time', '60x400'), gauge('kube_cronjob_created', '0x400')],
        alert_rule_test: [
          { eval_time: '25h', alertname: 'AuditArchiveStale', exp_alerts: [] },
          { eval_time: '28h', alertname: 'AuditArchiveStale', exp_alerts: [firing('AuditArchiveStale')] },
        ],
      },
      {
        name: 'never succeeded, created at 0',
        interval: '5m',
        input_series: [gauge('kube_cronjob_created', '0x400')],
        alert_rule_test: [
          { eval_time: '20h', alertname: 'AuditArchiveStale', exp_alerts: [] },
          { eval_time: '28h', alertname: 'AuditArchiveStale', exp_alerts: [firing('AuditArchiveStale')] },
        ],
      },
      {
        name: 'a success every day',
        interval: '5m',
        input_series: [gauge('kube_cronjob_status_last_successful_time', '60x288 86400x288'), gauge('kube_cronjob_created', '0x576')],
        alert_rule_test: [{ eval_time: '28h', alertname: 'AuditArchiveStale', exp_alerts: [] }],
      },
    ]);
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  });

  it("the MCP hub's writer: a loader not ready for 15 minutes fires; a ready one, or one that recovers, stays quiet", () => {
    const ready = (pod: string, values: string, container = 'loader') => ({ series: `kube_pod_container_status_ready{namespace="${MCP_HUB.namespace}",pod="${pod}",container="${container}",job="kube-state-metrics"}`, values });
    const rule = groups.flatMap((g) => g.rules).find((r: any) => r.alert === 'AuditMcpWriterBehind') as any;
    const res = promtool.test('mcp-writer', [
      {
        name: 'one loader stops loading at minute 10, the other keeps going',
        interval: '1m',
        input_series: [ready(`${MCP_AUDIT_WRITER.name}-6d9f-a`, '1x10 0x30'), ready(`${MCP_AUDIT_WRITER.name}-6d9f-a`, '1x40', 'collector'), ready(`${MCP_AUDIT_WRITER.name}-6d9f-b`, '1x40'), ready(`${MCP_AUDIT_WRITER.name}-6d9f-b`, '1x40', 'collector')],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'AuditMcpWriterBehind', exp_alerts: [] },
          { eval_time: '30m', alertname: 'AuditMcpWriterBehind', exp_alerts: [{ exp_labels: { namespace: MCP_HUB.namespace, pod: `${MCP_AUDIT_WRITER.name}-6d9f-a`, ...rule.labels }, exp_annotations: { ...rule.annotations, description: rule.annotations.description.replace('{{ $labels.pod }}', `${MCP_AUDIT_WRITER.name}-6d9f-a`) } }] },
        ],
      },
      {
        name: 'a loader that recovers within 15 minutes, and a pod of another workload in the namespace, stay quiet',
        interval: '1m',
        input_series: [ready(`${MCP_AUDIT_WRITER.name}-6d9f-a`, '1x10 0x10 1x20'), ready('mcp-audit-archive-5c7d-x-y', '0x40'), ready('azure-devops-mcp-5c7d-x', '0x40', 'mcp-server')],
        alert_rule_test: [{ eval_time: '35m', alertname: 'AuditMcpWriterBehind', exp_alerts: [] }],
      },
    ]);
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  });

  it('a wrong expectation fails promtool (the test can fail)', () => {
    const res = promtool.test('negative', [
      {
        name: 'succeeded in time, but expected to fire',
        interval: '1m',
        input_series: [gauge('kube_cronjob_status_last_schedule_time', '60x100 6000x100'), gauge('kube_cronjob_status_last_successful_time', '60x105 6300x95')],
        alert_rule_test: [{ eval_time: '170m', alertname: 'AuditArchiveFailing', exp_alerts: [firing('AuditArchiveFailing')] }],
      },
    ]);
    assert.notEqual(res.status, 0);
  });
});
