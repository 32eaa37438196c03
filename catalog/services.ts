/**
 * The names that cross the boundary between the workloads and the observability app, defined
 * once: each platform service's name (its Deployment, Service and `OTEL_SERVICE_NAME`, hence the
 * `service_name` of what it sends over OTLP and the `job` of what Prometheus scrapes from it), its
 * ports, and the metric contract: which service must export which metric, by which path, with
 * which labels. charts/workloads builds the services from here; the SLOs, alerts and dashboards
 * select from here; docs/workloads.md states the contract for the teams that build the images.
 */

export const PLATFORM_NAMESPACE = 'platform';
export const SERVING_NAMESPACE = 'serving';
/** n8n (queue mode) has its own namespace: its quota, Pod Security and default-deny are its own. */
export const N8N_NAMESPACE = 'n8n';

export interface PlatformServiceName {
  /** Deployment, Service and ServiceAccount name, and `OTEL_SERVICE_NAME`. */
  readonly name: string;
  readonly namespace: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  readonly httpPort: number;
  /** Where Prometheus scrapes /metrics; the HTTP port when they are the same. */
  readonly metricsPort: number;
  /**
   * Sends traces, logs and OTLP metrics to the collector. A service that does not (an exporter
   * that only answers scrapes) gets no OTEL_* settings, so nothing suggests a stream that never comes.
   */
  readonly otlp: boolean;
}

/** Agent services listen on 8080 and serve /metrics on 9090 (docs/workloads.md). */
const AGENT_PORT = 8080;
const AGENT_METRICS_PORT = 9090;
const agent = (name: string, component: string): PlatformServiceName => ({
  name,
  namespace: PLATFORM_NAMESPACE,
  component,
  httpPort: AGENT_PORT,
  metricsPort: AGENT_METRICS_PORT,
  otlp: true,
});

export const SERVICES = {
  gateway: agent('agent-gateway', 'gateway'),
  orchestrator: agent('agent-orchestrator', 'orchestrator'),
  repoAdapter: agent('agent-repo-adapter', 'repo-adapter'),
  patchWorker: agent('agent-patch-worker', 'patch-worker'),
  router: { name: 'llm-router', namespace: PLATFORM_NAMESPACE, component: 'llm-router', httpPort: 4000, metricsPort: 4000, otlp: true },
  spendExporter: { name: 'llm-spend-exporter', namespace: PLATFORM_NAMESPACE, component: 'spend-exporter', httpPort: 9399, metricsPort: 9399, otlp: false },
  /** The edge's demo service (podinfo) behind demo.<zone>: what the smoke test and a probe prove end to end. */
  /** The cost ledger's metrics: sql_exporter over the ledger's totals per tenant and model (charts/ledger/exporter.ts). */
  ledgerExporter: { name: 'ledger-exporter', namespace: PLATFORM_NAMESPACE, component: 'ledger-exporter', httpPort: 9399, metricsPort: 9399, otlp: false },
  /** The cost ledger's read-only API (PostgREST behind ledger.<zone>); health and metrics on its admin port. */
  ledgerApi: { name: 'ledger-api', namespace: PLATFORM_NAMESPACE, component: 'ledger-api', httpPort: 3000, metricsPort: 3001, otlp: false },
  demo: { name: 'edge-demo', namespace: PLATFORM_NAMESPACE, component: 'demo', httpPort: 9898, metricsPort: 9898, otlp: false },
  /**
   * n8n in queue mode: the main process (editor UI, REST API, triggers), the webhook processes and
   * the workers; all listen on 5678 (the workers' health and metrics server, QUEUE_HEALTH_CHECK_PORT)
   * and serve /metrics there. n8n 2.x sends no OTLP.
   */
  n8n: { name: 'n8n', namespace: N8N_NAMESPACE, component: 'main', httpPort: 5678, metricsPort: 5678, otlp: false },
  n8nWebhook: { name: 'n8n-webhook', namespace: N8N_NAMESPACE, component: 'webhook', httpPort: 5678, metricsPort: 5678, otlp: false },
  n8nWorker: { name: 'n8n-worker', namespace: N8N_NAMESPACE, component: 'worker', httpPort: 5678, metricsPort: 5678, otlp: false },
  /**
   * Presidio (the router's PII guardrail, charts/workloads/presidio.ts): the images' gunicorn on
   * PORT 3000 (Dockerfile ENV PORT=3000), GET /health; they serve no /metrics and send no OTLP.
   */
  presidioAnalyzer: { name: 'presidio-analyzer', namespace: PLATFORM_NAMESPACE, component: 'pii-analyzer', httpPort: 3000, metricsPort: 3000, otlp: false },
  presidioAnonymizer: { name: 'presidio-anonymizer', namespace: PLATFORM_NAMESPACE, component: 'pii-anonymizer', httpPort: 3000, metricsPort: 3000, otlp: false },
} as const satisfies Record<string, PlatformServiceName>;

export type ServiceKey = keyof typeof SERVICES;

