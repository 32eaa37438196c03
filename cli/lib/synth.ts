/**
 * Synthesis that never leaves a half-written or stale `cdktf.out` behind: all input is
 * validated first, the app is synthesized into a sibling temporary folder, and only a complete
 * result replaces the output folder. On failure the old output is removed too, because a stale
 * plan-able folder next to a failed run is exactly what gets deployed by mistake.
 *
 * Large runs (many tenants, several environments) synthesize environments in parallel worker
 * processes; the merged result is byte-identical to an in-process run.
 *
 * With a cache (the CLI's default, cli/lib/cache/), every stack whose fingerprint is cached is
 * copied from it and only the rest is synthesized; the result is byte-identical to a full run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadInputs, type InputOptions, type Inputs } from '../../config/inputs';
import { ENVIRONMENTS_DIR } from '../../config/load';
import { MODELS_FILE } from '../../config/models';
import { TENANTS_DIR } from '../../config/tenants';
import { sharedConcerns } from '../../stacks/names';
import { environmentCount, mostTenantStacks, PARALLEL_MIN_STACKS } from './cache/cold';
import { IncrementalSynth, type IncrementalReport, type IncrementalRequest } from './cache/incremental';
import { holdsExactly } from './cache/same-output';
import { validatedInputs } from './cache/validated';
import type { SynthCache } from './cache/store';
import { createProgress, type Progress } from '../progress';
import { checkOutputFolder, ioError, isOwnOutput, lockFolder, onInterrupt, recoverFolder, replaceFolder, stagingFolder, type Lock } from './output-dir';
import { REPO } from './tools';
import { stableJson } from './stable-json';
import type { WorkerMessage, WorkerPreload, WorkerReply, WorkerRequest } from './synth-worker';

export interface SynthOptions extends InputOptions {
  readonly outdir?: string;
  readonly localBackend?: boolean;
  readonly progress?: Progress;
  /** Reuse unchanged stacks from this cache (the CLI's default); without one every stack is synthesized. */
  readonly cache?: SynthCache;
  /** Inputs the caller has already validated (the review's cold path), instead of loading them again. */
  readonly inputs?: Inputs;
}

/** What an incremental run took from the cache. */
export interface CacheSummary {
  readonly dir: string;
  /** Stacks copied from the cache. */
  readonly reused: number;
  /** Stacks synthesized. */
  readonly built: number;
  /** Damaged or foreign entries that were found, removed and rebuilt. */
  readonly problems: string[];
}

export interface ParallelSynthOptions extends SynthOptions {
  /** Told, before any stack is synthesized, how many will be (with a cache: those without a first-level entry). */
  readonly onPlan?: (toSynthesize: number) => void;
  /**
   * Worker processes; default: $PLATFORM_SYNTH_JOBS, else one per environment up to the CPU
   * count for large runs only.
   */
  readonly jobs?: number;
  /** Workers the caller started before it validated `inputs` (prestartWorkers); this run takes them over. */
  readonly prestarted?: PrestartedWorkers;
}

export interface SynthResult {
  readonly outdir: string;
  /** Stack names in the order the manifest lists them. */
  readonly stacks: string[];
  /** The validated inputs the stacks were synthesized from. */
  readonly inputs: Inputs;
  /** Present when the run used a cache. */
  readonly cache?: CacheSummary;
}

interface Manifest {
  version: string;
  stacks: Record<string, unknown>;
}

export const DEFAULT_OUTDIR = 'cdktf.out';

export { PARALLEL_MIN_STACKS } from './cache/cold';

interface Run {
  readonly progress: Progress;
  readonly outdir: string;
  readonly staging: string;
  readonly inputs: Inputs;
  readonly lock: Lock;
  /** Workers started by this run, stopped with it. */
  readonly workers: Set<ChildProcess>;
  readonly uninstall: () => void;
}

/**
 * The output folder is checked and locked before anything else, so a refused folder costs
 * nothing. `prestart` may start workers (into `workers`) that load while the inputs are validated.
 */
