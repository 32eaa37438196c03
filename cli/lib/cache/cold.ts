/**
 * What a command can tell about its synthesis before it validates anything, from folder and
 * file names alone (config/input-files.ts): which synth cache it uses, whether that holds
 * nothing yet, and how many tenant stacks the input files can make at most. Light enough for
 * cli/bin.js, which decides on it before the command line loads whether a review starts checkov
 * early (cli/lib/review/early-checkov.ts).
 *
 * A run whose cache holds nothing synthesizes every stack; with enough of them, in worker
 * processes, which start while the inputs are validated (cli/lib/synth.ts earlyWorkers), and a
 * review sets checkov aside until they are done (cli/lib/review/run.ts). A wrong guess costs
 * time, never a different result.
 */
import { opendirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENVIRONMENTS_DIR, listEnvironments, TENANTS_DIR, tenantFiles } from '../../../config/input-files';

/** Below this many stacks to synthesize, starting worker processes costs more than it saves. */
export const PARALLEL_MIN_STACKS = 200;

export const DEFAULT_CACHE_DIR = resolve(__dirname, '../../..', '.cache/synth');

/** The synth cache folder a command uses: none with `--no-cache` or PLATFORM_SYNTH_CACHE=off; a relative setting is taken from `cwd`. */
export function cacheFolder(noCache: boolean, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | undefined {
  if (noCache || env.PLATFORM_SYNTH_CACHE === 'off') return undefined;
  return resolve(cwd, env.PLATFORM_SYNTH_CACHE || DEFAULT_CACHE_DIR);
}

/** Whether a folder holds no entry at all; an absent folder holds none either. */
export function holdsNothing(dir: string): boolean {
  let d;
  try {
    d = opendirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  try {
    return d.readSync() === null;
  } finally {
    d.closeSync();
  }
}

/** Where the input files are (the defaults: this repository's), as synth options name them. */
export interface InputFolders {
  readonly envs?: readonly string[];
  readonly environmentsDir?: string;
  readonly tenantsDir?: string;
  readonly tenantFiles?: readonly string[];
}

/** How many environments a run synthesizes: those asked for, else every environment file. */
export function environmentCount(o: InputFolders = {}): number {
  return o.envs?.length || listEnvironments(o.environmentsDir ?? ENVIRONMENTS_DIR).length;
}

/** The most tenant stacks the files can make: every tenant in every environment. */
export function mostTenantStacks(o: InputFolders = {}, environments: number = environmentCount(o)): number {
  return environments * (o.tenantFiles ?? tenantFiles(o.tenantsDir ?? TENANTS_DIR)).length;
}

/**
 * Whether a run with a cache that held nothing when it was opened (`storeEmpty`), and these
 * input files, will have at least PARALLEL_MIN_STACKS stacks to synthesize: the run that
 * synthesizes in worker processes. No cache at all is not such a run here (`--no-cache`
 * reviews synthesize each side in one process).
 */
export function synthesizesAllInWorkers(storeEmpty: boolean | undefined, files: InputFolders = {}): boolean {
  return storeEmpty === true && mostTenantStacks(files) >= PARALLEL_MIN_STACKS;
}
