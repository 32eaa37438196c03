/**
 * Incremental synth: every stack whose fingerprint is in the cache is copied from it, only the
 * rest is synthesized, and the assembled `manifest.json` and `stacks/<name>/cdk.tf.json` are
 * byte-identical to a full run.
 *
 * Each stack has two cache entries:
 *
 * - under its first-level key (code, toolchain, validated inputs, options): what the stack
 *   *asks of others*, namely the cross-stack references it makes (producer stack and
 *   identifier), and the data files the building process read;
 * - under its second-level key (the first-level key, plus the references its consumers make to
 *   it, plus the content of those data files): its `cdk.tf.json` and manifest entry.
 *
 * Producers and consumers: cdktf adds a `cross-stack-output-<identifier>` output to a producer
 * (`<env>-network`) for every attribute some consumer (a tenant stack, the platform stack)
 * references. The producer's JSON therefore depends on its consumers, and its second-level key
 * contains exactly the set of identifiers they reference: taken from the first-level entries of
 * consumers that are not rebuilt, and observed on consumers that are. Adding a tenant that
 * references nothing new leaves the network stack's key unchanged; a consumer that starts
 * referencing a new attribute changes it. When a producer is rebuilt while its consumers come
 * from the cache, their references are replayed onto it (the same call cdktf makes), so it gets
 * the same outputs as in a full run without constructing or resolving the consumers.
 *
 * A partial run constructs the shared stacks of the environments that have anything to rebuild
 * (producers must exist for consumers to reference them; constructing is cheap) and only the
 * tenant stacks it rebuilds; it prepares and synthesizes only the stacks it rebuilds, which is
 * where the time goes (bench/tenants: resolving and writing are about 90 % of synth).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { App, TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../../../config/schema';
import type { Tenant } from '../../../config/tenant-schema';
import type { ModelCatalogue } from '../../../config/models';
import { isTenantListConcern, sharedConcerns, stackName } from '../../../stacks/names';
import { tenantListViews } from '../../../stacks/tenant-views';
import { sha256 } from './hash';
import { stableJson } from '../stable-json';
import { Fingerprints, InputHashes, readJson, stackModule } from './fingerprint';
import { traceReads } from './reads';
import type { SynthCache } from './store';

export interface IncrementalRequest {
  readonly environments: EnvironmentConfig[];
  readonly tenants: Tenant[];
  /** The model catalogue: part of the data stack's view (the cloud models tenants are entitled to). */
  readonly models: ModelCatalogue;
  /** The folder cdktf writes into (a staging folder or a worker's part). */
  readonly outdir: string;
  readonly localBackend?: boolean;
  readonly cache: SynthCache;
  /** Repository root: module graph, data files. */
  readonly root: string;
  /** Files and folders that are validated inputs or outputs, never data dependencies. */
  readonly notData?: string[];
  /** Tenant stacks per batch in a large run (default TENANT_BATCH); see `build()`. */
  readonly batchSize?: number;
}

export interface IncrementalReport {
  /** Stacks copied from the cache. */
  readonly reused: string[];
  /** Stacks synthesized in this run. */
  readonly built: string[];
  /** Damaged or foreign cache entries found and rebuilt. */
  readonly problems: string[];
}

interface Planned {
  readonly name: string;
  readonly env: EnvironmentConfig;
  readonly concern: string;
  readonly tenant?: Tenant;
  readonly key1: string;
}

/** First-level entry: what the stack references in others, and what its build read. */
interface Deps {
  refs: Record<string, string[]>;
  reads: string[];
}

/** Second-level entry parts. */
const JSON_PART = 'cdk.tf.json';
const MANIFEST_PART = 'manifest-entry.json';

type StackManifestEntry = { annotations: { stacktrace?: unknown }[] } & Record<string, unknown>;

/** A stack synthesized in this run, with its manifest entry (its JSON is in the output folder). */
interface BuiltStack {
  readonly name: string;
  readonly manifest: StackManifestEntry;
}

