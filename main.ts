/**
 * The cdktf app: every environment in config/environments times every stack concern.
 *
 * `platform synth` calls `buildApp` in-process (validating all input before writing anything);
 * `cdktf synth` runs this file directly through cdktf.json, with the same result.
 */
import { App, type TerraformElement } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './config/schema';
import type { Tenant } from './config/tenant-schema';
import type { ModelCatalogue } from './config/models';
import { addEnvironmentStacks } from './stacks';

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

/** The cdktf release whose `TerraformStack.toTerraform` `resolveStacksOnce` reproduces. */
const TO_TERRAFORM_OF = '0.21.0';

/** What the copy reads of a stack: cdktf's own fields (private in its types). */
type StackInternals = Construct & { rawOverrides: Record<string, unknown>; cdktfVersion: string };

/**
 * cdktf's `TerraformStack.toTerraform` resolves each element's fragment, merges them, and then
 * resolves the merged result again: a second walk over JSON that holds no tokens any more (a
 * resolved fragment resolves to itself), about a sixth of synth CPU at 1,000 tenants
 * (docs/performance.md). This installs the same method without that walk, for cdktf
 * 0.21.0 only (the copy follows its lib/terraform-stack.js line by line); a stack with raw
 * overrides (`addOverride`, whose values only the last walk resolves) still takes cdktf's own.
 * `PLATFORM_RESOLVE_TWICE=1` turns it off. test/unit/synth-batches.test.ts compares both.
 */
export function resolveStacksOnce(vars: NodeJS.ProcessEnv = process.env): boolean {
  const { TerraformStack, TerraformElement, TerraformOutput } = require('cdktf') as typeof import('cdktf');
  const proto = TerraformStack.prototype as unknown as { toTerraform: () => unknown; __platformOriginal?: () => unknown };
  const original = proto.__platformOriginal ?? proto.toTerraform;
  proto.__platformOriginal = original;
  const version = (require('cdktf/package.json') as { version: string }).version;
  if (vars.PLATFORM_RESOLVE_TWICE === '1' || version !== TO_TERRAFORM_OF) {
    proto.toTerraform = original;
    return false;
  }
  const { resolve } = require('cdktf/lib/_tokens') as { resolve: (scope: unknown, obj: unknown, preparing?: boolean) => unknown };
  const { deepMerge } = require('cdktf/lib/util') as { deepMerge: (target: unknown, ...sources: unknown[]) => unknown };
  const elementsOf = (node: Construct, into: TerraformElement[] = []): TerraformElement[] => {
    if (TerraformElement.isTerraformElement(node)) into.push(node);
    for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
    return into;
  };
  proto.toTerraform = function toTerraformOnce(this: StackInternals) {
    if (Object.keys(this.rawOverrides).length > 0) return original.call(this);
    const tf: Record<string, unknown> = {};
    const metadata = { version: this.cdktfVersion, stackName: this.node.id, backend: 'local', cloud: undefined };
    const elements = elementsOf(this);
    for (const meta of elements.map((e) => resolve(this, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs = elements.reduce((carry: Record<string, unknown>, item) => {
      if (!TerraformOutput.isTerraformOutput(item)) return carry;
      const nested = item.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {});
      deepMerge(carry, nested);
      return carry;
    }, {});
    tf['//'] = { metadata, outputs };
    for (const fragment of elements.map((e) => resolve(this, e.toTerraform()))) deepMerge(tf, fragment);
    // cdktf resolves `tf` as a whole here; only the metadata part has not been resolved yet.
    tf['//'] = resolve(this, tf['//']);
    return tf;
  };
  return true;
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
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), hclOutput: false });
  for (const env of options.environments) {
    addEnvironmentStacks(app, env, { localBackend: options.localBackend, tenants: options.tenants, models: options.models, tenantStacks: options.tenantStacks });
  }
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
