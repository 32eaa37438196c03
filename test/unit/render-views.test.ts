/**
 * Each rendered app is built from, and cached on, its view of the tenants and the model
 * catalogue (APPS in cli/lib/render.ts): a tenant edit outside every view re-renders nothing.
 * Checked three ways, each with its negative control: what the workload builders read of the
 * real tenants lies inside their projection (charts/workloads/tenant-view.ts); which keys an edit
 * changes; and, byte for byte, that every app whose render changes has a changed key.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { appKeys } from '../../cli/lib/cache/render-cache';
import { Fingerprints } from '../../cli/lib/cache/fingerprint';
import { appInputs, renderEnvironments, renderItems } from '../../cli/lib/render';
import { loadInputs } from '../../config/inputs';
import type { Tenant } from '../../config/tenant-schema';
import { WORKLOAD_APPS } from '../../charts/workloads/apps';
import { workloadTenant, type WorkloadTenant } from '../../charts/workloads/tenant-view';
import { observabilityTenant, type ObservabilityTenant } from '../../charts/observability/tenant-view';
import { budgetRuleGroups } from '../../charts/observability/budget-rules';
import { ledgerDashboards } from '../../charts/observability/ledger-dashboards';
import { ROOT } from '../helpers/tools';
import { changedNames, editOne as editTenant } from '../helpers/tenant-edits';

const inputs = loadInputs();

/** Normalized paths: array elements as `[]`. */
const child = (path: string, parent: object, key: string) => (Array.isArray(parent) && /^\d+$/.test(key) ? `${path}[]` : `${path}.${key}`);

/** The same object, recording every property path read below it (and `<path>.*` where its keys are listed). */
function traced<T>(value: T, path: string, reads: Set<string>): T {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || (Array.isArray(target) && !/^\d+$/.test(key))) return v;
      const p = child(path, target, key);
      reads.add(p);
      return traced(v, p, reads);
    },
    ownKeys(target) {
      reads.add(`${path}.*`);
      return Reflect.ownKeys(target);
    },
  }) as T;
}

/**
 * The paths a projection keeps: where it copies a value whole (the same object, or a primitive),
 * everything below is kept; where it builds an object of its own, only the keys it gives it.
 */
function kept(full: unknown, projected: unknown, path: string, out: { exact: Set<string>; below: Set<string> }): void {
  if (projected === full) {
    out.below.add(path);
    return;
  }
  // A value of its own that is not an object (undefined, say): the field is not kept.
  if (projected === null || typeof projected !== 'object') return;
  out.exact.add(path);
  for (const key of Object.keys(projected)) kept((full as Record<string, unknown> | undefined)?.[key], (projected as Record<string, unknown>)[key], child(path, projected, key), out);
}

/** Reads outside what `project` keeps of each tenant. */
function outside(reads: Set<string>, tenants: readonly Tenant[], project: (t: Tenant) => WorkloadTenant | ObservabilityTenant): string[] {
  const keep = { exact: new Set<string>(), below: new Set<string>() };
  for (const t of tenants) kept(t, project(t), 'tenant', keep);
  const allowed = (p: string) => keep.exact.has(p) && !p.endsWith('.*') ? true : [...keep.below].some((b) => p === b || p.startsWith(`${b}.`) || p.startsWith(`${b}[`));
  return [...reads].filter((p) => !allowed(p)).sort();
}