function begin(options: SynthOptions, prestart?: (workers: Set<ChildProcess>, outdir: string) => void): Run {
  const progress = options.progress ?? createProgress(true);
  const outdir = checkOutputFolder(options.outdir ?? DEFAULT_OUTDIR, { repoRoot: REPO, cwd: process.cwd(), flag: '--out' });
  try {
    mkdirSync(dirname(outdir), { recursive: true });
  } catch (err) {
    throw ioError(dirname(outdir), err, '--out');
  }
  const lock = lockFolder(outdir, { holder: 'platform synth', flag: '--out', onWait: (m) => progress.info(m) });
  const workers = new Set<ChildProcess>();
  try {
    for (const note of recoverFolder(outdir)) progress.info(note);
    // A folder synthesized before is likely to be synthesized from the same entries again: they come from its pack.
    if (options.cache && isOwnOutput(outdir)) options.cache.usePack(outdir);
    prestart?.(workers, outdir);
    let inputs;
    try {
      // With a cache, tenant and environment files validated before (same bytes, code and context) come from it.
      const memos = options.cache && !options.inputs ? validatedInputs(options.cache, REPO) : undefined;
      inputs = options.inputs ?? progress.step('validate environments, models and tenants', () => loadInputs({ ...options, tenantMemo: memos?.tenantMemo, environmentMemo: memos?.environmentMemo }));
    } catch (err) {
      removeStale(outdir, progress);
      throw err;
    }
    let staging: string;
    try {
      staging = stagingFolder(outdir);
    } catch (err) {
      throw ioError(dirname(outdir), err, '--out');
    }
    const uninstall = onInterrupt(() => {
      for (const w of workers) w.kill('SIGKILL');
      rmSync(staging, { recursive: true, force: true });
      lock.release();
    });
    return { progress, outdir, staging, inputs, lock, workers, uninstall };
  } catch (err) {
    for (const w of workers) w.kill('SIGKILL');
    lock.release();
    throw err;
  }
}

function commit(run: Run, reports?: { dir: string; parts: IncrementalReport[] }, options?: SynthOptions): SynthResult {
  try {
    replaceFolder(run.staging, run.outdir);
    // Before the lock goes, as in unchanged(): the pack this folder's next run reads is written for this folder's content.
    if (reports) options?.cache?.finish();
  } finally {
    run.uninstall();
    run.lock.release();
  }
  const manifest = JSON.parse(readFileSync(join(run.outdir, 'manifest.json'), 'utf8')) as Manifest;
  const stacks = Object.keys(manifest.stacks);
  run.progress.info(`wrote ${stacks.length} stacks to ${run.outdir}`);
  if (!reports) return { outdir: run.outdir, stacks, inputs: run.inputs };
  const cache: CacheSummary = {
    dir: reports.dir,
    reused: reports.parts.reduce((n, r) => n + r.reused.length, 0),
    built: reports.parts.reduce((n, r) => n + r.built.length, 0),
    problems: reports.parts.flatMap((r) => r.problems),
  };
  run.progress.info(`reused ${cache.reused} of ${stacks.length} stacks from the cache (${reports.dir}), synthesized ${cache.built}`);
  writeStats(stacks.length, cache);
  return { outdir: run.outdir, stacks, inputs: run.inputs, cache };
}

/** Every stack came from the cache and the output folder already holds exactly that: nothing to write. */
function unchanged(run: Run, store: SynthCache, report: IncrementalReport): SynthResult {
  rmSync(run.staging, { recursive: true, force: true });
  // Before the lock goes: the pack this folder's next run reads is written for this folder's content.
  store.finish();
  run.uninstall();
  run.lock.release();
  const cache: CacheSummary = { dir: store.dir, reused: report.reused.length, built: 0, problems: report.problems };
  run.progress.info(`${run.outdir} is up to date: all ${report.reused.length} stacks have cached fingerprints and the folder holds exactly their output`);
  writeStats(report.reused.length, cache);
  return { outdir: run.outdir, stacks: [...report.reused].sort(), inputs: run.inputs, cache };
}

/**
 * $PLATFORM_SYNTH_STATS names a file for the run's cache figures: the review reads how much
 * the base's own synth reused without parsing its progress output.
 */
