/**
 * The observability rules and routing checked by the real tools: `promtool check rules` on every
 * rendered PrometheusRule, `promtool test rules` unit tests (a firing and a quiet case each) for
 * the SLO burn-rate alerts, the agent operations alerts and the tenant budget alerts, `amtool
 * check-config` and `amtool config routes test` on Alertmanager's configuration, including where
 * every severity the rules use is routed.
 *
 * Input series carry the labels the real sources put on them (catalog/services.ts): `service_name`
 * for what arrives over OTLP, `namespace`/`job` for what Prometheus scrapes, `namespace`/`deployment`
 * for kube-state-metrics.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { budgetRuleGroups, BUDGET_THRESHOLDS } from '../../charts/observability/budget-rules';
import { operationsRuleGroups, SEVERITY } from '../../charts/observability/operations';
import { sloRuleGroups, type RuleGroup } from '../../charts/observability/slo';
import { thanosRuleGroups, THANOS_SEVERITY } from '../../charts/observability/thanos-rules';
import { temporalRuleGroups, TEMPORAL_SEVERITY, TEMPORAL_THRESHOLDS } from '../../charts/observability/temporal-rules';
import { TEMPORAL_NAMESPACE, TEMPORAL_RELEASE } from '../../catalog/temporal';
import { METRICS, SERVICES } from '../../catalog/services';
import { loadInputs } from '../../config/inputs';
import { ALERTMANAGER_RECEIVER_SECRETS, ALERTMANAGER_RECEIVERS_SECRET } from '../../catalog/cluster-names';
import { alertmanagerConfig, HEARTBEAT_INTERVAL, HEARTBEAT_RECEIVER } from '../../constructs/addons/values/kube-prometheus-stack';
import { ROOT, runTool } from '../helpers/tools';

const inputs = loadInputs();
const dir = mkdtempSync(join(tmpdir(), 'prom-'));
const write = (name: string, doc: unknown) => {
  writeFileSync(join(dir, name), typeof doc === 'string' ? doc : stringify(doc, { lineWidth: 0 }));
  return join(dir, name);
};
const promtool = (...args: string[]) => runTool('promtool', args);

/** Runs promtool test rules on the groups with the given tests; fails with promtool's output. */
function promtoolTest(name: string, groups: RuleGroup[], tests: unknown[], evaluationInterval = '1m') {
  const rules = write(`${name}-rules.yaml`, { groups });
  const res = promtool('test', 'rules', write(`${name}-test.yaml`, { rule_files: [rules], evaluation_interval: evaluationInterval, tests }));
  assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
}

/** The expected alert of one SLO rule, labels and annotations taken from the rule itself. */
function expected(groups: RuleGroup[], slo: string, window: string) {
  const rule = groups.flatMap((g) => g.rules).find((r: any) => r.alert && r.labels.slo === slo && r.labels.window === window) as any;
  assert.ok(rule, `${slo} ${window}`);
  return { exp_labels: rule.labels, exp_annotations: rule.annotations };
}

