/**
 * cdktf writes every `cdk.tf.json` and its `manifest.json` with json-stable-stringify (keys
 * sorted, indented), a walk in JavaScript that costs about a tenth of a tenant stack's
 * synthesis (docs/performance.md). `stableJson` writes the same text with the native
 * stringifier and a replacer: an object whose keys are already in order is written as it is,
 * any other as a copy with sorted keys, and an empty array or object (which json-stable-stringify
 * writes open, over two lines) as a marker number that is reopened afterwards. Where the native
 * stringifier would write something else (an index-like key, which an object holds first; an own
 * `__proto__` key; `toJSON`, which it calls with an argument; a value that is not a string,
 * number, boolean, null, plain array or plain object; a value equal to a marker; a circular
 * structure), the walk below, the definition, writes the whole value.
 * test/unit/stable-json.test.ts holds both to json-stable-stringify on every synthesized stack
 * and on every shape where they could part.
 */

/** Thrown by the replacer where only the walk writes what json-stable-stringify does. */
const WALK = Symbol('stable JSON: walk');
const INDEX_LIKE = /^(?:0|[1-9]\d*)$/;

/** Whether a key is one an object holds ahead of all others, in numeric order, whatever the order it was added in. */
export function indexLike(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && INDEX_LIKE.test(key);
}

/**
 * Numbers the replacer writes in place of an empty array or object (a value equal to one takes
 * the walk). Written, a marker follows a space (of its indent, or after its key's colon) and ends
 * its line (before a comma, perhaps); the same characters inside a string never end a line: a
 * string cannot hold a line break, and its closing quote comes first.
 */
const EMPTY_ARRAY = 1e-300;
const EMPTY_OBJECT = 2e-300;
const MARKERS: [text: string, open: string, close: string][] = [
  [JSON.stringify(EMPTY_ARRAY), '[', ']'],
  [JSON.stringify(EMPTY_OBJECT), '{', '}'],
];

function sortedCopies(this: Record<string, unknown>, key: string): unknown {
  const raw = this[key];
  switch (typeof raw) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return raw;
    case 'number':
      if (raw === EMPTY_ARRAY || raw === EMPTY_OBJECT) throw WALK;
      return raw;
    case 'object': {
      if (raw === null) return raw;
      if (Array.isArray(raw)) return raw.length === 0 ? EMPTY_ARRAY : raw;
      const proto = Object.getPrototypeOf(raw);
      if ((proto !== Object.prototype && proto !== null) || typeof (raw as { toJSON?: unknown }).toJSON === 'function') throw WALK;
      const keys = Object.keys(raw);
      // Most objects already hold their keys in order, and none undefined: those are written as they are.
      let inOrder = true;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        // A copy would move an index-like key to the front; an own `__proto__` key would set its prototype.
        if (indexLike(k) || k === '__proto__') throw WALK;
        if ((i > 0 && keys[i - 1] > k) || (raw as Record<string, unknown>)[k] === undefined) inOrder = false;
      }
      if (inOrder) return keys.length === 0 ? EMPTY_OBJECT : raw;
      const copy: Record<string, unknown> = {};
      let written = 0;
      for (const k of keys.sort()) {
        const v = (raw as Record<string, unknown>)[k];
        if (v === undefined) continue;
        copy[k] = v;
        written++;
      }
      return written === 0 ? EMPTY_OBJECT : copy;
    }
    default:
      throw WALK;
  }
}

/** How many values took the walk in this process (tests: the synthesized stacks take the fast path). */
export const stableJsonStats = { walked: 0 };

/** The text json-stable-stringify 1.3.0 writes for `value` with `{ space }` (no other options). */
export function stableJson(value: unknown, space = 2): string {
  if (space <= 0) return stableJsonWalk(value, space);
  let text: string | undefined;
  try {
    text = JSON.stringify(value, sortedCopies, space);
  } catch (err) {
    if (err !== WALK && !(err instanceof RangeError) && !(err instanceof TypeError)) throw err;
    stableJsonStats.walked++;
    return stableJsonWalk(value, space);
  }
  if (text === undefined) {
    stableJsonStats.walked++;
    return stableJsonWalk(value, space);
  }
  // An empty container is written open, closed at the indent of the line it starts on.
  for (const [marker, open, close] of MARKERS) if (text.includes(marker)) text = reopen(text, marker, open, close);
  return text;
}

/** `text` with every written `marker` replaced by an open, empty container closed at its line's indent. */
function reopen(text: string, marker: string, open: string, close: string): string {
  const out: string[] = [];
  let from = 0;
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) {
    const end = at + marker.length;
    const before = at === 0 ? 32 : text.charCodeAt(at - 1);
    const after = text.charCodeAt(end);
    const token = before === 32 && (end === text.length || after === 10 || (after === 44 && text.charCodeAt(end + 1) === 10));
    if (!token) continue;
    const line = text.lastIndexOf('\n', at) + 1;
    let indent = line;
    while (text.charCodeAt(indent) === 32) indent++;
    out.push(text.slice(from, at), open, '\n', text.slice(line, indent), close);
    from = end;
  }
  out.push(text.slice(from));
  return out.join('');
}

/** The definition: json-stable-stringify 1.3.0's walk with `{ space }`, without its per-value closures. */
export function stableJsonWalk(value: unknown, space = 2): string {
  const unit = ' '.repeat(space);
  const colon = space > 0 ? ': ' : ':';
  /** breaks[level]: a new line and the indent of `level`, or nothing without a space. */
  const breaks: string[] = [];
  const breakAt = (level: number): string => (breaks[level] ??= space > 0 ? `\n${unit.repeat(level)}` : '');
  const open = new Set<object>();

  const write = (node: unknown, level: number): string | undefined => {
    if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON(): unknown }).toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const close = breakAt(level);
    const item = breakAt(level + 1);
    if (Array.isArray(node)) {
      const out: string[] = [];
      for (let i = 0; i < node.length; i++) out.push(item + (write(node[i], level + 1) || 'null'));
      return `[${out.join(',')}${close}]`;
    }
    if (open.has(node)) throw new TypeError('Converting circular structure to JSON');
    open.add(node);
    const out: string[] = [];
    for (const key of Object.keys(node).sort()) {
      const text = write((node as Record<string, unknown>)[key], level + 1);
      if (text) out.push(item + JSON.stringify(key) + colon + text);
    }
    open.delete(node);
    return `{${out.join(',')}${close}}`;
  };

  return write(value, 0) as string;
}
