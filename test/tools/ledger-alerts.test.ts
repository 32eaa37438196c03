/**
 * The cost ledger loader's alerts under promtool (`promtool test rules`): a run that fails fires
 * after its grace, one that succeeds stays quiet; no success for two hours fires, regular successes
 * stay quiet. Input series are kube-state-metrics' CronJob gauges with its labels, in seconds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LEDGER_RUNBOOK, LEDGER_SEVERITY, ledgerRuleGroups } from '../../charts/ledger/alerts';
import { LEDGER_LOAD_CRONJOB } from '../../charts/ledger/chart';
import { PLATFORM_NAMESPACE } from '../../catalog/services';
import { assertAlertsDocumented, promtoolRules } from '../helpers/promtool';

const groups = ledgerRuleGroups();
const promtool = promtoolRules('ledger', groups);
const labels = { namespace: PLATFORM_NAMESPACE, cronjob: LEDGER_LOAD_CRONJOB };
const gauge = (name: string, values: string) => ({ series: `${name}{namespace="${labels.namespace}",cronjob="${labels.cronjob}",job="kube-state-metrics"}`, values });
const firing = (alert: keyof typeof LEDGER_SEVERITY) => {
  const rule = groups[0].rules.find((r: any) => r.alert === alert) as any;
  return { exp_labels: { ...labels, ...rule.labels }, exp_annotations: rule.annotations };
};


describe('cost ledger loader alerts (promtool)', () => {
  it('every alert has its severity and a runbook anchor', () => {
    assertAlertsDocumented(groups, LEDGER_SEVERITY, LEDGER_RUNBOOK);
  });

  it('a run that does not succeed fires after its grace; one that succeeds stays quiet', () => {
    const res = promtool.test('failing', [
      {
        name: 'scheduled at minute 30, last success at minute 15: failing 20 minutes after the schedule',
        interval: '1m',
        input_series: [gauge('kube_cronjob_status_last_schedule_time', '900x30 1800x60'), gauge('kube_cronjob_status_last_successful_time', '900x90'), gauge('kube_cronjob_created', '0x90')],
        alert_rule_test: [
          { eval_time: '45m', alertname: 'LedgerLoadFailing', exp_alerts: [] },
          { eval_time: '55m', alertname: 'LedgerLoadFailing', exp_alerts: [firing('LedgerLoadFailing')] },
        ],
      },
      {
        name: 'scheduled at minute 30, succeeded at minute 35: quiet',
        interval: '1m',
        input_series: [gauge('kube_cronjob_status_last_schedule_time', '900x30 1800x60'), gauge('kube_cronjob_status_last_successful_time', '900x35 2100x55'), gauge('kube_cronjob_created', '0x90')],
        alert_rule_test: [{ eval_time: '60m', alertname: 'LedgerLoadFailing', exp_alerts: [] }],
      },
    ]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  it('no success for two hours fires; a success every 15 minutes does not', () => {
    const res = promtool.test('stale', [
      {
        name: 'last success at 0, never again',
        interval: '5m',
        input_series: [gauge('kube_cronjob_status_last_successful_time', '0x40'), gauge('kube_cronjob_created', '0x40')],
        alert_rule_test: [
          { eval_time: '125m', alertname: 'LedgerLoadStale', exp_alerts: [] },
          { eval_time: '140m', alertname: 'LedgerLoadStale', exp_alerts: [firing('LedgerLoadStale')] },
        ],
      },
      {
        name: 'a success every 15 minutes',
        interval: '15m',
        input_series: [gauge('kube_cronjob_status_last_successful_time', '0+900x20'), gauge('kube_cronjob_created', '0x20')],
        alert_rule_test: [{ eval_time: '240m', alertname: 'LedgerLoadStale', exp_alerts: [] }],
      },
    ]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });
});
