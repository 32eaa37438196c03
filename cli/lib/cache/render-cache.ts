/**
 * Incremental render: each rendered app (rendered/<env>/<app>/manifests.yaml) is taken from the
 * cache when its fingerprint is there, and built otherwise. Same two levels as the stacks
 * (incremental.ts), without references: the first-level key covers the charts' code (the
 * closure of cli/lib/render.ts), the toolchain, the environment and the app's view of the
 * tenants and the model catalogue (the value its builder is given instead of them: APPS in
 * cli/lib/render.ts), so a tenant edit outside an app's view leaves it cached; its entry lists
 * the data files the rendering process read (dashboards, the workload config and image lock,
 * Rego sources); the second-level key adds their content.
 */
import type { EnvironmentConfig } from '../../../config/schema';
import { sha256 } from './hash';
import { Fingerprints, InputHashes, readJson } from './fingerprint';
import { traceReads } from './reads';
import type { SynthCache } from './store';

export interface RenderCacheRequest {
  readonly cache: SynthCache;
  readonly root: string;
  /** Validated input files and output folders: never data dependencies. */
  readonly notData?: string[];
}

export interface RenderReport {
  readonly reused: string[];
  readonly built: string[];
}

export interface RenderItem {
  /** rendered/-relative path of the manifests file. */
  readonly file: string;
  readonly env: EnvironmentConfig;
  readonly app: string;
  /** What the app reads of the tenants and the model catalogue, the only part of them its builder gets (undefined: neither). */
  readonly view: unknown;
  /** Builds the file's content (undefined: the app is not rendered). */
  build(): string;
}

interface Deps {
  reads: string[];
}

/** The first-level key of each item: code, toolchain, environment, and its view of the tenants and models. */
export function appKeys(items: RenderItem[], fp: Fingerprints, hashes = new InputHashes()): string[] {
  const common = sha256('app', fp.toolchain(), fp.code(fp.renderCodeFiles()));
  // By identity: the workload apps of every environment share one view, hashed once.
  const viewHash = (view: unknown) => (view === undefined ? 'no view' : typeof view === 'object' && view !== null ? hashes.of(view) : hashes.of({ view }));
  return items.map((item) => sha256(common, item.file, hashes.of(item.env), viewHash(item.view)));
}

/** The content of every item, from the cache or built. */
export function renderWithCache(items: RenderItem[], req: RenderCacheRequest): { files: Map<string, string>; report: RenderReport } {
  const tracer = traceReads(req.root, [req.cache.dir, ...(req.notData ?? [])]);
  const fp = new Fingerprints(req.root);
  const keys = appKeys(items, fp);
  const files = new Map<string, string>();
  const report: RenderReport = { reused: [], built: [] };
  const built: { item: RenderItem; key1: string; known?: Deps; content: string }[] = [];
  for (const [i, item] of items.entries()) {
    const key1 = keys[i];
    const known = readJson<Deps>(req.cache.get(key1, 'app-deps', item.file)?.get('deps'));
    const valid = known && Array.isArray(known.reads) ? known : undefined;
    const hit = valid ? req.cache.get(sha256('app-output', key1, fp.data(valid.reads)), 'app', item.file)?.get('manifests.yaml') : undefined;
    if (hit) {
      files.set(item.file, hit.toString('utf8'));
      report.reused.push(item.file);
      continue;
    }
    const content = item.build();
    files.set(item.file, content);
    report.built.push(item.file);
    built.push({ item, key1, known: valid, content });
  }
  // Stored after every build of the run, with every file the process read (a builder that memoizes a file reads it only once).
  const reads = tracer.reads();
  for (const { item, key1, known, content } of built) {
    const all = [...new Set([...(known?.reads ?? []), ...reads])].sort();
    if (!known || all.length !== known.reads.length) {
      if (known) req.cache.remove(key1);
      req.cache.put(key1, 'app-deps', item.file, { deps: JSON.stringify({ reads: all }) });
    }
    req.cache.put(sha256('app-output', key1, fp.data(all)), 'app', item.file, { 'manifests.yaml': content });
  }
  return { files, report };
}
