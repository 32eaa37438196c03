/**
 * Incremental render: each rendered app (rendered/<env>/<app>/manifests.yaml) is taken from the
 * cache when its fingerprint is there, and built otherwise. Same two levels as the stacks
 * (incremental.ts), without references: the first-level key covers the charts' code (the
 * closure of cli/lib/render.ts), the toolchain, the environment, the tenants and the model
 * catalogue; its entry lists the data files the rendering process read (dashboards, the
 * workload config and image lock, Rego sources); the second-level key adds their content.
 */
import type { EnvironmentConfig } from '../../../config/schema';
import type { Tenant } from '../../../config/tenant-schema';
import type { ModelCatalogue } from '../../../config/models';
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
  /** Builds the file's content (undefined: the app is not rendered). */
  build(): string;
}

interface Deps {
  reads: string[];
}

/**
 * The content of every item, from the cache or built. `inputs` are what every builder gets
 * besides its environment (the tenants and the model catalogue).
 */
export function renderWithCache(items: RenderItem[], inputs: { tenants: readonly Tenant[]; models: ModelCatalogue }, req: RenderCacheRequest): { files: Map<string, string>; report: RenderReport } {
  const tracer = traceReads(req.root, [req.cache.dir, ...(req.notData ?? [])]);
  const fp = new Fingerprints(req.root);
  const hashes = new InputHashes();
  const common = sha256('app', fp.toolchain(), fp.code(fp.renderCodeFiles()), hashes.of(inputs.tenants as Tenant[]), hashes.of(inputs.models));
  const files = new Map<string, string>();
  const report: RenderReport = { reused: [], built: [] };
  const built: { item: RenderItem; key1: string; known?: Deps; content: string }[] = [];
  for (const item of items) {
    const key1 = sha256(common, item.file, hashes.of(item.env));
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