const sel = (labels: Record<string, string>) => `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
const series = (name: string, labels: Record<string, string>, perMinute: number, minutes = 120) => ({ series: `${name}${sel(labels)}`, values: `0+${perMinute}x${minutes}` });
const gauge = (name: string, labels: Record<string, string>, values: string) => ({ series: `${name}${sel(labels)}`, values });

const otlp = (s: keyof typeof SERVICES) => ({ service_name: SERVICES[s].name, service_namespace: SERVICES[s].namespace });
const scraped = (s: keyof typeof SERVICES, pod = 'a') => ({ namespace: SERVICES[s].namespace, job: SERVICES[s].name, service: SERVICES[s].name, pod: `${SERVICES[s].name}-${pod}` });
const deployed = (s: keyof typeof SERVICES) => gauge('kube_deployment_spec_replicas', { namespace: SERVICES[s].namespace, deployment: SERVICES[s].name, job: 'kube-state-metrics' }, '1x120');

const HTTP = `${METRICS.httpServerDuration.name}_count`;
const VARIANT = METRICS.variantDuration.name;

describe('Prometheus rules (promtool)', () => {
  for (const env of inputs.allEnvironments) {
    it(`${env.name}: every rendered PrometheusRule passes promtool check rules`, () => {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'observability', 'manifests.yaml'), 'utf8');
      const rules = parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o?.kind === 'PrometheusRule');
      assert.deepEqual(rules.map((r) => r.metadata.name).sort(), ['agent-operations', 'audit-archive', 'canary-delivery', 'golden-sets', 'ledger-load', 'platform-slos', 'temporal', 'tenant-llm-budgets', 'thanos']);
      for (const r of rules) {
        const res = promtool('check', 'rules', write(`${env.name}-${r.metadata.name}.yaml`, { groups: r.spec.groups }));
        assert.equal(res.status, 0, `${r.metadata.name}: ${res.stdout}${res.stderr}`);
        assert.match(res.stdout, /SUCCESS: \d+ rules found/);
      }
    });
  }

  it('promtool check rules rejects a broken expression (the check can fail)', () => {
    const res = promtool('check', 'rules', write('broken.yaml', { groups: [{ name: 'x', rules: [{ record: 'x:y', expr: 'sum(rate(foo[5m]) by' }] }] }));
    assert.notEqual(res.status, 0);
  });

  it('SLO burn-rate alerts: a 10 % error rate pages within minutes, a healthy gateway stays quiet, slow requests burn the latency budget', () => {
    const groups = sloRuleGroups();
    const ok = (code: string, n: number) => series(HTTP, { ...otlp('gateway'), http_response_status_code: code }, n);
    promtoolTest('slo', groups, [
      {
        name: 'fast burn',
        interval: '1m',
        input_series: [ok('200', 90), ok('500', 10)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [expected(groups, 'gateway-availability', '1h'), expected(groups, 'gateway-availability', '6h')] }],
      },
      {
        name: 'healthy',
        interval: '1m',
        input_series: [ok('200', 999), ok('500', 1)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
      },
      {
        name: 'errors of a service named as before the catalogue burn nothing',
        interval: '1m',
        input_series: [series(HTTP, { service_name: 'gateway', http_response_status_code: '500' }, 100)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
      },
      {
        name: 'slow gateway',
        interval: '1m',
        input_series: [ok('200', 100), series(`${METRICS.httpServerDuration.name}_bucket`, { ...otlp('gateway'), le: '0.5' }, 20)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [expected(groups, 'gateway-latency', '1h'), expected(groups, 'gateway-latency', '6h')] }],
        promql_expr_test: [{ expr: 'slo:sli_error:ratio_rate5m{slo="gateway-latency"}', eval_time: '10m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{service="agent-gateway",slo="gateway-latency"}', value: 0.8 }] }],
      },
      {
        name: 'variant failures',
        interval: '1m',
        input_series: [series(METRICS.variantRuns.name, { ...otlp('orchestrator'), variant: 'llm', outcome: 'success' }, 70), series(METRICS.variantRuns.name, { ...otlp('orchestrator'), variant: 'llm', outcome: 'failure' }, 30)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
        promql_expr_test: [{ expr: 'slo:sli_error:ratio_rate5m{slo="variant-success"}', eval_time: '10m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{service="agent-orchestrator",slo="variant-success"}', value: 0.3 }] }],
      },
    ]);
  });

  it('end-to-end SLO (99 %): failed and timed-out jobs burn it, cancelled jobs do not', () => {
    const groups = sloRuleGroups();
    const jobs = (outcome: string, n: number) => series(METRICS.jobs.name, { ...otlp('orchestrator'), outcome }, n);
    promtoolTest('slo-e2e', groups, [
      {
        name: '20 % failures and timeouts page',
        interval: '1m',
        input_series: [jobs('success', 80), jobs('failure', 10), jobs('timeout', 10), jobs('cancelled', 50)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [expected(groups, 'jobs-end-to-end', '1h'), expected(groups, 'jobs-end-to-end', '6h')] }],
        promql_expr_test: [{ expr: 'round(slo:sli_error:ratio_rate1h{slo="jobs-end-to-end"}, 0.001)', eval_time: '10m', exp_samples: [{ labels: '{service="agent-orchestrator",slo="jobs-end-to-end"}', value: 0.2 }] }],
      },
      {
        name: 'half the jobs cancelled, none failed: quiet',
        interval: '1m',
        input_series: [jobs('success', 50), jobs('cancelled', 50)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
        promql_expr_test: [{ expr: 'slo:sli_error:ratio_rate1h{slo="jobs-end-to-end"}', eval_time: '10m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate1h{service="agent-orchestrator",slo="jobs-end-to-end"}', value: 0 }] }],
      },
    ]);
  });

  it('variant-duration SLOs: stub within 90 s, LLM within 4 min (p95), any within 8 min (p99), whichever way le is written', () => {
    const groups = sloRuleGroups();
    const runs = (variant: string, le: string, n: number) => series(`${VARIANT}_bucket`, { ...otlp('orchestrator'), variant, outcome: 'success', le }, n);
    const count = (variant: string, n: number) => series(`${VARIANT}_count`, { ...otlp('orchestrator'), variant, outcome: 'success' }, n);
    promtoolTest('slo-variants', groups, [
      {
        // 50 % of stub runs over 90 s: beyond the 6h pair's 0.3, short of the 1h pair's 0.72.
        name: 'half the stub runs are slow (le as the collector writes it)',
        interval: '1m',
        input_series: [runs('stub', '90', 5), runs('stub', '480', 10), runs('stub', '+Inf', 10), count('stub', 10)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [expected(groups, 'variant-duration-stub', '6h')] }],
      },
      {
        // Every LLM run takes 5 min: the LLM budget burns at both paging pairs, the 8-minute p99 does not.
        name: 'LLM runs over 4 minutes (le as Prometheus 3 stores a scraped one)',
        interval: '1m',
        input_series: [runs('llm', '240.0', 0), runs('llm', '480.0', 10), runs('llm', '+Inf', 10), count('llm', 10)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [expected(groups, 'variant-duration-llm', '1h'), expected(groups, 'variant-duration-llm', '6h')] }],
      },
      {
        // LLM runs: none within 4 min, 40 % within 8; stub runs all fast: 30 % of all runs over 8 minutes.
        name: '30 % of runs over 8 minutes burn the p99 SLO',
        interval: '1m',
        input_series: [runs('llm', '240', 0), runs('llm', '480', 4), runs('llm', '+Inf', 10), count('llm', 10), runs('stub', '90', 10), runs('stub', '480', 10), runs('stub', '+Inf', 10), count('stub', 10)],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'SLOErrorBudgetBurn',
            exp_alerts: [expected(groups, 'variant-duration-llm', '1h'), expected(groups, 'variant-duration-llm', '6h'), expected(groups, 'variant-duration-p99', '1h'), expected(groups, 'variant-duration-p99', '6h')],
          },
        ],
      },
      {
        name: 'fast variants stay quiet',
        interval: '1m',
        input_series: [runs('stub', '90', 10), runs('stub', '480', 10), runs('stub', '+Inf', 10), count('stub', 10), runs('llm', '240', 10), runs('llm', '480', 10), runs('llm', '+Inf', 10), count('llm', 10)],
        alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
      },
    ]);
  });

  it('a wrong expectation makes promtool test rules fail (the unit tests can fail)', () => {
    const rules = write('slo-rules-neg.yaml', { groups: sloRuleGroups() });
    const tests = {
      rule_files: [rules],
      tests: [{ interval: '1m', input_series: [series(HTTP, { ...otlp('gateway'), http_response_status_code: '200' }, 100)], alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: { severity: 'P1' } }] }] }],
    };
    assert.notEqual(promtool('test', 'rules', write('slo-test-neg.yaml', tests)).status, 0);
  });
});

describe('agent operations alerts (promtool)', () => {
  const groups = operationsRuleGroups();
  const rule = (alert: string, service?: string) =>
    groups[0].rules.find((r: any) => r.alert === alert && (service === undefined || r.labels.service === service)) as any;
  const firing = (alert: keyof typeof SEVERITY, labels: Record<string, string>, annotations: Record<string, string>, service?: string) => {
    const r = rule(alert, service);
    assert.ok(r, alert);
    return { exp_labels: { ...r.labels, ...labels }, exp_annotations: { ...r.annotations, ...annotations } };
  };

  it('every seed alert exists with its severity and a runbook anchor', () => {
    const alerts = groups.flatMap((g) => g.rules) as any[];
    assert.deepEqual([...new Set(alerts.map((a) => a.alert))].sort(), Object.keys(SEVERITY).sort());
    for (const a of alerts) {
      assert.equal(a.labels.severity, SEVERITY[a.alert as keyof typeof SEVERITY], a.alert);
      assert.equal(a.annotations.runbook_url, `docs/runbooks/agent-operations.md#${a.alert.toLowerCase()}`);
    }
    assert.equal(alerts.filter((a) => a.alert === 'AgentServiceErrorRate').length, 4, 'one error-rate alert per agent service');
  });

  it('error rate: 10 % 5xx for 5 minutes fires for that service only; 2 % stays quiet', () => {
    const http = (s: 'gateway' | 'orchestrator', code: string, n: number) => series(HTTP, { ...otlp(s), http_response_status_code: code }, n);
    promtoolTest('ops-errors', groups, [
      {
        name: 'gateway fails 10 %, orchestrator 2 %',
        interval: '1m',
        input_series: [http('gateway', '200', 90), http('gateway', '503', 10), http('orchestrator', '200', 98), http('orchestrator', '500', 2)],
        alert_rule_test: [
          { eval_time: '4m', alertname: 'AgentServiceErrorRate', exp_alerts: [] },
          {
            eval_time: '15m',
            alertname: 'AgentServiceErrorRate',
            exp_alerts: [firing('AgentServiceErrorRate', {}, { description: '10% of the requests over the last 5m were answered with a 5xx.' }, SERVICES.gateway.name)],
          },
        ],
      },
    ]);
  });

  it('heartbeat: a stuck loop or vanished replicas page after 2 minutes; a live loop and an undeployed service stay quiet', () => {
    const beat = (s: 'orchestrator' | 'patchWorker', values: string) => gauge(METRICS.heartbeat.name, scraped(s), values);
    const labels = (s: 'orchestrator' | 'patchWorker') => ({ namespace: SERVICES[s].namespace, job: SERVICES[s].name });
    const alert = (s: 'orchestrator' | 'patchWorker') => firing('AgentHeartbeatMissing', labels(s), {}, SERVICES[s].name);
    promtoolTest('ops-heartbeat', groups, [
      {
        name: 'orchestrator loop stops at minute 5',
        interval: '1m',
        input_series: [beat('orchestrator', '0+60x5 300x20'), deployed('orchestrator'), beat('patchWorker', '0+60x25'), deployed('patchWorker')],
        alert_rule_test: [
          { eval_time: '6m', alertname: 'AgentHeartbeatMissing', exp_alerts: [] },
          { eval_time: '8m', alertname: 'AgentHeartbeatMissing', exp_alerts: [alert('orchestrator')] },
        ],
      },
      {
        name: 'every patch worker replica is gone after minute 5',
        interval: '1m',
        input_series: [beat('patchWorker', '0+60x5'), deployed('patchWorker')],
        alert_rule_test: [{ eval_time: '12m', alertname: 'AgentHeartbeatMissing', exp_alerts: [alert('patchWorker')] }],
      },
      {
        name: 'no heartbeat and no Deployment (images not promoted): quiet',
        interval: '1m',
        input_series: [deployed('gateway')],
        alert_rule_test: [{ eval_time: '12m', alertname: 'AgentHeartbeatMissing', exp_alerts: [] }],
      },
    ]);
  });

  it('variant p95 above 8 minutes fires per variant after 15 minutes; fast variants stay quiet', () => {
    const b = (variant: string, le: string, n: number) => series(`${VARIANT}_bucket`, { ...otlp('orchestrator'), variant, outcome: 'success', le }, n);
    promtoolTest('ops-variant', groups, [
      {
        name: 'every LLM run takes 8 to 10 minutes, stub runs a minute',
        interval: '1m',
        input_series: [b('llm', '480', 0), b('llm', '600', 10), b('llm', '+Inf', 10), b('stub', '60', 10), b('stub', '480', 10), b('stub', '+Inf', 10)],
        alert_rule_test: [
          // p95 inside the (480, 600] bucket: 480 + 0.95 * 120 = 594 s.
          { eval_time: '50m', alertname: 'AgentVariantSlow', exp_alerts: [firing('AgentVariantSlow', { variant: 'llm' }, { summary: 'llm variant: p95 duration above 8 minutes', description: 'The 95th percentile of llm variant runs over the last 30 minutes is 9m 54s.' })] },
        ],
      },
      {
        name: 'all within 4 minutes',
        interval: '1m',
        input_series: [b('llm', '240', 10), b('llm', '480', 10), b('llm', '+Inf', 10)],
        alert_rule_test: [{ eval_time: '50m', alertname: 'AgentVariantSlow', exp_alerts: [] }],
      },
    ]);
  });

  it("n8n: more than 50 executions waiting for 15 minutes opens a ticket; 40 stays quiet", () => {
    const waiting = (n: number) => gauge(METRICS.n8nQueueWaiting.name, scraped('n8n'), `${n}x40`);
    promtoolTest('ops-n8n-backlog', groups, [
      {
        name: '60 waiting',
        interval: '1m',
        input_series: [waiting(60)],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'N8nQueueBacklog', exp_alerts: [] },
          { eval_time: '20m', alertname: 'N8nQueueBacklog', exp_alerts: [firing('N8nQueueBacklog', {}, { description: "60 executions are waiting in n8n's queue and it has not drained below the threshold for 15 minutes." })] },
        ],
      },
      { name: '40 waiting', interval: '1m', input_series: [waiting(40)], alert_rule_test: [{ eval_time: '20m', alertname: 'N8nQueueBacklog', exp_alerts: [] }] },
    ]);
  });

  it('queue backlog above 10 for 15 minutes opens a ticket; summed over replicas', () => {
    const queued = (pod: string, n: number) => gauge(METRICS.jobsQueued.name, scraped('orchestrator', pod), `${n}x40`);
    promtoolTest('ops-backlog', groups, [
      {
        name: 'two replicas hold 6 each',
        interval: '1m',
        input_series: [queued('a', 6), queued('b', 6)],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'OrchestratorQueueBacklog', exp_alerts: [] },
          { eval_time: '20m', alertname: 'OrchestratorQueueBacklog', exp_alerts: [firing('OrchestratorQueueBacklog', {}, { description: '12 jobs are queued at the orchestrator and the queue has not drained below the threshold for 15 minutes.' })] },
        ],
      },
      {
        name: 'two replicas hold 4 each',
        interval: '1m',
        input_series: [queued('a', 4), queued('b', 4)],
        alert_rule_test: [{ eval_time: '20m', alertname: 'OrchestratorQueueBacklog', exp_alerts: [] }],
      },
    ]);
  });

  it('Azure DevOps throttling above 10 per minute fires per organization; 5 per minute stays quiet', () => {
    const throttled = (organization: string, n: number) => series(METRICS.adoThrottled.name, { ...scraped('repoAdapter'), organization }, n);
    promtoolTest('ops-ado', groups, [
      {
        name: 'contoso throttled 15/min, fabrikam 5/min',
        interval: '1m',
        input_series: [throttled('contoso', 15), throttled('fabrikam', 5)],
        alert_rule_test: [
          {
            eval_time: '15m',
            alertname: 'RepoAdapterAdoRateLimited',
            exp_alerts: [
              firing('RepoAdapterAdoRateLimited', { organization: 'contoso' }, { summary: 'Azure DevOps organization contoso throttles the repo adapter', description: '15.0 requests per minute are rate-limited by Azure DevOps (threshold 10).' }),
            ],
          },
        ],
      },
    ]);
  });

  it('an open circuit breaker fires after 5 minutes; closed breakers and services outside the contract stay quiet', () => {
    const breaker = (s: keyof typeof SERVICES, dependency: string, values: string) => gauge(METRICS.circuitBreakerOpen.name, { ...scraped(s), dependency }, values);
    promtoolTest('ops-breaker', groups, [
      {
        name: 'patch worker -> router open from minute 2',
        interval: '1m',
        input_series: [breaker('patchWorker', 'llm-router', '0 0 1x20'), breaker('gateway', 'agent-orchestrator', '0x22'), breaker('router', 'vllm', '1x22')],
        alert_rule_test: [
          { eval_time: '5m', alertname: 'AgentCircuitBreakerOpen', exp_alerts: [] },
          {
            eval_time: '10m',
            alertname: 'AgentCircuitBreakerOpen',
            exp_alerts: [
              firing('AgentCircuitBreakerOpen', { job: SERVICES.patchWorker.name, dependency: 'llm-router' }, {
                summary: 'agent-patch-worker: circuit breaker to llm-router open',
                description: 'agent-patch-worker has failed fast on every call to llm-router for 5 minutes.',
              }),
            ],
          },
        ],
      },
    ]);
  });
});

