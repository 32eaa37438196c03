/**
 * Reads a YAML file and validates it against a zod schema, turning every problem into a
 * `file:line:column key.path: message` line a person can act on. Shared by environment files
 * and (later) tenant files so both report errors the same way.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { isAlias, isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';

export interface Problem {
  file: string;
  line: number;
  column: number;
  /** Dotted key path such as `aks.nodePools.gpu.maxCount`; empty for the whole file. */
  path: string;
  message: string;
  hint?: string;
}

/** Raised when input files are invalid; carries every problem, not only the first. */
export class ValidationError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ValidationError';
  }
}

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  const key = p.path ? ` ${p.path}:` : '';
  return `${where}${key} ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`;
}

/** A problem found by a semantic check after the schema passed; positioned by its path. */
export interface Finding {
  path: (string | number)[];
  message: string;
  hint?: string;
}

export interface YamlValidateOptions<T = unknown> {
  /** Refuse files larger than this many bytes (a runaway file is a mistake, not config). */
  maxBytes?: number;
  /** Hints keyed by the last path segment, appended to problems on that key. */
  hints?: Record<string, string>;
  /** Refuse anchors and aliases: they hide what a reviewer approves and can expand without bound. */
  refuseAliases?: boolean;
  /**
   * Semantic checks on the parsed value; all their findings are reported together. A list of
   * independent checks also runs when the schema fails, on what did parse: each check sees the
   * file with the invalid values taken out, one that cannot run on that is skipped, and nothing
   * is reported twice for a path the schema already named. So one run reports every problem.
   */
  checks?: ((value: T) => Finding[]) | ((value: T) => Finding[])[];
}

