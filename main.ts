/**
 * The cdktf app: every environment in config/environments times every stack concern.
 *
 * `platform synth` calls `buildApp` in-process (validating all input before writing anything);
 * `cdktf synth` runs this file directly through cdktf.json, with the same result.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, App, Aspects, type IAspect, TerraformElement, TerraformOutput, TerraformStack, Token, Tokenization } from 'cdktf';
import { ConstructOrder, type Construct } from 'constructs';
import type { EnvironmentConfig } from './config/schema';
import type { Tenant } from './config/tenant-schema';
import type { ModelCatalogue } from './config/models';
import { addEnvironmentStacks } from './stacks';
import { PreventDestroyAspect } from './constructs/protection';
import { TaggingAspect } from './constructs/tagging';
import { stableJson } from './cli/lib/stable-json';

export interface BuildAppOptions {
  readonly environments: EnvironmentConfig[];
  /** Validated tenants (all of them; each environment picks those that list it). */
  readonly tenants?: Tenant[];
  /** The model catalogue (cloud models the data stack deploys). */
  readonly models: ModelCatalogue;
  /** Defaults to $CDKTF_OUTDIR (set by the cdktf CLI) or cdktf.out. */
  readonly outdir?: string;
  readonly localBackend?: boolean;
  /** Which tenants' stacks to construct (default: all; see addEnvironmentStacks). */
  readonly tenantStacks?: (env: string, tenant: Tenant) => boolean;
  /** Of the shared stacks, only those tenant stacks are given (see addEnvironmentStacks). */
  readonly tenantProducersOnly?: boolean;
}

/**
 * cdktf records a full stack trace for every token it creates, only to decorate resolution
 * errors. With hundreds of tenant stacks that is a third of synth time (bench/tenants), so it
 * is off unless PLATFORM_TOKEN_STACKS=1 asks for it while debugging a token error.
 */
export function disableTokenCreationStacks(vars: NodeJS.ProcessEnv = process.env): boolean {
  if (vars.PLATFORM_TOKEN_STACKS === '1') return false;
  const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [];
  return true;
}

/** The cdktf release whose internals the replacements below follow (archived upstream, so they do not move). */
const CDKTF_FOLLOWED = '0.21.0';

/**
 * Puts `make(cdktf's own)` in place of `owner[name]`, or cdktf's own back when `off` or when the
 * installed cdktf is not the release the replacement follows; says whether it is in place.
 * Idempotent: cdktf's own is remembered on the owner the first time.
 */
function replaceInCdktf<F>(owner: object, name: string, off: boolean, make: (own: F) => F): boolean {
  const slots = owner as Record<string, F | undefined>;
  const own = (slots[`__platformOwn_${name}`] ??= slots[name]) as F;
  const version = (require('cdktf/package.json') as { version: string }).version;
  slots[name] = off || version !== CDKTF_FOLLOWED ? own : make(own);
  return slots[name] !== own;
}

/** What the copy reads of a stack: cdktf's own fields (private in its types). */
type StackInternals = Construct & { rawOverrides: Record<string, unknown>; cdktfVersion: string };

