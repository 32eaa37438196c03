/**
 * The observability rules and routing checked by the real tools: `promtool check rules` on every
 * rendered PrometheusRule, `promtool test rules` unit tests for the SLO burn-rate alerts and the
 * tenant budget alerts, `amtool check-config` and `amtool config routes test` on Alertmanager's
 * configuration.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { budgetRuleGroups, BUDGET_THRESHOLDS } from '../../charts/observability/budget-rules';
import { sloRuleGroups, type RuleGroup } from '../../charts/observability/slo';
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

/** The expected alert of one SLO rule, labels and annotations taken from the rule itself. */
function expected(groups: RuleGroup[], slo: string, window: string) {
  const rule = groups.flatMap((g) => g.rules).find((r: any) => r.alert && r.labels.slo === slo && r.labels.window === window) as any;
  assert.ok(rule, `${slo} ${window}`);
  return { exp_labels: rule.labels, exp_annotations: rule.annotations };
}

const series = (name: string, labels: Record<string, string>, perMinute: number) => ({
  series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`,
  values: `0+${perMinute}x120`,
});

describe('Prometheus rules (promtool)', () => {
  for (const env of inputs.allEnvironments) {
    it(`${env.name}: every rendered PrometheusRule passes promtool check rules`, () => {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'observability', 'manifests.yaml'), 'utf8');
      const rules = parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o?.kind === 'PrometheusRule');
      assert.ok(rules.length >= 2, 'SLO and tenant budget rules are rendered');
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
    const rules = write('slo-rules.yaml', { groups });
    const ok = (code: string, n: number) => series('http_server_request_duration_seconds_count', { service_name: 'gateway', http_response_status_code: code }, n);
    const tests = {
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
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
          name: 'slow gateway',
          interval: '1m',
          input_series: [ok('200', 100), series('http_server_request_duration_seconds_bucket', { service_name: 'gateway', le: '0.5' }, 20)],
          alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [expected(groups, 'gateway-latency', '1h'), expected(groups, 'gateway-latency', '6h')] }],
          promql_expr_test: [{ expr: 'slo:sli_error:ratio_rate5m{slo="gateway-latency"}', eval_time: '10m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{service="gateway",slo="gateway-latency"}', value: 0.8 }] }],
        },
        {
          name: 'variant failures',
          interval: '1m',
          input_series: [series('agent_variant_runs_total', { outcome: 'success' }, 70), series('agent_variant_runs_total', { outcome: 'failure' }, 30)],
          alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
          promql_expr_test: [{ expr: 'slo:sli_error:ratio_rate5m{slo="variant-success"}', eval_time: '10m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{service="orchestrator",slo="variant-success"}', value: 0.3 }] }],
        },
      ],
    };
    const res = promtool('test', 'rules', write('slo-test.yaml', tests));
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  });

  it('a wrong expectation makes promtool test rules fail (the unit tests can fail)', () => {
    const rules = write('slo-rules-neg.yaml', { groups: sloRuleGroups() });
    const tests = {
      rule_files: [rules],
      tests: [{ interval: '1m', input_series: [series('http_server_request_duration_seconds_count', { service_name: 'gateway', http_response_status_code: '200' }, 100)], alert_rule_test: [{ eval_time: '10m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: { severity: 'P1' } }] }] }],
    };
    assert.notEqual(promtool('test', 'rules', write('slo-test-neg.yaml', tests)).status, 0);
  });

  it('tenant LLM budget alerts fire at 80, 90 and 100 % of the budget from the tenant file', () => {
    const tenant = inputs.tenants.find((t) => t.spec.llm && t.spec.environments.includes('dev'))!;
    const budget = tenant.spec.llm!.monthlyBudget;
    const groups = budgetRuleGroups(inputs.tenants, 'dev');
    const rules = write('budget-rules.yaml', { groups });
    const rule = (p: number) => groups[0].rules.find((r: any) => r.alert === `TenantLLMBudget${p}`) as any;
    // Spend grows linearly to 95 % of the budget over two hours: 80 and 90 % fire, 100 % does not.
    const spend = budget * 0.95;
    const alert = (p: number) => ({
      exp_labels: { ...rule(p).labels, team: tenant.metadata.name, currency: tenant.spec.budget.currency },
      exp_annotations: {
        summary: `Tenant ${tenant.metadata.name} has spent ${p} % of its monthly LLM budget`,
        description: `Spend over the last 30 days: ${spend.toFixed(2)} ${tenant.spec.budget.currency}. Requests are refused by the router at 100 %.`,
      },
    });
    const tests = {
      rule_files: [rules],
      evaluation_interval: '5m',
      tests: [
        {
          interval: '1m',
          input_series: [{ series: `litellm_spend_metric_total{team="${tenant.metadata.name}"}`, values: `0+${spend / 120}x120` }],
          alert_rule_test: BUDGET_THRESHOLDS.map((b) => ({ eval_time: '120m', alertname: `TenantLLMBudget${b.percent}`, exp_alerts: b.percent < 95 ? [alert(b.percent)] : [] })),
        },
      ],
    };
    const res = promtool('test', 'rules', write('budget-test.yaml', tests));
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
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
});
