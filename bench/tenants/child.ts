/** One measured run: validate N generated tenants, then synthesize every stack with them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleTreeRss } from '../rss';
import { generateTenants } from './generate';

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  const work = mkdtempSync(join(tmpdir(), 'bench-tenants-'));
  const files = generateTenants(join(work, 'tenants'), count);
  const { loadInputs } = require('../../config/inputs') as typeof import('../../config/inputs');
  const { synthesizeParallel } = require('../../cli/lib/synth') as typeof import('../../cli/lib/synth');

  const rss = sampleTreeRss();
  const t0 = performance.now();
  loadInputs({ tenantFiles: files });
  const validated = performance.now();
  // The real command path: validation again, then (parallel) synthesis and the atomic move.
  const { stacks } = await synthesizeParallel({ tenantFiles: files, outdir: join(work, 'out') });
  const done = performance.now();
  const peakMb = rss.stop();
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ tenants: count, stacks: stacks.length, validateMs: validated - t0, synthMs: done - validated, peakMb }));
}

void main();
