/** Synthesizes the real app once per test process and gives typed access to the output. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize, type SynthOptions } from '../../cli/lib/synth';

export interface TfResource {
  readonly type: string;
  readonly id: string;
  /** Construct path, e.g. `dev-platform/aks/cluster`. */
  readonly path: string;
  readonly config: Record<string, any>;
}

export interface SynthedStack {
  readonly name: string;
  readonly json: Record<string, any>;
  readonly resources: TfResource[];
  of(type: string): TfResource[];
  one(type: string, pathSuffix?: string): TfResource;
}

export interface Synthed {
  readonly outdir: string;
  readonly manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
  readonly stacks: Record<string, SynthedStack>;
  stack(name: string): SynthedStack;
}

const cache = new Map<string, Synthed>();

export function synthApp(options: Omit<SynthOptions, 'outdir'> = {}): Synthed {
  const key = JSON.stringify(options);
  const hit = cache.get(key);
  if (hit) return hit;
  const outdir = mkdtempSync(join(tmpdir(), 'platform-synth-'));
  process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const result = synthesize({ ...options, outdir });
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks: Record<string, SynthedStack> = {};
  for (const name of result.stacks) {
    const json = JSON.parse(readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), 'utf8'));
    stacks[name] = toStack(name, json);
  }
  const synthed: Synthed = {
    outdir,
    manifest,
    stacks,
    stack(name) {
      const s = stacks[name];
      if (!s) throw new Error(`no stack ${name}; have ${Object.keys(stacks).join(', ')}`);
      return s;
    },
  };
  cache.set(key, synthed);
  return synthed;
}

export function toStack(name: string, json: Record<string, any>): SynthedStack {
  const resources: TfResource[] = [];
  for (const [type, byId] of Object.entries<Record<string, any>>(json.resource ?? {})) {
    for (const [id, config] of Object.entries<Record<string, any>>(byId)) {
      resources.push({ type, id, path: config['//']?.metadata?.path ?? id, config });
    }
  }
  return {
    name,
    json,
    resources,
    of: (type) => resources.filter((r) => r.type === type),
    one(type, pathSuffix) {
      const found = resources.filter((r) => r.type === type && (!pathSuffix || r.path.endsWith(pathSuffix)));
      if (found.length !== 1) throw new Error(`expected one ${type}${pathSuffix ? ` at *${pathSuffix}` : ''} in ${name}, found ${found.length}`);
      return found[0];
    },
  };
}

/** A namespace as written in a namespaced object: literal, or a reference to the namespace resource. */
export function namespaceOf(stack: SynthedStack, value: string): string {
  const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(value);
  if (!ref) return value;
  const ns = stack.of('kubernetes_namespace_v1').find((r) => r.id === ref[1]);
  if (!ns) throw new Error(`${stack.name}: dangling namespace reference ${value}`);
  return ns.config.metadata.name;
}

/** Terraform's reference to a resource's id, as other resources in the same stack use it. */
export function refId(r: TfResource): string {
  return `\${${r.type}.${r.id}.id}`;
}

export const ENVIRONMENTS = ['dev', 'prod'] as const;