describe('workload apps read only their projection of a tenant', () => {
  const active = inputs.tenants.filter((t) => !t.spec.retired);
  const reads = new Set<string>();
  for (const env of inputs.environments) {
    const tenants = active.map((t) => traced(t, 'tenant', reads));
    for (const build of Object.values(WORKLOAD_APPS)) build(new App(), { env, models: inputs.models, tenants, retiredTenants: inputs.tenants.filter((t) => t.spec.retired).map((t) => t.metadata.name) });
  }

  it('every field the builders read of the real tenants is in workloadTenant', () => {
    assert.ok(reads.has('tenant.spec.llm.models[]') && reads.has('tenant.metadata.name'), `the trace saw the reads: ${[...reads].join(', ')}`);
    assert.deepEqual(outside(reads, active, workloadTenant), []);
  });

  it('negative control: a projection without the MCP grants, or with a budget that lost its currency, is caught', () => {
    const noMcp = (t: Tenant) => { const p = workloadTenant(t); return { ...p, spec: { ...p.spec, mcp: undefined as never } }; };
    assert.ok(outside(reads, active, noMcp).some((p) => p.startsWith('tenant.spec.mcp')), 'the MCP hub reads spec.mcp');
    const noCurrency = (t: Tenant) => { const p = workloadTenant(t); return { ...p, spec: { ...p.spec, budget: {} as never } }; };
    assert.deepEqual(outside(reads, active, noCurrency), ['tenant.spec.budget.currency']);
  });
});

describe('the observability app reads only its projection of a tenant', () => {
  // What its builder calls with the tenants (cli/lib/render.ts APPS.observability).
  const reads = new Set<string>();
  const active = inputs.tenants.filter((t) => !t.spec.retired);
  for (const env of inputs.environments) {
    const tenants = active.map((t) => traced(t, 'tenant', reads));
    budgetRuleGroups(tenants, env.name);
    ledgerDashboards(tenants, env.name);
  }

  it('every field the budget rules and cost dashboards read of the real tenants is in observabilityTenant', () => {
    assert.ok(reads.has('tenant.spec.llm.monthlyBudget'), [...reads].join(', '));
    assert.deepEqual(outside(reads, active, observabilityTenant), []);
  });

  it('negative control: a projection without the currency, or without the LLM budget, is caught', () => {
    const noCurrency = (t: Tenant) => { const p = observabilityTenant(t); return { ...p, spec: { ...p.spec, budget: {} as never } }; };
    assert.deepEqual(outside(reads, active, noCurrency), ['tenant.spec.budget.currency']);
    const noBudget = (t: Tenant) => { const p = observabilityTenant(t); return { ...p, spec: { ...p.spec, llm: undefined } }; };
    assert.ok(outside(reads, active, noBudget).includes('tenant.spec.llm.monthlyBudget'));
  });
});

