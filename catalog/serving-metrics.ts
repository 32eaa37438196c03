/**
 * What vLLM's OpenAI-compatible server (the image pinned in config/workloads.yaml, v0.9.2) serves on
 * /metrics, for the queries that read it (KEDA, dashboards, canary analyses): the engine's `vllm:`
 * series and the HTTP series of prometheus-fastapi-instrumentator, which the server mounts with its
 * default metrics (status codes grouped as 2xx..5xx; /metrics, /health, /load, /ping, /version and
 * /server_info excluded). Scraped through the model's ServiceMonitor: `namespace`, `job` (the
 * model's Service), `pod`.
 */
export interface UpstreamMetric {
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
  readonly source: string;
}

const ENGINE = 'vllm-project/vllm docs/source/design/v1/metrics.md (v0 and v1 engine metrics), vllm/v1/metrics/loggers.py';
const HTTP = 'vllm-project/vllm vllm/entrypoints/openai/api_server.py mount_metrics: Instrumentator(...).add().instrument(app).expose(app)';

export const VLLM_METRICS: Readonly<Record<string, UpstreamMetric>> = {
  'vllm:num_requests_waiting': { type: 'gauge', labels: ['model_name'], source: ENGINE },
  'vllm:num_requests_running': { type: 'gauge', labels: ['model_name'], source: ENGINE },
  'vllm:gpu_cache_usage_perc': { type: 'gauge', labels: ['model_name'], source: ENGINE },
  'vllm:prompt_tokens_total': { type: 'counter', labels: ['model_name'], source: ENGINE },
  'vllm:generation_tokens_total': { type: 'counter', labels: ['model_name'], source: ENGINE },
  'vllm:e2e_request_latency_seconds': { type: 'histogram', labels: ['model_name'], source: ENGINE },
  http_requests_total: { type: 'counter', labels: ['handler', 'method', 'status'], source: HTTP },
};

/** Series names as stored (histograms with their _bucket/_count/_sum). */
export function vllmSeriesNames(): string[] {
  return Object.entries(VLLM_METRICS).flatMap(([n, m]) => (m.type === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => n + s) : [n]));
}
