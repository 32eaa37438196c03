/**
 * The AnalysisTemplates the canary steps run (names from catalog/rollouts.ts), on the platform
 * Prometheus. Each measures `count` times, `interval` apart; more than `failureLimit` failed
 * measurements fail the analysis, which aborts the rollout. A canary that got no traffic in the
 * window yields no series and passes (the golden set, which always sends it traffic, is the gate
 * that cannot pass vacuously).
 *
 * Router (namespace `platform`): LiteLLM's own Prometheus metrics need its enterprise licence (the
 * callback only registers `litellm_not_a_premium_user_metric` without one), so the router's errors
 * and latency are read where they are certain to exist: the platform Gateway's Envoy proxies, on the
 * llm.<zone> route. Envoy Gateway builds one upstream cluster per route rule with the backends as
 * weighted endpoints, so the canary is seen as part of the route: the error limit must stay below
 * the first canary weight (config/workloads.ts checks it). Cost per 1000 tokens is the router's spend
 * (its team table, through the spend exporter) over the tokens vLLM served (only the router calls it).
 *
 * vLLM (namespace `serving`): per canary pod, from the model server's own metrics
 * (catalog/serving-metrics.ts); canary pods are `<workload>-<pod-template hash>-<suffix>`.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { monitorMatchers } from '../../catalog/addon-monitors';
import { ANALYSIS_TEMPLATES } from '../../catalog/rollouts';
import { seriesOf } from '../../catalog/services';
import { PROMETHEUS_URL, SERVING_NAMESPACE } from './common';
import { ANALYSIS_ARGS, ROLLOUT_API_VERSION } from './rollout';

/** config/workloads.yaml `delivery.analysis`. */
export interface AnalysisPolicy {
  readonly intervalSeconds: number;
  readonly count: number;
  readonly failureLimit: number;
}

export interface RouterThresholds {
  readonly maxErrorRatio: number;
  readonly maxLatencyP95Seconds: number;
  readonly maxCostPer1kTokens: number;
}

export interface ServingThresholds {
  readonly maxErrorRatio: number;
  readonly maxLatencyP95Seconds: number;
}

/** The rate window of every query: long enough to hold several scrapes of every pod. */
const WINDOW = '5m';
/** A denominator that is never zero: no requests make a ratio of 0, not NaN. */
const nonZero = (expr: string) => `clamp_min(${expr}, 1e-9)`;
/** No series (no traffic at all) passes; a NaN quantile (no requests in the window) too. */
const atMost = (limit: number | string) => `len(result) == 0 || isNaN(result[0]) || result[0] <= ${limit}`;
const atLeast = (limit: number | string) => `len(result) == 0 || isNaN(result[0]) || result[0] >= ${limit}`;

interface MetricSpec {
  readonly name: string;
  readonly query: string;
  readonly successCondition: string;
}

function template(scope: Construct, id: string, meta: { name: string; namespace: string; labels: Record<string, string> }, args: readonly string[], policy: AnalysisPolicy, metric: MetricSpec): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: ROLLOUT_API_VERSION,
    kind: 'AnalysisTemplate',
    metadata: meta,
    spec: {
      ...(args.length ? { args: args.map((name) => ({ name })) } : {}),
      metrics: [
        {
          name: metric.name,
          interval: `${policy.intervalSeconds}s`,
          count: policy.count,
          failureLimit: policy.failureLimit,
          // Prometheus unreachable for as long as the analysis lasts is a failure too, not a pass.
          consecutiveErrorLimit: Math.max(1, Math.min(4, policy.count - 1)),
          successCondition: metric.successCondition,
          provider: { prometheus: { address: PROMETHEUS_URL, query: metric.query, timeout: 30 } },
        },
      ],
    },
  });
}

/** Envoy's series of the router's route (`httproute/<namespace>/<route>/rule/<index>`). */
export function routerQueries(route: { name: string; namespace: string }): Record<'errorRatio' | 'latencyP95' | 'costPer1kTokens', string> {
  const sel = (extra = '') => `{${monitorMatchers('envoy-proxy')},envoy_cluster_name=~"httproute/${route.namespace}/${route.name}/rule/.*"${extra}}`;
  const spend = seriesOf('teamSpend', 'spendExporter');
  const tokens = (m: string) => `sum(increase(${m}{namespace="${SERVING_NAMESPACE}"}[10m]))`;
  return {
    errorRatio: `(sum(rate(envoy_cluster_upstream_rq_xx${sel(',envoy_response_code_class="5"')}[${WINDOW}])) or vector(0)) / ${nonZero(`sum(rate(envoy_cluster_upstream_rq_total${sel()}[${WINDOW}]))`)}`,
    // Envoy measures upstream time in milliseconds.
    latencyP95: `histogram_quantile(0.95, sum by (le) (rate(envoy_cluster_upstream_rq_time_bucket${sel()}[${WINDOW}]))) / 1000`,
    // The team table's spend only grows within a budget period; a period's reset is clamped away.
    costPer1kTokens: `sum(max by (team) (clamp_min(delta(${spend}[10m]), 0))) / clamp_min(${tokens('vllm:prompt_tokens_total')} + ${tokens('vllm:generation_tokens_total')}, 1) * 1000`,
  };
}

