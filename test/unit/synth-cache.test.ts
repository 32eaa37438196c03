/**
 * The pieces of incremental synth: the content-addressed store (checks, eviction), canonical
 * input hashes, the module graph the code fingerprints come from, the stack-module convention,
 * the read tracer, and the unchanged-output check. Each check has its negative control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack } from 'cdktf';
import { canonicalJson, sha256 } from '../../cli/lib/cache/hash';
import { Fingerprints, InputHashes, stackModule } from '../../cli/lib/cache/fingerprint';
import { plan } from '../../cli/lib/cache/incremental';
import { importSpecifiers, moduleGraph } from '../../cli/lib/cache/module-graph';
import { holdsExactly } from '../../cli/lib/cache/same-output';
import { CACHE_FORMAT, SynthCache } from '../../cli/lib/cache/store';
import { markOwnOutput } from '../../cli/lib/output-dir';
import { synthesisLine } from '../../cli/lib/review/render';
import { loadInputs } from '../../config/inputs';
import { buildApp } from '../../main';
import { TENANT_LIST_CONCERNS } from '../../stacks/names';
import { tenantListViews } from '../../stacks/tenant-views';
import type { Tenant } from '../../config/tenant-schema';
import { ROOT } from '../helpers/tools';
import { changedNames, editOne as editTenant } from '../helpers/tenant-edits';

const key = (s: string) => sha256(s);
const tmp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

describe('synth cache store', () => {
  const open = () => {
    const problems: string[] = [];
    const store = SynthCache.open(join(tmp('store-'), 'cache'), { onProblem: (m) => problems.push(m) });
    return { store, problems };
  };
  const entryFile = (store: SynthCache, k: string) => join(store.dir, k, 'entry');

  it('returns what was stored, part by part', () => {
    const { store } = open();
    store.put(key('a'), 'stack', 'dev-network', { 'cdk.tf.json': '{"a":1}', 'manifest-entry.json': Buffer.from('{}') });
    const parts = store.get(key('a'), 'stack', 'dev-network')!;
    assert.equal(parts.get('cdk.tf.json')!.toString(), '{"a":1}');
    assert.equal(parts.get('manifest-entry.json')!.toString(), '{}');
    assert.equal(store.get(key('b'), 'stack', 'x'), undefined, 'a miss');
    assert.deepEqual(store.stats.problems, []);
  });

  it('detects a truncated, an edited, a foreign and a mislabelled entry, removes it and reports it', () => {
    const cases: [string, (file: string) => void, RegExp][] = [
      ['truncated', (f) => writeFileSync(f, readFileSync(f).subarray(0, readFileSync(f).length - 3)), /does not match its hash/],
      ['header cut', (f) => writeFileSync(f, readFileSync(f).subarray(0, 20)), /no readable header/],
      ['edited, same size', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace('"a":1', '"a":2')), /does not match its hash/],
      ['longer', (f) => writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from('x')])), /beyond what its header lists/],
      ['another version', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace(CACHE_FORMAT, 'platform-synth-cache/0')), /another version of the tool \(format "platform-synth-cache\/0"/],
      ['another kind', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace('"kind":"stack"', '"kind":"deps"')), /is not the stack entry/],
    ];
    for (const [label, damage, why] of cases) {
      const { store, problems } = open();
      store.put(key('a'), 'stack', 'dev-network', { 'cdk.tf.json': '{"a":1}' });
      damage(entryFile(store, key('a')));
      assert.equal(store.get(key('a'), 'stack', 'dev-network'), undefined, label);
      assert.equal(problems.length, 1, label);
      assert.match(problems[0], why, label);
      assert.match(problems[0], /\(dev-network\).*removed, rebuilding it/, label);
      assert.equal(store.has(key('a')), false, `${label}: removed`);
      // Rebuilt: the next put stores a good entry again.
      store.put(key('a'), 'stack', 'dev-network', { 'cdk.tf.json': '{"a":1}' });
      assert.equal(store.get(key('a'), 'stack', 'dev-network')!.get('cdk.tf.json')!.toString(), '{"a":1}', label);
    }
  });

  it('serves an entry read again in the same run as it was checked, until its key is written or removed', () => {
    const { store, problems } = open();
    store.put(key('a'), 'stack', 'x', { p: 'hello' });
    assert.equal(store.get(key('a'), 'stack', 'x')!.get('p')!.toString(), 'hello');
    // Damaged after this run read it: the run still has the bytes it checked; the next run finds the damage.
    writeFileSync(entryFile(store, key('a')), 'damaged');
    assert.equal(store.get(key('a'), 'stack', 'x')!.get('p')!.toString(), 'hello');
    assert.equal(store.stats.hits, 2);
    assert.equal(problems.length, 0);
    const next = SynthCache.open(store.dir, { onProblem: (m) => problems.push(m) });
    assert.equal(next.get(key('a'), 'stack', 'x'), undefined, 'another run reads the file');
    assert.equal(problems.length, 1);
    // Written again, then removed: a read after either goes to the store.
    store.put(key('a'), 'stack', 'x', { p: 'again' });
    assert.equal(store.get(key('a'), 'stack', 'x')!.get('p')!.toString(), 'again');
    store.remove(key('a'));
    assert.equal(store.get(key('a'), 'stack', 'x'), undefined);
  });

  it('an intact entry is not reported (negative control of the checks)', () => {
    const { store, problems } = open();
    store.put(key('a'), 'stack', 'x', { p: 'hello' });
    for (let i = 0; i < 3; i++) assert.ok(store.get(key('a'), 'stack', 'x'));
    assert.deepEqual(problems, []);
  });

  it('evicts the least recently used entries beyond its bound, and sweeps what dead runs left', () => {
    const dir = join(tmp('evict-'), 'cache');
    const store = SynthCache.open(dir, { maxBytes: 10_000 });
    const payload = 'x'.repeat(1000);
    const keys = Array.from({ length: 20 }, (_, i) => key(`e${i}`));
    keys.forEach((k, i) => {
      store.put(k, 'stack', `s${i}`, { p: payload });
      const t = new Date(Date.now() - (100 - i) * 1000);
      utimesSync(join(dir, k, 'entry'), t, t);
    });
    // A hit refreshes an old entry: it must survive.
    assert.ok(store.get(keys[0], 'stack', 's0'));
    mkdirSync(join(dir, '.tmp-999999-abcdef'));
    const { bytes, removed } = store.evict();
    assert.ok(bytes <= 10_000 * 0.8, `${bytes} bytes left`);
    assert.ok(removed > 0);
    assert.ok(store.has(keys[0]), 'the entry just used stays');
    assert.ok(store.has(keys[19]), 'the newest stays');
    assert.equal(store.has(keys[1]), false, 'the oldest unused goes first');
    assert.throws(() => statSync(join(dir, '.tmp-999999-abcdef')), 'a dead run\'s temporary folder is swept');
  });

  it('refuses a folder holding files the tool did not write (eviction deletes inside it)', () => {
    const foreign = tmp('foreign-cache-');
    writeFileSync(join(foreign, 'keep.txt'), 'mine');
    assert.throws(() => SynthCache.open(foreign), /refusing the synth cache/);
    assert.equal(readFileSync(join(foreign, 'keep.txt'), 'utf8'), 'mine');
    const own = join(tmp('own-cache-'), 'cache');
    SynthCache.open(own);
    assert.ok(SynthCache.open(own), 'its own folder again');
  });
});

describe('canonical input hashes', () => {
  it('do not depend on key order, and do differ on any value', () => {
    assert.equal(canonicalJson({ a: 1, b: { c: [1, 2], d: 'x' } }), canonicalJson({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
    assert.notEqual(canonicalJson({ a: '1' }), canonicalJson({ a: 1 }));
    // Negative control: JSON.stringify alone would hash the same input two ways.
    assert.notEqual(JSON.stringify({ a: 1, b: 2 }), JSON.stringify({ b: 2, a: 1 }));
  });

  it('refuse what they cannot hash faithfully', () => {
    for (const bad of [new Map([['a', 1]]), new Date(0), () => 1, new Set([1]), Number.NaN]) assert.throws(() => canonicalJson({ x: bad }), /cannot fingerprint \$\.x/);
  });

  it('hash the real validated inputs', () => {
    const inputs = loadInputs();
    assert.doesNotThrow(() => canonicalJson([inputs.environments, inputs.tenants, inputs.models]));
  });
});

describe('module graph', () => {
  it('reads every form of import, and ignores commented-out ones', () => {
    const text = `import { a,
      b } from './multi';
import type { T } from "./types";
export * from './star';
export { x } from './named';
import './side-effect';
const m = require('./required');
const d = () => import('./dynamic');
// import { gone } from './commented';
/* import { gone2 } from './commented2'; */
const s = "import { fake } from './in-a-string'";
const t = \`\${require('./in-template')}\`;
import { z } from 'zod';`;
    assert.deepEqual(importSpecifiers(text).sort(), ['./dynamic', './in-a-string', './in-template', './multi', './named', './required', './side-effect', './star', './types', 'zod'].sort());
  });

  it('covers every project module that loading main.ts and the render module actually loads', () => {
    const graph = moduleGraph(ROOT);
    // What each entry loads: render.ts loads the charts (render-apps.ts) when it builds its first app.
    const loads: Record<string, string[]> = { 'main.ts': ['main.ts'], 'cli/lib/render.ts': ['cli/lib/render.ts', 'cli/lib/render-apps.ts'] };
    for (const [entry, modules] of Object.entries(loads)) {
      const script = `${modules.map((m) => `require(${JSON.stringify(join(ROOT, m))});`).join(' ')} console.log(JSON.stringify(Object.keys(require.cache)))`;
      const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      const loaded = (JSON.parse(res.stdout) as string[]).filter((f) => f.startsWith(`${ROOT}/`) && !f.includes('/node_modules/')).map((f) => f.slice(ROOT.length + 1));
      assert.ok(loaded.length > 40, `${entry}: ${loaded.length} modules loaded`);
      const closure = new Set(graph.closure(entry));
      assert.deepEqual(loaded.filter((f) => !closure.has(f)), [], `${entry}: loaded but not in the fingerprinted closure`);
      // Negative control: the same check against a narrower closure (one stack's module) does fail.
      const narrow = new Set(graph.closure('stacks/network-stack.ts'));
      assert.ok(loaded.some((f) => !narrow.has(f)), `${entry}: the check would not notice a closure that misses modules`);
    }
  });
});

