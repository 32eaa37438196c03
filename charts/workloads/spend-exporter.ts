/**
 * Per-team LLM spend for the tenant budget alerts, read from the router's database by
 * burningalchemist/sql_exporter. LiteLLM's own Prometheus metrics (litellm_spend_metric_total and
 * the rest) come from its enterprise package and stay empty without a licence; the spend the router
 * enforces budgets against is in its table "LiteLLM_TeamTable" either way.
 *
 * The exporter logs in as a read-only role that may select three columns of that table and nothing
 * else (docs/workloads.md shows how it is created); its connection URL comes from Key Vault. One
 * replica: spend changes every few seconds at most and a gap of a scrape or two does not matter to a
 * budget alert, while every replica is another client of the router's database.
 */
import type { Construct } from 'constructs';
import { SERVICES } from '../../catalog/services';
import { catalogMetric, SqlExporter, type SqlExporterAppProps, type SqlExporterCollector } from './sql-exporter';

export const SPEND_EXPORTER = SERVICES.spendExporter;
/** Key Vault secret with the read-only role's connection URL (docs/workloads.md). */
export const SPEND_EXPORTER_DATABASE_SECRET = 'llm-spend-exporter-database-url';
/** The database role the exporter logs in as; the URL in Key Vault names it. */
export const SPEND_READER_ROLE = 'llm_spend_reader';

/**
 * The only query: the team id is the tenant name (charts/workloads/router.ts, tenantTeams), `spend`
 * is what the router compares with `max_budget` before every request and resets each budget period.
 */
export const TEAM_SPEND_QUERY = 'SELECT team_id AS team, spend, max_budget FROM "LiteLLM_TeamTable"';

const COLLECTOR: SqlExporterCollector = {
  name: 'llm_router_team_spend',
  metrics: [
    catalogMetric('teamSpend', 'spend', 'teams'),
    catalogMetric('teamMaxBudget', 'max_budget', 'teams'),
  ],
  queries: [{ query_name: 'teams', query: TEAM_SPEND_QUERY }],
};

export class SpendExporter extends SqlExporter {
  constructor(scope: Construct, id: string, props: SqlExporterAppProps) {
    super(scope, id, { ...props, service: SPEND_EXPORTER, databaseSecret: SPEND_EXPORTER_DATABASE_SECRET, collector: COLLECTOR });
  }
}
