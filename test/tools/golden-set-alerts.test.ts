/**
 * The golden-set alert under promtool (`promtool test rules`), with the series the runner really
 * pushes: GOLDEN_SET_METRICS gauges carrying the runner's resource attributes as labels (the
 * collector's resource_to_telemetry_conversion) and the pod each run came from. A failed run fires
 * until a later run of the same set passes; a passing run, or a failure of another set that later
 * passed, stays quiet.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GOLDEN_SET_METRICS, GOLDEN_SET_NAME } from '../../catalog/golden-sets';
import { GOLDEN_SET_SEVERITY, goldenSetRuleGroups } from '../../charts/golden-sets/alerts';
import { assertAlertsDocumented, promtoolRules } from '../helpers/promtool';

const groups = goldenSetRuleGroups();
const promtool = promtoolRules('golden', groups);

/** The labels of one run's series: resource attributes (service.*, k8s.pod.name) and the data point's set and target. */
const run = (pod: string, set = 'router-tenants', target = 'llm-router') => ({
  service_name: GOLDEN_SET_NAME,
  service_namespace: 'platform',
  deployment_environment: 'dev',
  job: `platform/${GOLDEN_SET_NAME}`,
  k8s_pod_name: pod,
  set,
  target,
});
const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`,
  values,
});
/** One push at minute `at`: the verdict and the run's timestamp (seconds). */
const push = (labels: Record<string, string>, at: number, passed: 0 | 1) => [
  series(GOLDEN_SET_METRICS.passed, labels, `${at > 0 ? `_x${at} ` : ''}${passed}`),
  series(GOLDEN_SET_METRICS.runTimestamp, labels, `${at > 0 ? `_x${at} ` : ''}${at * 60}`),
];

const ANNOTATIONS = {
  summary: 'Golden set router-tenants failed against llm-router',
  description: 'The latest run of golden set router-tenants against llm-router (namespace platform) passed fewer cases than its threshold; the rollout that ran it was aborted.',
  runbook_url: 'docs/golden-sets.md#goldensetfailing',
};


describe('golden-set alert (promtool)', () => {
  it('has its severity and a runbook anchor', () => {
    assertAlertsDocumented(groups, GOLDEN_SET_SEVERITY, 'docs/golden-sets.md');
  });

  it('a failed run fires until a later run passes; passing runs and other sets stay quiet', () => {
    const failed = run('golden-set-run-1');
    const res = promtool.test('latest-failure', [
      {
        name: 'run 1 fails at minute 0, run 2 passes at minute 30',
        interval: '1m',
        input_series: [...push(failed, 0, 0), ...push(run('golden-set-run-2'), 30, 1), ...push(run('golden-set-run-3', 'llama', 'llama-3-1-8b-instruct'), 5, 1)],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'GoldenSetFailing',
            exp_alerts: [
              {
                exp_labels: { ...failed, severity: 'P3' },
                exp_annotations: ANNOTATIONS,
              },
            ],
          },
          { eval_time: '40m', alertname: 'GoldenSetFailing', exp_alerts: [] },
        ],
      },
      {
        name: 'a pass, then a failure: fires; a day later without runs: quiet',
        interval: '1m',
        input_series: [...push(run('golden-set-run-0'), 0, 1), ...push(failed, 20, 0)],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'GoldenSetFailing', exp_alerts: [] },
          { eval_time: '25m', alertname: 'GoldenSetFailing', exp_alerts: [{ exp_labels: { ...failed, severity: 'P3' }, exp_annotations: ANNOTATIONS }] },
          { eval_time: '26h', alertname: 'GoldenSetFailing', exp_alerts: [] },
        ],
      },
    ]);
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  });

  it('the test can fail: expecting silence while run 1 is the latest failure is refused', () => {
    const res = promtool.test('negative', [
      {
        interval: '1m',
        input_series: push(run('golden-set-run-1'), 0, 0),
        alert_rule_test: [{ eval_time: '10m', alertname: 'GoldenSetFailing', exp_alerts: [] }],
      },
    ]);
    assert.notEqual(res.status, 0);
    assert.match(res.stdout + res.stderr, /GoldenSetFailing/);
  });
});
