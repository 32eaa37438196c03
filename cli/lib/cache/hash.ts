/** Hashing for fingerprints: content hashes of files and a canonical form of validated inputs. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { untraced } from './reads';

export function sha256(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    // Length-prefixed, so that ('ab', 'c') and ('a', 'bc') differ.
    h.update(`${Buffer.byteLength(p)}:`);
    h.update(p);
  }
  return h.digest('hex');
}

/**
 * JSON with sorted keys, for the validated inputs a stack or app is built from. Only plain data
 * can be hashed faithfully; anything else (a Map, a class instance, a function) throws rather
 * than hash to something that two different inputs could share.
 */
export function canonicalJson(value: unknown): string {
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
        if (Array.isArray(v)) return `[${v.map((x, i) => (x === undefined ? 'null' : walk(x, `${path}[${i}]`))).join(',')}]`;
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