/** The agent services, in call order. */
export const AGENT_SERVICES = ['gateway', 'orchestrator', 'repoAdapter', 'patchWorker'] as const satisfies readonly ServiceKey[];

/**
 * How a metric reaches Prometheus. `otlp`: the service's OpenTelemetry SDK sends it to the
 * collector, which writes it with every resource attribute as a label (`service_name`,
 * `service_namespace`, ...). `scrape`: Prometheus reads the service's /metrics through its
 * ServiceMonitor and adds `namespace`, `job` (the Service name), `service`, `pod`, `container`.
 */
export type MetricPath = 'otlp' | 'scrape';

export interface ContractMetric {
  /** The name as stored in Prometheus (histograms: without _bucket/_count/_sum). */
  readonly name: string;
  /** For OTLP metrics: the instrument name and unit the SDK uses, which the collector turns into `name`. */
  readonly instrument?: { readonly name: string; readonly unit: string };
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly path: MetricPath;
  readonly emittedBy: readonly ServiceKey[];
  /** Label -> what it carries (and its values where they are a closed set). */
  readonly labels: Readonly<Record<string, string>>;
  /** Histogram bucket boundaries the rules need (an SLO threshold must be a boundary). */
  readonly buckets?: readonly number[];
  readonly help: string;
}

/** Agent variants the orchestrator runs for a job: a deterministic stub and the LLM one. */
export const VARIANTS = ['stub', 'llm'] as const;

/** Outcomes of a variant run and of a job. A cancelled job (by its submitter) is neither good nor bad. */
export const VARIANT_OUTCOMES = ['success', 'failure'] as const;
export const JOB_OUTCOMES = ['success', 'failure', 'timeout', 'cancelled'] as const;

/** Seconds; 90, 240 and 480 are the variant-duration SLO thresholds, 480 the P95 alert. */
export const VARIANT_DURATION_BUCKETS = [5, 15, 30, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1800, 3600] as const;

