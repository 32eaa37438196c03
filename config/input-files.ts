/**
 * Where the input files are and which of them there are, by name alone: no parsing, no schemas.
 * Light enough for cli/bin.js to look before the command line loads (a review judges from the
 * file counts whether it will synthesize every stack in worker processes, cli/lib/cache/cold.ts);
 * config/load.ts and config/tenants.ts validate what these name.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const ENVIRONMENTS_DIR = resolve(__dirname, 'environments');
export const TENANTS_DIR = resolve(__dirname, '../tenants');

/** Environment names that have a file in `dir`, sorted. */
export function listEnvironments(dir = ENVIRONMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/** The `.yaml` files in `dir` (hidden files left out), sorted, as paths; none when `dir` does not exist. */
export function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f));
}

/** The tenant files in `dir`. */
export function tenantFiles(dir = TENANTS_DIR): string[] {
  return yamlFiles(dir);
}
