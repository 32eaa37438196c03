/**
 * Synthesis that never leaves a half-written or stale `cdktf.out` behind: all input is
 * validated first, the app is synthesized into a sibling temporary folder, and only a complete
 * result replaces the output folder. On failure the old output is removed too, because a stale
 * plan-able folder next to a failed run is exactly what gets deployed by mistake.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadInputs, type InputOptions } from '../../config/inputs';
import { buildApp } from '../../main';
import { createProgress, type Progress } from '../progress';

export interface SynthOptions extends InputOptions {
  readonly outdir?: string;
  readonly localBackend?: boolean;
  readonly progress?: Progress;
}

export interface SynthResult {
  readonly outdir: string;
  /** Stack names in the order the manifest lists them. */
  readonly stacks: string[];
}

export const DEFAULT_OUTDIR = 'cdktf.out';

export function synthesize(options: SynthOptions = {}): SynthResult {
  const progress = options.progress ?? createProgress(true);
  const outdir = resolve(options.outdir ?? DEFAULT_OUTDIR);
  const staging = join(dirname(outdir), `.${basename(outdir)}.staging-${process.pid}`);

  let inputs;
  try {
    inputs = progress.step('validate environments, models and tenants', () => loadInputs(options));
  } catch (err) {
    removeStale(outdir, progress);
    throw err;
  }

  rmSync(staging, { recursive: true, force: true });
  try {
    const { environments, tenants } = inputs;
    progress.step(`synthesize ${environments.map((e) => e.name).join(', ')} with ${tenants.length} tenants`, () =>
      buildApp({ environments, tenants, outdir: staging, localBackend: options.localBackend }).synth(),
    );
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    removeStale(outdir, progress);
    throw err;
  }

  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  const stacks = Object.keys(manifest.stacks);
  progress.info(`wrote ${stacks.length} stacks to ${outdir}: ${stacks.join(', ')}`);
  return { outdir, stacks };
}

function removeStale(outdir: string, progress: Progress): void {
  if (!existsSync(outdir)) return;
  rmSync(outdir, { recursive: true, force: true });
  progress.info(`removed the previous ${outdir} so that no stale output can be deployed`);
}
