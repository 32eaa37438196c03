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

/** Keys that name a list element (containers by name, rules by alert or record, ...). */
const IDENTITY = ['name', 'alert', 'record', 'key', 'id', 'uid', 'team_id'];

/** The key that identifies every element of both lists uniquely, if there is one. */
function identity(before: Json[], after: Json[]): string | undefined {
  return IDENTITY.find((k) =>
    [before, after].every((list) => list.every((o) => typeof o[k] === 'string' || typeof o[k] === 'number') && new Set(list.map((o) => o[k])).size === list.length),
  );
}

/**
 * @param ignore keys skipped at every level (cdktf's "//" metadata).
 * Lists of objects are compared element by element: by index when their lengths match, else by
 * an identity key (`containers[name=app].image`), else as a whole.
 */
export function leafDiff(before: unknown, after: unknown, prefix = '', ignore: ReadonlySet<string> = new Set(['//'])): Leaf[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !ignore.has(k)).sort();
    return keys.flatMap((k) => leafDiff(before[k], after[k], prefix ? `${prefix}.${k}` : k, ignore));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.every(isObject) && after.every(isObject)) {
    const key = before.length === after.length ? undefined : identity(before, after);
    if (key) {
      const at = (list: Json[], v: unknown) => list.find((o) => o[key] === v);
      const ids = [...new Set([...before.map((o) => o[key]), ...after.map((o) => o[key])])];
      return ids.flatMap((id) => leafDiff(at(before, id), at(after, id), `${prefix}[${key}=${String(id)}]`, ignore));
    }
    if (before.length === after.length) return before.flatMap((b, i) => leafDiff(b, after[i], `${prefix}.${i}`, ignore));
  }
  return [{ path: prefix, before, after }];
}

/** Hides values, not whether there is one: "(unset) -> (sensitive)" says a secret was added. */
export function redact(value: unknown): unknown {
  return value === undefined ? undefined : '(sensitive)';
}

/**
 * Two long strings shown by what differs: the common start and end are cut down to a little
 * context, so a changed key in a long JSON or YAML document is visible, not truncated away.
 */
export function differingParts(before: string, after: string, context = 40): [string, string] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const from = Math.max(0, start - context);
  const cut = (s: string) => {
    const to = s.length - Math.max(0, end - context);
    return `${from > 0 ? '…' : ''}${s.slice(from, to)}${to < s.length ? '…' : ''}`;
  };
  return [cut(before), cut(after)];
}