describe('stack fingerprints', () => {
  const fp = new Fingerprints(ROOT);

  it('cover the module that builds each stack of the real app (the stacks/<concern>-stack.ts convention)', () => {
    const inputs = loadInputs();
    const app = buildApp({ environments: inputs.environments, tenants: inputs.tenants, models: inputs.models, outdir: tmp('fp-app-') });
    const stacks = app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
    assert.ok(stacks.length >= 14);
    const exportedBy = (ctor: unknown) =>
      Object.entries(require.cache).find(([f, m]) => f.startsWith(`${ROOT}/`) && !f.includes('node_modules') && m && Object.values(m.exports as object).includes(ctor))?.[0].slice(ROOT.length + 1);
    for (const st of stacks) {
      const concern = st.node.id.split('-').slice(1).join('-');
      const module = exportedBy(st.constructor);
      assert.equal(module, stackModule(concern), st.node.id);
      assert.ok(fp.stackCodeFiles(concern).includes(module!), st.node.id);
    }
    // Negative control: another stack's module set does not hold it.
    assert.equal(fp.stackCodeFiles('network').includes('stacks/tenant-stack.ts'), false);
  });

  it('follow the module graph: a construct change reaches the stacks that import it and no others', () => {
    const tenant = fp.stackCodeFiles('tenant-acme');
    const addons = fp.stackCodeFiles('addons');
    assert.ok(addons.includes('constructs/addons/release.ts') && !tenant.includes('constructs/addons/release.ts'));
    assert.ok(tenant.includes('constructs/tenant/namespace.ts') && !addons.includes('constructs/tenant/namespace.ts'));
    // Shared code reaches both (the add-ons' namespaces carry the tenant labels).
    assert.ok(tenant.includes('constructs/tenant/labels.ts') && addons.includes('constructs/tenant/labels.ts'));
    // A consumer's fingerprint holds its producers' code: what it references are their construct paths.
    assert.ok(tenant.includes('stacks/network-stack.ts') && tenant.includes('stacks/platform-stack.ts'));
    for (const files of [tenant, addons]) for (const f of ['main.ts', 'stacks/index.ts', 'cli/lib/cache/incremental.ts']) assert.ok(files.includes(f), f);
  });
});