const DEFAULT_MAX_BYTES = 256 * 1024;
/** Alias expansions a file may make; config never needs more, and more is how expansion bombs work. */
const MAX_ALIAS_COUNT = 100;

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Validates one YAML file; returns the parsed value or throws a ValidationError. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S, options: YamlValidateOptions<z.output<S>> = {}): z.output<S> {
  const shown = displayPath(file);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > maxBytes) {
      throw new ValidationError([{ file: shown, line: 1, column: 1, path: '', message: `file is ${size} bytes; the limit is ${maxBytes}` }]);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`;
    throw new ValidationError([{ file: shown, line: 0, column: 0, path: '', message }]);
  }
  return validateYamlText(shown, text, schema, options);
}

export function validateYamlText<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  options: YamlValidateOptions<z.output<S>> = {},
): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => lines.linePos(offset);

  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    throw new ValidationError(
      syntax.map((e) => {
        const { line, col } = at(e.pos[0]);
        return { file, line, column: col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  // Anchors and aliases need "&" or "*"; skipping the tree walk otherwise keeps 1,000 files fast.
  if (options.refuseAliases && /[&*]/.test(text)) {
    const aliases = anchorsAndAliases(doc).map((offset) => ({
      file,
      ...toLineCol(offset, at),
      path: '',
      message: 'YAML anchors and aliases are not allowed',
      hint: 'write the value out in full, so reviewers see exactly what is approved',
    }));
    if (aliases.length > 0) throw new ValidationError(aliases);
  }
  if (!doc.contents) {
    throw new ValidationError([{ file, line: 1, column: 1, path: '', message: 'the file is empty' }]);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml library stops alias expansion that grows without bound (a "billion laughs" file).
    const first = anchorsAndAliases(doc)[0];
    throw new ValidationError([
      { file, ...toLineCol(first, at), path: '', message: `YAML: ${(err as Error).message} (more than ${MAX_ALIAS_COUNT} alias expansions)`, hint: 'write the values out instead of repeating them through anchors and aliases' },
    ]);
  }
  const result = schema.safeParse(data);
  const located = (f: Finding): Problem => {
    const path = f.path.map(String);
    return { file, ...toLineCol(valuePosition(doc, path), at), path: path.join('.'), message: f.message, ...(f.hint ? { hint: f.hint } : {}) };
  };
  if (result.success) {
    const checks = Array.isArray(options.checks) ? options.checks : options.checks ? [options.checks] : [];
    const findings = checks.flatMap((check) => check(result.data));
    if (findings.length === 0) return result.data;
    throw new ValidationError(findings.map(located));
  }
  const problems = result.error.issues.flatMap((issue): Problem[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const pos = keyPosition(doc, path, key) ?? valuePosition(doc, path);
        const known = suggestKey(schema, path, key);
        return {
          file,
          ...toLineCol(pos, at),
          path: [...path, key].join('.'),
          message: `unknown key "${key}"`,
          hint: known ?? 'remove it, or check the spelling against the schema',
        };
      });
    }
    const pos = valuePosition(doc, path);
    const node = doc.getIn(path) as unknown;
    // Collections come back as YAML nodes; messages should show plain values.
    const actual = node && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node;
    // Key hints explain a shape mistake; cross-field rules say their own fix.
    const hint = issue.code === 'custom' ? undefined : options.hints?.[path[path.length - 1] ?? ''];
    return [{ file, ...toLineCol(pos, at), path: path.join('.'), message: describeIssue(issue, actual), ...(hint ? { hint } : {}) }];
  });
  const partial = Array.isArray(options.checks) ? semanticOnPartial(data, result.error.issues, options.checks) : [];
  throw new ValidationError([...problems, ...partial.map(located)]);
}

/**
 * Runs independent checks on the data with every value the schema rejected removed. A check
 * that needs a removed value throws (it reads a property of undefined) and is skipped; a finding
 * on a path the schema already reported, or below it, is dropped.
 */
function semanticOnPartial<T>(data: unknown, issues: z.core.$ZodIssue[], checks: ((value: T) => Finding[])[]): Finding[] {
  const salvaged = structuredClone(data) as Record<string, unknown>;
  const bad = issues.map((i) => i.path.map(String));
  for (const path of bad) {
    if (path.length === 0) return [];
    let node: unknown = salvaged;
    for (const key of path.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (node && typeof node === 'object') delete (node as Record<string, unknown>)[path[path.length - 1]];
  }
  const covered = (p: string[]) => bad.some((b) => b.every((k, i) => p[i] === k));
  return checks.flatMap((check) => {
    try {
      return check(salvaged as T).filter((f) => !covered(f.path.map(String)));
    } catch {
      return [];
    }
  });
}

function anchorsAndAliases(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node) || (node as { anchor?: string }).anchor) offsets.push(node.range?.[0] ?? 0);
    },
  });
  return offsets;
}

function toLineCol(offset: number | undefined, at: (o: number) => { line: number; col: number }) {
  if (offset === undefined) return { line: 1, column: 1 };
  const { line, col } = at(offset);
  return { line, column: col };
}

/** Offset of the value at `path`, or of the nearest existing parent when the key is missing. */
function valuePosition(doc: Document, path: string[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) return node.range[0];
  }
  return undefined;
}

function keyPosition(doc: Document, parent: string[], key: string): number | undefined {
  const map = parent.length === 0 ? doc.contents : doc.getIn(parent, true);
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key.range?.[0];
  }
  return undefined;
}

/** Suggests the closest known sibling key, since most unknown keys are typos. */
function suggestKey(schema: z.ZodType, parent: string[], key: string): string | undefined {
  const keys = objectKeysAt(schema, parent);
  if (!keys || keys.length === 0) return undefined;
  const ranked = [...keys].sort((a, b) => editDistance(a, key) - editDistance(b, key));
  const best = ranked[0];
  const close = editDistance(best, key) <= Math.max(2, Math.floor(key.length / 3));
  return `${close ? `did you mean "${best}"? ` : ''}allowed keys here: ${keys.join(', ')}`;
}

/** Walks a zod schema along a data path (through defaults, optionals, arrays and records). */
function objectKeysAt(schema: z.ZodType, path: string[]): string[] | undefined {
  let current: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    for (;;) {
      const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
      if (!def) return s;
      if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type as string)) s = def.innerType;
      else if (def.type === 'pipe') s = def.in;
      else return s;
    }
  };
  for (const segment of [...path, undefined]) {
    const node = unwrap(current) as { _zod?: { def?: Record<string, unknown> } };
    const def = node._zod?.def;
    if (!def) return undefined;
    if (segment === undefined) return def.type === 'object' ? Object.keys(def.shape as object) : undefined;
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[segment];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    if (current === undefined) return undefined;
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

function describeIssue(issue: z.core.$ZodIssue, actual: unknown): string {
  const got = actual === undefined ? 'nothing (the key is missing)' : `${typeName(actual)} ${JSON.stringify(actual)}`;
  switch (issue.code) {
    case 'invalid_type':
      return actual === undefined ? `missing required key (expected ${issue.expected})` : `expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'too_small':
    case 'too_big':
      return `${issue.message.replace(/^Too (small|big): /, '')}, got ${got}`;
    case 'invalid_format':
      return `${issue.message.startsWith('expected ') ? '' : 'expected '}${issue.message}, got ${got}`;
    case 'custom':
      // Cross-field rules already quote the values involved; scalar refinements do not.
      return issue.message.startsWith('expected ') ? `${issue.message}, got ${got}` : issue.message;
    default:
      return actual === undefined ? issue.message : `${issue.message} (got ${JSON.stringify(actual)})`;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}

/** Line and column of the value at `path` in a YAML file (1:1 when it cannot be found), for problems found across files. */
export function positionOf(file: string, path: (string | number)[]): Pick<Problem, 'file' | 'line' | 'column'> {
  const shown = displayPath(file);
  try {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) {
        const { line, col } = lines.linePos(node.range[0]);
        return { file: shown, line, column: col };
      }
    }
  } catch {
    // An unreadable file still gets named; the position is a convenience.
  }
  return { file: shown, line: 1, column: 1 };
}
