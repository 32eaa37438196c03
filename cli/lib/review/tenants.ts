/**
 * The tenant section of a review: for a new tenant every fact a reviewer approves (quota,
 * budget, owners, contacts, LLM entitlements, GitOps repositories) per environment; for a
 * changed one the facts that differ; for a retired one what is destroyed.
 */
import type { SynthOutput } from './diff';
import { envOf, type StackSummary, type TenantChange } from './model';
import { RETIRED_TENANT_OUTPUT } from '../../../stacks/tenant-stack';

type Json = Record<string, any>;

export const TENANT_STACK = /^([a-z0-9]+)-tenant-(.+)$/;

/** What a reviewer approves about a tenant, read from its synthesized stack. */
export function tenantFacts(stack: Json | undefined): Record<string, string> {
  if (!stack) return {};
  const facts: Record<string, string> = {};
  for (const q of Object.values<Json>(stack.resource?.kubernetes_resource_quota_v1 ?? {})) {
    for (const [k, v] of Object.entries<string>(q.spec?.hard ?? {})) facts[`quota ${k}`] = v;
  }
  for (const b of Object.values<Json>(stack.resource?.azurerm_consumption_budget_subscription ?? {})) {
    facts['monthly budget'] = String(b.amount);
    facts['budget alerts'] = b.notification.map((n: Json) => `${n.threshold}% ${n.threshold_type}`).join(', ');
    facts['budget contacts'] = [...new Set(b.notification.flatMap((n: Json) => n.contact_emails ?? []))].join(', ');
  }
  for (const rb of Object.values<Json>(stack.resource?.kubernetes_role_binding_v1 ?? {})) {
    const groups = (rb.subject ?? []).filter((s: Json) => s.kind === 'Group').map((s: Json) => s.name);
    if (groups.length) facts['owners group'] = groups.join(', ');
  }
  const entitlements = stack.output?.router_entitlements?.value;
  if (entitlements) {
    facts['LLM models'] = entitlements.models.join(', ') || '(none)';
    facts['LLM tokens/min'] = String(entitlements.tokensPerMinute);
    facts['LLM requests/min'] = String(entitlements.requestsPerMinute);
    facts['LLM monthly budget'] = String(entitlements.monthlyBudget);
  }
  for (const m of Object.values<Json>(stack.resource?.kubernetes_manifest ?? {})) {
    if (m.manifest.kind === 'AppProject') facts['GitOps repositories'] = m.manifest.spec.sourceRepos.join(', ');
  }
  return facts;
}

export function tenantChanges(base: SynthOutput, head: SynthOutput, stacks: StackSummary[]): TenantChange[] {
  const byTenant = new Map<string, StackSummary[]>();
  for (const s of stacks) {
    const m = TENANT_STACK.exec(s.name);
    if (m && s.status !== 'unchanged') byTenant.set(m[2], [...(byTenant.get(m[2]) ?? []), s]);
  }
  const retired = (name: string) => head.stacks[name]?.output?.[RETIRED_TENANT_OUTPUT]?.value === true;
  return [...byTenant.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tenant, list]) => {
      const statuses = new Set(list.map((s) => (retired(s.name) ? 'retired' : s.status)));
      const only = (s: string) => statuses.size === 1 && statuses.has(s as never);
      const status = only('added') ? 'added' : only('removed') ? 'removed' : only('retired') ? 'retired' : 'changed';
      const details: string[] = [];
      for (const s of list) {
        const env = envOf(s.name);
        const before = tenantFacts(base.stacks[s.name]);
        const after = tenantFacts(head.stacks[s.name]);
        if (s.status === 'added') {
          details.push(...Object.entries(after).map(([k, v]) => `${env}: ${k} ${v}`));
        } else if (retired(s.name)) {
          details.push(`${env}: retired: ${s.delete} resource(s) destroyed on deploy: the namespace and everything in it, its identity, Key Vault (soft-deleted, purge-protected), budget and Argo CD project`);
        } else if (s.status === 'removed') {
          details.push(`${env}: the stack is no longer synthesized`);
        } else {
          const before0 = details.length;
          for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
            if (before[key] !== after[key]) details.push(`${env}: ${key} ${before[key] ?? '(none)'} -> ${after[key] ?? '(none)'}`);
          }
          if (details.length === before0) details.push(`${env}: ${s.update + s.rotate + s.replace} resource(s) change, ${s.create} added, ${s.delete} removed`);
        }
      }
      return { tenant, status, environments: list.map((s) => envOf(s.name)), details };
    });
}
