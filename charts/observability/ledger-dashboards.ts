/**
 * One cost dashboard per tenant of the environment, from the cost ledger's totals (the ledger
 * exporter's counters: charts/ledger/exporter.ts), each in a Grafana folder of its own
 * (`Tenant <name>`) so folder permissions can be granted per tenant (docs/cost-ledger.md).
 */
import type { Tenant } from '../../config/tenant-schema';
import { seriesOf, type MetricKey } from '../../catalog/services';
import type { Dashboard } from './chart';
import { dashboard } from './dashboard-builder';

export const ledgerDashboardName = (tenant: string) => `ledger-${tenant}`;
export const ledgerFolder = (tenant: string) => `Tenant ${tenant}`;

export function ledgerDashboards(tenants: readonly Tenant[], env: string): Dashboard[] {
  return tenants
    .filter((t) => t.spec.environments.includes(env))
    .map((t) => {
      const name = t.metadata.name;
      const s = (metric: MetricKey) => seriesOf(metric, 'ledgerExporter', `tenant="${name}"`);
      const built = dashboard({
        name: ledgerDashboardName(name),
        uid: `ledger-${name}`.slice(0, 40),
        title: `Tenant ${name} / LLM cost ledger`,
        tags: ['ledger', 'tenant', name],
        time: '7d',
        panels: [
          { title: 'Cost, last 24 h', type: 'stat', unit: 'currencyUSD', targets: [{ expr: `sum by (currency) (increase(${s('ledgerCost')}[24h]))`, legend: '{{currency}}', instant: true }] },
          { title: 'Cost, last 30 days', type: 'stat', unit: 'currencyUSD', targets: [{ expr: `sum by (currency) (increase(${s('ledgerCost')}[30d]))`, legend: '{{currency}}', instant: true }] },
          { title: 'Cost per hour by model', unit: 'currencyUSD', targets: [{ expr: `sum by (model, currency) (increase(${s('ledgerCost')}[1h]))`, legend: '{{model}} ({{currency}})' }] },
          {
            title: 'Tokens per hour by model',
            unit: 'short',
            targets: [
              { expr: `sum by (model) (increase(${s('ledgerInputTokens')}[1h]))`, legend: '{{model}} input' },
              { expr: `sum by (model) (increase(${s('ledgerOutputTokens')}[1h]))`, legend: '{{model}} output' },
            ],
          },
          { title: 'LLM runtime per hour by model', unit: 's', targets: [{ expr: `sum by (model) (increase(${s('ledgerRuntime')}[1h]))`, legend: '{{model}}' }] },
          { title: 'LLM calls per hour by model', unit: 'short', targets: [{ expr: `sum by (model) (increase(${s('ledgerCalls')}[1h]))`, legend: '{{model}}' }] },
          {
            title: 'Agent tasks with LLM calls (all time)',
            type: 'stat',
            unit: 'short',
            description: 'Tasks whose calls carried a task id (docs/cost-ledger.md "Task ids"); per-task detail is in the ledger API (ledger_api.tasks)',
            targets: [{ expr: `sum(${s('ledgerTasks')})`, instant: true }],
          },
          { title: 'Cost per 1k tokens by model, last 24 h', unit: 'currencyUSD', targets: [{ expr: `1000 * sum by (model) (increase(${s('ledgerCost')}[24h])) / clamp_min(sum by (model) (increase(${s('ledgerInputTokens')}[24h]) + increase(${s('ledgerOutputTokens')}[24h])), 1)`, legend: '{{model}}' }] },
        ],
      });
      return { ...built, folder: ledgerFolder(name) };
    });
}
