/**
 * Alerts on the long-term metrics path (adapted from the Thanos mixin of the pinned release,
 * selecting the jobs the rendered ServiceMonitors produce): a Thanos component that is down, a
 * Query that lost sidecars or Store Gateways (dedup and history silently degrade), bucket
 * operations failing (a lost role or identity), and a Compactor that halted or stopped
 * iterating (retention and downsampling stop, the bucket grows). Runbook:
 * docs/runbooks/long-term-metrics.md.
 */
import { OBSERVABILITY_NAMESPACE } from '../../catalog/namespaces';
import { THANOS, type ThanosComponentKey } from '../../catalog/thanos';
import type { RuleGroup } from './slo';

export const THANOS_RUNBOOK = 'docs/runbooks/long-term-metrics.md';
const runbook = (alert: string) => `${THANOS_RUNBOOK}#${alert.toLowerCase()}`;

export const THANOS_SEVERITY = {
  ThanosComponentDown: 'P2',
  ThanosQueryMissingEndpoints: 'P2',
  ThanosBucketOperationsFailing: 'P2',
  ThanosCompactorHalted: 'P2',
  ThanosCompactorNotIterating: 'P3',
} as const;

type Alert = keyof typeof THANOS_SEVERITY;

/** Down for this long before anyone is told: a rollout or a node drain restarts pods. */
const DOWN_FOR = '10m';

export interface ThanosRuleProps {
  /** Prometheus replicas (one sidecar each) and Store Gateway replicas each Query must be connected to. */
  readonly sidecars: number;
  readonly storeGateways: number;
}

const sel = (job: string, extra = '') => `{namespace="${OBSERVABILITY_NAMESPACE}",job="${job}"${extra ? `,${extra}` : ''}}`;

const alert = (name: Alert, expr: string, forDuration: string, labels: Record<string, string>, summary: string, description: string) => ({
  alert: name,
  expr,
  for: forDuration,
  labels: { severity: THANOS_SEVERITY[name], ...labels },
  annotations: { summary, description, runbook_url: runbook(name) },
});

export function thanosRuleGroups(props: ThanosRuleProps): RuleGroup[] {
  const down = (Object.keys(THANOS) as ThanosComponentKey[]).map((k) =>
    alert(
      'ThanosComponentDown',
      `absent(up${sel(THANOS[k].name)} == 1)`,
      DOWN_FOR,
      { component: THANOS[k].name },
      `${THANOS[k].name}: no replica is up`,
      k === 'compactor'
        ? `No ${THANOS[k].name} has been scraped for ${DOWN_FOR}: retention and downsampling of the Blob storage have stopped.`
        : `No ${THANOS[k].name} has been scraped for ${DOWN_FOR}: Grafana's Prometheus data source ${k === 'query' ? 'answers nothing' : 'shows no history beyond local retention'}.`,
    ),
  );
  const query = THANOS.query.name;
  // Every Query pod that is up, with how many endpoints of a type it holds open (0 when none).
  const connected = (storeType: string) =>
    `(sum by (namespace, pod) (thanos_store_nodes_grpc_connections${sel(query, `store_type="${storeType}"`)}) or on (namespace, pod) (0 * sum by (namespace, pod) (up${sel(query)} == 1)))`;
  const missing = [
    { type: 'sidecar', want: props.sidecars, what: 'Prometheus sidecars: recent data is missing or not deduplicated' },
    { type: 'store', want: props.storeGateways, what: 'Store Gateways: history beyond local retention is missing' },
  ].map(({ type, want, what }) =>
    alert(
      'ThanosQueryMissingEndpoints',
      `${connected(type)} < ${want}`,
      '15m',
      { store_type: type },
      `${query} {{ $labels.pod }} reaches {{ $value }} of ${want} ${type} endpoints`,
      `Query holds gRPC connections to {{ $value }} of the ${want} ${what}.`,
    ),
  );
  const blobJobs = `job=~"${THANOS.store.name}|${THANOS.compactor.name}"`;
  const bucket = alert(
    'ThanosBucketOperationsFailing',
    `sum by (namespace, job) (rate(thanos_objstore_bucket_operation_failures_total{namespace="${OBSERVABILITY_NAMESPACE}",${blobJobs}}[5m])) / sum by (namespace, job) (rate(thanos_objstore_bucket_operations_total{namespace="${OBSERVABILITY_NAMESPACE}",${blobJobs}}[5m])) > 0.05`,
    '15m',
    {},
    '{{ $labels.job }}: {{ $value | humanizePercentage }} of Blob storage operations fail',
    'More than 5 % of the Blob storage operations of {{ $labels.job }} have failed for 15 minutes: its identity, role, the private endpoint or the storage account.',
  );
  const compactor = THANOS.compactor.name;
  const halted = alert(
    'ThanosCompactorHalted',
    `thanos_compact_halted${sel(compactor)} == 1`,
    '5m',
    {},
    `${compactor} has halted`,
    'The Compactor met an error it will not retry (overlapping or corrupt blocks): compaction, downsampling and retention have stopped until an operator acts.',
  );
  const idle = alert(
    'ThanosCompactorNotIterating',
    `increase(thanos_compact_iterations_total${sel(compactor)}[6h]) == 0`,
    '30m',
    {},
    `${compactor} has not finished an iteration in 6 hours`,
    'The Compactor runs an iteration every 5 minutes; none has succeeded for 6 hours, so retention and downsampling lag behind.',
  );
  return [{ name: 'thanos', rules: [...down, ...missing, bucket, halted, idle] }];
}
