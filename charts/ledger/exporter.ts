/**
 * The cost ledger's totals per tenant, model and currency as Prometheus metrics, for the tenant
 * dashboards (charts/observability/ledger-dashboards.ts): burningalchemist/sql_exporter, the image
 * the router's spend exporter runs, over the view ledger.metrics_totals. It logs in as a login
 * role that is a member of ledger_metrics and nothing else (docs/cost-ledger.md shows how it is
 * created); its connection URL comes from Key Vault, as the spend exporter's does, because
 * sql_exporter reads one DSN at start and cannot refresh an Entra ID token.
 */
import type { Construct } from 'constructs';
import { SERVICES, type MetricKey } from '../../catalog/services';
import { catalogMetric, SqlExporter, type SqlExporterAppProps, type SqlExporterCollector } from '../workloads/sql-exporter';

export const LEDGER_EXPORTER = SERVICES.ledgerExporter;
/** Key Vault secret with the metrics login's connection URL (docs/cost-ledger.md). */
export const LEDGER_EXPORTER_DATABASE_SECRET = 'ledger-exporter-database-url';

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

const COLLECTOR: SqlExporterCollector = {
  name: 'ledger_totals',
  metrics: Object.entries(LEDGER_METRIC_COLUMNS).map(([key, column]) => catalogMetric(key as MetricKey, column, 'totals')),
  queries: [{ query_name: 'totals', query: LEDGER_TOTALS_QUERY }],
};

export class LedgerExporter extends SqlExporter {
  constructor(scope: Construct, id: string, props: SqlExporterAppProps) {
    super(scope, id, { ...props, service: LEDGER_EXPORTER, databaseSecret: LEDGER_EXPORTER_DATABASE_SECRET, collector: COLLECTOR });
  }
}
