/**
 * The cost ledger's totals per tenant, model and currency as Prometheus metrics, for the tenant
 * dashboards (charts/observability/ledger-dashboards.ts): burningalchemist/sql_exporter, the image
 * the router's spend exporter runs, over the view ledger.metrics_totals. It logs in as a login
 * role that is a member of ledger_metrics and nothing else (docs/cost-ledger.md shows how it is
 * created); its connection URL comes from Key Vault, as the spend exporter's does, because
 * sql_exporter reads one DSN at start and cannot refresh an Entra ID token.
 */
import { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { stringify } from 'yaml';
import { METRICS, SERVICES, type MetricKey } from '../../catalog/services';
import type { ImageRef } from '../workloads/plan';
import { PlatformService } from '../workloads/service';

export const LEDGER_EXPORTER = SERVICES.ledgerExporter;
/** Key Vault secret with the metrics login's connection URL (docs/cost-ledger.md). */
export const LEDGER_EXPORTER_DATABASE_SECRET = 'ledger-exporter-database-url';
const CONFIG_DIR = '/etc/sql_exporter';
const COLLECTOR = 'ledger_totals';

export const LEDGER_TOTALS_QUERY = 'SELECT tenant, model, currency, calls, input_tokens, output_tokens, runtime_seconds, cost, tasks FROM ledger.metrics_totals';

/** Metric -> the column of LEDGER_TOTALS_QUERY it reads. */
export const LEDGER_METRIC_COLUMNS: Record<Extract<MetricKey, `ledger${string}`>, string> = {
  ledgerCost: 'cost',
  ledgerInputTokens: 'input_tokens',
  ledgerOutputTokens: 'output_tokens',
  ledgerRuntime: 'runtime_seconds',
  ledgerCalls: 'calls',
  ledgerTasks: 'tasks',
};

export function ledgerExporterConfig(): Record<string, unknown> {
  return {
    global: { scrape_timeout: '10s', scrape_timeout_offset: '500ms', min_interval: '60s', max_connections: 1, max_idle_connections: 1, max_connection_lifetime: '10m' },
    collectors: [
      {
        collector_name: COLLECTOR,
        metrics: Object.entries(LEDGER_METRIC_COLUMNS).map(([key, column]) => {
          const m = METRICS[key as MetricKey];
          return { metric_name: m.name, type: m.type, help: m.help, key_labels: Object.keys(m.labels), values: [column], query_ref: 'totals' };
        }),
        queries: [{ query_name: 'totals', query: LEDGER_TOTALS_QUERY }],
      },
    ],
  };
}

export interface LedgerExporterProps {
  readonly environment: string;
  readonly image: ImageRef;
  readonly databaseEgress: k8s.NetworkPolicyEgressRule;
}

export class LedgerExporter extends Construct {
  constructor(scope: Construct, id: string, props: LedgerExporterProps) {
    super(scope, id);
    new PlatformService(this, 'exporter', {
      service: LEDGER_EXPORTER,
      environment: props.environment,
      image: props.image,
      health: { live: '/healthz', ready: '/healthz' },
      resources: { cpuRequest: '50m', cpuLimit: '200m', memory: '128Mi' },
      scaling: { kind: 'fixed', replicas: 1 },
      callers: [],
      egress: [props.databaseEgress],
      args: [`--config.file=${CONFIG_DIR}/sql_exporter.yml`, `--web.listen-address=:${LEDGER_EXPORTER.httpPort}`, '--log.format=json'],
      files: { mountPath: CONFIG_DIR, data: { 'sql_exporter.yml': stringify(ledgerExporterConfig(), { lineWidth: 0 }) } },
      config: { SQLEXPORTER_TARGET_COLLECTORS: COLLECTOR },
      secrets: { SQLEXPORTER_TARGET_DSN: LEDGER_EXPORTER_DATABASE_SECRET },
    });
  }
}