export function routerAnalysisTemplates(scope: Construct, meta: { namespace: string; labels: Record<string, string> }, route: { name: string; namespace: string }, policy: AnalysisPolicy, t: RouterThresholds): void {
  const q = routerQueries(route);
  const at = (name: string) => ({ name, namespace: meta.namespace, labels: meta.labels });
  template(scope, 'analysis-error-ratio', at(ANALYSIS_TEMPLATES.errorRatio), [], policy, { name: 'route-error-ratio', query: q.errorRatio, successCondition: atMost(t.maxErrorRatio) });
  template(scope, 'analysis-latency-p95', at(ANALYSIS_TEMPLATES.latencyP95), [], policy, { name: 'route-latency-p95-seconds', query: q.latencyP95, successCondition: atMost(t.maxLatencyP95Seconds) });
  template(scope, 'analysis-cost', at(ANALYSIS_TEMPLATES.costPer1kTokens), [], policy, { name: 'cost-per-1k-tokens', query: q.costPer1kTokens, successCondition: atMost(t.maxCostPer1kTokens) });
}

const arg = (name: string) => `{{args.${name}}}`;

/** vLLM's series of the canary pods of one model (the arguments are filled in per Rollout). */
export function servingQueries(): Record<'errorRatio' | 'latencyP95' | 'tokensPerGpu', string> {
  const workload = arg(ANALYSIS_ARGS.workload);
  const sel = (extra = '') => `{namespace="${SERVING_NAMESPACE}",job="${workload}",pod=~"${workload}-${arg(ANALYSIS_ARGS.canaryHash)}-.*"${extra}}`;
  const running = `vllm:num_requests_running${sel()}`;
  return {
    errorRatio: `(sum(rate(http_requests_total${sel(',status="5xx"')}[${WINDOW}])) or vector(0)) / ${nonZero(`sum(rate(http_requests_total${sel()}[${WINDOW}]))`)}`,
    latencyP95: `histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket${sel()}[${WINDOW}])))`,
    // Throughput is only a verdict under load: with less than one request running on average there is none.
    tokensPerGpu: `(sum(rate(vllm:generation_tokens_total${sel()}[${WINDOW}])) / (count(${running}) * ${arg(ANALYSIS_ARGS.gpusPerReplica)})) and on () (sum(avg_over_time(${running}[${WINDOW}])) >= 1)`,
  };
}

export const SERVING_ANALYSIS_ARGS = [ANALYSIS_ARGS.workload, ANALYSIS_ARGS.canaryHash];

export function servingAnalysisTemplates(scope: Construct, meta: { namespace: string; labels: Record<string, string> }, policy: AnalysisPolicy, t: ServingThresholds): void {
  const q = servingQueries();
  const at = (name: string) => ({ name, namespace: meta.namespace, labels: meta.labels });
  template(scope, 'analysis-error-ratio', at(ANALYSIS_TEMPLATES.errorRatio), SERVING_ANALYSIS_ARGS, policy, { name: 'canary-error-ratio', query: q.errorRatio, successCondition: atMost(t.maxErrorRatio) });
  template(scope, 'analysis-latency-p95', at(ANALYSIS_TEMPLATES.latencyP95), SERVING_ANALYSIS_ARGS, policy, { name: 'canary-latency-p95-seconds', query: q.latencyP95, successCondition: atMost(t.maxLatencyP95Seconds) });
  template(scope, 'analysis-tokens-per-gpu', at(ANALYSIS_TEMPLATES.tokensPerGpu), [...SERVING_ANALYSIS_ARGS, ANALYSIS_ARGS.gpusPerReplica, ANALYSIS_ARGS.minTokensPerGpuSecond], policy, {
    name: 'canary-tokens-per-gpu-second',
    query: q.tokensPerGpu,
    successCondition: atLeast(arg(ANALYSIS_ARGS.minTokensPerGpuSecond)),
  });
}