/** Every element of a stack in cdktf's order (terraform-stack.js `terraformElements`): depth first, nested stacks left out. */
function elementsOf(node: Construct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/** cdktf's private `resolve` (lib/_tokens.js); it calls whichever token resolver resolvePlainValuesDirectly left in place. */
const { resolve: cdktfResolve } = require('cdktf/lib/_tokens') as { resolve: (scope: unknown, obj: unknown, preparing?: boolean) => unknown };

/** What prepareInOnePass did to a stack, for its synthesis (toTerraformOnce takes it). */
interface OnePass {
  /** Each element's fragment, resolved once. */
  readonly fragments: Map<TerraformElement, unknown>;
  /** How many aspects visited each node (see applyAspects). */
  readonly applied: WeakMap<Construct, number>;
}

const preparedInOnePass = new WeakMap<object, OnePass>();

/**
 * cdktf's aspect pass (synthesizer.js `invokeAspects`): every aspect of a node and of the nodes
 * above it, up to `root`, visits the node once, parents before children, in cdktf's order and
 * with its warning for an aspect added by another. cdktf keys what each node has been visited
 * by on the node's path, which it builds for every node and aspect; this keeps it per node.
 * `applied` records how many aspects visited each node; a node in `skip` that as many apply to
 * now is not visited again (prepareInOnePass applied them, and they leave a node as it was when
 * applied again: REAPPLICABLE_ASPECTS). `visited` hears of every node the aspects visit.
 */
function applyAspects(root: Construct, options: { skip?: WeakMap<Construct, number>; applied?: WeakMap<Construct, number>; visited?: (node: Construct) => void } = {}): void {
  const { skip, applied, visited } = options;
  let warned = false;
  const visit = (node: Construct, inherited: readonly IAspect[]) => {
    const own = Aspects.of(node).all;
    const here = [...inherited, ...own];
    if (skip?.get(node) !== here.length) {
      const count = own.length;
      const invoked: IAspect[] = [];
      for (const aspect of here) {
        if (invoked.includes(aspect)) continue;
        aspect.visit(node);
        if (!warned && count !== Aspects.of(node).all.length) {
          Annotations.of(node).addWarning('We detected an Aspect was added via another Aspect, and will not be applied');
          warned = true;
        }
        invoked.push(aspect);
      }
      applied?.set(node, here.length);
      if (here.length > 0) visited?.(node);
    }
    for (const child of node.node.children) visit(child, here);
  };
  visit(root, []);
}

/** Whether toTerraformOnce is in place (the last call of resolveStacksOnce installed it). */
let resolvingStacksOnce = false;

/**
 * cdktf's `TerraformStack.toTerraform` resolves each element's fragment, merges them, and then
 * resolves the merged result again: a second walk over JSON that holds no tokens any more (a
 * resolved fragment resolves to itself), about a sixth of synth CPU at 1,000 tenants
 * (docs/performance.md). This installs the same method without that walk, for cdktf
 * 0.21.0 only (the copy follows its lib/terraform-stack.js line by line); a stack with raw
 * overrides (`addOverride`, whose values only the last walk resolves) still takes cdktf's own.
 * An element whose fragment prepareInOnePass resolved is not resolved again.
 * `PLATFORM_RESOLVE_TWICE=1` turns it off. test/unit/synth-batches.test.ts compares both.
 */
export function resolveStacksOnce(vars: NodeJS.ProcessEnv = process.env): boolean {
  const { deepMerge } = require('cdktf/lib/util') as { deepMerge: (target: unknown, ...sources: unknown[]) => unknown };
  resolvingStacksOnce = replaceInCdktf<() => unknown>(TerraformStack.prototype, 'toTerraform', vars.PLATFORM_RESOLVE_TWICE === '1', (original) => function toTerraformOnce(this: StackInternals) {
    const prepared = preparedInOnePass.get(this)?.fragments;
    preparedInOnePass.delete(this);
    if (Object.keys(this.rawOverrides).length > 0) return original.call(this);
    const tf: Record<string, unknown> = {};
    const metadata = { version: this.cdktfVersion, stackName: this.node.id, backend: 'local', cloud: undefined };
    const elements = elementsOf(this);
    for (const meta of elements.map((e) => cdktfResolve(this, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs = elements.reduce((carry: Record<string, unknown>, item) => {
      if (!TerraformOutput.isTerraformOutput(item)) return carry;
      const nested = item.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {});
      deepMerge(carry, nested);
      return carry;
    }, {});
    tf['//'] = { metadata, outputs };
    for (const fragment of elements.map((e) => (prepared?.has(e) ? prepared.get(e) : cdktfResolve(this, e.toTerraform())))) deepMerge(tf, fragment);
    // cdktf resolves `tf` as a whole here; only the metadata part has not been resolved yet.
    tf['//'] = cdktfResolve(this, tf['//']);
    return tf;
  });
  return resolvingStacksOnce;
}

/** What the copy of cdktf's `StackSynthesizer.synthesize` reads of the synthesizer (private in its types). */
interface SynthesizerInternals {
  readonly stack: TerraformStack;
  readonly continueOnErrorAnnotations: boolean;
  readonly hclOutput: boolean;
}

/** What cdktf's synthesis passes each stack's synthesizer (synthesize/types.d.ts `ISynthesisSession`). */
interface SynthesisSession {
  readonly outdir: string;
  readonly skipValidation?: boolean;
  readonly manifest: { forStack(stack: TerraformStack): { workingDirectory: string; synthesizedStackPath: string; annotations: unknown } };
}

/**
 * Installs a copy of cdktf's `StackSynthesizer.synthesize` (synthesize/synthesizer.js, cdktf
 * 0.21.0 only) that writes `cdk.tf.json` with stableJson instead of json-stable-stringify (the
 * same text, with the native stringifier) and applies the aspects with applyAspects, so that a
 * stack prepareInOnePass has applied them to is not walked by them again. Everything else
 * follows cdktf line by line; HCL output takes cdktf's own. `PLATFORM_CDKTF_SYNTHESIZER=1` keeps
 * cdktf's own. test/unit/synth-batches.test.ts compares both.
 */
export function synthesizeStacksDirectly(vars: NodeJS.ProcessEnv = process.env): boolean {
  const { StackSynthesizer } = require('cdktf/lib/synthesize/synthesizer') as { StackSynthesizer: { prototype: object } };
  const { AnnotationMetadataEntryType: Level } = require('cdktf/lib/annotations') as typeof import('cdktf/lib/annotations');
  const { encounteredAnnotationWithLevelError } = require('cdktf/lib/errors') as { encounteredAnnotationWithLevelError(message: string): Error };
  const { ValidateTerraformVersion } = require('cdktf/lib/validations/validate-terraform-version') as typeof import('cdktf/lib/validations/validate-terraform-version');
  const customSynthesis = Symbol.for('cdktf/customSynthesis');
  const annotationLevels: string[] = [Level.INFO, Level.WARN, Level.ERROR];
  type Annotation = { constructPath: string; level: string; message: unknown; stacktrace?: string[] };
  const isError = (a: Annotation) => a.level === Level.ERROR;
  return replaceInCdktf<(session: SynthesisSession) => void>(StackSynthesizer.prototype, 'synthesize', vars.PLATFORM_CDKTF_SYNTHESIZER === '1', (own) => function synthesizeDirectly(this: SynthesizerInternals, session) {
    const { stack } = this;
    if (this.hclOutput) return own.call(this, session);
    // An element an aspect visits after the one pass (one added since) is resolved again.
    const prepared = preparedInOnePass.get(stack);
    applyAspects(stack, { skip: prepared?.applied, visited: prepared && ((node) => prepared.fragments.delete(node as TerraformElement)) });
    if (stack.hasResourceMove()) {
      stack.node.addValidation(new ValidateTerraformVersion('>=1.5', 'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.'));
    }
    if (!session.skipValidation) stack.runAllValidations();
    const stackManifest = session.manifest.forStack(stack);
    const workingDirectory = join(session.outdir, stackManifest.workingDirectory);
    if (!existsSync(workingDirectory)) mkdirSync(workingDirectory);
    for (const node of stack.node.findAll(ConstructOrder.POSTORDER)) (node as unknown as Record<symbol, { onSynthesize(s: SynthesisSession): void } | undefined>)[customSynthesis]?.onSynthesize(session);
    const annotations: Annotation[] = stack.node
      .findAll()
      .flatMap((node) => node.node.metadata.filter((m) => annotationLevels.includes(m.type)).map((m) => ({ constructPath: node.node.path, level: m.type, message: m.data, stacktrace: m.trace })));
    stackManifest.annotations = annotations;
    if (!this.continueOnErrorAnnotations && annotations.some(isError)) {
      throw encounteredAnnotationWithLevelError(
        annotations
          .filter(isError)
          .map((a) => `[${a.constructPath}] ${String(a.message)}`)
          .join('\n'),
      );
    }
    writeFileSync(join(session.outdir, stackManifest.synthesizedStackPath), stableJson(stack.toTerraform(), 2));
  });
}

/** An aspect that can say whether visiting a node would overwrite a value holding a token. */
interface Reapplicable {
  overwritesToken(node: Construct): boolean;
}

type AspectClass = abstract new (...args: never[]) => Reapplicable;

/**
 * Aspects that set plain values only (no tokens, so no references between stacks) and leave an
 * element as it was when applied again: prepareInOnePass may apply them before cdktf does, to a
 * node from which they would not take a token (cdktf's preparing pass, before the aspects, would
 * register that token's reference).
 */
const REAPPLICABLE_ASPECTS: readonly AspectClass[] = [TaggingAspect, PreventDestroyAspect];

/**
 * Prepares a stack that no other stack references (incremental synth's batches of tenant
 * stacks) so that its synthesis resolves each element once instead of twice. cdktf prepares a
 * stack by resolving every element (which registers its references to other stacks, adding
 * remote-state data sources to it), then synthesizes it by applying its aspects and resolving
 * every element again, about a fifth of a cold synth's CPU (docs/performance.md). Here the
 * aspects are applied first, the elements are resolved once in cdktf's preparing mode (the same
 * references registered, the same values: only a reference to another stack reads the mode, and
 * it resolves to the same identifier either way once registered), and toTerraformOnce takes
 * those fragments; the synthesis (synthesizeStacksDirectly) applies the aspects only to a node
 * added since or given another aspect since (an element it visits is resolved again) and
 * resolves the elements added since. That is cdktf's result when every aspect of the stack is
 * one of REAPPLICABLE_ASPECTS and would take no token from the node it visits, and when nothing
 * else references the stack (its elements change between the passes only through aspects and
 * its own references); for any other stack, or with toTerraformOnce off, this is cdktf's own
 * `prepareStack`. Says whether the one pass was taken. test/unit/synth-batches.test.ts compares
 * both, with negative controls.
 */
export function prepareInOnePass(stack: TerraformStack, reapplicable: readonly AspectClass[] = REAPPLICABLE_ASPECTS): boolean {
  const onePass = resolvingStacksOnce && Object.keys((stack as unknown as StackInternals).rawOverrides).length === 0 && onlyAspects(stack, reapplicable);
  if (!onePass) {
    stack.prepareStack();
    return false;
  }
  stack.ensureBackendExists();
  const applied = new WeakMap<Construct, number>();
  applyAspects(stack, { applied });
  const fragments = new Map<TerraformElement, unknown>();
  for (const e of elementsOf(stack)) fragments.set(e, cdktfResolve(stack, e.toTerraform(), true));
  preparedInOnePass.set(stack, { fragments, applied });
  return true;
}

/**
 * Whether every aspect cdktf applies to each node of the stack (those of the node and of the
 * nodes above it, up to the stack, as synthesizer.js `invokeAspects` goes) is one of `kinds` and
 * would take no token from that node.
 */
function onlyAspects(node: Construct, kinds: readonly AspectClass[], inherited: readonly object[] = []): boolean {
  const here = [...inherited, ...Aspects.of(node).all];
  for (const aspect of here) {
    if (!kinds.some((k) => aspect instanceof k) || (aspect as Reapplicable).overwritesToken(node)) return false;
  }
  return node.node.children.every((child) => onlyAspects(child, kinds, here));
}

/** What cdktf's private `resolve` takes; the walk below reads only the path. */
interface ResolveOptions {
  readonly prefix?: string[];
  readonly [option: string]: unknown;
}
type Resolve = (value: unknown, options: ResolveOptions) => unknown;

/** cdktf's own depth limit (resolve.js): deeper than this it refuses, and the walk lets it. */
const MAX_RESOLVE_DEPTH = 200;

/** What may hold a token, by cdktf's encoding (lib/tokens/private/encoding.js, token.js), read once cdktf is loaded. */
interface TokenMarkers {
  /** Token numbers are negative and grow in magnitude with their index: anything above the first is none. */
  readonly numbersBelow: number;
  readonly mapValues: { string: string; any: string; number: number };
}

let markers: TokenMarkers | undefined;

/**
 * cdktf's pattern for numbers encoded in strings (encoding.js `NUMBER_TOKEN_REGEX`), taken from
 * cdktf itself once it is loaded, without the global flag so that `test` keeps no position
 * from one string to the next.
 */
let encodedNumber: RegExp | undefined;

/** Whether cdktf would look for an encoded number in `s`; every such number has an `e`. */
export function mayHoldEncodedNumber(s: string): boolean {
  if (!s.includes('e')) return false;
  if (!encodedNumber) {
    const { TokenString } = require('cdktf/lib/tokens/private/encoding') as { TokenString: { forNumbers(s: string): { re: RegExp } } };
    encodedNumber = new RegExp(TokenString.forNumbers('').re.source);
  }
  return encodedNumber.test(s);
}

// The string, list and map markers all contain `{TfToken[`.
const plainString = (s: string) => !s.includes('{TfToken[') && s !== markers!.mapValues.string && s !== markers!.mapValues.any && !mayHoldEncodedNumber(s);
const plainNumber = (n: number) => n > markers!.numbersBelow && n !== markers!.mapValues.number;
/** cdktf resolves a list that holds a list token as a whole. */
const mayHoldListToken = (xs: unknown[]) => xs.some((x) => (typeof x === 'string' && x.includes('#{TfToken[')) || (typeof x === 'number' && !plainNumber(x)));
/** cdktf's own test (resolve.js `isConstruct`): a construct is refused with its error, never walked. */
const isConstructLike = (v: object) => (v as { _children?: unknown })._children !== undefined && (v as { _metadata?: unknown })._metadata !== undefined;

/** One `resolve` call: plain values walked here, the rest handed to cdktf's function at the same path. */
class PlainWalk {
  private readonly path: string[];

  constructor(private readonly cdktf: Resolve, private readonly options: ResolveOptions) {
    this.path = [...(options.prefix ?? [])];
  }

  walk(v: unknown): unknown {
    if (this.path.length > MAX_RESOLVE_DEPTH) return this.cdktfs(v);
    switch (typeof v) {
      case 'undefined':
        return undefined;
      case 'string':
        return plainString(v) ? v : this.cdktfs(v);
      case 'number':
        return plainNumber(v) ? v : this.cdktfs(v);
      case 'function':
        return this.cdktfs(v);
      case 'object':
        if (v === null || v instanceof Date) return v;
        return Array.isArray(v) ? this.list(v) : this.map(v);
      default:
        return v;
    }
  }

  private list(v: unknown[]): unknown {
    if (mayHoldListToken(v)) return this.cdktfs(v);
    const out: unknown[] = [];
    // The length when the walk starts, and no holes, as cdktf's `map` takes them.
    for (let i = 0, n = v.length; i < n; i++) {
      if (!(i in v)) continue;
      this.path.push(`${i}`);
      const r = this.walk(v[i]);
      this.path.pop();
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  private map(v: object): unknown {
    const keys = Object.keys(v);
    if (!keys.every(plainString) || Tokenization.isResolvable(v) || isConstructLike(v)) return this.cdktfs(v);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      this.path.push(key);
      const r = this.walk((v as Record<string, unknown>)[key]);
      this.path.pop();
      if (r !== undefined) out[key] = r;
    }
    return out;
  }

  /**
   * cdktf's nested contexts carry the caller's flags down unchanged, so the caller's options
   * with this path are what cdktf would pass here itself.
   */
  private cdktfs(v: unknown): unknown {
    const top = this.path.length === (this.options.prefix?.length ?? 0);
    return this.cdktf(v, top ? this.options : { ...this.options, prefix: [...this.path] });
  }
}

/**
 * cdktf's private `resolve` builds a context of closures and copies its options for every value
 * it visits, token or not: 40 % of a cold synth's CPU at 1,000 tenants (docs/performance.md).
 * This installs a walk that takes what cannot hold a token (booleans, numbers that are not token
 * numbers, strings without a token marker or an encoded number, arrays and plain objects of
 * those) as it is, in cdktf's order, and hands everything else (a string or number that may be
 * a token, a list or map token, an IResolvable, a function, a construct, a path too deep) to
 * cdktf's own function at the same path: results, the order of token side effects and the
 * error messages stay cdktf's. For cdktf 0.21.0 only; `PLATFORM_CDKTF_RESOLVE=1` keeps
 * cdktf's own. test/unit/cdktf-shortcuts.test.ts compares both.
 */
export function resolvePlainValuesDirectly(vars: NodeJS.ProcessEnv = process.env): boolean {
  const resolveModule = require('cdktf/lib/tokens/private/resolve') as object;
  return replaceInCdktf<Resolve>(resolveModule, 'resolve', vars.PLATFORM_CDKTF_RESOLVE === '1', (cdktf) => {
    const { createTokenDouble } = require('cdktf/lib/tokens/private/encoding') as { createTokenDouble(x: number, list: boolean): number };
    markers ??= {
      numbersBelow: Math.max(createTokenDouble(0, false), createTokenDouble(0, true)),
      mapValues: { string: Token.STRING_MAP_TOKEN_VALUE, any: Token.ANY_MAP_TOKEN_VALUE, number: Token.NUMBER_MAP_TOKEN_VALUE },
    };
    return (value, options) => new PlainWalk(cdktf, options).walk(value);
  });
}

/**
 * cdktf turns every attribute key of every resource into snake case with three regular
 * expressions each time (util.js `keysToSnakeCase`), the same few hundred keys again and again:
 * a tenth of a cold synth's CPU. This installs the same conversion with each key's snake case
 * remembered (cdktf's `snakeCase` is a function of the key alone); the structure walked, the keys
 * left alone (`tags`, `environment`) and the errors are cdktf's. For cdktf 0.21.0 only;
 * `PLATFORM_CDKTF_RESOLVE=1` keeps cdktf's own. test/unit/cdktf-shortcuts.test.ts compares both.
 */
export function rememberSnakeCaseKeys(vars: NodeJS.ProcessEnv = process.env): boolean {
  const util = require('cdktf/lib/util') as { snakeCase(s: string): string };
  const snake = new Map<string, string>();
  const snakeCase = (key: string) => {
    let s = snake.get(key);
    if (s === undefined) snake.set(key, (s = util.snakeCase(key)));
    return s;
  };
  const elements = (xs: unknown[]) => xs.map((x) => (typeof x === 'object' ? convert(x) : x));
  const convert = (o: unknown): unknown => {
    if (Tokenization.isResolvable(o)) return o;
    if (Array.isArray(o)) return elements(o);
    const from = o as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(from)) {
      if (key === 'tags' || key === 'environment') {
        out[key] = from[key];
        continue;
      }
      let value = from[key];
      if (typeof value === 'object') value = convert(value);
      // cdktf converts a list's elements again after converting the list.
      if (Array.isArray(value)) value = elements(value);
      out[snakeCase(key)] = value;
    }
    return out;
  };
  return replaceInCdktf<(o: unknown) => unknown>(util, 'keysToSnakeCase', vars.PLATFORM_CDKTF_RESOLVE === '1', () => convert);
}

interface TokenMapInternals {
  stringTokenMap: Map<string, unknown>;
  numberTokenMap: Map<number, unknown>;
  tokenCounter: number;
}

function tokenMap(): TokenMapInternals {
  const { TokenMap } = require('cdktf/lib/tokens/private/token-map') as { TokenMap: { instance(): TokenMapInternals } };
  return TokenMap.instance();
}

/** A point in cdktf's token numbering: the tokens created after it can be forgotten with `forgetTokensSince`. */
export function tokenMark(): number {
  return tokenMap().tokenCounter;
}

/**
 * cdktf keeps every token it ever creates in a process-wide map, and through the tokens every
 * construct they reference, so an app that is done with still holds all its memory. Synth in
 * batches (cli/lib/cache/incremental.ts) builds one short-lived app per batch of tenant stacks
 * and forgets that app's tokens once its stacks are written. A forgotten token that is still
 * used fails loudly (cdktf throws on an unknown string or number token); it is never written
 * as text. Returns how many tokens were forgotten.
 */
export function forgetTokensSince(mark: number): number {
  const map = tokenMap();
  let forgotten = 0;
  for (const key of map.stringTokenMap.keys()) {
    // Keys are `<display hint>.<counter>`; the hint may itself contain dots.
    if (Number(key.slice(key.lastIndexOf('.') + 1)) >= mark) (map.stringTokenMap.delete(key), forgotten++);
  }
  for (const key of map.numberTokenMap.keys()) if (key >= mark) (map.numberTokenMap.delete(key), forgotten++);
  return forgotten;
}

export function buildApp(options: BuildAppOptions): App {
  disableTokenCreationStacks();
  resolveStacksOnce();
  resolvePlainValuesDirectly();
  rememberSnakeCaseKeys();
  synthesizeStacksDirectly();
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), hclOutput: false });
  const { localBackend, tenants, models, tenantStacks, tenantProducersOnly } = options;
  for (const env of options.environments) addEnvironmentStacks(app, env, { localBackend, tenants, models, tenantStacks, tenantProducersOnly });
  return app;
}

/** Reads PLATFORM_ENVS (comma-separated, default: all) and PLATFORM_LOCAL_BACKEND=1. */
export function optionsFromEnvironment(vars: NodeJS.ProcessEnv = process.env): { envs: string[]; localBackend: boolean } {
  const envs = (vars.PLATFORM_ENVS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { envs, localBackend: vars.PLATFORM_LOCAL_BACKEND === '1' || vars.PLATFORM_LOCAL_BACKEND === 'true' };
}

if (require.main === module) {
  // Loaded lazily so importing buildApp (tests, the CLI) does not read config files.
  const { loadInputs } = require('./config/inputs') as typeof import('./config/inputs');
  const { ValidationError } = require('./config/yaml-validate') as typeof import('./config/yaml-validate');
  const { envs, localBackend } = optionsFromEnvironment();
  try {
    const { environments, tenants, models } = loadInputs({ envs });
    const app = buildApp({ environments, tenants, models, localBackend });
    app.synth();
    // The cdktf CLI synthesizes into the same folder as `platform synth`: mark it as the tool's.
    const { markOwnOutput } = require('./cli/lib/output-dir') as typeof import('./cli/lib/output-dir');
    markOwnOutput(app.outdir);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
