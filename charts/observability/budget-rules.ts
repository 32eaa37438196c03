/**
 * Tenant-facing LLM budget alerts: each tenant's router spend over the last 30 days against the
 * monthly budget of its entitlement, at 80/90/100 %. The router (LiteLLM) counts spend per team;
 * the team id is the tenant name. Budgets come from the tenant files, one recording rule each.
 */
import type { Tenant } from '../../config/tenant-schema';
import type { RuleGroup } from './slo';

export const ROUTER_SPEND = 'litellm_spend_metric_total';
export const BUDGET_RECORD = 'tenant:llm_budget_monthly:currency';
export const SPEND_RECORD = 'tenant:llm_spend_30d:currency';
export const BUDGET_THRESHOLDS = [
  { percent: 80, severity: 'P3' },
  { percent: 90, severity: 'P2' },
  { percent: 100, severity: 'P2' },
] as const;

export function budgetRuleGroups(tenants: readonly Tenant[], env: string): RuleGroup[] {
  const entitled = tenants.filter((t) => t.spec.environments.includes(env) && t.spec.llm);
  if (entitled.length === 0) return [];
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
        { record: SPEND_RECORD, expr: `sum by (team) (increase(${ROUTER_SPEND}[30d]))` },
        ...BUDGET_THRESHOLDS.map((b) => ({
          alert: `TenantLLMBudget${b.percent}`,
          expr: `${SPEND_RECORD} >= on (team) group_left (currency) (${BUDGET_RECORD} * ${b.percent / 100})`,
          labels: { severity: b.severity, audience: 'tenant' },
          annotations: {
            summary: `Tenant {{ $labels.team }} has spent ${b.percent} % of its monthly LLM budget`,
            description: 'Spend over the last 30 days: {{ $value | printf "%.2f" }} {{ $labels.currency }}. Requests are refused by the router at 100 %.',
          },
        })),
      ],
    },
  ];
}
