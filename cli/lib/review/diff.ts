/**
 * Compares two synth outputs (cdktf.out of the base and of the head) without Terraform or a
 * cloud account: stacks added and removed, resources created, changed, likely replaced and
 * deleted (by construct path), attribute diffs with secrets redacted, protected resources at
 * risk, construct renames that would recreate a resource, and what changes for each tenant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATEFUL_RESOURCE_TYPES } from '../../../constructs/protection';
import type { Action, AttributeChange, Finding, ResourceChange, Review, StackSummary, TenantChange } from './model';

type Json = Record<string, any>;

export interface SynthOutput {
  readonly manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
  readonly stacks: Record<string, Json>;
}

export function readSynthOutput(dir: string): SynthOutput {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`${file} does not exist: the synth output is missing`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as SynthOutput['manifest'];
  const stacks: Record<string, Json> = {};
  for (const [name, entry] of Object.entries(manifest.stacks)) stacks[name] = JSON.parse(readFileSync(join(dir, entry.synthesizedStackPath), 'utf8'));
  return { manifest, stacks };
}

/** Stacks whose synthesized JSON differs in any way (resources, providers, backend, outputs). */
export function changedStacks(base: SynthOutput, head: SynthOutput): string[] {
  return Object.keys(head.stacks).filter((name) => JSON.stringify(base.stacks[name]) !== JSON.stringify(head.stacks[name]));
}

/** Attribute names that look like secrets; their values never appear in a review. */
const SENSITIVE = /(password|secret|token|private_key|access_key|primary_key|secondary_key|connection_string|sas|certificate|kube_config|client_key)/i;

/** Attributes whose change destroys and recreates the resource (azurerm ForceNew, Kubernetes identity). */
const FORCES_NEW_ANY = new Set(['name', 'location', 'resource_group_name', 'metadata.name', 'metadata.namespace']);
const FORCES_NEW_BY_TYPE: Record<string, string[]> = {
  azurerm_kubernetes_cluster: ['dns_prefix', 'node_resource_group', 'private_cluster_enabled', 'network_profile.network_plugin', 'network_profile.pod_cidr', 'network_profile.service_cidr'],
  azurerm_kubernetes_cluster_node_pool: ['kubernetes_cluster_id', 'vm_size', 'zones', 'os_sku', 'os_disk_type', 'priority', 'host_encryption_enabled', 'vnet_subnet_id'],
  azurerm_key_vault: ['tenant_id'],
  azurerm_storage_account: ['account_kind'],
  azurerm_subnet: ['virtual_network_name'],
  azurerm_private_endpoint: ['subnet_id', 'private_service_connection.private_connection_resource_id'],
  azurerm_federated_identity_credential: ['parent_id', 'issuer', 'subject'],
  azurerm_role_assignment: ['scope', 'principal_id', 'role_definition_name', 'role_definition_id'],
  azurerm_user_assigned_identity: [],
  kubernetes_manifest: ['manifest.metadata.name', 'manifest.metadata.namespace', 'manifest.kind', 'manifest.apiVersion'],
};

function forcesNew(type: string, path: string): boolean {
  const normalized = path.replace(/\.\d+(?=\.|$)/g, '');
  return FORCES_NEW_ANY.has(normalized) || (FORCES_NEW_BY_TYPE[type] ?? []).includes(normalized);
}

interface Resource {
  readonly type: string;
  readonly id: string;
  readonly path: string;
  readonly config: Json;
}

function resources(stack: Json | undefined): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const [type, byId] of Object.entries<Record<string, Json>>(stack?.resource ?? {})) {
    for (const [id, config] of Object.entries(byId)) out.set(`${type}.${id}`, { type, id, path: config['//']?.metadata?.path ?? id, config });
  }
  return out;
}

/** Leaf-level differences between two values, ignoring cdktf's "//" metadata. */
export function attributeDiff(type: string, before: unknown, after: unknown, prefix = ''): AttributeChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== '//').sort();
    return keys.flatMap((k) => attributeDiff(type, before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.every(isObject) && after.every(isObject)) {
    return before.flatMap((b, i) => attributeDiff(type, b, after[i], `${prefix}.${i}`));
  }
  const sensitive = SENSITIVE.test(prefix);
  // Hide values, not whether there is one: "(unset) -> (sensitive)" says a secret was added.
  const hide = (v: unknown) => (sensitive && v !== undefined ? '(sensitive)' : v);
  return [{ path: prefix, before: hide(before), after: hide(after), sensitive, forcesReplacement: forcesNew(type, prefix) }];
}