export const METRICS = {
  httpServerDuration: {
    name: 'http_server_request_duration_seconds',
    instrument: { name: 'http.server.request.duration', unit: 's' },
    type: 'histogram',
    path: 'otlp',
    emittedBy: AGENT_SERVICES,
    labels: { http_response_status_code: 'HTTP status code', http_request_method: 'HTTP method', http_route: 'route template (never the raw path: tenant data)' },
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    help: 'Server-side duration of HTTP requests (OpenTelemetry HTTP semantic conventions); 0.5 s is the gateway latency SLO threshold',
  },
  variantRuns: {
    name: 'agent_variant_runs_total',
    instrument: { name: 'agent.variant.runs', unit: '1' },
    type: 'counter',
    path: 'otlp',
    emittedBy: ['orchestrator'],
    labels: { variant: VARIANTS.join(' | '), outcome: VARIANT_OUTCOMES.join(' | ') },
    help: 'Finished variant runs by variant and outcome',
  },
  variantDuration: {
    name: 'agent_variant_duration_seconds',
    instrument: { name: 'agent.variant.duration', unit: 's' },
    type: 'histogram',
    path: 'otlp',
    emittedBy: ['orchestrator'],
    labels: { variant: VARIANTS.join(' | '), outcome: VARIANT_OUTCOMES.join(' | ') },
    buckets: VARIANT_DURATION_BUCKETS,
    help: 'Wall-clock time of a variant run from start to its result, failed runs included',
  },
  jobs: {
    name: 'agent_jobs_total',
    instrument: { name: 'agent.jobs', unit: '1' },
    type: 'counter',
    path: 'otlp',
    emittedBy: ['orchestrator'],
    labels: { outcome: JOB_OUTCOMES.join(' | ') },
    help: 'Jobs accepted by the gateway that reached an end, by outcome (end-to-end SLO)',
  },
  jobsQueued: {
    name: 'orchestrator_jobs_queued',
    type: 'gauge',
    path: 'scrape',
    emittedBy: ['orchestrator'],
    labels: {},
    help: 'Jobs waiting for a worker slot, reported by each replica for the jobs it holds: the sum over replicas is the backlog (KEDA scales on it)',
  },
  heartbeat: {
    name: 'agent_heartbeat_timestamp_seconds',
    type: 'gauge',
    path: 'scrape',
    emittedBy: ['orchestrator', 'patchWorker'],
    labels: {},
    help: 'Unix time at which the work loop last completed an iteration (idle polls count): a stuck loop stops it while /metrics still answers',
  },
  adoThrottled: {
    name: 'repo_adapter_ado_throttled_requests_total',
    type: 'counter',
    path: 'scrape',
    emittedBy: ['repoAdapter'],
    labels: { organization: 'Azure DevOps organization' },
    help: 'Azure DevOps requests answered with 429 or a Retry-After header (rate limiting), counted once per response',
  },
  circuitBreakerOpen: {
    name: 'agent_circuit_breaker_open',
    type: 'gauge',
    path: 'scrape',
    emittedBy: AGENT_SERVICES,
    labels: { dependency: 'what the breaker guards: a catalogue service name (e.g. llm-router) or an external host' },
    help: '1 while the circuit breaker in front of a dependency is open (calls fail fast), else 0; one series per dependency from start-up',
  },
  teamSpend: {
    name: 'llm_router_team_spend',
    type: 'gauge',
    path: 'scrape',
    emittedBy: ['spendExporter'],
    labels: { team: 'LiteLLM team id (= tenant name)' },
    help: 'Spend of a router team in its current budget period (LiteLLM_TeamTable.spend; the router refuses requests once it reaches max_budget)',
  },
  teamMaxBudget: {
    name: 'llm_router_team_max_budget',
    type: 'gauge',
    path: 'scrape',
    emittedBy: ['spendExporter'],
    labels: { team: 'LiteLLM team id (= tenant name)' },
    help: "Budget of a router team per period as the router enforces it (LiteLLM_TeamTable.max_budget), to compare with the tenant file's",
  },
  n8nQueueWaiting: {
    name: 'n8n_scaling_mode_queue_jobs_waiting',
    type: 'gauge',
    path: 'scrape',
    emittedBy: ['n8n'],
    labels: {},
    help: "Executions waiting in n8n's Bull queue for a worker (n8n 2.41.3 metrics/prometheus/queue-metrics.service.js: the main process, N8N_METRICS_INCLUDE_QUEUE_METRICS)",
  },
  ledgerCost: {
    name: 'ledger_cost_total',
    type: 'counter',
    path: 'scrape',
    emittedBy: ['ledgerExporter'],
    labels: { tenant: 'tenant name', model: 'model alias (router model group)', currency: 'ISO 4217 code of the cost' },
    help: 'LLM cost recorded in the cost ledger (sum of ledger.usage.cost)',
  },
  ledgerInputTokens: {
    name: 'ledger_input_tokens_total',
    type: 'counter',
    path: 'scrape',
    emittedBy: ['ledgerExporter'],
    labels: { tenant: 'tenant name', model: 'model alias (router model group)', currency: 'ISO 4217 code of the cost' },
    help: 'Input (prompt) tokens recorded in the cost ledger',
  },
  ledgerOutputTokens: {
    name: 'ledger_output_tokens_total',
    type: 'counter',
    path: 'scrape',
    emittedBy: ['ledgerExporter'],
    labels: { tenant: 'tenant name', model: 'model alias (router model group)', currency: 'ISO 4217 code of the cost' },
    help: 'Output (completion) tokens recorded in the cost ledger',
  },
  ledgerRuntime: {
    name: 'ledger_runtime_seconds_total',
    type: 'counter',
    path: 'scrape',
    emittedBy: ['ledgerExporter'],
    labels: { tenant: 'tenant name', model: 'model alias (router model group)', currency: 'ISO 4217 code of the cost' },
    help: 'Seconds of LLM call runtime recorded in the cost ledger (end minus start of each call)',
  },
  ledgerCalls: {
    name: 'ledger_calls_total',
    type: 'counter',
    path: 'scrape',
    emittedBy: ['ledgerExporter'],
    labels: { tenant: 'tenant name', model: 'model alias (router model group)', currency: 'ISO 4217 code of the cost' },
    help: 'LLM calls recorded in the cost ledger',
  },
  ledgerTasks: {
    name: 'ledger_tasks',
    type: 'gauge',
    path: 'scrape',
    emittedBy: ['ledgerExporter'],
    labels: { tenant: 'tenant name', model: 'model alias (router model group)', currency: 'ISO 4217 code of the cost' },
    help: 'Distinct agent tasks with LLM calls in the cost ledger',
  },
} as const satisfies Record<string, ContractMetric>;

export type MetricKey = keyof typeof METRICS;

/** PromQL label matchers that select a metric from one service, by the metric's path. */
export function serviceMatchers(metric: MetricKey, service: ServiceKey): string {
  const m: ContractMetric = METRICS[metric];
  if (!m.emittedBy.includes(service)) throw new Error(`${SERVICES[service].name} does not export ${m.name} (catalog/services.ts)`);
  const s = SERVICES[service];
  return m.path === 'otlp' ? `service_name="${s.name}"` : `namespace="${s.namespace}",job="${s.name}"`;
}

/** `metric{matchers}` for one service, with extra matchers; `suffix` picks a histogram series. */
export function seriesOf(metric: MetricKey, service: ServiceKey, extra = '', suffix: '' | '_bucket' | '_count' | '_sum' = ''): string {
  return `${METRICS[metric].name}${suffix}{${serviceMatchers(metric, service)}${extra ? `,${extra}` : ''}}`;
}

/**
 * A matcher on a histogram bucket boundary. Scraped histograms are stored with `le="90.0"` since
 * Prometheus 3 normalises the label; the collector's remote write sends `le="90"`. Either matches.
 */
export function leMatcher(seconds: number): string {
  return Number.isInteger(seconds) ? `le=~"${seconds}(\\\\.0)?"` : `le="${seconds}"`;
}
