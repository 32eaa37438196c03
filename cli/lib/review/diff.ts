/**
 * Compares two synth outputs (cdktf.out of the base and of the head) without Terraform or a
 * cloud account: stacks added and removed, resources created, changed, rotated, replaced and
 * deleted (by construct path), attribute diffs with secrets redacted, what the provider does
 * with each change (catalog/provider-facts), protected resources at risk, construct renames,
 * and the tenant retirement path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATEFUL_RESOURCE_TYPES } from '../../../constructs/protection';
import { RETIRED_TENANT_OUTPUT } from '../../../stacks/tenant-stack';
import { leafDiff, redact, SECRET_NAME } from './leaf-diff';
import { envOf, isProduction, type Action, type AttributeChange, type EnvironmentInfo, type Finding, type ResourceChange, type Review, type StackSummary } from './model';
import { attributeEffect, isSensitive } from './replacement';
import { TENANT_STACK, tenantChanges } from './tenants';

type Json = Record<string, any>;

export interface SynthOutput {
  readonly manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
  /**
   * Parsed on first access: a review of thousands of stacks reads few of them. Read-only: an
   * edit to a parsed stack is not seen by `sameStack`, which compares `raw`; build a new output
   * (without `raw`) to compare edited stacks.
   */
  readonly stacks: Record<string, Json>;
  /** Each stack's file as written: equal bytes are an unchanged stack, with nothing to parse (absent: compare the parsed stacks). */
  readonly raw?: ReadonlyMap<string, Buffer>;
}

/** A synth output from its files (paths relative to the output folder, as cdktf writes them). */
export function synthOutputOf(file: (path: string) => Buffer | undefined, where: string): SynthOutput {
  const manifestFile = file('manifest.json');
  if (!manifestFile) throw new Error(`${where}/manifest.json does not exist: the synth output is missing`);
  const manifest = JSON.parse(manifestFile.toString('utf8')) as SynthOutput['manifest'];
  const raw = new Map<string, Buffer>();
  const stacks: Record<string, Json> = {};
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    const bytes = file(entry.synthesizedStackPath);
    if (!bytes) throw new Error(`${where}/${entry.synthesizedStackPath} does not exist, but the manifest lists ${name}`);
    raw.set(name, bytes);
    let parsed: Json | undefined;
    Object.defineProperty(stacks, name, { enumerable: true, get: () => (parsed ??= JSON.parse(bytes.toString('utf8')) as Json) });
  }
  return { manifest, stacks, raw };
}

export function readSynthOutput(dir: string): SynthOutput {
  return synthOutputOf((path) => (existsSync(join(dir, path)) ? readFileSync(join(dir, path)) : undefined), dir);
}

/** Whether a stack is byte-for-byte the same on both sides (false where either lacks it). */
export function sameStack(base: SynthOutput, head: SynthOutput, name: string): boolean {
  const b = base.raw?.get(name);
  const h = head.raw?.get(name);
  return b !== undefined && h !== undefined && b.equals(h);
}

/** Stacks whose synthesized JSON differs in any way (resources, providers, backend, outputs). */
export function changedStacks(base: SynthOutput, head: SynthOutput): string[] {
  return Object.keys(head.stacks).filter((name) => !sameStack(base, head, name) && JSON.stringify(base.stacks[name]) !== JSON.stringify(head.stacks[name]));
}

/** The attribute changes of one resource, each with what the provider does with it. */
export function attributeChanges(type: string, before: Json, after: Json): AttributeChange[] {
  return leafDiff(before, after).map(({ path, before: b, after: a }) => {
    const sensitive = SECRET_NAME.test(path) || isSensitive(type, path);
    const effect = attributeEffect(type, path, before, after);
    return {
      path,
      before: sensitive ? redact(b) : b,
      after: sensitive ? redact(a) : a,
      sensitive,
      effect: effect.effect,
      ...('reason' in effect ? { reason: effect.reason } : {}),
    };
  });
}

