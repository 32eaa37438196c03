/**
 * Validated inputs from the synth cache: a tenant or environment file whose bytes, name,
 * validation code and validation context are the same as in an earlier run is not parsed and
 * checked again; its validated value is read from the store (cli/lib/cache/store.ts: the same
 * integrity checks, LRU and `--no-cache` as the stacks). A tenant's context is every
 * environment and the model catalogue, which its per-file checks read; an environment's is
 * none. Both depend on the validation date (guard rails judge Kubernetes versions by it,
 * config/guard-rails.ts validationDate). Checks across files (duplicate tenant names, capacity,
 * cloud models, subscription owners) are not per file and still run on every run, over the
 * cached values.
 *
 * Only values that JSON carries faithfully are stored (plain objects and arrays, strings,
 * finite numbers, booleans, null): anything else is validated every time rather than come back
 * different. Invalid files are never stored, so their errors are always located afresh.
 */
import { basename, join } from 'node:path';
import { validationDate } from '../../../config/guard-rails';
import type { EnvironmentMemo } from '../../../config/load';
import type { EnvironmentConfig } from '../../../config/schema';
import type { TenantContext, TenantMemo, TenantMemoFactory } from '../../../config/tenants';
import type { Tenant } from '../../../config/tenant-schema';
import { canonicalJson, FileHashes, sha256 } from './hash';
import { moduleGraph } from './module-graph';
import { CACHE_FORMAT, type SynthCache } from './store';

/** The per-file validation (schemas and checks, transitively) and this module's encoding. */
const TENANT_CODE = ['config/tenants.ts', 'cli/lib/cache/validated.ts'];
const ENVIRONMENT_CODE = ['config/load.ts', 'cli/lib/cache/validated.ts'];
/** The parser and schema library versions. */
const TOOLCHAIN = ['package-lock.json', 'package.json', 'tsconfig.json'];

export const TENANT_KIND = 'tenant';
export const ENVIRONMENT_KIND = 'environment';
const PART = 'value.json';

export interface ValidatedStats {
  hits: number;
  misses: number;
}

/** Hashes of validation code: every file a validation entry point imports, transitively, plus the toolchain and the validation date. */
class ValidationCode {
  private graph?: ReturnType<typeof moduleGraph>;
  private readonly hashes = new FileHashes();
  private readonly memo = new Map<string, string>();

  constructor(private readonly root: string) {}

  of(entries: string[]): string {
    const id = entries.join('\n');
    let h = this.memo.get(id);
    if (!h) {
      this.graph ??= moduleGraph(this.root);
      const files = [...new Set(entries.flatMap((f) => this.graph!.closure(f)))].sort();
      h = sha256(CACHE_FORMAT, `node ${process.versions.node.split('.')[0]}`, `date ${validationDate()}`, ...[...files, ...TOOLCHAIN].flatMap((f) => [f, this.hashes.of(join(this.root, f))]));
      this.memo.set(id, h);
    }
    return h;
  }
}

/** The validation code hash of tenant files (tests: a change to it is a miss). */
export function validationCodeHash(root: string): string {
  return new ValidationCode(root).of(TENANT_CODE);
}

/** A memo over the store: values by key, read back only when the store's checks pass and the JSON parses. */
function memo<T>(cache: SynthCache, kind: string, stats: ValidatedStats, key: (file: string, content: Buffer) => string) {
  return {
    get(file: string, content: Buffer): T | undefined {
      const part = cache.get(key(file, content), kind, basename(file))?.get(PART);
      if (part) {
        try {
          const value = JSON.parse(part.toString('utf8')) as T;
          stats.hits++;
          return value;
        } catch {
          // The store checked the bytes against their hash: only a bug gets here; validate instead.
        }
      }
      stats.misses++;
      return undefined;
    },
    set(file: string, content: Buffer, value: T): void {
      if (jsonFaithful(value)) cache.put(key(file, content), kind, basename(file), { [PART]: JSON.stringify(value) });
    },
  };
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

/** What loadInputs takes: validated tenants and environments from the store. */
export interface ValidatedInputs {
  readonly tenantMemo: TenantMemoFactory;
  readonly environmentMemo: EnvironmentMemo;
  readonly stats: { tenants: ValidatedStats; environments: ValidatedStats };
}

export function validatedInputs(cache: SynthCache, root: string): ValidatedInputs {
  const code = new ValidationCode(root);
  const stats = { tenants: { hits: 0, misses: 0 }, environments: { hits: 0, misses: 0 } };
  const environmentMemo: EnvironmentMemo = memo<EnvironmentConfig>(cache, ENVIRONMENT_KIND, stats.environments, (file, content) =>
    sha256('validated-environment', code.of(ENVIRONMENT_CODE), basename(file), content),
  );
  const tenantMemo: TenantMemoFactory = (ctx: TenantContext): TenantMemo => {
    const context = sha256(canonicalJson({ environments: ctx.environments, models: ctx.models }));
    return memo<Tenant>(cache, TENANT_KIND, stats.tenants, (file, content) => sha256('validated-tenant', code.of(TENANT_CODE), context, basename(file), content));
  };
  return { tenantMemo, environmentMemo, stats };
}

/** The tenant memo alone (tests). */
export function validatedTenants(cache: SynthCache, root: string, stats?: ValidatedStats): TenantMemoFactory {
  const inputs = validatedInputs(cache, root);
  if (!stats) return inputs.tenantMemo;
  return (ctx) => {
    const m = inputs.tenantMemo(ctx);
    return {
      get: (file, content) => {
        const v = m.get(file, content);
        if (v) stats.hits++;
        else stats.misses++;
        return v;
      },
      set: m.set,
    };
  };
}