describe('Temporal alerts (promtool)', () => {
  const groups = temporalRuleGroups();
  const rules = groups.flatMap((g) => g.rules) as any[];
  // As the platform's ServiceMonitor scrapes them: the target's namespace and the headless Service as job; Temporal's own namespace tag kept as exported_namespace.
  const server = (component: string, tenant?: string) => ({ namespace: TEMPORAL_NAMESPACE, job: `${TEMPORAL_RELEASE}-${component}-headless`, ...(tenant ? { exported_namespace: tenant } : {}) });
  /** The alert as promtool reports it: the rule's labels plus the series', its annotations with $labels filled in. */
  const expect = (alert: keyof typeof TEMPORAL_SEVERITY, labels: Record<string, string>) => {
    const r = rules.find((x) => x.alert === alert);
    assert.ok(r, alert);
    const fill = (text: string) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k) => labels[k]);
    return { exp_labels: { ...r.labels, ...labels }, exp_annotations: Object.fromEntries(Object.entries(r.annotations as Record<string, string>).map(([k, v]) => [k, fill(v)])) };
  };

  it('every Temporal alert has its severity and a runbook anchor, and selects what the temporal monitor scrapes', () => {
    assert.deepEqual(rules.map((r) => r.alert).sort(), Object.keys(TEMPORAL_SEVERITY).sort());
    for (const r of rules) {
      assert.equal(r.labels.severity, TEMPORAL_SEVERITY[r.alert as keyof typeof TEMPORAL_SEVERITY]);
      assert.equal(r.annotations.runbook_url, `docs/runbooks/temporal.md#${r.alert.toLowerCase()}`);
      assert.match(r.expr, new RegExp(`namespace="${TEMPORAL_NAMESPACE}",job=~"[^"]*${TEMPORAL_RELEASE}-history-headless`));
    }
    assert.ok(promtool('check', 'rules', write('temporal-check.yaml', { groups })).status === 0);
  });

  it('workflow failure ratio: fires for the namespace whose workflows fail, not for a healthy one nor for one too quiet to judge', () => {
    assert.equal(TEMPORAL_THRESHOLDS.workflowFailureRatio, 0.1);
    promtoolTest('temporal-failures', groups, [
      {
        interval: '1m',
        input_series: [
          // acme: 30 of 90 closed a minute fail or time out (33 %).
          series('workflow_success', server('history', 'acme'), 60, 60),
          series('workflow_failed', server('history', 'acme'), 20, 60),
          series('workflow_timeout', server('history', 'acme'), 10, 60),
          // calm: 1 of 101 fails (1 %).
          series('workflow_success', server('history', 'calm'), 100, 60),
          series('workflow_failed', server('history', 'calm'), 1, 60),
          // quiet: every workflow fails, but one in five minutes.
          series('workflow_failed', server('history', 'quiet'), 0.2, 60),
        ],
        alert_rule_test: [
          // Pending from the second sample on, firing after the rule's 15 minutes.
          { eval_time: '10m', alertname: 'TemporalWorkflowFailureRateHigh', exp_alerts: [] },
          { eval_time: '20m', alertname: 'TemporalWorkflowFailureRateHigh', exp_alerts: [expect('TemporalWorkflowFailureRateHigh', { exported_namespace: 'acme' })] },
        ],
      },
    ]);
  });

  it('schedule-to-start p95 above 5 s fires after 10 minutes for that namespace only', () => {
    const bucket = (tenant: string, le: string, perMinute: number) => series('task_schedule_to_start_latency_bucket', { ...server('history', tenant), le }, perMinute, 60);
    promtoolTest('temporal-schedule-to-start', groups, [
      {
        interval: '1m',
        input_series: [
          // slow: every task waits between 1 s and 30 s (p95 about 28.5 s); fast: all under 1 s.
          bucket('slow', '1', 0), bucket('slow', '30', 10), bucket('slow', '+Inf', 10),
          bucket('fast', '1', 10), bucket('fast', '30', 10), bucket('fast', '+Inf', 10),
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'TemporalScheduleToStartLatencyHigh', exp_alerts: [] },
          { eval_time: '20m', alertname: 'TemporalScheduleToStartLatencyHigh', exp_alerts: [expect('TemporalScheduleToStartLatencyHigh', { exported_namespace: 'slow' })] },
        ],
      },
    ]);
  });

  it('persistence errors above 1 % of requests fire per service after 10 minutes; a service without errors stays quiet', () => {
    const history = server('history');
    const matching = server('matching');
    promtoolTest('temporal-persistence', groups, [
      {
        interval: '1m',
        input_series: [
          series('persistence_requests', { ...history, operation: 'UpdateWorkflowExecution' }, 100, 60),
          series('persistence_errors', { ...history, operation: 'UpdateWorkflowExecution' }, 5, 60),
          series('persistence_requests', { ...matching, operation: 'CreateTasks' }, 100, 60),
          series('persistence_errors', { ...matching, operation: 'CreateTasks' }, 0, 60),
        ],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'TemporalPersistenceErrors', exp_alerts: [] },
          { eval_time: '20m', alertname: 'TemporalPersistenceErrors', exp_alerts: [expect('TemporalPersistenceErrors', { job: history.job })] },
        ],
      },
    ]);
  });
});

