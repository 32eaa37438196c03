/**
 * What building stacks and apps actually reads from disk besides code: dashboards, the
 * workload config and image lock, Rego sources, ... Nobody lists these files: the process
 * watches its own file reads while it builds, and the fingerprints of what it built depend on
 * the content of every file it saw. Reads are recorded for the whole process, not per stack:
 * a builder that memoizes a file would otherwise be charged to whichever stack came first.
 *
 * Not recorded: code (the module graph covers it), node_modules (package-lock.json does),
 * files outside the repository, the tool's own output and cache folders, and the validated
 * inputs (environment and tenant files, the model catalogue), because the fingerprints hash
 * the validated objects themselves: a comment added to a tenant file changes nothing.
 */
import fs from 'node:fs';
import { relative, resolve, sep } from 'node:path';

/** Code and the package metadata the module loader reads; the module graph and the toolchain hash cover them. */
const CODE = /(\.(ts|tsx|js|cjs|mjs|jsx|node)|(^|\/)package\.json|(^|\/)tsconfig\.json)$/;
/** Probes (existence checks) that module resolution makes: a data file is read, not only probed, in any case. */
const PROBE_EXT = /\.(json|ts|tsx|js|cjs|mjs|jsx|node)$/;
/** Paths under these repository folders are the tool's own output or state, never inputs. */
const IGNORED = ['node_modules', '.git', '.cache', '.tools', 'cdktf.out', 'rendered'];

export interface ReadTracer {
  /** Repository-relative paths read since the tracer started (sorted). */
  reads(): string[];
}

let active: { root: string; seen: Set<string>; ignored: string[] } | undefined;
let paused = 0;

/** Runs `work` without recording: the cache's own hashing and module-graph reads are not build inputs. */
export function untraced<T>(work: () => T): T {
  paused++;
  try {
    return work();
  } finally {
    paused--;
  }
}

/** Whether an existence check looks like module resolution (`./x` tried as x.ts, x.json, x/index.ts ...). */
function isResolutionProbe(abs: string): boolean {
  if (PROBE_EXT.test(abs)) return true;
  return untraced(() => ['.ts', '.tsx', '.js', '/index.ts', '/index.js', '/package.json'].some((ext) => fs.existsSync(abs + ext)));
}

function record(path: unknown, probe: boolean): void {
  if (!active || paused > 0) return;
  if (typeof path !== 'string' && !(path instanceof URL)) return;
  const abs = resolve(path instanceof URL ? path.pathname : path);
  const rel = relative(active.root, abs);
  if (!rel || rel.startsWith('..') || CODE.test(rel)) return;
  const parts = rel.split(sep);
  if (IGNORED.includes(parts[0]) || parts.some((p) => p.includes('.platform-tmp-') || p.endsWith('.platform-lock') || p === '.platform-output' || p === 'node_modules')) return;
  if (active.ignored.some((o) => abs === o || abs.startsWith(o + sep))) return;
  const key = parts.join('/');
  if (active.seen.has(key) || (probe && isResolutionProbe(abs))) return;
  active.seen.add(key);
}

const WATCHED = ['readFileSync', 'readdirSync', 'existsSync', 'statSync', 'lstatSync', 'openSync'] as const;
const PROBES = new Set<string>(['existsSync', 'statSync', 'lstatSync']);

/**
 * Starts recording (once per process; later calls return the same tracer). `ignore` names
 * files and folders that are not build inputs: the validated input files, the run's output
 * and staging folders, the cache.
 */
export function traceReads(root: string, ignore: string[] = []): ReadTracer {
  if (!active) {
    active = { root: resolve(root), seen: new Set(), ignored: [] };
    const target = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of WATCHED) {
      const original = target[name];
      const probe = PROBES.has(name);
      target[name] = function traced(this: unknown, path: unknown, ...rest: unknown[]) {
        record(path, probe);
        return original.call(this, path, ...rest);
      };
    }
  }
  for (const o of ignore) active.ignored.push(resolve(o));
  const state = active;
  return { reads: () => [...state.seen].sort() };
}
