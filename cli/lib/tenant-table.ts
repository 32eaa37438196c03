/** `platform tenant list`: tenants with environments, quotas and budgets as a text table. */
import type { Tenant } from '../../config/tenant-schema';

export const TENANT_COLUMNS = ['tenant', 'environments', 'cpu', 'memory', 'gpu', 'pods', 'storage', 'budget/month', 'llm models'] as const;

export function tenantRows(tenants: Tenant[]): string[][] {
  return tenants
    .map((t) => [
      t.metadata.name,
      t.spec.environments.join(','),
      t.spec.quota.cpu,
      t.spec.quota.memory,
      String(t.spec.quota.gpu),
      String(t.spec.quota.pods),
      t.spec.quota.storage,
      `${t.spec.budget.monthly} ${t.spec.budget.currency}`,
      t.spec.llm ? t.spec.llm.models.join(',') || '-' : '-',
    ])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

export function renderTable(header: readonly string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''].join('\n');
}