describe('long-term metrics alerts (promtool)', () => {
  const groups = thanosRuleGroups({ sidecars: 2, storeGateways: 2 });
  const rules = groups.flatMap((g) => g.rules) as any[];
  const ns = { namespace: 'observability' };
  const expect = (alert: keyof typeof THANOS_SEVERITY, labels: Record<string, string>, annotations: Record<string, string>, pick: (r: any) => boolean = () => true) => {
    const r = rules.find((x) => x.alert === alert && pick(x));
    assert.ok(r, alert);
    return { exp_labels: { ...r.labels, ...labels }, exp_annotations: { ...r.annotations, ...annotations } };
  };

  it('every Thanos alert exists with its severity and a runbook anchor; the rendered rules expect as many endpoints as each environment runs', () => {
    assert.deepEqual([...new Set(rules.map((a) => a.alert))].sort(), Object.keys(THANOS_SEVERITY).sort());
    for (const a of rules) {
      assert.equal(a.labels.severity, THANOS_SEVERITY[a.alert as keyof typeof THANOS_SEVERITY], a.alert);
      assert.equal(a.annotations.runbook_url, `docs/runbooks/long-term-metrics.md#${a.alert.toLowerCase()}`);
    }
    for (const env of inputs.allEnvironments) {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'observability', 'manifests.yaml'), 'utf8');
      const rendered = parseAllDocuments(text).map((d) => d.toJS()).find((o) => o?.kind === 'PrometheusRule' && o.metadata.name === 'thanos');
      const replicas = env.addons.highAvailability ? 2 : 1;
      const missing = rendered.spec.groups[0].rules.filter((r: any) => r.alert === 'ThanosQueryMissingEndpoints');
      assert.deepEqual(missing.map((r: any) => [r.labels.store_type, r.expr.endsWith(`< ${replicas}`)]), [['sidecar', true], ['store', true]], env.name);
    }
  });

  it('a component with no replica up fires after 10 minutes, per component; one that is up stays quiet', () => {
    promtoolTest('thanos-down', groups, [
      {
        name: 'Query up, Store Gateway down, Compactor never scraped',
        interval: '1m',
        input_series: [
          gauge('up', { ...ns, job: 'thanos-query', pod: 'thanos-query-a' }, '1x30'),
          gauge('up', { ...ns, job: 'thanos-store', pod: 'thanos-store-0' }, '1x5 0x25'),
        ],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'ThanosComponentDown', exp_alerts: [] },
          {
            eval_time: '25m',
            alertname: 'ThanosComponentDown',
            exp_alerts: [
              expect('ThanosComponentDown', {}, {}, (r) => r.labels.component === 'thanos-store'),
              expect('ThanosComponentDown', {}, {}, (r) => r.labels.component === 'thanos-compactor'),
            ],
          },
        ],
      },
    ]);
  });

  it('a Query pod that reaches one of two sidecars and no Store Gateway fires for each; a fully connected one stays quiet', () => {
    const conn = (pod: string, storeType: string, ext: string, values: string) =>
      gauge('thanos_store_nodes_grpc_connections', { ...ns, job: 'thanos-query', pod, store_type: storeType, external_labels: ext }, values);
    promtoolTest('thanos-endpoints', groups, [
      {
        name: 'thanos-query-b lost a sidecar and the Store Gateways',
        interval: '1m',
        input_series: [
          gauge('up', { ...ns, job: 'thanos-query', pod: 'thanos-query-a' }, '1x30'),
          gauge('up', { ...ns, job: 'thanos-query', pod: 'thanos-query-b' }, '1x30'),
          conn('thanos-query-a', 'sidecar', 'prometheus_replica=prometheus-0', '1x30'),
          conn('thanos-query-a', 'sidecar', 'prometheus_replica=prometheus-1', '1x30'),
          conn('thanos-query-a', 'store', 'cluster=c', '2x30'),
          conn('thanos-query-b', 'sidecar', 'prometheus_replica=prometheus-0', '1x30'),
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'ThanosQueryMissingEndpoints', exp_alerts: [] },
          {
            eval_time: '20m',
            alertname: 'ThanosQueryMissingEndpoints',
            exp_alerts: [
              expect('ThanosQueryMissingEndpoints', { ...ns, pod: 'thanos-query-b' }, { summary: 'thanos-query thanos-query-b reaches 1 of 2 sidecar endpoints', description: 'Query holds gRPC connections to 1 of the 2 Prometheus sidecars: recent data is missing or not deduplicated.' }, (r) => r.labels.store_type === 'sidecar'),
              expect('ThanosQueryMissingEndpoints', { ...ns, pod: 'thanos-query-b' }, { summary: 'thanos-query thanos-query-b reaches 0 of 2 store endpoints', description: 'Query holds gRPC connections to 0 of the 2 Store Gateways: history beyond local retention is missing.' }, (r) => r.labels.store_type === 'store'),
            ],
          },
        ],
      },
    ]);
  });

  it('10 % failing Blob operations for 15 minutes fire for that job; 1 % stays quiet', () => {
    const ops = (job: string, name: string, perMinute: number) => series(name, { ...ns, job, pod: `${job}-0`, operation: 'get' }, perMinute, 40);
    promtoolTest('thanos-bucket', groups, [
      {
        name: 'the Store Gateway lost its role, the Compactor is fine',
        interval: '1m',
        input_series: [
          ops('thanos-store', 'thanos_objstore_bucket_operations_total', 100),
          ops('thanos-store', 'thanos_objstore_bucket_operation_failures_total', 10),
          ops('thanos-compactor', 'thanos_objstore_bucket_operations_total', 100),
          ops('thanos-compactor', 'thanos_objstore_bucket_operation_failures_total', 1),
        ],
        alert_rule_test: [
          { eval_time: '12m', alertname: 'ThanosBucketOperationsFailing', exp_alerts: [] },
          { eval_time: '30m', alertname: 'ThanosBucketOperationsFailing', exp_alerts: [expect('ThanosBucketOperationsFailing', { ...ns, job: 'thanos-store' }, { summary: 'thanos-store: 10% of Blob storage operations fail', description: 'More than 5 % of the Blob storage operations of thanos-store have failed for 15 minutes: its identity, role, the private endpoint or the storage account.' })] },
        ],
      },
    ]);
  });

  it('a halted Compactor fires after 5 minutes; a running one stays quiet', () => {
    for (const [values, firing] of [['0x5 1x20', true], ['0x25', false]] as const) {
      promtoolTest(`thanos-halted-${firing}`, groups, [
        {
          interval: '1m',
          input_series: [gauge('thanos_compact_halted', { ...ns, job: 'thanos-compactor', pod: 'thanos-compactor-0' }, values)],
          alert_rule_test: [{ eval_time: '20m', alertname: 'ThanosCompactorHalted', exp_alerts: firing ? [expect('ThanosCompactorHalted', { ...ns, job: 'thanos-compactor', pod: 'thanos-compactor-0' }, {})] : [] }],
        },
      ]);
    }
  });

  it('a Compactor whose iterations stopped 7 hours ago fires; one that iterates every 5 minutes stays quiet', () => {
    const iterations = (values: string) => gauge('thanos_compact_iterations_total', { ...ns, job: 'thanos-compactor', pod: 'thanos-compactor-0' }, values);
    promtoolTest('thanos-iterations', groups, [
      {
        name: 'stopped after an hour',
        interval: '5m',
        input_series: [iterations('0+1x12 12x84')],
        alert_rule_test: [
          { eval_time: '6h', alertname: 'ThanosCompactorNotIterating', exp_alerts: [] },
          { eval_time: '8h', alertname: 'ThanosCompactorNotIterating', exp_alerts: [expect('ThanosCompactorNotIterating', { ...ns, job: 'thanos-compactor', pod: 'thanos-compactor-0' }, {})] },
        ],
      },
      { name: 'iterating', interval: '5m', input_series: [iterations('0+1x96')], alert_rule_test: [{ eval_time: '8h', alertname: 'ThanosCompactorNotIterating', exp_alerts: [] }] },
    ], '5m');
  });
});