function writeStats(stacks: number, cache: CacheSummary): void {
  const file = process.env.PLATFORM_SYNTH_STATS;
  if (file) writeFileSync(file, JSON.stringify({ stacks, reused: cache.reused, built: cache.built, problems: cache.problems }));
}

/** The request an incremental run (in-process or a worker) gets. */
function incrementalRequest(run: Run, options: SynthOptions, environments: Inputs['environments'], outdir: string): IncrementalRequest {
  return {
    environments,
    tenants: run.inputs.tenants,
    models: run.inputs.models,
    outdir,
    localBackend: options.localBackend,
    cache: options.cache!,
    root: REPO,
    notData: notData(options, run.outdir),
  };
}

/** The validated inputs are fingerprinted as objects, not as files: reading them is not a data dependency. */
function notData(options: SynthOptions, outdir: string): string[] {
  return [options.environmentsDir ?? ENVIRONMENTS_DIR, options.modelsFile ?? MODELS_FILE, options.tenantsDir ?? TENANTS_DIR, ...(options.tenantFiles ?? []), outdir];
}

function abort(run: Run, err: unknown): never {
  for (const w of run.workers) w.kill('SIGKILL');
  rmSync(run.staging, { recursive: true, force: true });
  removeStale(run.outdir, run.progress);
  run.uninstall();
  run.lock.release();
  throw err;
}

function label({ environments, tenants }: Inputs): string {
  return `synthesize ${environments.map((e) => e.name).join(', ')} with ${tenants.length} tenants`;
}

/** cdktf and the providers load only when something is synthesized (a run that copies every stack from the cache does not need them). */
function fullSynth(run: Run, options: SynthOptions): void {
  const { buildApp } = require('../../main') as typeof import('../../main');
  const { environments, tenants, models } = run.inputs;
  run.progress.step(label(run.inputs), () => buildApp({ environments, tenants, models, outdir: run.staging, localBackend: options.localBackend }).synth());
}

function inProcess(run: Run, options: SynthOptions, planned?: IncrementalSynth): SynthResult {
  try {
    if (!options.cache) {
      fullSynth(run, options);
      return commit(run);
    }
    const incremental = planned ?? new IncrementalSynth(incrementalRequest(run, options, run.inputs.environments, run.staging));
    const complete = incremental.fromCache();
    if (complete && holdsExactly(run.outdir, complete)) return unchanged(run, options.cache, incremental.report([]));
    const report = run.progress.step(`${label(run.inputs)}, unchanged stacks from the cache`, () => incremental.run());
    return commit(run, { dir: options.cache.dir, parts: [report] }, options);
  } catch (err) {
    return abort(run, err);
  }
}

/** In-process synthesis. */
export function synthesize(options: SynthOptions = {}): SynthResult {
  return inProcess(begin(options), options);
}

export function stackCount({ environments, tenants }: Pick<Inputs, 'environments' | 'tenants'>): number {
  return environments.reduce((n, env) => n + sharedConcerns(env).length + tenants.filter((t) => t.spec.environments.includes(env.name)).length, 0);
}

