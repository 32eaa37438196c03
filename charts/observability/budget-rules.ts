/**
 * Tenant-facing LLM budget alerts: each tenant's spend in the router's current budget period
 * against the monthly budget of its entitlement, at 80/90/100 %. The router (LiteLLM) keeps one team
 * per tenant whose team id is the tenant name (charts/workloads/router.ts) and refuses requests once
 * the team's spend reaches its max_budget; the spend exporter (charts/workloads/spend-exporter.ts)
 * reads both from the router's database, because LiteLLM's own spend metrics need an enterprise
 * licence. Budgets come from the tenant files, one recording rule each, so the alerts also notice a
 * router that enforces a different budget than the tenant file says (or none).
 */
import type { Tenant } from '../../config/tenant-schema';
import { METRICS, SERVICES, seriesOf } from '../../catalog/services';
import type { RuleGroup } from './slo';

export const BUDGET_RUNBOOK = 'docs/runbooks/llm-budget.md';
export const BUDGET_RECORD = 'tenant:llm_budget_monthly:currency';
/** Spend in the router's budget period, one series per team however many exporter replicas report it. */
export const SPEND_RECORD = 'tenant:llm_spend:currency';
export const ROUTER_BUDGET_RECORD = 'tenant:llm_router_max_budget:currency';
export const BUDGET_THRESHOLDS = [
  { percent: 80, severity: 'P3' },
  { percent: 90, severity: 'P2' },
  { percent: 100, severity: 'P2' },
] as const;

const exporter = SERVICES.spendExporter;

export function budgetRuleGroups(tenants: readonly Tenant[], env: string): RuleGroup[] {
  const entitled = tenants.filter((t) => t.spec.environments.includes(env) && t.spec.llm);
  if (entitled.length === 0) return [];
  const spend = seriesOf('teamSpend', 'spendExporter');
  const routerBudget = seriesOf('teamMaxBudget', 'spendExporter');
  return [
    {
      name: 'tenant-llm-budget',
      interval: '5m',
      rules: [
        ...entitled.map((t) => ({
          record: BUDGET_RECORD,
          expr: `vector(${t.spec.llm!.monthlyBudget})`,
          labels: { team: t.metadata.name, currency: t.spec.budget.currency },
        })),
        // max, not sum: during a rollout two exporter pods report the same team.
        { record: SPEND_RECORD, expr: `max by (team) (${spend})` },
        { record: ROUTER_BUDGET_RECORD, expr: `max by (team) (${routerBudget})` },
        ...BUDGET_THRESHOLDS.map((b) => ({
          alert: `TenantLLMBudget${b.percent}`,
          expr: `${SPEND_RECORD} >= on (team) group_left (currency) (${BUDGET_RECORD} * ${b.percent / 100})`,
          labels: { severity: b.severity, audience: 'tenant' },
          annotations: {
            summary: `Tenant {{ $labels.team }} has spent ${b.percent} % of its monthly LLM budget`,
            description: "Spend in the router's current 30-day budget period: {{ $value | printf \"%.2f\" }} {{ $labels.currency }}. Requests are refused by the router at 100 %.",
            runbook_url: `${BUDGET_RUNBOOK}#tenantllmbudget${b.percent}`,
          },
        })),
        {
          // The router enforces what its team table says; the tenant file is what was agreed.
          alert: 'TenantLLMBudgetNotEnforced',
          // Quiet while the exporter reports nothing at all: TenantLLMSpendUnknown covers that.
          // group_left keeps the record's currency label (one-to-one matching would keep only `team`).
          expr: `((${BUDGET_RECORD} unless on (team) ${ROUTER_BUDGET_RECORD}) or (${BUDGET_RECORD} != on (team) group_left () ${ROUTER_BUDGET_RECORD})) and on () (count(${ROUTER_BUDGET_RECORD}) > 0)`,
          // The team sync runs after every Argo CD sync: a new tenant waits for one.
          for: '30m',
          labels: { severity: 'P3', audience: 'platform' },
          annotations: {
            summary: 'The router does not enforce the monthly LLM budget of tenant {{ $labels.team }}',
            description: "The tenant file sets {{ $value }} {{ $labels.currency }}; the router's team has another max_budget or does not exist (team sync).",
            runbook_url: `${BUDGET_RUNBOOK}#tenantllmbudgetnotenforced`,
          },
        },
        {
          alert: 'TenantLLMSpendUnknown',
          expr: `absent_over_time(${spend}[15m]) and on () (kube_deployment_spec_replicas{namespace="${exporter.namespace}",deployment="${exporter.name}"} > 0)`,
          labels: { severity: 'P3', audience: 'platform' },
          annotations: {
            summary: 'No tenant LLM spend has been read from the router database for 15 minutes',
            description: `${exporter.name} reports no ${METRICS.teamSpend.name}: the budget alerts are blind until it does.`,
            runbook_url: `${BUDGET_RUNBOOK}#tenantllmspendunknown`,
          },
        },
      ],
    },
  ];
}