function isProtected(r: Resource): boolean {
  return r.config.lifecycle?.prevent_destroy === true || STATEFUL_RESOURCE_TYPES.has(r.type);
}

/** The name Azure or Kubernetes knows a resource by; equal names across a delete+create mean a rename. */
function cloudName(r: Resource): string | undefined {
  return r.config.name ?? r.config.metadata?.name ?? r.config.manifest?.metadata?.name;
}

function deployOrder(manifest: SynthOutput['manifest'][]): Map<string, { deps: string[]; order: number }> {
  const deps = new Map<string, string[]>();
  for (const m of manifest) for (const [name, s] of Object.entries(m.stacks)) deps.set(name, [...new Set([...(deps.get(name) ?? []), ...s.dependencies])].sort());
  const out = new Map<string, { deps: string[]; order: number }>();
  let order = 0;
  while (out.size < deps.size) {
    const ready = [...deps.keys()].filter((n) => !out.has(n) && deps.get(n)!.every((d) => out.has(d) || !deps.has(d))).sort();
    if (ready.length === 0) break;
    for (const n of ready) out.set(n, { deps: deps.get(n)!, order: order++ });
  }
  return out;
}

export function diffSynthOutputs(base: SynthOutput, head: SynthOutput, labels: { base: string; head: string }): Review {
  const order = deployOrder([base.manifest, head.manifest]);
  const names = [...order.keys()].sort((a, b) => order.get(a)!.order - order.get(b)!.order);
  const changes: ResourceChange[] = [];
  const stacks: StackSummary[] = [];
  const findings: Finding[] = [];

  for (const name of names) {
    const before = resources(base.stacks[name]);
    const after = resources(head.stacks[name]);
    const stackChanges: ResourceChange[] = [];
    for (const [key, b] of before) {
      const a = after.get(key);
      if (!a) {
        stackChanges.push({ stack: name, type: b.type, id: b.id, path: b.path, action: 'delete', attributes: [], protected: isProtected(b) });
        continue;
      }
      const attributes = attributeDiff(b.type, b.config, a.config);
      if (attributes.length === 0) continue;
      const action: Action = attributes.some((x) => x.forcesReplacement) ? 'replace' : 'update';
      stackChanges.push({ stack: name, type: a.type, id: a.id, path: a.path, action, attributes, protected: isProtected(b) });
    }
    for (const [key, a] of after) {
      if (before.has(key)) continue;
      const renamed = [...before.values()].find((b) => b.type === a.type && !after.has(`${b.type}.${b.id}`) && cloudName(b) !== undefined && cloudName(b) === cloudName(a));
      stackChanges.push({
        stack: name, type: a.type, id: a.id, path: a.path, action: 'create', attributes: [], protected: false,
        ...(renamed ? { renamedFrom: { id: renamed.id, path: renamed.path } } : {}),
      });
    }
    const count = (action: Action) => stackChanges.filter((c) => c.action === action).length;
    const status = !base.stacks[name] ? 'added' : !head.stacks[name] ? 'removed' : stackChanges.length ? 'changed' : 'unchanged';
    stacks.push({ name, status, create: count('create'), update: count('update'), replace: count('replace'), delete: count('delete'), dependsOn: order.get(name)!.deps });
    changes.push(...stackChanges);
  }

  for (const c of changes) {
    if (c.action === 'create' && c.renamedFrom) {
      findings.push({
        level: 'error',
        rule: 'construct-rename',
        stack: c.stack,
        path: c.path,
        message: `${c.path} looks like ${c.renamedFrom.path} renamed: Terraform would destroy ${c.type}.${c.renamedFrom.id} and create ${c.type}.${c.id}. Keep the old construct id, or call .moveFromId("${c.type}.${c.renamedFrom.id}") on the new resource (or .moveTo on the old one) so the state moves instead.`,
      });
    }
    if ((c.action === 'delete' || c.action === 'replace') && c.protected && !changes.some((x) => x.renamedFrom?.id === c.id && x.stack === c.stack)) {
      findings.push({
        level: 'error',
        rule: 'protected-destroy',
        stack: c.stack,
        path: c.path,
        message: `${c.action === 'delete' ? 'deletes' : 'replaces'} stateful resource ${c.path} (${c.type})${c.action === 'replace' ? ` because ${c.attributes.filter((a) => a.forcesReplacement).map((a) => a.path).join(', ')} changed` : ''}; its data is lost and prevent_destroy will stop the apply`,
      });
    }
  }
  for (const s of stacks.filter((x) => x.status === 'removed')) {
    findings.push({ level: 'error', rule: 'stack-removed', stack: s.name, message: `stack ${s.name} is no longer synthesized; its resources stay in state until destroyed on purpose (cdktf destroy ${s.name})` });
  }

  return { base: labels.base, head: labels.head, stacks, resources: changes, tenants: tenantChanges(base, head, stacks), findings };
}