describe('tenant LLM budget alerts (promtool)', () => {
  const entitled = inputs.tenants.filter((t) => t.spec.llm && t.spec.environments.includes('dev'));
  const [tenant, other, third] = entitled;
  const groups = budgetRuleGroups(inputs.tenants, 'dev');
  const rules = groups[0].rules as any[];
  const budget = (t: typeof tenant) => t.spec.llm!.monthlyBudget;
  const spend = (team: string, value: number, pod = 'a') => gauge(METRICS.teamSpend.name, { ...scraped('spendExporter', pod), team }, `${value}x60`);
  const routerBudget = (team: string, value: number) => gauge(METRICS.teamMaxBudget.name, { ...scraped('spendExporter'), team }, `${value}x60`);
  const rule = (name: string) => rules.find((r) => r.alert === name);

  it('the tenants of dev with an LLM entitlement are the budget records', () => {
    assert.ok(entitled.length >= 3);
    assert.deepEqual(rules.filter((r) => r.record === 'tenant:llm_budget_monthly:currency').map((r) => r.labels.team).sort(), entitled.map((t) => t.metadata.name).sort());
  });

  it('80 and 90 % fire at 95 % of the tenant-file budget, 100 % does not; two exporter pods are not counted twice; other teams are not affected', () => {
    const value = budget(tenant) * 0.95;
    const alert = (p: number) => ({
      exp_labels: { ...rule(`TenantLLMBudget${p}`).labels, team: tenant.metadata.name, currency: tenant.spec.budget.currency },
      exp_annotations: {
        ...rule(`TenantLLMBudget${p}`).annotations,
        summary: `Tenant ${tenant.metadata.name} has spent ${p} % of its monthly LLM budget`,
        description: `Spend in the router's current 30-day budget period: ${value.toFixed(2)} ${tenant.spec.budget.currency}. Requests are refused by the router at 100 %.`,
      },
    });
    promtoolTest('budget', groups, [
      {
        interval: '1m',
        input_series: [spend(tenant.metadata.name, value, 'a'), spend(tenant.metadata.name, value, 'b'), spend(other.metadata.name, budget(other) * 0.1)],
        alert_rule_test: BUDGET_THRESHOLDS.map((b) => ({ eval_time: '30m', alertname: `TenantLLMBudget${b.percent}`, exp_alerts: b.percent < 95 ? [alert(b.percent)] : [] })),
      },
    ], '5m');
  });

  it('a router team with another max_budget, or none, is reported after 30 minutes; a matching one is not', () => {
    const notEnforced = (t: typeof tenant) => ({
      exp_labels: { ...rule('TenantLLMBudgetNotEnforced').labels, team: t.metadata.name, currency: t.spec.budget.currency },
      exp_annotations: {
        ...rule('TenantLLMBudgetNotEnforced').annotations,
        summary: `The router does not enforce the monthly LLM budget of tenant ${t.metadata.name}`,
        description: `The tenant file sets ${budget(t)} ${t.spec.budget.currency}; the router's team has another max_budget or does not exist (team sync).`,
      },
    });
    promtoolTest('budget-sync', groups, [
      {
        name: 'tenant: wrong budget, other: matches, third: no team',
        interval: '1m',
        input_series: [routerBudget(tenant.metadata.name, budget(tenant) * 2), routerBudget(other.metadata.name, budget(other)), spend(tenant.metadata.name, 1), spend(other.metadata.name, 1)],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'TenantLLMBudgetNotEnforced', exp_alerts: [] },
          { eval_time: '40m', alertname: 'TenantLLMBudgetNotEnforced', exp_alerts: [notEnforced(tenant), notEnforced(third)] },
        ],
      },
    ], '5m');
  });

  it('no spend from the exporter is reported (and the enforcement check keeps quiet); without its Deployment nothing fires', () => {
    // absent_over_time() takes its labels from the selector's equality matchers.
    const exporter = { namespace: SERVICES.spendExporter.namespace, job: SERVICES.spendExporter.name };
    const unknown = { exp_labels: { ...rule('TenantLLMSpendUnknown').labels, ...exporter }, exp_annotations: rule('TenantLLMSpendUnknown').annotations };
    promtoolTest('budget-unknown', groups, [
      {
        name: 'exporter deployed, no series',
        interval: '1m',
        input_series: [deployed('spendExporter')],
        alert_rule_test: [
          { eval_time: '40m', alertname: 'TenantLLMSpendUnknown', exp_alerts: [unknown] },
          { eval_time: '40m', alertname: 'TenantLLMBudgetNotEnforced', exp_alerts: [] },
        ],
      },
      {
        name: 'exporter reporting',
        interval: '1m',
        input_series: [deployed('spendExporter'), spend(tenant.metadata.name, 1)],
        alert_rule_test: [{ eval_time: '40m', alertname: 'TenantLLMSpendUnknown', exp_alerts: [] }],
      },
      {
        name: 'no exporter Deployment (not promoted)',
        interval: '1m',
        input_series: [deployed('gateway')],
        alert_rule_test: [{ eval_time: '40m', alertname: 'TenantLLMSpendUnknown', exp_alerts: [] }],
      },
    ], '5m');
  });

  it('the old LiteLLM enterprise counter no longer feeds the budget alerts', () => {
    promtoolTest('budget-old', groups, [
      {
        interval: '1m',
        input_series: [series('litellm_spend_metric_total', { team: tenant.metadata.name }, budget(tenant) / 10, 60)],
        alert_rule_test: BUDGET_THRESHOLDS.map((b) => ({ eval_time: '60m', alertname: `TenantLLMBudget${b.percent}`, exp_alerts: [] })),
      },
    ], '5m');
  });
});

