/**
 * The project's own module graph, read from the TypeScript sources: which files a module
 * imports, transitively. Fingerprints hash exactly these files, so a change to a construct
 * invalidates the stacks that import it and no others. Type-only imports count too: a stack
 * declares the producer stacks it reads through its props' types, and what it reads from them
 * (their construct paths) is their code.
 *
 * Bare specifiers (packages) are not followed: package-lock.json stands for them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { untraced } from './reads';

/** Comments and string/template contents removed, so that commented-out imports do not count and quotes inside strings do not confuse the scan. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && d === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
      continue;
    }
    if (c === "'" || c === '"') {
      // Kept whole: a specifier is a string literal.
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '`') {
      // Template contents cannot hold a static specifier; `${...}` expressions are kept for nested requires.
      let j = i + 1;
      out += '`';
      while (j < n && text[j] !== '`') {
        if (text[j] === '\\') j += 2;
        else if (text[j] === '$' && text[j + 1] === '{') {
          let depth = 1;
          let k = j + 2;
          while (k < n && depth > 0) {
            if (text[k] === '{') depth++;
            else if (text[k] === '}') depth--;
            k++;
          }
          out += ` ${stripComments(text.slice(j + 2, k - 1))} `;
          j = k;
        } else j++;
      }
      out += '`';
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const SPECIFIERS = [
  // import x from '...', import { a } from '...', import type { T } from '...', export * from '...', export { a } from '...'
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*(['"])([^'"]+)\1/g,
  // import '...'
  /\bimport\s*(['"])([^'"]+)\1/g,
  // require('...'), import('...'), require.resolve('...')
  /\b(?:require(?:\.resolve)?|import)\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
];

/**
 * By source text, for the whole process: a review builds a graph for each side's stacks and one
 * for the rendered apps, over mostly the same files, and scanning is most of a graph's cost. A
 * file is still read every time, so an edited file is scanned again.
 */
const specifiersByText = new Map<string, readonly string[]>();

/** Every module specifier written in a TypeScript source. */
export function importSpecifiers(text: string): string[] {
  let specs = specifiersByText.get(text);
  if (!specs) {
    const code = stripComments(text);
    const found = new Set<string>();
    for (const re of SPECIFIERS) for (const m of code.matchAll(re)) found.add(m[2]);
    specs = [...found];
    specifiersByText.set(text, specs);
  }
  return [...specs];
}

const EXTENSIONS = ['.ts', '.tsx', '.js', '.cjs', '.mjs', '.json'];

function isFile(path: string): boolean {
  try {
    // Most candidates do not exist: no exception is made for those (one per candidate was a good part of a graph's cost).
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** A relative specifier as a file, the way tsx resolves it (extension-less, `.js` for `.ts`, folder index). */
export function resolveRelative(fromFile: string, spec: string): string | undefined {
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...(base.endsWith('.js') ? [base.slice(0, -3) + '.ts'] : []), ...EXTENSIONS.map((e) => join(base, `index${e}`))];
  return candidates.find(isFile);
}

export interface ModuleGraph {
  /** Repository-relative paths (forward slashes) of `entry` and every project file it imports, transitively, sorted. */
  closure(entry: string): string[];
}

/**
 * A graph over the files under `root`; files are read once per graph. Imports that leave
 * `root` or enter node_modules are not followed.
 */
export function moduleGraph(root: string): ModuleGraph {
  const edges = new Map<string, string[]>();
  const inside = (file: string) => {
    const rel = relative(root, file);
    return !rel.startsWith('..') && !rel.split(sep).includes('node_modules');
  };
  const importsOf = (file: string): string[] => {
    let hit = edges.get(file);
    if (hit) return hit;
    hit = [];
    if (/\.(ts|tsx|js|cjs|mjs)$/.test(file)) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolveRelative(file, spec);
        // An import that does not resolve fails at run time anyway; nothing to hash.
        if (target && inside(target)) hit.push(target);
      }
    }
    edges.set(file, hit);
    return hit;
  };
  const closures = new Map<string, string[]>();
  return {
    closure(entry) {
      const start = resolve(root, entry);
      const cached = closures.get(start);
      if (cached) return cached;
      if (!untraced(() => existsSync(start))) throw new Error(`module graph: ${entry} does not exist`);
      const seen = new Set<string>([start]);
      const queue = [start];
      untraced(() => {
        while (queue.length) for (const next of importsOf(queue.pop()!)) if (!seen.has(next)) (seen.add(next), queue.push(next));
      });
      const out = [...seen].map((f) => relative(root, f).split(sep).join('/')).sort();
      closures.set(start, out);
      return out;
    },
  };
}
