/**
 * Validated tenants from the synth cache: a tenant file whose bytes, name, validation code and
 * validation context (every environment and the model catalogue, which the per-file checks
 * read) are the same as in an earlier run is not parsed and checked again; its validated value
 * is read from the store (cli/lib/cache/store.ts: the same integrity checks, LRU and
 * `--no-cache` as the stacks). Checks across tenants (duplicate names, capacity, cloud models)
 * are not per file and still run on every run, over the cached values.
 *
 * Only values that JSON carries faithfully are stored (plain objects and arrays, strings,
 * finite numbers, booleans, null): anything else is validated every time rather than come back
 * different. Invalid files are never stored, so their errors are always located afresh.
 */
import { basename, join } from 'node:path';
import type { TenantContext, TenantMemo, TenantMemoFactory } from '../../../config/tenants';
import type { Tenant } from '../../../config/tenant-schema';
import { canonicalJson, FileHashes, sha256 } from './hash';
import { moduleGraph } from './module-graph';
import { CACHE_FORMAT, type SynthCache } from './store';

/** The per-file validation (its schema and checks, transitively) and this module's encoding. */
const VALIDATION_CODE = ['config/tenants.ts', 'cli/lib/cache/validated.ts'];
/** The parser and schema library versions. */
const TOOLCHAIN = ['package-lock.json', 'package.json', 'tsconfig.json'];

export const TENANT_KIND = 'tenant';
const PART = 'tenant.json';

export interface ValidatedStats {
  hits: number;
  misses: number;
}

/** The fingerprint of the validation code: every file the per-file validation imports, transitively, plus the toolchain. */
export function validationCodeHash(root: string): string {
  const graph = moduleGraph(root);
  const files = [...new Set(VALIDATION_CODE.flatMap((f) => graph.closure(f)))].sort();
  const hashes = new FileHashes();
  return sha256(CACHE_FORMAT, `node ${process.versions.node.split('.')[0]}`, ...[...files, ...TOOLCHAIN].flatMap((f) => [f, hashes.of(join(root, f))]));
}

/** Whether JSON.parse(JSON.stringify(v)) is deep-equal to v. */
export function jsonFaithful(v: unknown): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonFaithful(v[i])) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      // Symbol keys and non-enumerable properties would be dropped; `__proto__` would come back as a prototype.
      if (Object.getOwnPropertySymbols(v).length > 0) return false;
      const names = Object.getOwnPropertyNames(v);
      if (names.length !== Object.keys(v).length || names.includes('__proto__')) return false;
      return names.every((k) => jsonFaithful((v as Record<string, unknown>)[k]));
    }
    default:
      return false;
  }
}

/** The memo factory loadInputs takes: tenants keyed by content, file name, validation code and context. */
export function validatedTenants(cache: SynthCache, root: string, stats: ValidatedStats = { hits: 0, misses: 0 }): TenantMemoFactory {
  let code: string | undefined;
  return (ctx: TenantContext): TenantMemo => {
    code ??= validationCodeHash(root);
    const context = sha256(canonicalJson({ environments: ctx.environments, models: ctx.models }));
    const key = (file: string, content: Buffer) => sha256('validated-tenant', code!, context, basename(file), content);
    return {
      get(file, content) {
        const part = cache.get(key(file, content), TENANT_KIND, basename(file))?.get(PART);
        if (!part) {
          stats.misses++;
          return undefined;
        }
        try {
          const tenant = JSON.parse(part.toString('utf8')) as Tenant;
          stats.hits++;
          return tenant;
        } catch {
          // The store checked the bytes against their hash: only a bug gets here; validate instead.
          stats.misses++;
          return undefined;
        }
      },
      set(file, content, tenant) {
        if (!jsonFaithful(tenant)) return;
        cache.put(key(file, content), TENANT_KIND, basename(file), { [PART]: JSON.stringify(tenant) });
      },
    };
  };
}