/** Synthesis that uses several processes when the run is large enough to profit. */
export async function synthesizeParallel(options: ParallelSynthOptions = {}): Promise<SynthResult> {
  const early: WorkerHandle[] = [];
  let run: Run;
  try {
    run = begin(options, (workers, outdir) => {
      for (const handle of options.prestarted?.take() ?? []) (early.push(handle), workers.add(handle.child));
      for (let i = options.prestarted ? 0 : earlyWorkers(options); i > 0; i--) early.push(startWorker(workers, preloadFor(options, outdir)));
    });
  } finally {
    options.prestarted?.close();
  }
  const { environments, tenants } = run.inputs;
  let toSynthesize: number;
  let planned: IncrementalSynth | undefined;
  try {
    // With a cache, what counts is how many stacks have to be synthesized, not how many there are.
    planned = options.cache ? new IncrementalSynth(incrementalRequest(run, options, environments, run.staging)) : undefined;
    toSynthesize = planned ? planned.firstLevelMisses() : stackCount(run.inputs);
  } catch (err) {
    return abort(run, err);
  }
  options.onPlan?.(toSynthesize);
  const jobs = jobCount(options, toSynthesize, environments.length);
  // Workers started early that the plan does not need (fewer environments than expected, or little to synthesize).
  for (const w of early.splice(jobs === 1 ? 0 : jobs)) w.child.kill('SIGKILL');
  if (jobs === 1) return inProcess(run, options, planned);
  try {
    const buckets = Array.from({ length: jobs }, (_, i) => environments.filter((_e, j) => j % jobs === i));
    const parts = buckets.map((_envs, i) => join(run.staging, `.part-${i}`));
    for (const part of parts) mkdirSync(part, { recursive: true });
    const started = Date.now();
    run.progress.info(`- ${label(run.inputs)} in ${jobs} processes${early.length > 0 ? ' (started while the inputs were validated)' : ''} ...`);
    const replies = await Promise.all(
      buckets.map((envs, i) => {
        const { cache: _cache, ...request } = options.cache ? incrementalRequest(run, options, envs, parts[i]) : { environments: envs, tenants, models: run.inputs.models, outdir: parts[i], localBackend: options.localBackend, cache: undefined };
        const worker = early[i] ?? startWorker(run.workers, preloadFor(options, run.outdir));
        return worker.run({ ...request, ...(options.cache ? { cacheDir: options.cache.dir } : {}) });
      }),
    );
    mergeParts(run.staging, parts);
    run.progress.info(`  done: ${label(run.inputs)} (${((Date.now() - started) / 1000).toFixed(2)} s)`);
    return commit(run, options.cache ? { dir: options.cache.dir, parts: replies.map((r) => r!) } : undefined, options);
  } catch (err) {
    return abort(run, err);
  }
}

/** Worker processes for a run: one per environment bucket, up to the CPU count, for large runs only. */
function jobCount(options: ParallelSynthOptions, toSynthesize: number, environments: number): number {
  const auto = toSynthesize >= PARALLEL_MIN_STACKS ? availableParallelism() : 1;
  const fromEnv = Number(process.env.PLATFORM_SYNTH_JOBS) || undefined;
  return Math.max(1, Math.min(options.jobs ?? fromEnv ?? auto, environments));
}

/**
 * Workers worth starting before validation, so that they load cdktf, the providers and the
 * stacks (about a second of CPU each) while this process validates: only for a run that will
 * synthesize every stack (no cache, or an empty one) and, by the file counts, is large enough
 * for parallel synthesis. A run the cache may mostly serve starts its workers after planning,
 * if at all. A wrong guess costs the killed workers' start-up, never a different output.
 */
export function earlyWorkers(options: ParallelSynthOptions): number {
  if (options.inputs || (options.cache && !options.cache.startedEmpty)) return 0;
  const environments = environmentCount(options);
  const stacks = mostTenantStacks(options, environments);
  if (stacks < PARALLEL_MIN_STACKS) return 0;
  const jobs = jobCount(options, stacks, environments);
  return jobs > 1 ? jobs : 0;
}

/** Synth workers started before the inputs are validated, for a synthesizeParallel call that will be given those inputs. */
export interface PrestartedWorkers {
  /** Hands the workers over (once). */
  take(): WorkerHandle[];
  /** Stops the workers not taken over: the caller did not need them after all. */
  close(): void;
}

/**
 * For a caller that validates the inputs itself and passes them to synthesizeParallel (the
 * review's cold path): starts the workers that synthesizeParallel would start early without
 * `inputs` (earlyWorkers), so that they load cdktf and the providers while the caller validates.
 * Undefined when none would be. The caller passes them as `prestarted`, or closes them.
 */