/** Whether Alertmanager matchers (`l="v"`, `l!="v"`, `l=~"re"`, `l!~"re"`) all match the labels. */
function matchesAll(matchers: string[], labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    const [, name, op, raw] = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"(.*)"$/.exec(m) ?? [];
    if (!name) throw new Error(`matcher not understood: ${m}`);
    const value = labels[name] ?? '';
    const re = new RegExp(`^(?:${raw})$`);
    return op === '=' ? value === raw : op === '!=' ? value !== raw : op === '=~' ? re.test(value) : !re.test(value);
  });
}

describe('Alertmanager configuration (amtool)', () => {
  const file = write('alertmanager.yaml', alertmanagerConfig());

  it('passes amtool check-config', () => {
    const res = runTool('amtool', ['check-config', file]);
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  });

  const routes = (...labels: string[]) => runTool('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).stdout.trim();
  it('P1 pages and posts to chat, P2 goes to chat, P3 opens a ticket; upstream severities follow the same ladder', () => {
    assert.equal(routes('severity=P1'), 'pager,chat');
    assert.equal(routes('severity=critical'), 'pager,chat');
    assert.equal(routes('severity=P2'), 'chat');
    assert.equal(routes('severity=warning'), 'chat');
    assert.equal(routes('severity=P3'), 'ticket');
    assert.equal(routes('alertname=Watchdog', 'severity=none'), HEARTBEAT_RECEIVER);
    assert.equal(routes('alertname=InfoInhibitor', 'severity=none'), 'null');
  });

  it("dead-man's switch: the Watchdog, whatever its labels, goes to the heartbeat receiver alone, every minute, ungrouped and never inhibited", () => {
    for (const extra of [['severity=none'], ['severity=none', 'namespace=observability', 'prometheus=observability/kube-prometheus-stack-prometheus'], ['severity=critical'], ['severity=P1']]) {
      assert.equal(routes('alertname=Watchdog', ...extra), HEARTBEAT_RECEIVER, extra.join(' '));
    }
    const config = alertmanagerConfig() as any;
    const route = config.route.routes.find((r: any) => r.receiver === HEARTBEAT_RECEIVER);
    assert.equal(config.route.routes.indexOf(route), 0, 'first, so no other route sees the Watchdog');
    assert.deepEqual(route.matchers, ['alertname="Watchdog"']);
    assert.deepEqual(route.group_by, ['alertname'], 'a group of its own');
    assert.equal(route.continue, undefined);
    assert.deepEqual([route.group_wait, route.group_interval, route.repeat_interval], ['0s', HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL]);
    assert.equal(HEARTBEAT_INTERVAL, '1m');
    // Inhibition: no rule's targets match the Watchdog as Prometheus sends it.
    const watchdog = { alertname: 'Watchdog', severity: 'none', namespace: 'observability' };
    assert.deepEqual(config.inhibit_rules.filter((r: any) => matchesAll(r.target_matchers, watchdog)), []);
    assert.ok(matchesAll(['severity=~".+"'], watchdog), 'the matcher check can match (negative control)');
    // The URL is read from the receivers Secret, whose key the ExternalSecret fills from Key Vault.
    const receiver = config.receivers.find((r: any) => r.name === HEARTBEAT_RECEIVER);
    assert.deepEqual(receiver.webhook_configs.map((w: any) => [w.url_file, w.send_resolved]), [[`/etc/alertmanager/secrets/${ALERTMANAGER_RECEIVERS_SECRET}/${ALERTMANAGER_RECEIVER_SECRETS.heartbeat.key}`, false]]);
    for (const env of inputs.allEnvironments) {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'observability', 'manifests.yaml'), 'utf8');
      const es = parseAllDocuments(text).map((d) => d.toJS()).find((o) => o?.kind === 'ExternalSecret' && o.spec.target.name === ALERTMANAGER_RECEIVERS_SECRET);
      assert.ok(es.spec.data.some((d: any) => d.secretKey === ALERTMANAGER_RECEIVER_SECRETS.heartbeat.key && d.remoteRef.key === ALERTMANAGER_RECEIVER_SECRETS.heartbeat.vault), env.name);
    }
    // The secret's name is documented where operators seed the vault and in the runbook.
    for (const doc of ['docs/runbooks/provisioning.md', 'docs/runbooks/dead-mans-switch.md']) assert.ok(readFileSync(join(ROOT, doc), 'utf8').includes(`\`${ALERTMANAGER_RECEIVER_SECRETS.heartbeat.vault}\``), doc);
  });

  it('nothing but the Watchdog reaches the heartbeat receiver (every rendered alert, every severity, the upstream ones)', () => {
    const names = new Set(['InfoInhibitor', 'TargetDown', 'KubePodCrashLooping', 'PrometheusNotConnectedToAlertmanagers', 'AlertmanagerFailedToSendAlerts']);
    for (const env of inputs.allEnvironments) {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'observability', 'manifests.yaml'), 'utf8');
      for (const r of parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o?.kind === 'PrometheusRule')) {
        for (const a of r.spec.groups.flatMap((g: any) => g.rules).filter((x: any) => x.alert)) names.add(a.alert);
      }
    }
    assert.ok(names.size > 12, `${names.size} alerts`);
    const reached: string[] = [];
    for (const name of names) {
      for (const severity of ['P1', 'P2', 'P3', 'critical', 'warning', 'info', 'none']) {
        if (routes(`alertname=${name}`, `severity=${severity}`).split(',').includes(HEARTBEAT_RECEIVER)) reached.push(`${name} ${severity}`);
      }
    }
    assert.deepEqual(reached, []);
  });

  it('the routing test can fail: without the heartbeat route the Watchdog falls through to the ticket receiver', () => {
    const config = alertmanagerConfig() as any;
    config.route.routes = config.route.routes.filter((r: any) => r.receiver !== HEARTBEAT_RECEIVER);
    const broken = write('alertmanager-no-heartbeat.yaml', config);
    const res = runTool('amtool', ['config', 'routes', 'test', `--config.file=${broken}`, 'alertname=Watchdog', 'severity=none']);
    assert.equal(res.stdout.trim(), 'ticket');
  });

  it('every rendered alert is routed by its severity', () => {
    const receivers: Record<string, string> = { P1: 'pager,chat', P2: 'chat', P3: 'ticket' };
    const seen = new Set<string>();
    for (const env of inputs.allEnvironments) {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'observability', 'manifests.yaml'), 'utf8');
      for (const r of parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o?.kind === 'PrometheusRule')) {
        for (const a of r.spec.groups.flatMap((g: any) => g.rules).filter((x: any) => x.alert)) {
          const key = `${a.alert} ${a.labels.severity}`;
          if (seen.has(key)) continue;
          seen.add(key);
          assert.ok(a.labels.severity in receivers, `${a.alert}: severity ${a.labels.severity}`);
          assert.equal(routes(`alertname=${a.alert}`, `severity=${a.labels.severity}`, 'namespace=platform'), receivers[a.labels.severity], key);
        }
      }
    }
    assert.ok(seen.size >= 12, `${seen.size} alert/severity pairs`);
  });
});