describe('rendered apps keyed on their view', () => {
  const fp = new Fingerprints(ROOT);
  const keysOf = (tenants: Tenant[], blind?: (app: string, view: unknown) => unknown) => {
    const items = renderItems(inputs.environments, appInputs({ models: inputs.models, tenants })).map((i) => (blind ? { ...i, view: blind(i.app, i.view) } : i));
    const keys = appKeys(items, fp);
    return new Map(items.map((i, n) => [i.file, keys[n]]));
  };
  const changedKeys = (tenants: Tenant[], blind?: (app: string, view: unknown) => unknown) => changedNames(keysOf(inputs.tenants, blind), keysOf(tenants, blind));
  const editOne = (edit: (t: Tenant) => void, name?: string): Tenant[] => editTenant(inputs.tenants, edit, name);
  const apps = (files: string[]) => [...new Set(files.map((f) => f.split('/')[1]))].sort();
  const workloadApps = Object.keys(WORKLOAD_APPS).sort();
  const edits: Record<string, () => Tenant[]> = {
    // Outside every app's view: the tenant stacks' concerns.
    quota: () => editOne((t) => { t.spec.quota.pods += 1; t.spec.quota.cpu = '99'; t.spec.budget.monthly += 1; t.spec.owners.contacts = [...t.spec.owners.contacts, 'x@acme.example']; t.spec.network.allowEgressTo = ['api.acme-new.example:443']; t.spec.workflows = { retentionDays: 30 }; }),
    // The observability app's budget rules and the router's entitlements.
    llmBudget: () => editOne((t) => { t.spec.llm!.monthlyBudget += 1; }),
    // The router's entitlements only.
    tokens: () => editOne((t) => { t.spec.llm!.tokensPerMinute += 1; }),
  };

  it('a tenant\'s quota, Azure budget, contacts, egress or Temporal retention changes no app\'s key', () => {
    assert.deepEqual(changedKeys(edits.quota()), []);
  });

  it('a tenant\'s LLM budget changes the observability and the workload apps\' keys; its rate limits only the workload apps\'', () => {
    assert.deepEqual(apps(changedKeys(edits.llmBudget())), ['observability', ...workloadApps].sort());
    assert.deepEqual(apps(changedKeys(edits.tokens())), workloadApps);
  });

  it('an app reading neither tenants nor models keeps its key when both change', () => {
    const models = structuredClone(inputs.models);
    models.models = models.models.slice(1);
    const before = renderItems(inputs.environments, appInputs(inputs));
    const after = renderItems(inputs.environments, appInputs({ models, tenants: inputs.tenants.slice(1) }));
    const k0 = appKeys(before, fp);
    const k1 = appKeys(after, fp);
    const same = before.filter((_, n) => k0[n] === k1[n]).map((i) => i.app);
    assert.deepEqual([...new Set(same)].sort(), ['apps', 'edge', 'gatekeeper-policies', 'image-signatures'].sort());
  });

  it('the keys take in only the views of the loaded inputs (which also hold each tenant file): a quota edit and a comment in a tenant file change none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-views-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    for (const f of readdirSync(join(ROOT, 'tenants')).filter((f) => f.endsWith('.yaml'))) copyFileSync(join(ROOT, 'tenants', f), join(dir, f));
    const keys = () => {
      // The whole loaded inputs, as `platform render` passes them (they also hold each file's text).
      const loaded = loadInputs({ tenantsDir: dir });
      return appKeys(renderItems(loaded.environments, appInputs(loaded)), fp);
    };
    const before = keys();
    const quota = readFileSync(join(dir, 'acme-search.yaml'), 'utf8').replace(/pods: (\d+)/, (_, n: string) => `pods: ${Number(n) + 1}`);
    writeFileSync(join(dir, 'acme-search.yaml'), `# reviewed\n${quota}`);
    assert.deepEqual(keys(), before);
    // Negative control: a field in a view does change them.
    writeFileSync(join(dir, 'acme-search.yaml'), readFileSync(join(dir, 'acme-search.yaml'), 'utf8').replace(/monthlyBudget: (\d+)/, (_, n: string) => `monthlyBudget: ${Number(n) + 1}`));
    assert.notDeepEqual(keys(), before);
  });

  describe('soundness: every app whose render changes has a changed key (byte-compare of full renders)', () => {
    const render = (tenants: Tenant[]) => renderEnvironments(inputs.environments, { models: inputs.models, tenants });
    const before = render(inputs.tenants);
    const outputs = new Map(Object.entries(edits).map(([label, edit]) => { const tenants = edit(); return [label, { tenants, files: render(tenants) }]; }));
    const uncovered = (label: string, blind?: (app: string, view: unknown) => unknown) => {
      const { tenants, files } = outputs.get(label)!;
      assert.deepEqual([...files.keys()].sort(), [...before.keys()].sort());
      const keys = new Set(changedKeys(tenants, blind));
      const changed = [...before.keys()].filter((f) => before.get(f) !== files.get(f)).sort();
      return { changed, uncovered: changed.filter((f) => !keys.has(f)) };
    };

    for (const label of Object.keys(edits)) {
      it(`${label}: no changed render without a changed key`, () => {
        const { changed, uncovered: missed } = uncovered(label);
        assert.deepEqual(missed, [], `changed: ${changed.join(', ')}`);
        if (label !== 'quota') assert.ok(changed.length > 0, 'the edit does change some render');
      });
    }

    it('negative control: an observability view without the budget rules is caught', () => {
      // Each tenant's LLM budget left out: the budget rules change, the key does not.
    const blind = (app: string, view: unknown) => (app === 'observability' ? (view as Tenant[]).map((t) => ({ ...t, spec: { ...t.spec, llm: undefined } })) : view);
      const { uncovered: missed } = uncovered('llmBudget', blind);
      assert.deepEqual(missed, ['dev/observability/manifests.yaml', 'prod/observability/manifests.yaml']);
    });
  });
});
