/** Every file under a folder, by its path relative to the folder: what tests compare output folders by. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