describe('shared stacks and the tenant list', () => {
  it('only the TENANT_LIST_CONCERNS stacks change when every tenant\'s content changes (the other shared stacks get no tenant, and are keyed on none)', () => {
    const inputs = loadInputs();
    const synth = (tenants: typeof inputs.tenants) => {
      const outdir = tmp('tenant-list-');
      buildApp({ environments: inputs.environments, tenants, models: inputs.models, outdir }).synth();
      const out = new Map<string, string>();
      for (const name of readdirSync(join(outdir, 'stacks'))) out.set(name, readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
      return out;
    };
    const before = synth(inputs.tenants);
    // The same stacks, every tenant's content different: egress, budget, quota, contacts.
    const edited = inputs.tenants.map((t) => {
      const c = structuredClone(t);
      c.spec.network.allowEgressTo = [...c.spec.network.allowEgressTo, `api.${c.metadata.name}-changed.example:443`];
      c.spec.budget.monthly += 1;
      c.spec.quota.pods += 1;
      c.spec.owners.contacts = [...c.spec.owners.contacts, `extra@${c.metadata.name}.example`];
      // The control plane reads the retention of each tenant's Temporal namespace.
      c.spec.workflows = { retentionDays: (c.spec.workflows?.retentionDays ?? 7) + 1 };
      // The data stack deploys the cloud models tenants are entitled to (boundaries are not re-checked here).
      if (c.spec.llm) c.spec.llm.models = [...c.spec.llm.models, 'gpt-4-1-global'];
      return c;
    });
    const after = synth(edited);
    assert.deepEqual([...after.keys()], [...before.keys()]);
    const changed = [...before.keys()].filter((name) => before.get(name) !== after.get(name));
    const shared = changed.filter((name) => !inputs.tenants.some((t) => name.endsWith(`-tenant-${t.metadata.name}`)));
    const concerns = [...new Set(shared.map((name) => name.split('-').slice(1).join('-')))].sort();
    // Negative control: the edit does reach the stacks built from the tenant list, and the tenant stacks.
    assert.deepEqual(concerns, [...TENANT_LIST_CONCERNS].sort(), `shared stacks changed by tenant content: ${shared.join(', ')}`);
    assert.ok(changed.length > shared.length, 'the tenant stacks changed too');
  });
});

describe('shared stacks keyed on their view of the tenant list', () => {
  const inputs = loadInputs();
  const fp = new Fingerprints(ROOT);
  const sharedKeys = (tenants: Tenant[], viewsOf = tenantListViews) =>
    new Map(plan({ environments: inputs.environments, tenants, models: inputs.models }, fp, new InputHashes(), viewsOf).filter((p) => !p.tenant).map((p) => [p.name, p.key1]));
  const base = sharedKeys(inputs.tenants);
  const changedKeys = (tenants: Tenant[], viewsOf = tenantListViews) =>
    changedNames(viewsOf === tenantListViews ? base : sharedKeys(inputs.tenants, viewsOf), sharedKeys(tenants, viewsOf));
  const editOne = (edit: (t: Tenant) => void, name?: string): Tenant[] => editTenant(inputs.tenants, edit, name);
  const added = (): Tenant[] => {
    const c = structuredClone(inputs.tenants.find((t) => t.metadata.name === 'acme-search')!);
    c.metadata.name = 'zz-new-tenant';
    c.spec.network.allowEgressTo = [];
    return [...inputs.tenants, c];
  };
  const edits: Record<string, () => Tenant[]> = {
    quota: () => editOne((t) => { t.spec.quota.pods += 1; t.spec.quota.cpu = '99'; }),
    budget: () => editOne((t) => { t.spec.budget.monthly += 1; }),
    egress: () => editOne((t) => { t.spec.network.allowEgressTo = [...t.spec.network.allowEgressTo, 'api.acme-new.example:443']; }),
    // prod has no cloud model before: acme-search's entitlement brings the account and the deployment.
    entitlement: () => editOne((t) => { t.spec.llm!.models = [...t.spec.llm!.models, 'gpt-4-1-global']; }),
    retention: () => editOne((t) => { t.spec.workflows = { retentionDays: (t.spec.workflows?.retentionDays ?? 7) + 5 }; }),
    added,
  };

  it('a quota or budget change leaves every shared stack\'s key unchanged, network, data and control-plane included', () => {
    assert.deepEqual(changedKeys(edits.quota()), []);
    assert.deepEqual(changedKeys(edits.budget()), []);
  });

  it('a tenant\'s egress changes only the network stack\'s key, and only where there is a firewall (prod)', () => {
    assert.equal(inputs.environments.find((e) => e.name === 'dev')!.network.egressFirewall.enabled, false, 'the fixture: dev has no firewall');
    assert.deepEqual(changedKeys(edits.egress()), ['prod-network']);
  });

  it('a tenant\'s entitlement to a cloud model changes the data stack\'s key', () => {
    assert.deepEqual(changedKeys(edits.entitlement()), ['dev-data', 'prod-data']);
  });

  it('a tenant\'s Temporal retention, and a tenant added, change the control-plane stack\'s key', () => {
    assert.deepEqual(changedKeys(edits.retention()), ['dev-control-plane', 'prod-control-plane']);
    assert.deepEqual(changedKeys(edits.added()), ['dev-control-plane', 'prod-control-plane']);
  });

  describe('soundness: every shared stack whose output changes has a changed key', () => {
    const dir = tmp('views-');
    const synthShared = (tenants: Tenant[]) => {
      const outdir = mkdtempSync(join(dir, 'out-'));
      // The shared stacks only: tenant stacks are keyed on their own tenant, and what they reference is the second-level key's.
      buildApp({ environments: inputs.environments, tenants, models: inputs.models, outdir, tenantStacks: () => false }).synth();
      return new Map(readdirSync(join(outdir, 'stacks')).map((name) => [name, readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')]));
    };
    const before = synthShared(inputs.tenants);
    const outputs = new Map(Object.entries(edits).map(([label, edit]) => { const tenants = edit(); return [label, { tenants, out: synthShared(tenants) }]; }));
    /** The identifiers consumers reference in a stack: its second-level key holds them (incremental.ts), so a change there is covered too. */
    const incoming = (json: string) => Object.keys((JSON.parse(json) as { output?: object }).output ?? {}).filter((o) => o.startsWith('cross-stack-output-')).sort().join(',');
    const uncovered = (label: string, viewsOf = tenantListViews) => {
      const { tenants, out } = outputs.get(label)!;
      assert.deepEqual([...out.keys()].sort(), [...before.keys()].sort());
      const keys = new Set([...changedKeys(tenants, viewsOf), ...[...before.keys()].filter((n) => incoming(before.get(n)!) !== incoming(out.get(n)!))]);
      const changed = [...before.keys()].filter((n) => before.get(n) !== out.get(n));
      return { changed, keys: [...keys].sort(), uncovered: changed.filter((n) => !keys.has(n)) };
    };

    for (const label of Object.keys(edits)) {
      it(`${label}: the byte-compare of a full synth of the shared stacks finds no change the keys miss`, () => {
        const { changed, keys, uncovered: missed } = uncovered(label);
        assert.deepEqual(missed, [], `${label} changed ${changed.join(', ')}`);
        // The keys are not coarser than the output either, for these edits: what changes is what is rebuilt.
        assert.deepEqual(changed.sort(), keys);
      });
    }

    it('a stack whose output changes only by what others reference in it (prod-network, once prod has a cloud model) is covered by the references, not by its first-level key', () => {
      const { changed } = uncovered('entitlement');
      assert.ok(changed.includes('prod-network') && !changedKeys(outputs.get('entitlement')!.tenants).includes('prod-network'), changed.join(', '));
    });

    it('negative control: a view that omits what its stack reads (the namespaces\' retention) is caught', () => {
      const blind: typeof tenantListViews = (env, tenants, models) => {
        const views = tenantListViews(env, tenants, models);
        return { ...views, 'control-plane': views['control-plane']?.map((n) => ({ ...n, retentionDays: 0 })) };
      };
      const { uncovered: missed } = uncovered('retention', blind);
      assert.deepEqual(missed, ['dev-control-plane', 'prod-control-plane']);
      // The same wrong view still looks right for an edit that does not touch what it leaves out.
      assert.deepEqual(uncovered('added', blind).uncovered, []);
    });
  });
});

describe('data files the build reads', () => {
  it('no module reads a data file when it is loaded, and rendering reads the dashboards and the workload config', () => {
    const script = `
      const { traceReads } = require('./cli/lib/cache/reads');
      const t = traceReads(process.cwd(), ['config/environments', 'tenants', 'config/models.yaml'].map((p) => require('path').resolve(p)));
      require('./main'); require('./cli/lib/render');
      const atLoad = t.reads();
      const { loadInputs } = require('./config/inputs');
      const inputs = loadInputs();
      require('./cli/lib/render').renderEnvironments(inputs.environments, inputs);
      console.log(JSON.stringify({ atLoad, afterRender: t.reads() }));`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const { atLoad, afterRender } = JSON.parse(res.stdout) as { atLoad: string[]; afterRender: string[] };
    assert.deepEqual(atLoad, [], 'a module that reads a file when loaded could be missed by the tracer');
    for (const f of ['charts/observability/dashboards/tenant.json', 'charts/observability/dashboards', 'config/workloads.yaml', 'config/workloads-images.lock.yaml']) assert.ok(afterRender.includes(f), `${f} in ${afterRender.join(', ')}`);
    assert.ok(afterRender.some((f) => f.endsWith('.rego')));
    for (const f of afterRender) assert.ok(!/^(tenants|config\/environments)\//.test(f) && f !== 'config/models.yaml' && !f.endsWith('.ts'), `${f} is an input or code, not data`);
  });
});

describe('unchanged output check', () => {
  it('is true only for a folder of the tool holding exactly the files', () => {
    const files = new Map([
      ['manifest.json', Buffer.from('{}')],
      ['stacks/a/cdk.tf.json', Buffer.from('{"a":1}')],
    ]);
    const make = () => {
      const dir = join(tmp('same-'), 'out');
      mkdirSync(join(dir, 'stacks/a'), { recursive: true });
      for (const [f, b] of files) writeFileSync(join(dir, f), b);
      markOwnOutput(dir);
      return dir;
    };
    assert.equal(holdsExactly(make(), files), true);
    const extra = make();
    mkdirSync(join(extra, 'stacks/a/.terraform'));
    assert.equal(holdsExactly(extra, files), false, 'an extra folder');
    const changed = make();
    writeFileSync(join(changed, 'stacks/a/cdk.tf.json'), '{"a":2}');
    assert.equal(holdsExactly(changed, files), false, 'a changed byte');
    const missing = make();
    rmSync(join(missing, 'manifest.json'));
    assert.equal(holdsExactly(missing, files), false, 'a missing file');
    const foreign = make();
    rmSync(join(foreign, '.platform-output'));
    assert.equal(holdsExactly(foreign, files), false, 'not the tool\'s folder');
  });
});

describe('review synthesis summary', () => {
  it('says how many stacks were reused on each side', () => {
    const line = synthesisLine({ synthesis: { cache: true, reused: 2030, synthesized: 4, head: { stacks: 1017, reused: 1015, synthesized: 2 }, base: { stacks: 1017, reused: 1015, synthesized: 2 }, renderedApps: { reused: 8, rendered: 4 } } });
    assert.equal(line, 'Synthesis: reused 2030 stacks from the cache (head 1015 of 1017 reused, 2 synthesized; base 1015 of 1017 reused, 2 synthesized); rendered apps 8 of 12 reused. Only tenant files differ, so this code synthesized the base from its tenant files.');
    const apart = synthesisLine({ synthesis: { cache: true, reused: 2030, synthesized: 4, head: { stacks: 1017, reused: 1015, synthesized: 2 }, base: { stacks: 1017, reused: 1015, synthesized: 2 }, baseApart: '1 file(s) besides tenants/ and rendered/ differ (main.ts)' } });
    assert.match(apart!, /The base was synthesized by its own code in a worktree: 1 file\(s\) besides tenants\/ and rendered\/ differ \(main\.ts\)\.$/);
    assert.match(synthesisLine({ synthesis: { cache: true, reused: 0, synthesized: 36, head: { stacks: 18, reused: 0, synthesized: 18 } } })!, /base synthesized in full by its own code/);
    assert.match(synthesisLine({ synthesis: { cache: false, reused: 0, synthesized: 36, head: { stacks: 18, reused: 0, synthesized: 18 } } })!, /--no-cache/);
    assert.equal(synthesisLine({}), undefined);
  });
});
