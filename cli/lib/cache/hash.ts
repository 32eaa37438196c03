/** Hashing for fingerprints: content hashes of files and a canonical form of validated inputs. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { untraced } from './reads';
import { indexLike } from '../stable-json';

export function sha256(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    // Length-prefixed, so that ('ab', 'c') and ('a', 'bc') differ.
    h.update(`${Buffer.byteLength(p)}:`);
    h.update(p);
  }
  return h.digest('hex');
}

/** Thrown by the fast path where only the walker can say precisely what is wrong (or where key order needs it). */
const SLOW = Symbol('canonical JSON: slow path');

/** A JSON.stringify replacer that sorts keys and refuses what is not plain data, judging the raw value (before any toJSON). */
function sortedPlain(this: Record<string, unknown>, key: string): unknown {
  const raw = this[key];
  switch (typeof raw) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return raw;
    case 'number':
      if (!Number.isFinite(raw)) throw SLOW;
      return raw;
    case 'object': {
      if (raw === null || Array.isArray(raw)) return raw;
      const proto = Object.getPrototypeOf(raw);
      if (proto !== Object.prototype && proto !== null) throw SLOW;
      const keys = Object.keys(raw).sort();
      // A prototype-less copy, so that an own `__proto__` key stays a key.
      const copy = Object.create(null) as Record<string, unknown>;
      for (const k of keys) {
        // Index-like keys would be re-ordered numerically by the copy: the walker keeps string order.
        if (indexLike(k)) throw SLOW;
        copy[k] = (raw as Record<string, unknown>)[k];
      }
      return copy;
    }
    default:
      throw SLOW;
  }
}

/**
 * JSON with sorted keys, for the validated inputs a stack or app is built from. Only plain data
 * can be hashed faithfully; anything else (a Map, a class instance, a function) throws rather
 * than hash to something that two different inputs could share.
 *
 * Runs on every run over every tenant: the native stringifier does the writing, and the
 * walker below (the definition) only runs where the fast path is unsure, to name the problem.
 */
export function canonicalJson(value: unknown): string {
  try {
    const out = JSON.stringify(value, sortedPlain);
    if (out !== undefined) return out;
  } catch (err) {
    if (err !== SLOW) throw err;
  }
  return canonicalJsonWalk(value);
}

/** The definition of the canonical form (exported for the test that holds the fast path to it). */
export function canonicalJsonWalk(value: unknown): string {
  const walk = (v: unknown, path: string): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return JSON.stringify(v);
      case 'number':
        if (!Number.isFinite(v)) throw new Error(`cannot fingerprint ${path}: ${v}`);
        return JSON.stringify(v);
      case 'object': {
        if (Array.isArray(v)) {
          // Holes and undefined both as null, like JSON.
          const items: string[] = [];
          for (let i = 0; i < v.length; i++) items.push(v[i] === undefined ? 'null' : walk(v[i], `${path}[${i}]`));
          return `[${items.join(',')}]`;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) throw new Error(`cannot fingerprint ${path}: ${Object.prototype.toString.call(v)} is not plain data`);
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o)
          .filter((k) => o[k] !== undefined)
          .sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${walk(o[k], `${path}.${k}`)}`).join(',')}}`;
      }
      default:
        throw new Error(`cannot fingerprint ${path}: a ${typeof v}`);
    }
  };
  return walk(value, '$');
}

/** Content hashes of files, each read once per process (a run hashes the same sources for many stacks). */
export class FileHashes {
  private readonly memo = new Map<string, string>();

  /** The file's content hash; a missing file hashes as such, so that creating it changes the fingerprint. */
  of(path: string): string {
    let h = this.memo.get(path);
    if (h === undefined) {
      h = untraced(() => hashPath(path));
      this.memo.set(path, h);
    }
    return h;
  }
}

/** A file by content, a folder by its sorted listing, a missing path as missing. */
export function hashPath(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 'missing';
  }
  if (st.isDirectory()) return `dir:${sha256(readdirSync(path).sort().join('\n'))}`;
  return `file:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}