/** The strongest effect decides the action; "may replace" and "fails" are reported as findings on an update. */
function actionOf(attributes: AttributeChange[]): Action {
  if (attributes.some((a) => a.effect === 'replace')) return 'replace';
  if (attributes.some((a) => a.effect === 'rotation')) return 'rotate';
  return 'update';
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

function isProtected(r: Resource): boolean {
  return r.config.lifecycle?.prevent_destroy === true || STATEFUL_RESOURCE_TYPES.has(r.type);
}

/** The name Azure or Kubernetes knows a resource by; equal names across a delete+create mean a rename. */
function cloudName(r: Resource): string | undefined {
  return r.config.name ?? r.config.metadata?.name ?? r.config.manifest?.metadata?.name;
}

function deployOrder(manifests: SynthOutput['manifest'][]): Map<string, { deps: string[]; order: number }> {
  const deps = new Map<string, string[]>();
  for (const m of manifests) for (const [name, s] of Object.entries(m.stacks)) deps.set(name, [...new Set([...(deps.get(name) ?? []), ...s.dependencies])].sort());
  const out = new Map<string, { deps: string[]; order: number }>();
  let order = 0;
  while (out.size < deps.size) {
    const ready = [...deps.keys()].filter((n) => !out.has(n) && deps.get(n)!.every((d) => out.has(d) || !deps.has(d))).sort();
    if (ready.length === 0) break;
    for (const n of ready) out.set(n, { deps: deps.get(n)!, order: order++ });
  }
  return out;
}

export const isRetiredTenantStack = (stack: Json | undefined) => stack?.output?.[RETIRED_TENANT_OUTPUT]?.value === true;

export type SynthDiff = Pick<Review, 'stacks' | 'resources' | 'tenants' | 'findings'>;

export function diffSynthOutputs(base: SynthOutput, head: SynthOutput, environments: EnvironmentInfo[]): SynthDiff {
  const order = deployOrder([base.manifest, head.manifest]);
  const names = [...order.keys()].sort((a, b) => order.get(a)!.order - order.get(b)!.order);
  const changes: ResourceChange[] = [];
  const stacks: StackSummary[] = [];

  for (const name of names) {
    const env = envOf(name);
    if (sameStack(base, head, name)) {
      stacks.push({ name, env, status: 'unchanged', create: 0, update: 0, rotate: 0, replace: 0, delete: 0, dependsOn: order.get(name)!.deps });
      continue;
    }
    const before = resources(base.stacks[name]);
    const after = resources(head.stacks[name]);
    const stackChanges: ResourceChange[] = [];
    for (const [key, b] of before) {
      const a = after.get(key);
      if (!a) {
        stackChanges.push({ stack: name, env, type: b.type, id: b.id, path: b.path, action: 'delete', attributes: [], protected: isProtected(b) });
        continue;
      }
      const attributes = attributeChanges(b.type, b.config, a.config);
      if (attributes.length === 0) continue;
      stackChanges.push({ stack: name, env, type: a.type, id: a.id, path: a.path, action: actionOf(attributes), attributes, protected: isProtected(b) });
    }
    for (const [key, a] of after) {
      if (before.has(key)) continue;
      const renamed = [...before.values()].find((b) => b.type === a.type && !after.has(`${b.type}.${b.id}`) && cloudName(b) !== undefined && cloudName(b) === cloudName(a));
      stackChanges.push({
        stack: name, env, type: a.type, id: a.id, path: a.path, action: 'create', attributes: [], protected: false,
        ...(renamed ? { renamedFrom: { id: renamed.id, path: renamed.path } } : {}),
      });
    }
    const count = (action: Action) => stackChanges.filter((c) => c.action === action).length;
    const status = !base.stacks[name] ? 'added' : !head.stacks[name] ? 'removed' : stackChanges.length || JSON.stringify(base.stacks[name]) !== JSON.stringify(head.stacks[name]) ? 'changed' : 'unchanged';
    stacks.push({ name, env, status, create: count('create'), update: count('update'), rotate: count('rotate'), replace: count('replace'), delete: count('delete'), dependsOn: order.get(name)!.deps });
    changes.push(...stackChanges);
  }

  return { stacks, resources: changes, tenants: tenantChanges(base, head, stacks), findings: resourceFindings(base, head, stacks, changes, environments) };
}

function resourceFindings(base: SynthOutput, head: SynthOutput, stacks: StackSummary[], changes: ResourceChange[], environments: EnvironmentInfo[]): Finding[] {
  const findings: Finding[] = [];
  const at = (c: ResourceChange) => ({ env: c.env, stack: c.stack, path: c.path });
  for (const c of changes) {
    const retiring = isRetiredTenantStack(head.stacks[c.stack]);
    if (c.action === 'create' && c.renamedFrom) {
      findings.push({
        level: 'error',
        rule: 'construct-rename',
        ...at(c),
        message: `${c.path} looks like ${c.renamedFrom.path} renamed: Terraform would destroy ${c.type}.${c.renamedFrom.id} and create ${c.type}.${c.id}. Keep the old construct id, or call .moveFromId("${c.type}.${c.renamedFrom.id}") on the new resource (or .moveTo on the old one) so the state moves instead.`,
      });
    }
    const renamedAway = changes.some((x) => x.renamedFrom?.id === c.id && x.stack === c.stack);
    if (c.action === 'delete' && retiring) {
      findings.push({
        level: 'error',
        rule: 'tenant-retirement',
        ...at(c),
        message: `deletes ${c.path} (${c.type})${c.protected ? ', a stateful resource: its data is lost' : ''}; the tenant is retired, so this needs the approve-destroy label on the pull request`,
      });
    } else if ((c.action === 'delete' || c.action === 'replace') && c.protected && !renamedAway) {
      const why = c.action === 'replace' ? ` because ${c.attributes.filter((a) => a.effect === 'replace').map((a) => a.reason).join('; ')}` : '';
      findings.push({
        level: 'error',
        rule: 'protected-destroy',
        ...at(c),
        message: `${c.action === 'delete' ? 'deletes' : 'replaces'} stateful resource ${c.path} (${c.type})${why}; its data is lost and prevent_destroy will stop the apply`,
      });
    }
    for (const a of c.attributes.filter((x) => x.effect === 'fails')) {
      findings.push({ level: 'error', rule: 'will-fail-to-apply', ...at(c), message: `${c.path}: ${a.path} ${JSON.stringify(a.before)} -> ${JSON.stringify(a.after)} will fail to apply: ${a.reason}` });
    }
    const unsure = c.attributes.filter((x) => x.effect === 'may-replace');
    if (unsure.length && c.protected && c.action !== 'replace') {
      findings.push({
        level: isProduction(environments, c.env) ? 'error' : 'warning',
        rule: 'may-replace',
        ...at(c),
        message: `${c.path} (${c.type}) may be replaced: ${unsure.map((a) => `${a.path} (${a.reason})`).join('; ')}; confirm with \`npx platform review --plan\` before merging`,
      });
    }
    if (c.action === 'rotate') {
      const what = c.attributes.filter((a) => a.effect === 'rotation').map((a) => a.path).join(', ');
      findings.push({
        level: 'note',
        rule: 'pool-rotation',
        ...at(c),
        message: `${c.path}: ${what} changes by rotating the node pool: a temporary pool is created with the new settings, the old nodes are cordoned and drained (pods restart, PodDisruptionBudgets apply), then the pool is recreated and the temporary one removed; both pools are billed while it runs`,
      });
    }
  }
  for (const s of stacks.filter((x) => x.status === 'removed')) {
    const tenant = TENANT_STACK.exec(s.name)?.[2];
    const empty = Object.keys(base.stacks[s.name]?.resource ?? {}).length === 0;
    if (tenant && empty) {
      findings.push({ level: 'note', rule: 'stack-removed', env: s.env, stack: s.name, message: `stack ${s.name} is gone after the tenant's retirement; delete its state blob ${s.name}.tfstate from the state container (docs/runbooks/offboarding-a-tenant.md)` });
    } else if (tenant) {
      findings.push({
        level: 'error',
        rule: 'stack-removed',
        env: s.env,
        stack: s.name,
        message: `tenants/${tenant}.yaml was deleted while ${s.name} still has resources: nothing would destroy them. Restore the file, set \`retired: true\` in it, merge and deploy (the review lists what is destroyed), then delete the file (docs/runbooks/offboarding-a-tenant.md)`,
      });
    } else {
      findings.push({
        level: 'error',
        rule: 'stack-removed',
        env: s.env,
        stack: s.name,
        message: `stack ${s.name} is no longer synthesized, but its resources stay in its state: destroy them on purpose first (\`terraform -chdir=cdktf.out/stacks/${s.name} destroy\` from the base commit), then remove the stack`,
      });
    }
  }
  return findings;
}