export function prestartWorkers(options: ParallelSynthOptions): PrestartedWorkers | undefined {
  const count = earlyWorkers({ ...options, inputs: undefined });
  if (count === 0) return undefined;
  let outdir: string;
  try {
    outdir = checkOutputFolder(options.outdir ?? DEFAULT_OUTDIR, { repoRoot: REPO, cwd: process.cwd(), flag: '--out' });
  } catch {
    // synthesizeParallel refuses the folder itself, with the message.
    return undefined;
  }
  // A worker whose parent is gone stops on its own (synth-worker.ts): no interrupt handler needed.
  let handles = Array.from({ length: count }, () => startWorker(new Set(), preloadFor(options, outdir)));
  return {
    take() {
      const taken = handles;
      handles = [];
      return taken;
    },
    close() {
      for (const h of handles) h.child.kill('SIGKILL');
      handles = [];
    },
  };
}

/** What a worker loads early; the read tracer ignores what the incremental request will call not data. */
function preloadFor(options: SynthOptions, outdir: string): WorkerPreload {
  return { cache: Boolean(options.cache), root: REPO, ignore: options.cache ? [options.cache.dir, ...notData(options, outdir)] : [] };
}

/** tsx for the project's TypeScript, Node's own loader for CommonJS packages (cli/register.js). */
const REGISTER = resolve(__dirname, '..', 'register.js');

interface WorkerHandle {
  readonly child: ChildProcess;
  /** Sends the request; resolves with the worker's report once it has exited. */
  run(request: WorkerRequest): Promise<IncrementalReport | undefined>;
}

/**
 * Starts a worker, which begins loading the app at once. A worker's failure stops the others
 * at once: abort removes the staging folder they write into.
 */
function startWorker(workers: Set<ChildProcess>, preload: WorkerPreload): WorkerHandle {
  // V8's default young generation: with --max-semi-space-size=128 one process synthesizing 400
  // tenant stacks peaked at 508 MB instead of 278 MB, for no CPU time saved (12.4 against 12.8 s).
  // tsx's CommonJS hooks, as cli/bin.js registers them: `--import tsx` adds an ES module loader thread (about 0.2 s of CPU per worker).
  const child = fork(resolve(__dirname, 'synth-worker.ts'), [], { execArgv: ['--require', REGISTER], serialization: 'advanced' });
  workers.add(child);
  let envs = '(not started)';
  let reply: WorkerReply | undefined;
  const result = new Promise<IncrementalReport | undefined>((done, fail) => {
    child.on('message', (m: WorkerReply) => (reply = m));
    child.on('error', fail);
    child.on('exit', (code) => {
      workers.delete(child);
      if (reply?.ok) return done(reply.report);
      fail(new Error(`synth worker for ${envs} failed (exit ${code}): ${reply && !reply.ok ? reply.error : 'no reply'}`));
    });
  });
  // A worker killed before it got a request (not needed after all) is nobody's failure.
  result.catch(() => undefined);
  const send = (message: WorkerMessage) => child.send(message);
  send({ kind: 'preload', ...preload });
  return {
    child,
    run(request) {
      envs = request.environments.map((e) => e.name).join(', ');
      send({ kind: 'synth', ...request });
      return result;
    },
  };
}

/** Moves every part's stacks into the staging folder and writes one manifest for all of them. */
function mergeParts(staging: string, parts: string[]): void {
  const manifests = parts.map((p) => JSON.parse(readFileSync(join(p, 'manifest.json'), 'utf8')) as Manifest);
  mkdirSync(join(staging, 'stacks'), { recursive: true });
  const merged: Manifest = { stacks: {}, version: manifests[0].version };
  manifests.forEach((m, i) => {
    for (const [name, entry] of Object.entries(m.stacks)) {
      renameSync(join(parts[i], 'stacks', name), join(staging, 'stacks', name));
      merged.stacks[name] = entry;
    }
  });
  for (const p of parts) rmSync(p, { recursive: true, force: true });
  // As cdktf writes its manifest (json-stable-stringify's text), byte for byte.
  writeFileSync(join(staging, 'manifest.json'), stableJson(merged, 2));
}

/** After a failed run, the tool's own previous output no longer matches the inputs: it goes, so it cannot be deployed. */
function removeStale(outdir: string, progress: Progress): void {
  if (!existsSync(outdir) || !isOwnOutput(outdir)) return;
  rmSync(outdir, { recursive: true, force: true });
  progress.info(`removed the previous ${outdir} so that no stale output can be deployed`);
}
