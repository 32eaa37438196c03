/**
 * Grafana dashboards (files and dashboards built from the catalogues): valid JSON, unique uids,
 * Prometheus queries only, and every metric a panel queries is produced by a rule of ours, by a
 * service of the telemetry contract (catalog/services.ts), by an add-on the platform scrapes
 * (catalog/addon-monitors.ts) or by an exporter kube-prometheus-stack runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadDashboards } from '../../charts/observability/dashboards';
import { platformDashboards } from '../../charts/observability/platform-dashboards';
import { sloRuleGroups } from '../../charts/observability/slo';
import { operationsRuleGroups } from '../../charts/observability/operations';
import { budgetRuleGroups } from '../../charts/observability/budget-rules';
import { ADDON_MONITORS } from '../../catalog/addon-monitors';
import { METRICS, type ContractMetric } from '../../catalog/services';
import { metricNames } from '../helpers/promql';

export { metricNames };
import { loadInputs } from '../../config/inputs';

/** Metric -> who produces it: what kube-prometheus-stack and vLLM export (not ours to catalogue). */
const UPSTREAM: Record<string, string> = {
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
  kube_deployment_spec_replicas: 'kube-state-metrics',
  container_cpu_usage_seconds_total: 'kubelet cAdvisor (kube-prometheus-stack)',
  container_memory_working_set_bytes: 'kubelet cAdvisor',
  apiserver_request_duration_seconds_bucket: 'API server (kube-prometheus-stack)',
  ALERTS: 'Prometheus itself',
  'vllm:num_requests_waiting': 'vLLM (charts/serving ServiceMonitor)',
  'vllm:num_requests_running': 'vLLM',
  'vllm:gpu_cache_usage_perc': 'vLLM',
  'vllm:e2e_request_latency_seconds_bucket': 'vLLM',
  'vllm:generation_tokens_total': 'vLLM',
};

const contractNames = (Object.values(METRICS) as ContractMetric[]).flatMap((m) => (m.type === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => m.name + s) : [m.name]));
export const EXPORTED: Record<string, string> = {
  ...UPSTREAM,
  ...Object.fromEntries(contractNames.map((n) => [n, 'platform service (catalog/services.ts)'])),
  ...Object.fromEntries(ADDON_MONITORS.flatMap((m) => m.metrics.map((n) => [n, `${m.addon} (catalog/addon-monitors.ts)`]))),
};

const ruleGroups = [...sloRuleGroups(), ...operationsRuleGroups(), ...budgetRuleGroups(loadInputs().tenants, 'dev')];
const recorded = new Set(ruleGroups.flatMap((g) => g.rules).flatMap((r: any) => (r.record ? [r.record] : [])));

describe('Grafana dashboards', () => {
  const dashboards = [...loadDashboards(), ...platformDashboards()].sort((a, b) => a.name.localeCompare(b.name));

  it('cluster, tenant, GPU, SLO, agents, Gateway, Argo CD, Gatekeeper, certificate and Temporal dashboards exist as valid JSON with unique uids and titles', () => {
    assert.deepEqual(dashboards.map((d) => d.name), ['agents', 'argocd', 'certificates', 'cluster', 'gatekeeper', 'gateway', 'gpu', 'slo', 'temporal', 'tenant']);
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

  it('every rule expression names only metrics that a rule records or a source produces', () => {
    const unknown = ruleGroups.flatMap((g) => g.rules).flatMap((r: any) => metricNames(String(r.expr)).filter((m) => !EXPORTED[m] && !recorded.has(m)).map((m) => `${r.alert ?? r.record}: ${m}`));
    assert.deepEqual(unknown, []);
  });

  it('the add-on dashboards exist only where the add-on is enabled', () => {
    const names = (off: string) => platformDashboards((a) => a !== off).map((d) => d.name);
    assert.ok(!names('argocd').includes('argocd'));
    assert.ok(!names('gatekeeper').includes('gatekeeper'));
    assert.ok(names('keda').includes('argocd'));
  });

  it('the metric extraction sees through selectors, ranges and grouping (so the check can fail)', () => {
    assert.deepEqual(metricNames('sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket{x="a b"}[5m]))'), ['vllm:e2e_request_latency_seconds_bucket']);
    assert.deepEqual(metricNames('1 - a_total / on (team) group_left (currency) b:c'), ['a_total', 'b:c']);
    assert.deepEqual(metricNames('x / clamp_min(y2, 1e-12) > 0.5'), ['x', 'y2']);
    assert.ok(!EXPORTED.made_up_metric && !recorded.has('made_up_metric'));
  });

  it('every dashboard queries the provisioned Prometheus data source by uid', () => {
    for (const d of dashboards) {
      for (const p of JSON.parse(d.json).panels) assert.equal(p.datasource.uid, 'prometheus', `${d.name}/${p.title}`);
    }
  });
});
