/** Leaf-level differences between two JSON values, shared by the stack and the rendered-app diffs. */

export interface Leaf {
  /** Dotted path; list elements of equal-length lists of objects get their index. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Attribute names that look like secrets; their values never appear in a review. */
export const SECRET_NAME = /(password|secret|token|private_key|access_key|primary_key|secondary_key|connection_string|sas|certificate|kube_config|client_key)/i;

/** @param ignore keys skipped at every level (cdktf's "//" metadata). */
export function leafDiff(before: unknown, after: unknown, prefix = '', ignore: ReadonlySet<string> = new Set(['//'])): Leaf[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !ignore.has(k)).sort();
    return keys.flatMap((k) => leafDiff(before[k], after[k], prefix ? `${prefix}.${k}` : k, ignore));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.every(isObject) && after.every(isObject)) {
    return before.flatMap((b, i) => leafDiff(b, after[i], `${prefix}.${i}`, ignore));
  }
  return [{ path: prefix, before, after }];
}

/** Hides values, not whether there is one: "(unset) -> (sensitive)" says a secret was added. */
export function redact(value: unknown): unknown {
  return value === undefined ? undefined : '(sensitive)';
}
