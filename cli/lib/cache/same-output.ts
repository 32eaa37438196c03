/**
 * Whether an output folder already holds exactly the given files: the fast path of a run whose
 * every stack came from the cache. Replacing thousands of identical files costs seconds of file
 * system work (creating the staging folder, removing the old one) for nothing; a folder that
 * differs in any file, or holds anything more (a `.terraform` folder, a stray file), is
 * replaced as usual, so the result is always what a full run writes.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readInto } from '../../../config/bounded-read';
import { isOwnOutput, OUTPUT_MARKER } from '../output-dir';
import { untraced } from './reads';

export function holdsExactly(dir: string, files: Map<string, Buffer>): boolean {
  return untraced(() => compare(dir, files));
}

/**
 * Whether the file holds exactly `want`: read into one reused buffer (a no-op run compares
 * thousands of files, and a fresh buffer for each is most of the garbage it makes), up to one
 * byte more than expected, so that a longer file differs too.
 */
function holds(path: string, want: Buffer, scratch: Buffer): boolean {
  const n = readInto(path, scratch.subarray(0, want.length + 1));
  return n === want.length && scratch.subarray(0, n).equals(want);
}

function compare(dir: string, files: Map<string, Buffer>): boolean {
  if (!isOwnOutput(dir)) return false;
  let largest = 0;
  for (const b of files.values()) largest = Math.max(largest, b.length);
  const scratch = Buffer.allocUnsafe(largest + 1);
  const expectedDirs = new Set<string>();
  for (const rel of files.keys()) {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) expectedDirs.add(parts.slice(0, i).join('/'));
  }
  let seen = 0;
  const walk = (rel: string): boolean => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!expectedDirs.has(path) || !walk(path)) return false;
      } else if (e.isFile()) {
        if (path === OUTPUT_MARKER && !rel) continue;
        const want = files.get(path);
        if (!want || !holds(join(dir, path), want, scratch)) return false;
        seen++;
      } else return false;
    }
    return true;
  };
  return walk('') && seen === files.size;
}
