/** Editing one tenant of a list, and which fingerprints an edit changed: what the cache-key tests share. */
import assert from 'node:assert/strict';
import type { Tenant } from '../../config/tenant-schema';

/** The tenant list with one tenant (default acme-search, in dev and prod) edited in a copy. */
export function editOne(tenants: Tenant[], edit: (t: Tenant) => void, name = 'acme-search'): Tenant[] {
  assert.ok(tenants.some((t) => t.metadata.name === name), name);
  return tenants.map((t) => {
    if (t.metadata.name !== name) return t;
    const copy = structuredClone(t);
    edit(copy);
    return copy;
  });
}

/** The names whose key differs; both sides must key the same names. */
export function changedNames(before: Map<string, string>, after: Map<string, string>): string[] {
  assert.deepEqual([...after.keys()], [...before.keys()]);
  return [...before.keys()].filter((n) => before.get(n) !== after.get(n)).sort();
}