/**
 * Tenant stacks synthesized per app in a large run. Memory grows with the batch (a worker that
 * held all 1,000 tenant stacks of an environment peaked at about 600 MB, one with batches of 200
 * at about 370 MB); each batch also constructs its environments' shared stacks again (about
 * 0.1 s), so smaller batches cost time.
 */
export const TENANT_BATCH = 200;

function cdktfVersion(): string {
  return (JSON.parse(readFileSync(join(dirname(require.resolve('cdktf')), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The stacks addEnvironmentStacks constructs, in its order, with their first-level keys. A shared
 * stack built from the tenant list is keyed on its view of it (stacks/tenant-views.ts, the value
 * stacks/index.ts gives it), a tenant stack on its tenant, any other shared stack on no tenant.
 */
export function plan(
  req: Pick<IncrementalRequest, 'environments' | 'tenants' | 'models' | 'localBackend'>,
  fp: Fingerprints,
  inputs: InputHashes,
  // Tests pass a deliberately wrong one (the negative control of the views' soundness check).
  viewsOf: typeof tenantListViews = tenantListViews,
): Planned[] {
  const toolchain = fp.toolchain();
  const out: Planned[] = [];
  for (const env of req.environments) {
    const envHash = inputs.of(env);
    const views = viewsOf(env, req.tenants, req.models);
    const key1 = (name: string, concern: string, tenantHash: string) =>
      sha256('stack', toolchain, name, fp.code(fp.stackCodeFiles(concern)), envHash, tenantHash, `localBackend=${Boolean(req.localBackend)}`);
    for (const concern of sharedConcerns(env)) {
      const name = stackName(env.name, concern);
      out.push({ name, env, concern, key1: key1(name, concern, isTenantListConcern(concern) ? inputs.of({ view: views[concern] }) : 'no tenant list') });
    }
    for (const tenant of req.tenants.filter((t) => t.spec.environments.includes(env.name))) {
      const concern = `tenant-${tenant.metadata.name}`;
      const name = stackName(env.name, concern);
      out.push({ name, env, concern, tenant, key1: key1(name, concern, inputs.of(tenant)) });
    }
  }
  return out;
}

export function synthesizeIncremental(req: IncrementalRequest): IncrementalReport {
  return new IncrementalSynth(req).run();
}

/**
 * Incremental synth in two steps: `fromCache()` looks every stack up and, when the cache holds
 * all of them, returns the complete output without writing anything (the caller can then see
 * that the output folder already holds exactly that); `run()` synthesizes what is missing and
 * writes the whole output.
 */
export class IncrementalSynth {
  private readonly cache: SynthCache;
  private readonly fp: Fingerprints;
  private readonly planned: Planned[];
  private readonly byName: Map<string, Planned>;
  private readonly tracer;
  /** First-level entries (cached or written in this run). */
  private readonly deps = new Map<string, Deps>();
  /** References observed in this run: consumer -> producer -> identifiers. */
  private readonly observed = new Map<string, Map<string, Set<string>>>();
  /** Stacks resolved in this run: their references are the observed ones, not the cached ones. */
  private readonly prepared = new Set<string>();
  private readonly rebuild = new Set<string>();
  private readonly outputs = new Map<string, { json: Buffer; manifest: StackManifestEntry }>();
  private incomingIndex?: Map<string, string[]>;
  private looked = false;
  private readonly problemsBefore: number;

  constructor(private readonly req: IncrementalRequest) {
    this.cache = req.cache;
    this.problemsBefore = this.cache.stats.problems.length;
    this.tracer = traceReads(req.root, [req.outdir, req.cache.dir, ...(req.notData ?? [])]);
    this.fp = new Fingerprints(req.root);
    this.planned = plan(req, this.fp, new InputHashes());
    this.byName = new Map(this.planned.map((p) => [p.name, p]));
  }

  private lookupAll(): void {
    if (this.looked) return;
    this.looked = true;
    for (const p of this.planned) {
      const d = readJson<Deps>(this.cache.get(p.key1, 'deps', p.name)?.get('deps'));
      if (d && d.refs && typeof d.refs === 'object' && Array.isArray(d.reads)) this.deps.set(p.name, d);
      else this.rebuild.add(p.name);
    }
    // With the references of every stack that has a first-level entry; the build looks again
    // where a rebuilt consumer's references turn out different.
    for (const p of this.planned) if (!this.rebuild.has(p.name) && !this.lookup(p)) this.rebuild.add(p.name);
  }

  /** How many stacks have no first-level entry (existence checks only): what a run will about synthesize. */
  firstLevelMisses(): number {
    return this.planned.filter((p) => !this.cache.has(p.key1)).length;
  }

  /** The complete output (paths relative to the output folder) when every stack is cached, else undefined. */
  fromCache(): Map<string, Buffer> | undefined {
    this.lookupAll();
    return this.rebuild.size > 0 ? undefined : this.files();
  }

  /**
   * The complete output in memory: what the cache holds, and the rest synthesized into the
   * output folder (only those stacks are written there). The review diffs it without writing
   * and reading back thousands of unchanged stacks.
   */
  inMemory(): { files: Map<string, Buffer>; report: IncrementalReport } {
    this.lookupAll();
    const built = this.rebuild.size > 0 ? this.build() : [];
    return { files: this.files(), report: this.report(built) };
  }

  private files(): Map<string, Buffer> {
    const files = new Map<string, Buffer>([['manifest.json', Buffer.from(this.manifest())]]);
    for (const p of this.planned) files.set(`stacks/${p.name}/${JSON_PART}`, this.outputs.get(p.name)!.json);
    return files;
  }

  report(built: string[]): IncrementalReport {
    const builtSet = new Set(built);
    return { reused: this.planned.map((p) => p.name).filter((n) => !builtSet.has(n)), built, problems: this.cache.stats.problems.slice(this.problemsBefore) };
  }

  private manifest(): string {
    const manifest: { version: string; stacks: Record<string, unknown> } = { version: cdktfVersion(), stacks: {} };
    for (const p of this.planned) {
      const out = this.outputs.get(p.name);
      if (!out) throw new Error(`incremental synth: no output for ${p.name}`);
      manifest.stacks[p.name] = out.manifest;
    }
    // As cdktf writes its manifest (json-stable-stringify's text), byte for byte.
    return stableJson(manifest, 2);
  }

  run(): IncrementalReport {
    this.lookupAll();
    const built = this.rebuild.size > 0 ? this.build() : [];
    const builtSet = new Set(built);
    // Assemble: what was built is in place already; the rest is copied from the cache.
    mkdirSync(join(this.req.outdir, 'stacks'), { recursive: true });
    const manifest = this.manifest();
    for (const p of this.planned) {
      if (builtSet.has(p.name)) continue;
      const dir = join(this.req.outdir, 'stacks', p.name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, JSON_PART), this.outputs.get(p.name)!.json);
    }
    writeFileSync(join(this.req.outdir, 'manifest.json'), manifest);
    return this.report(built);
  }

  private referencesBy(consumer: string): Record<string, string[]> {
    if (!this.prepared.has(consumer)) return this.deps.get(consumer)?.refs ?? {};
    const fresh = this.observed.get(consumer) ?? new Map<string, Set<string>>();
    return Object.fromEntries([...fresh].sort(([a], [b]) => (a < b ? -1 : 1)).map(([producer, ids]) => [producer, [...ids].sort()]));
  }

  /** The identifiers every consumer references in `producer` (cached for consumers not resolved here, observed for the others). */
  private incoming(producer: string): string[] {
    if (!this.incomingIndex) {
      const index = new Map<string, Set<string>>();
      for (const p of this.planned) {
        for (const [target, ids] of Object.entries(this.referencesBy(p.name))) {
          const set = index.get(target) ?? new Set<string>();
          index.set(target, set);
          for (const id of ids) set.add(id);
        }
      }
      this.incomingIndex = new Map([...index].map(([k, v]) => [k, [...v].sort()]));
    }
    return this.incomingIndex.get(producer) ?? [];
  }

  private key2(p: Planned): string {
    return sha256('stack-output', p.key1, ...this.incoming(p.name), '\0', this.fp.data(this.deps.get(p.name)?.reads ?? []));
  }

  /** Takes the stack's output from the cache, if there. */
  private lookup(p: Planned): boolean {
    const parts = this.cache.get(this.key2(p), 'stack', p.name);
    const manifest = readJson<StackManifestEntry>(parts?.get(MANIFEST_PART));
    const json = parts?.get(JSON_PART);
    if (!json || !manifest || !Array.isArray(manifest.annotations)) return false;
    this.outputs.set(p.name, { json, manifest });
    return true;
  }

  /** `unreferenced`: nothing references the stack, so it may be prepared in one pass with its synthesis (main.ts prepareInOnePass). */
  private prepare(st: TerraformStack, unreferenced = false): void {
    if (unreferenced) (require('../../../main') as typeof import('../../../main')).prepareInOnePass(st);
    else st.prepareStack();
    this.prepared.add(st.node.id);
    this.incomingIndex = undefined;
  }

  /**
   * Synthesizes the stacks to rebuild. Tenant stacks that no stack references (every tenant
   * stack: they only reference the shared stacks of their environment) are, in a large run,
   * built in batches, each in a short-lived app of its own whose tokens are forgotten once the
   * batch is written: memory holds one batch, not every tenant stack of the environment. The
   * shared stacks come last, in one more app, with the references the batches observed
   * replayed onto them (the same call cdktf makes), so their outputs are those of a full run.
   */
  private build(): string[] {
    const { req, rebuild } = this;
    // Loaded only when something is rebuilt: a run that copies everything never pays for cdktf and the providers.
    const { tokenMark, forgetTokensSince } = require('../../../main') as typeof import('../../../main');

    // Producers must exist for consumers to reference them: every shared stack (addEnvironmentStacks
    // always constructs those) and any stack a first-level entry names as a producer.
    const producers = new Set<string>();
    for (const d of this.deps.values()) for (const name of Object.keys(d.refs)) producers.add(name);
    const dirtyEnvs = new Set(this.planned.filter((p) => rebuild.has(p.name)).map((p) => p.env.name));
    const batchSize = Math.max(1, req.batchSize ?? TENANT_BATCH);
    const leaves = this.planned.filter((p) => p.tenant && rebuild.has(p.name) && !producers.has(p.name)).map((p) => p.name);
    const batched = new Set(leaves.length > batchSize ? leaves : []);
    const built: BuiltStack[] = [];

    for (let i = 0; i < leaves.length && batched.size > 0; i += batchSize) {
      const batch = new Set(leaves.slice(i, i + batchSize));
      const mark = tokenMark();
      // Tenant stacks reference only the shared stacks they are given: the app holds just those.
      const { app, stacks } = this.construct(new Set([...batch].map((n) => this.byName.get(n)!.env.name)), (name) => batch.has(name), batch, true);
      this.observe(app, (producer, consumer) => {
        if (batched.has(producer)) {
          throw new Error(`incremental synth: ${consumer} references ${producer}, a tenant stack built in a batch (tenant stacks are expected to reference only shared stacks); run with --no-cache and report this`);
        }
      });
      // Nothing references a batch's stacks: each is prepared just before it is synthesized, so that only one stack's prepared fragments are held at a time.
      const mine = stacks.filter((st) => batch.has(st.node.id));
      built.push(...this.synthesize(app, mine, (st) => this.prepare(st, true)));
      forgetTokensSince(mark);
    }

    const { app, stacks } = this.construct(dirtyEnvs, (name) => (rebuild.has(name) && !batched.has(name)) || producers.has(name), new Set([...rebuild].filter((n) => !batched.has(n))));
    this.observe(app);
    const preparedHere = new Set<string>();
    for (const st of stacks) if (rebuild.has(st.node.id)) (this.prepare(st), preparedHere.add(st.node.id));
    // A rebuilt consumer may reference something new in a producer that is otherwise unchanged:
    // the producer's second-level key then differs and it is rebuilt too (which may reach its own
    // producers), until nothing changes. Only constructed stacks can be referenced.
    for (let changed = true; changed; ) {
      changed = false;
      for (const st of stacks) {
        const p = this.byName.get(st.node.id)!;
        if (rebuild.has(p.name) || this.lookup(p)) continue;
        rebuild.add(p.name);
        this.prepare(st);
        preparedHere.add(p.name);
        changed = true;
      }
    }

    // References of consumers not resolved in this app (from the cache, or observed in a batch), replayed onto the producers that are rebuilt.
    for (const st of stacks) {
      if (!rebuild.has(st.node.id)) continue;
      for (const p of this.planned) {
        if (preparedHere.has(p.name)) continue;
        for (const id of this.referencesBy(p.name)[st.node.id] ?? []) st.registerOutgoingCrossStackReference(id);
      }
    }
    built.push(...this.synthesize(app, stacks.filter((st) => rebuild.has(st.node.id))));
    this.store(built);
    return built.map((b) => b.name);
  }

  /**
   * An app of the given environments with the tenant stacks `tenantStacks` admits (and, with
   * `tenantProducersOnly`, of the shared stacks only those tenant stacks are given); it must hold
   * every stack of `expected`.
   */
  private construct(envs: Set<string>, tenantStacks: (name: string) => boolean, expected: Set<string>, tenantProducersOnly = false): { app: App; stacks: TerraformStack[] } {
    const { req } = this;
    const { buildApp } = require('../../../main') as typeof import('../../../main');
    const { TerraformStack: Stack } = require('cdktf') as typeof import('cdktf');
    const app: App = buildApp({
      environments: req.environments.filter((e) => envs.has(e.name)),
      tenants: req.tenants,
      models: req.models,
      outdir: req.outdir,
      localBackend: req.localBackend,
      tenantStacks: (env, t) => tenantStacks(stackName(env, `tenant-${t.metadata.name}`)),
      tenantProducersOnly,
    });
    const stacks = app.node.findAll().filter((c): c is TerraformStack => Stack.isStack(c));
    const constructed = new Set(stacks.map((st) => st.node.id));
    // The app must hold exactly the planned stacks, each built by a module its fingerprint covers.
    checkConstructed(stacks, (name) => this.byName.get(name)?.concern, (concern) => this.fp.stackCodeFiles(concern), (ctor) => moduleOf(ctor, req.root));
    for (const name of expected) if (!constructed.has(name)) throw new Error(`incremental synth: ${name} was not constructed; run with --no-cache and report this`);
    return { app, stacks };
  }

  /** Records every reference a stack makes while it is resolved, as cdktf wires it; `check` may refuse one. */
  private observe(app: App, check?: (producer: string, consumer: string) => void): void {
    const original = app.crossStackReference.bind(app);
    app.crossStackReference = (fromStack: TerraformStack, toStack: TerraformStack, identifier: string): string => {
      check?.(fromStack.node.id, toStack.node.id);
      const byProducer = this.observed.get(toStack.node.id) ?? new Map<string, Set<string>>();
      this.observed.set(toStack.node.id, byProducer);
      const ids = byProducer.get(fromStack.node.id) ?? new Set<string>();
      byProducer.set(fromStack.node.id, ids);
      if (!ids.has(identifier)) (ids.add(identifier), (this.incomingIndex = undefined));
      return original(fromStack, toStack, identifier);
    };
  }

  /** Writes the stacks' JSON (what `app.synth()` does for each stack; `before` runs first for each) and returns their manifest entries. */
  private synthesize(app: App, stacks: TerraformStack[], before?: (st: TerraformStack) => void): BuiltStack[] {
    const session = { outdir: this.req.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
    for (const st of stacks) {
      before?.(st);
      st.synthesizer.synthesize(session);
    }
    if (!app.skipValidation) {
      const errors = app.node.validate();
      if (errors.length) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    return stacks.map((st) => ({ name: st.node.id, manifest: JSON.parse(JSON.stringify(app.manifest.stacks[st.node.id])) as StackManifestEntry }));
  }

  private store(built: BuiltStack[]): void {
    const reads = this.tracer.reads();
    for (const { name, manifest } of built) {
      const p = this.byName.get(name)!;
      const json = readFileSync(join(this.req.outdir, 'stacks', p.name, JSON_PART));
      this.outputs.set(p.name, { json, manifest });
      const refs = this.referencesBy(p.name);
      const known = this.deps.get(p.name);
      const allReads = [...new Set([...(known?.reads ?? []), ...reads])].sort();
      const sameRefs = known && stableJson(known.refs, 0) === stableJson(refs, 0);
      if (known && !sameRefs) {
        this.cache.report(`synth cache: ${p.name} referenced other stacks differently than its entry ${p.key1.slice(0, 12)} says; the entry was replaced (an input its fingerprint misses, or non-deterministic code)`);
      }
      if (!known || !sameRefs || allReads.length !== known.reads.length) {
        // New, or grown: this build read a data file the entry did not know about.
        if (known) this.cache.remove(p.key1);
        this.deps.set(p.name, { refs, reads: allReads });
        this.cache.put(p.key1, 'deps', p.name, { deps: JSON.stringify({ refs, reads: allReads }) });
      }
    }
    this.incomingIndex = undefined;
    for (const { name } of built) {
      const p = this.byName.get(name)!;
      const out = this.outputs.get(p.name)!;
      // A warning's stack trace names this checkout's files: such a stack is rebuilt every time rather than copied into another checkout.
      if (out.manifest.annotations.some((a) => a.stacktrace)) continue;
      this.cache.put(this.key2(p), 'stack', p.name, { [JSON_PART]: out.json, [MANIFEST_PART]: JSON.stringify(out.manifest) });
    }
  }
}

/** A constructed stack, as checkConstructed sees it: its name and its class. */
export interface ConstructedStack {
  readonly node: { readonly id: string };
  readonly constructor: unknown;
}

/**
 * Throws unless every constructed stack is planned (`concernOf` knows it) and its class comes
 * from a module that its concern's code files (`codeFiles`, what its fingerprint hashes) hold:
 * a stack built by code the fingerprint misses would be reused from the cache after that code
 * changed. A class no project module exports (`moduleOf` undefined) is not judged.
 */
export function checkConstructed(stacks: readonly ConstructedStack[], concernOf: (name: string) => string | undefined, codeFiles: (concern: string) => readonly string[], moduleOf: (ctor: unknown) => string | undefined): void {
  const modules = new Map<unknown, string | undefined>();
  for (const st of stacks) {
    const concern = concernOf(st.node.id);
    if (concern === undefined) throw new Error(`incremental synth: the app has a stack ${st.node.id} that the plan does not (stacks/index.ts and cli/lib/cache/incremental.ts disagree); run with --no-cache and report this`);
    if (!modules.has(st.constructor)) modules.set(st.constructor, moduleOf(st.constructor));
    const module = modules.get(st.constructor);
    if (module && !codeFiles(concern).includes(module)) {
      throw new Error(`incremental synth: ${st.node.id} is built by ${module}, which its fingerprint does not cover (expected ${stackModule(concern)}); run with --no-cache and report this`);
    }
  }
}

/** The project module that exports a class (the stacks/<concern>-stack.ts convention, checked when stacks are constructed). */
export function moduleOf(ctor: unknown, root: string): string | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !file.startsWith(root + '/') || file.includes('/node_modules/')) continue;
    const exported = mod.exports as Record<string, unknown> | undefined;
    if (exported && typeof exported === 'object' && Object.values(exported).includes(ctor)) return file.slice(root.length + 1);
  }
  return undefined;
}