const TENANT_STACK = /^([a-z0-9]+)-tenant-(.+)$/;

function tenantFacts(stack: Json | undefined): Record<string, string> {
  if (!stack) return {};
  const facts: Record<string, string> = {};
  for (const q of Object.values<Json>(stack.resource?.kubernetes_resource_quota_v1 ?? {})) {
    for (const [k, v] of Object.entries<string>(q.spec?.hard ?? {})) facts[`quota ${k}`] = v;
  }
  for (const b of Object.values<Json>(stack.resource?.azurerm_consumption_budget_subscription ?? {})) {
    facts['monthly budget'] = String(b.amount);
    facts['budget alerts'] = b.notification.map((n: Json) => `${n.threshold}% ${n.threshold_type}`).join(', ');
  }
  const entitlements = stack.output?.router_entitlements?.value;
  if (entitlements) {
    facts['LLM models'] = entitlements.models.join(', ');
    facts['LLM tokens/min'] = String(entitlements.tokensPerMinute);
    facts['LLM requests/min'] = String(entitlements.requestsPerMinute);
    facts['LLM monthly budget'] = String(entitlements.monthlyBudget);
  }
  for (const m of Object.values<Json>(stack.resource?.kubernetes_manifest ?? {})) {
    if (m.manifest.kind === 'AppProject') facts['GitOps repositories'] = m.manifest.spec.sourceRepos.join(', ');
  }
  return facts;
}

function tenantChanges(base: SynthOutput, head: SynthOutput, stacks: StackSummary[]): TenantChange[] {
  const byTenant = new Map<string, StackSummary[]>();
  for (const s of stacks) {
    const m = TENANT_STACK.exec(s.name);
    if (m && s.status !== 'unchanged') byTenant.set(m[2], [...(byTenant.get(m[2]) ?? []), s]);
  }
  return [...byTenant.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([tenant, list]) => {
    const statuses = new Set(list.map((s) => s.status));
    const status = statuses.size === 1 && statuses.has('added') ? 'added' : statuses.size === 1 && statuses.has('removed') ? 'removed' : 'changed';
    const details: string[] = [];
    for (const s of list) {
      const env = s.name.split('-')[0];
      if (s.status === 'added') details.push(`${env}: new namespace ${tenant}, quota, network policies, identity, Key Vault, budget and Argo CD project`);
      else if (s.status === 'removed') details.push(`${env}: namespace ${tenant} and everything in it would be deleted, with its Key Vault (soft-deleted) and budget`);
      else {
        const before = tenantFacts(base.stacks[s.name]);
        const after = tenantFacts(head.stacks[s.name]);
        for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
          if (before[key] !== after[key]) details.push(`${env}: ${key} ${before[key] ?? '(none)'} -> ${after[key] ?? '(none)'}`);
        }
        if (details.length === 0) details.push(`${env}: ${s.update + s.replace} resource(s) change, ${s.create} added, ${s.delete} removed`);
      }
    }
    return { tenant, status, environments: list.map((s) => s.name.split('-')[0]), details };
  });
}
