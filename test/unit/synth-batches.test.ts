/**
 * Synth in batches (cli/lib/cache/incremental.ts `build()`): tenant stacks built in short-lived
 * apps of a few stacks each, the shared stacks last with the batches' references replayed onto
 * them. The output, manifest.json included, must be byte-identical to a full `app.synth()` of
 * the same inputs: cold, in batches of one and of two, and partially (some tenant stacks rebuilt
 * in batches, the shared producers partly from the cache). A batch's app holds only the shared
 * stacks tenant stacks are given, and its stacks are prepared in one pass (main.ts
 * prepareInOnePass): what cdktf's two passes write, and cdktf's two passes for a stack with an
 * aspect that may not be applied early (negative control: forced, the output differs). The copy
 * of cdktf's stack synthesizer (main.ts synthesizeStacksDirectly) writes what cdktf's own writes,
 * and applies an aspect added after the one pass to every node, as cdktf does.
 *
 * Negative controls: shared stacks built without the tenant stacks' references differ from a
 * full run (so the comparison sees a batch whose references were lost); a token created after a
 * mark is forgotten and fails loudly when used, one created before it still resolves.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aspects, DefaultTokenResolver, type IAspect, Lazy, StringConcat, TerraformStack, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';
import { IncrementalSynth } from '../../cli/lib/cache/incremental';
import { SynthCache } from '../../cli/lib/cache/store';
import { loadInputs } from '../../config/inputs';
import type { Tenant } from '../../config/tenant-schema';
import { buildApp, forgetTokensSince, prepareInOnePass, resolveStacksOnce, synthesizeStacksDirectly, tokenMark } from '../../main';
import { PreventDestroyAspect } from '../../constructs/protection';
import { isTaggable, TaggingAspect } from '../../constructs/tagging';
import { ROOT } from '../helpers/tools';

const work = mkdtempSync(join(tmpdir(), 'synth-batches-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const dir = (label: string) => join(work, `${dirs++}-${label}`);

const inputs = loadInputs();

function full(tenants: Tenant[], tenantStacks?: () => boolean): string {
  const outdir = dir('full');
  buildApp({ environments: inputs.environments, tenants, models: inputs.models, outdir, tenantStacks }).synth();
  return outdir;
}

function batched(tenants: Tenant[], cache: string, batchSize: number) {
  const outdir = dir(`batches-of-${batchSize}`);
  const report = new IncrementalSynth({ environments: inputs.environments, tenants, models: inputs.models, outdir, cache: SynthCache.open(cache), root: ROOT, batchSize }).run();
  return { outdir, report };
}

function diff(a: string, b: string): string {
  const r = spawnSync('diff', ['-r', a, b], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout;
}

const tenantStacks = inputs.environments.reduce((n, env) => n + inputs.tenants.filter((t) => t.spec.environments.includes(env.name)).length, 0);

describe('synth in batches', () => {
  const reference = full(inputs.tenants);

  it('the example tenants make more than one batch (else the tests below would not exercise batching)', () => {
    assert.ok(tenantStacks >= 3, `${tenantStacks} tenant stacks`);
  });

  for (const size of [1, 2]) {
    it(`cold, in batches of ${size}: byte-identical to a full run, manifest.json included`, () => {
      const { outdir, report } = batched(inputs.tenants, dir('cache'), size);
      assert.equal(report.reused.length, 0);
      assert.equal(diff(reference, outdir), '');
    });
  }

  it("a batch's app holds, of the shared stacks, only those tenant stacks are given", () => {
    const { TerraformStack: Stack } = require('cdktf') as typeof import('cdktf');
    const env = inputs.environments[0];
    const app = buildApp({ environments: [env], tenants: inputs.tenants, models: inputs.models, outdir: dir('producers'), tenantProducersOnly: true });
    const names = app.node.findAll().filter((c) => Stack.isStack(c)).map((c) => c.node.id);
    const tenantNames = inputs.tenants.filter((t) => t.spec.environments.includes(env.name)).map((t) => `${env.name}-tenant-${t.metadata.name}`);
    assert.deepEqual(names, [`${env.name}-network`, `${env.name}-platform`, `${env.name}-cluster-config`, ...tenantNames]);
  });

  it('partial: two tenants changed, their stacks rebuilt in batches, the producers partly from the cache', () => {
    const cache = dir('cache');
    batched(inputs.tenants, cache, 1);
    const changed = structuredClone(inputs.tenants);
    for (const t of changed.slice(0, 2)) t.spec.quota.pods += 7;
    const names = new Set(changed.slice(0, 2).flatMap((t) => t.spec.environments.map((e) => `${e}-tenant-${t.metadata.name}`)));
    const { outdir, report } = batched(changed, cache, 1);
    for (const name of names) assert.ok(report.built.includes(name), `${name} rebuilt`);
    assert.ok(report.reused.some((n) => n.endsWith('-platform')), 'a producer of the tenant stacks came from the cache');
    assert.equal(diff(full(changed), outdir), '');
  });

  it('negative control: shared stacks built without the tenant stacks\' references differ from a full run', () => {
    const sharedOnly = full(inputs.tenants, () => false);
    const producers = inputs.environments.flatMap((e) => [`${e.name}-network`, `${e.name}-platform`]);
    const differs = producers.filter((name) => {
      const file = (d: string) => readFileSync(join(d, 'stacks', name, 'cdk.tf.json'), 'utf8');
      return file(sharedOnly) !== file(reference);
    });
    assert.ok(differs.length > 0, 'some producer has outputs only tenant stacks reference');
    assert.notEqual(diff(reference, sharedOnly), '');
  });
});

describe('stacks resolved once', () => {
  it('write what cdktf\'s own toTerraform (which resolves the merged stack a second time) writes, overrides included', () => {
    const proto = TerraformStack.prototype as unknown as { toTerraform: () => unknown };
    try {
      assert.equal(resolveStacksOnce({ PLATFORM_RESOLVE_TWICE: '1' }), false);
      const own = proto.toTerraform;
      const cdktfs = dir('cdktf-own');
      // buildApp installs the copy again: keep cdktf's own for this app.
      const app = buildApp({ environments: inputs.environments, tenants: inputs.tenants, models: inputs.models, outdir: cdktfs });
      proto.toTerraform = own;
      app.synth();
      assert.equal(resolveStacksOnce({}), true);
      assert.notEqual(proto.toTerraform, own, 'the copy is installed');
      const once = dir('resolved-once');
      const app2 = buildApp({ environments: inputs.environments, tenants: inputs.tenants, models: inputs.models, outdir: once });
      let calls = 0;
      const copy = proto.toTerraform;
      proto.toTerraform = function (this: unknown) {
        calls++;
        return copy.call(this);
      };
      app2.synth();
      assert.ok(calls > 0, 'the copy was used');
      assert.equal(diff(cdktfs, once), '');
      const overridden = readFileSync(join(once, 'stacks', `${inputs.environments[0].name}-addons`, 'cdk.tf.json'), 'utf8');
      assert.match(overridden, /"ephemeral"/, 'a stack with raw overrides is among those compared');
    } finally {
      resolveStacksOnce({});
    }
  });
});

describe("the copy of cdktf's stack synthesizer", () => {
  const proto = (require('cdktf/lib/synthesize/synthesizer') as { StackSynthesizer: { prototype: { synthesize: unknown } } }).StackSynthesizer.prototype;

  it("writes what cdktf's own writes, manifest.json included", () => {
    try {
      const cdktfs = dir('cdktf-synthesizer');
      const app = buildApp({ environments: inputs.environments, tenants: inputs.tenants, models: inputs.models, outdir: cdktfs });
      // buildApp installs the copy: cdktf's own for this app.
      assert.equal(synthesizeStacksDirectly({ PLATFORM_CDKTF_SYNTHESIZER: '1' }), false);
      const own = proto.synthesize;
      app.synth();
      const copied = dir('copied-synthesizer');
      const app2 = buildApp({ environments: inputs.environments, tenants: inputs.tenants, models: inputs.models, outdir: copied });
      assert.notEqual(proto.synthesize, own, 'the copy is installed');
      let calls = 0;
      const copy = proto.synthesize as (this: unknown, session: unknown) => void;
      proto.synthesize = function (this: unknown, session: unknown) {
        calls++;
        return copy.call(this, session);
      };
      app2.synth();
      assert.ok(calls > 0, 'the copy was used');
      assert.equal(diff(cdktfs, copied), '');
    } finally {
      synthesizeStacksDirectly({});
    }
  });
});

describe('stacks prepared in one pass', () => {
  const env = inputs.environments[0];
  const mine = inputs.tenants.filter((t) => t.spec.environments.includes(env.name));

  /** An aspect that puts a reference to the network stack's resource group in a tag: not one that may be applied before cdktf does. */
  class ReferencingAspect implements IAspect {
    constructor(private readonly target: () => string) {}
    visit(node: IConstruct): void {
      if (isTaggable(node)) node.tags = { ...(node.tagsInput ?? {}), 'network-group': this.target() };
    }
    overwritesToken(): boolean {
      return false;
    }
  }

  /**
   * The tenant stacks of one environment synthesized as a batch does (prepared, then each one's
   * synthesizer), and then the network stack with the outputs they registered: prepared by cdktf
   * (`cdktf`), by prepareInOnePass (`one pass`), or by it with the referencing aspect counted as
   * one that may be applied early (`forced`). `twist`: the referencing aspect added to every
   * tenant stack, or a resource's own `env` tag (which the tagging aspect overwrites) set to a
   * reference to the network stack.
   */
  function tenantStacks(how: 'cdktf' | 'one pass' | 'forced', twist?: 'referencing aspect' | 'own env tag' | 'late aspect'): { files: Record<string, string>; onePass: boolean[] } {
    const outdir = dir(`one-pass-${how.replace(' ', '-')}`);
    const app = buildApp({ environments: [env], tenants: mine, models: inputs.models, outdir, tenantProducersOnly: true });
    // The reference is cdktf's own synthesis throughout: its synthesizer too (buildApp installed the copy).
    if (how === 'cdktf') synthesizeStacksDirectly({ PLATFORM_CDKTF_SYNTHESIZER: '1' });
    const stacks = app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
    const networkStack = stacks.find((st) => st.node.id === `${env.name}-network`)!;
    const network = networkStack as unknown as { resourceGroup: { name: string; location: string } };
    const tenants = stacks.filter((st) => st.node.id.includes('-tenant-'));
    if (twist === 'referencing aspect') for (const st of tenants) Aspects.of(st).add(new ReferencingAspect(() => network.resourceGroup.name));
    if (twist === 'own env tag') {
      for (const st of tenants) {
        const resource = st.node.findAll().find(isTaggable)!;
        resource.tags = { ...(resource.tagsInput ?? {}), env: network.resourceGroup.location };
      }
    }
    const onePass = tenants.map((st) => {
      if (how === 'cdktf') return (st.prepareStack(), false);
      return how === 'forced' ? prepareInOnePass(st, [TaggingAspect, PreventDestroyAspect, ReferencingAspect]) : prepareInOnePass(st);
    });
    // An aspect added between preparing and synthesizing: cdktf's synthesis applies it to every node.
    if (twist === 'late aspect') for (const st of tenants) Aspects.of(st).add(new TaggingAspect({ env: 'late', tier: 'late', tenant: 'late', app: 'late', 'cost-center': 'late', 'managed-by': 'late' }));
    const session = { outdir, skipValidation: app.skipValidation, manifest: app.manifest };
    try {
      for (const st of tenants) st.synthesizer.synthesize(session);
      networkStack.prepareStack();
      networkStack.synthesizer.synthesize(session);
    } finally {
      synthesizeStacksDirectly({});
    }
    const files = Object.fromEntries([...tenants, networkStack].map((st) => [st.node.id, readFileSync(join(outdir, 'stacks', st.node.id, 'cdk.tf.json'), 'utf8')]));
    return { files, onePass };
  }

  it("writes what cdktf's two passes write, in one pass for every tenant stack", () => {
    const cdktfs = tenantStacks('cdktf');
    const once = tenantStacks('one pass');
    assert.ok(mine.length >= 2 && once.onePass.every(Boolean), `one pass taken: ${once.onePass}`);
    assert.deepEqual(once.files, cdktfs.files);
    assert.match(Object.values(once.files)[0], /cross-stack-reference-input-/, 'the stacks reference shared stacks');
  });

  it('applies an aspect added after the one pass to every node, as cdktf does (the aspects already applied are not applied again)', () => {
    const cdktfs = tenantStacks('cdktf', 'late aspect');
    const once = tenantStacks('one pass', 'late aspect');
    assert.ok(once.onePass.every(Boolean));
    assert.deepEqual(once.files, cdktfs.files);
    // Negative control: the late aspect changes what is written, so an aspect pass that skipped it would be seen.
    assert.notDeepEqual(once.files, tenantStacks('one pass').files);
    assert.match(Object.values(once.files)[0], /"env": "late"/);
  });

  it('takes cdktf\'s two passes for a stack with any other aspect; forced, the result differs (negative control)', () => {
    const cdktfs = tenantStacks('cdktf', 'referencing aspect');
    const guarded = tenantStacks('one pass', 'referencing aspect');
    assert.ok(guarded.onePass.every((taken) => !taken), 'refused');
    assert.deepEqual(guarded.files, cdktfs.files);
    const forced = tenantStacks('forced', 'referencing aspect');
    assert.ok(forced.onePass.every(Boolean));
    assert.notDeepEqual(forced.files, cdktfs.files);
  });

  it("takes cdktf's two passes where an aspect would overwrite a token; forced, the producer's outputs differ (negative control)", () => {
    const cdktfs = tenantStacks('cdktf', 'own env tag');
    const guarded = tenantStacks('one pass', 'own env tag');
    assert.ok(guarded.onePass.every((taken) => !taken), 'refused');
    assert.deepEqual(guarded.files, cdktfs.files);
    const proto = TaggingAspect.prototype as unknown as { overwritesToken: (node: IConstruct) => boolean };
    const own = proto.overwritesToken;
    proto.overwritesToken = () => false;
    try {
      const forced = tenantStacks('one pass', 'own env tag');
      assert.ok(forced.onePass.every(Boolean));
      const network = `${env.name}-network`;
      assert.notEqual(forced.files[network], cdktfs.files[network], 'cdktf registers the overwritten reference before the aspect runs');
    } finally {
      proto.overwritesToken = own;
    }
  });
});

describe('forgetting tokens', () => {
  const resolveIn = (stack: TerraformStack, value: unknown) => Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }) as unknown;

  it('forgets the tokens created after the mark, which then fail loudly; earlier ones still resolve (negative control)', () => {
    const app = buildApp({ environments: [], models: inputs.models, outdir: dir('tokens') });
    const stack = new TerraformStack(app, 'tokens');
    const before = Lazy.stringValue({ produce: () => 'before' });
    const mark = tokenMark();
    const after = Lazy.stringValue({ produce: () => 'after' });
    const afterNumber = Lazy.numberValue({ produce: () => 42 });
    assert.equal(resolveIn(stack, after), 'after', 'resolves before it is forgotten');
    assert.equal(forgetTokensSince(mark), 2);
    assert.throws(() => resolveIn(stack, after), /Unrecognized Token Key/);
    assert.throws(() => resolveIn(stack, afterNumber), /number token/i);
    assert.equal(resolveIn(stack, before), 'before');
  });
});
