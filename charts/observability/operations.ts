/**
 * Operational alerts on the agent services: what breaks a job before an SLO notices. Each reads
 * a metric of the contract in catalog/services.ts from the services that must export it, so a
 * rename there moves the alert with it. Severity ladder (docs/runbooks/agent-operations.md): P1
 * pages for a service that has stopped working, P2 goes to chat for a degradation users feel
 * within hours, P3 opens a ticket for a leading indicator.
 */
import { METRICS, SERVICES, seriesOf, type ServiceKey } from '../../catalog/services';
import type { RuleGroup } from './slo';

export const OPERATIONS_RUNBOOK = 'docs/runbooks/agent-operations.md';
const runbook = (alert: string) => `${OPERATIONS_RUNBOOK}#${alert.toLowerCase()}`;

/** The seed's thresholds, each in one place. */
export const THRESHOLDS = {
  errorRatio: 0.05,
  errorWindow: '5m',
  heartbeatSeconds: 120,
  variantP95Seconds: 480,
  queueBacklog: 10,
  adoThrottledPerMinute: 10,
  n8nQueueBacklog: 50,
} as const;

export const SEVERITY = {
  AgentServiceErrorRate: 'P2',
  AgentHeartbeatMissing: 'P1',
  AgentVariantSlow: 'P2',
  OrchestratorQueueBacklog: 'P3',
  RepoAdapterAdoRateLimited: 'P2',
  AgentCircuitBreakerOpen: 'P2',
  N8nQueueBacklog: 'P3',
} as const;

type Alert = keyof typeof SEVERITY;

const alert = (name: Alert, expr: string, forDuration: string | undefined, labels: Record<string, string>, summary: string, description: string) => ({
  alert: name,
  expr,
  ...(forDuration ? { for: forDuration } : {}),
  labels: { severity: SEVERITY[name], ...labels },
  annotations: { summary, description, runbook_url: runbook(name) },
});

const emitters = (metric: keyof typeof METRICS): ServiceKey[] => [...METRICS[metric].emittedBy];

export function operationsRuleGroups(): RuleGroup[] {
  const t = THRESHOLDS;
  const errorRate = emitters('httpServerDuration').map((s) => {
    const count = (extra = '') => `sum(rate(${seriesOf('httpServerDuration', s, extra, '_count')}[${t.errorWindow}]))`;
    return alert(
      'AgentServiceErrorRate',
      `${count('http_response_status_code=~"5.."')} / ${count()} > ${t.errorRatio}`,
      t.errorWindow,
      { service: SERVICES[s].name },
      `${SERVICES[s].name}: more than ${t.errorRatio * 100} % of requests fail`,
      `{{ $value | humanizePercentage }} of the requests over the last ${t.errorWindow} were answered with a 5xx.`,
    );
  });

  const heartbeat = emitters('heartbeat').map((s) => {
    const { name, namespace } = SERVICES[s];
    const series = seriesOf('heartbeat', s);
    // Quiet where the Deployment does not exist (an environment whose images are not promoted yet).
    const deployed = `kube_deployment_spec_replicas{namespace="${namespace}",deployment="${name}"} > 0`;
    return alert(
      'AgentHeartbeatMissing',
      `(time() - max by (namespace, job) (${series}) > ${t.heartbeatSeconds} or absent_over_time(${series}[${t.heartbeatSeconds}s])) and on (namespace) (${deployed})`,
      undefined,
      { service: name },
      `${name}: no heartbeat for ${t.heartbeatSeconds / 60} minutes`,
      `The work loop of ${name} has not completed an iteration for ${t.heartbeatSeconds / 60} minutes, or no replica reports one: jobs are not being worked on.`,
    );
  });

  const variantSlow = alert(
    'AgentVariantSlow',
    `histogram_quantile(0.95, sum by (le, variant) (rate(${seriesOf('variantDuration', 'orchestrator', '', '_bucket')}[30m]))) > ${t.variantP95Seconds}`,
    '15m',
    { service: SERVICES.orchestrator.name },
    `{{ $labels.variant }} variant: p95 duration above ${t.variantP95Seconds / 60} minutes`,
    `The 95th percentile of {{ $labels.variant }} variant runs over the last 30 minutes is {{ $value | humanizeDuration }}.`,
  );

  const backlog = alert(
    'OrchestratorQueueBacklog',
    `sum(${seriesOf('jobsQueued', 'orchestrator')}) > ${t.queueBacklog}`,
    '15m',
    { service: SERVICES.orchestrator.name },
    `More than ${t.queueBacklog} jobs have been waiting for 15 minutes`,
    '{{ $value }} jobs are queued at the orchestrator and the queue has not drained below the threshold for 15 minutes.',
  );

  const ado = alert(
    'RepoAdapterAdoRateLimited',
    `sum by (organization) (rate(${seriesOf('adoThrottled', 'repoAdapter')}[5m])) * 60 > ${t.adoThrottledPerMinute}`,
    '5m',
    { service: SERVICES.repoAdapter.name },
    `Azure DevOps organization {{ $labels.organization }} throttles the repo adapter`,
    `{{ $value | printf "%.1f" }} requests per minute are rate-limited by Azure DevOps (threshold ${t.adoThrottledPerMinute}).`,
  );

  const breakerJobs = emitters('circuitBreakerOpen').map((s) => SERVICES[s].name);
  const namespaces = [...new Set(emitters('circuitBreakerOpen').map((s) => SERVICES[s].namespace))];
  const breaker = alert(
    'AgentCircuitBreakerOpen',
    `max by (job, dependency) (${METRICS.circuitBreakerOpen.name}{namespace=~"${namespaces.join('|')}",job=~"${breakerJobs.join('|')}"}) == 1`,
    '5m',
    {},
    '{{ $labels.job }}: circuit breaker to {{ $labels.dependency }} open',
    '{{ $labels.job }} has failed fast on every call to {{ $labels.dependency }} for 5 minutes.',
  );

  // KEDA adds workers on the same queue (docs/n8n.md): a lasting backlog means they are at their maximum or not taking jobs.
  const n8nBacklog = alert(
    'N8nQueueBacklog',
    `max(${seriesOf('n8nQueueWaiting', 'n8n')}) > ${t.n8nQueueBacklog}`,
    '15m',
    { service: SERVICES.n8n.name },
    `More than ${t.n8nQueueBacklog} n8n executions have been waiting for a worker for 15 minutes`,
    "{{ $value }} executions are waiting in n8n's queue and it has not drained below the threshold for 15 minutes.",
  );

  return [{ name: 'agent-operations', rules: [...errorRate, ...heartbeat, variantSlow, backlog, ado, breaker, n8nBacklog] }];
}
