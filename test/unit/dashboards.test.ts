/**
 * Grafana dashboards kept as files: valid JSON, unique uids, Prometheus queries only, and every
 * metric a panel queries is produced by a rule of ours or by an exporter the platform runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadDashboards } from '../../charts/observability/dashboards';
import { sloRuleGroups } from '../../charts/observability/slo';
import { budgetRuleGroups, ROUTER_SPEND } from '../../charts/observability/budget-rules';
import { loadInputs } from '../../config/inputs';

/** Metric -> who produces it (an exporter the platform installs, or a service contract). */
const EXPORTED: Record<string, string> = {
  node_cpu_seconds_total: 'node-exporter (kube-prometheus-stack)',
  node_memory_MemAvailable_bytes: 'node-exporter',
  node_memory_MemTotal_bytes: 'node-exporter',
  kube_pod_container_resource_requests: 'kube-state-metrics (kube-prometheus-stack)',
  kube_node_status_allocatable: 'kube-state-metrics',
  kube_pod_status_ready: 'kube-state-metrics',
  kube_pod_status_phase: 'kube-state-metrics',
  kube_pod_container_status_restarts_total: 'kube-state-metrics',
  kube_namespace_labels: 'kube-state-metrics',
  kube_resourcequota: 'kube-state-metrics',
  container_cpu_usage_seconds_total: 'kubelet cAdvisor (kube-prometheus-stack)',
  container_memory_working_set_bytes: 'kubelet cAdvisor',
  apiserver_request_duration_seconds_bucket: 'API server (kube-prometheus-stack)',
  ALERTS: 'Prometheus itself',
  'vllm:num_requests_waiting': 'vLLM (charts/serving ServiceMonitor)',
  'vllm:num_requests_running': 'vLLM',
  'vllm:gpu_cache_usage_perc': 'vLLM',
  'vllm:e2e_request_latency_seconds_bucket': 'vLLM',
  'vllm:generation_tokens_total': 'vLLM',
  http_server_request_duration_seconds_bucket: 'agent services over OTLP (OpenTelemetry HTTP semantic conventions)',
  http_server_request_duration_seconds_count: 'agent services over OTLP',
  agent_variant_runs_total: 'orchestrator over OTLP',
  [ROUTER_SPEND]: 'LiteLLM router',
};

const FUNCTIONS_AND_KEYWORDS = new Set([
  'sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'irate', 'histogram_quantile', 'label_values', 'by', 'without', 'on', 'ignoring',
  'group_left', 'group_right', 'and', 'or', 'unless', 'clamp_min', 'vector', 'offset', 'bool',
]);

/** Metric names a PromQL expression reads (label matchers, ranges, grouping and strings removed). */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/label_values\(([\s\S]*),\s*\w+\)\s*$/, '$1')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((t) => !FUNCTIONS_AND_KEYWORDS.has(t) && !/^\d/.test(t));
}

const recorded = new Set(
  [...sloRuleGroups(), ...budgetRuleGroups(loadInputs().tenants, 'dev')].flatMap((g) => g.rules).flatMap((r: any) => (r.record ? [r.record] : [])),
);

describe('Grafana dashboards', () => {
  const dashboards = loadDashboards();

  it('cluster, tenant, GPU and SLO dashboards exist as valid JSON with unique uids and titles', () => {
    assert.deepEqual(dashboards.map((d) => d.name), ['cluster', 'gpu', 'slo', 'tenant']);
    const parsed = dashboards.map((d) => JSON.parse(d.json));
    const uids = parsed.map((d) => d.uid);
    assert.equal(new Set(uids).size, uids.length);
    assert.equal(new Set(parsed.map((d) => d.title)).size, parsed.length);
    for (const d of parsed) {
      assert.ok(d.uid.length <= 40 && /^[a-z0-9-]+$/.test(d.uid), d.uid);
      assert.ok(d.panels.length >= 4, `${d.uid} has panels`);
      assert.equal(new Set(d.panels.map((p: any) => p.id)).size, d.panels.length, `${d.uid}: panel ids unique`);
    }
  });

  it('every panel query names only metrics that a rule records or an exporter produces', () => {
    const unknown: string[] = [];
    let queried = 0;
    for (const d of dashboards) {
      const json = JSON.parse(d.json);
      const exprs = [...json.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr)), ...(json.templating?.list ?? []).map((v: any) => v.query)];
      for (const expr of exprs) {
        for (const m of metricNames(expr)) {
          queried++;
          if (!EXPORTED[m] && !recorded.has(m)) unknown.push(`${d.name}: ${m} in ${expr}`);
        }
      }
    }
    assert.ok(queried > 20, `${queried} metric references`);
    assert.deepEqual(unknown, []);
  });

  it('the metric extraction sees through selectors, ranges and grouping (so the check can fail)', () => {
    assert.deepEqual(metricNames('sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket{x="a b"}[5m]))'), ['vllm:e2e_request_latency_seconds_bucket']);
    assert.deepEqual(metricNames('1 - a_total / on (team) group_left (currency) b:c'), ['a_total', 'b:c']);
    assert.ok(!EXPORTED.made_up_metric && !recorded.has('made_up_metric'));
  });

  it('every dashboard queries the provisioned Prometheus data source by uid', () => {
    for (const d of dashboards) {
      for (const p of JSON.parse(d.json).panels) assert.equal(p.datasource.uid, 'prometheus', `${d.name}/${p.title}`);
    }
  });
});
