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
import { METRICS, SERVICES } from '../../catalog/services';
import { loadInputs } from '../../config/inputs';
import { alertmanagerConfig } from '../../constructs/addons/values/kube-prometheus-stack';
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
      assert.deepEqual(rules.map((r) => r.metadata.name).sort(), ['agent-operations', 'platform-slos', 'tenant-llm-budgets']);
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
    assert.equal(routes('alertname=Watchdog', 'severity=none'), 'null');
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
