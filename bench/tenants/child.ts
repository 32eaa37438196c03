/**
 * One measured run: validate the generated tenants in `<work>/tenants`, then synthesize every
 * stack with them into `<work>/out`.
 *
 *   child.ts <mode> <work>
 *
 * mode: `nocache` (no cache at all: `platform synth --no-cache`; validation is also timed on
 * its own first), `cached` (the CLI's default,
 * with the cache in `<work>/cache`: cold when that folder is empty, a no-op run when it and
 * `<work>/out` already hold this tree's stacks).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sampleTreeRss } from '../rss';

async function main(): Promise<void> {
  const [mode, work] = process.argv.slice(2);
  if (mode !== 'nocache' && mode !== 'cached') throw new Error(`mode: nocache or cached, not ${mode}`);
  const files = readdirSync(join(work, 'tenants'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(work, 'tenants', f));
  const { loadInputs } = require('../../config/inputs') as typeof import('../../config/inputs');
  const { synthesizeParallel } = require('../../cli/lib/synth') as typeof import('../../cli/lib/synth');
  const { SynthCache } = require('../../cli/lib/cache/store') as typeof import('../../cli/lib/cache/store');

  const rss = sampleTreeRss();
  const t0 = performance.now();
  // Validation alone, for the validate column: only without the cache, so that a cached run's
  // wall time is the command's own path (which validates once, inside the synth).
  if (mode === 'nocache') loadInputs({ tenantFiles: files });
  const validated = performance.now();
  // The real command path: validation again, then (parallel) synthesis and the atomic move.
  const cache = mode === 'cached' ? SynthCache.open(join(work, 'cache')) : undefined;
  const { stacks, cache: summary } = await synthesizeParallel({ tenantFiles: files, outdir: join(work, 'out'), cache });
  const done = performance.now();
  const peakMb = rss.stop();
  process.stdout.write(
    JSON.stringify({ tenants: files.length, stacks: stacks.length, validateMs: validated - t0, synthMs: done - validated, peakMb, reused: summary?.reused ?? 0, built: summary?.built ?? stacks.length }),
  );
}

void main();
