/**
 * The canary-delivery alerts under promtool (`promtool test rules`): an aborted Rollout fires, a
 * degraded one fires after ten minutes, one that completes or pauses at a step stays quiet. Input
 * series are the controller's `rollout_info` as Prometheus stores it through the add-on monitor
 * (target `namespace`/`job`, the Rollout's namespace as `exported_namespace`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { monitorJobs, monitorNamespace, ADDON_MONITORS } from '../../catalog/addon-monitors';
import { ROLLOUT_SEVERITY, rolloutRuleGroups } from '../../charts/observability/rollout-rules';
import { analysisQueries } from '../helpers/analysis';
import { assertAlertsDocumented, promtoolRules } from '../helpers/promtool';
import { ROOT, runTool } from '../helpers/tools';

const groups = rolloutRuleGroups();
const promtool = promtoolRules('rollout', groups);
const { dir } = promtool;
const monitor = ADDON_MONITORS.find((m) => m.name === 'argo-rollouts')!;
const target = { namespace: monitorNamespace(monitor), job: monitorJobs(monitor)[0] };
const rollout = { exported_namespace: 'serving', name: 'vllm-llama-3-1-8b-instruct' };
const info = (phase: string, values: string) => ({
  series: `rollout_info{namespace="${target.namespace}",job="${target.job}",exported_namespace="${rollout.exported_namespace}",name="${rollout.name}",strategy="canary",traffic_router="",phase="${phase}"}`,
  values,
});
const firing = (alert: keyof typeof ROLLOUT_SEVERITY) => {
  const rule = groups[0].rules.find((r: any) => r.alert === alert) as any;
  return { exp_labels: { ...rollout, ...rule.labels }, exp_annotations: { ...rule.annotations, summary: rule.annotations.summary.replace('{{ $labels.exported_namespace }}/{{ $labels.name }}', `${rollout.exported_namespace}/${rollout.name}`) } };
};


describe('canary delivery alerts (promtool)', () => {
  it('every alert has its severity and a runbook anchor', () => {
    assertAlertsDocumented(groups, ROLLOUT_SEVERITY, 'docs/runbooks/rollouts.md');
  });

  it('an aborted rollout fires; one that progresses, pauses at a step and completes stays quiet', () => {
    // The gauge carries the current phase only: the series of the previous phase ends when it changes.
    const res = promtool.test('aborted', [
      {
        name: 'progressing for 10 minutes, then aborted',
        interval: '1m',
        input_series: [info('Progressing', '1x10'), info('Abort', '_x10 1x30')],
        alert_rule_test: [
          { eval_time: '11m', alertname: 'RolloutAborted', exp_alerts: [] },
          { eval_time: '15m', alertname: 'RolloutAborted', exp_alerts: [firing('RolloutAborted')] },
        ],
      },
      {
        name: 'paused at a step, then completed: quiet',
        interval: '1m',
        input_series: [info('Paused', '1x20'), info('Completed', '_x20 1x30')],
        alert_rule_test: [
          { eval_time: '15m', alertname: 'RolloutAborted', exp_alerts: [] },
          { eval_time: '40m', alertname: 'RolloutAborted', exp_alerts: [] },
          { eval_time: '40m', alertname: 'RolloutDegraded', exp_alerts: [] },
        ],
      },
    ]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  it('a rollout stuck in Error fires after ten minutes; a short Error does not', () => {
    const res = promtool.test('degraded', [
      {
        name: 'error for 30 minutes',
        interval: '1m',
        input_series: [info('Error', '1x30')],
        alert_rule_test: [
          { eval_time: '5m', alertname: 'RolloutDegraded', exp_alerts: [] },
          { eval_time: '15m', alertname: 'RolloutDegraded', exp_alerts: [firing('RolloutDegraded')].map((a) => ({ ...a, exp_annotations: { ...a.exp_annotations, summary: `Rollout ${rollout.exported_namespace}/${rollout.name} cannot proceed` } })) },
        ],
      },
      {
        name: 'error for 5 minutes, then progressing',
        interval: '1m',
        input_series: [info('Error', '1x5'), info('Progressing', '_x5 1x30')],
        alert_rule_test: [{ eval_time: '20m', alertname: 'RolloutDegraded', exp_alerts: [] }],
      },
    ]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  it('every canary analysis query, with its arguments filled in, is valid PromQL (promtool check rules)', () => {
    for (const env of readdirSync(join(ROOT, 'rendered'))) {
      const objects = readdirSync(join(ROOT, 'rendered', env)).flatMap((app) => parseAllDocuments(readFileSync(join(ROOT, 'rendered', env, app, 'manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean));
      const { queries, unfilled } = analysisQueries(objects, env);
      assert.deepEqual(unfilled, []);
      if (env === 'dev') assert.ok(queries.length >= 6, `${queries.length} analysis queries`);
      if (!queries.length) continue;
      const file = join(dir, `${env}-analysis.yaml`);
      writeFileSync(file, stringify({ groups: [{ name: 'analysis', rules: queries.map((q, i) => ({ record: `analysis:query:${i}`, expr: q.expr })) }] }, { lineWidth: 0 }));
      const res = runTool('promtool', ['check', 'rules', file]);
      assert.equal(res.status, 0, `${env}: ${res.stdout}${res.stderr}`);
    }
    // The check can fail: a query with an argument left in is not PromQL.
    const bad = join(dir, 'bad-analysis.yaml');
    writeFileSync(bad, stringify({ groups: [{ name: 'analysis', rules: [{ record: 'analysis:query:0', expr: 'sum(rate(x{job="{{args.workload}}"}[5m])) /' }] }] }));
    assert.notEqual(runTool('promtool', ['check', 'rules', bad]).status, 0);
  });

  it('negative control: an expectation the rules do not meet fails promtool', () => {
    const res = promtool.test('negative', [
      {
        name: 'completed rollout expected to fire',
        interval: '1m',
        input_series: [info('Completed', '1x30')],
        alert_rule_test: [{ eval_time: '20m', alertname: 'RolloutAborted', exp_alerts: [firing('RolloutAborted')] }],
      },
    ]);
    assert.notEqual(res.status, 0);
  });
});
