/** One cold synth of every stack of every environment; prints its own timings as JSON. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const t0 = performance.now();
const { synthesize } = require('../../cli/lib/synth') as typeof import('../../cli/lib/synth');
const loaded = performance.now();
const outdir = join(mkdtempSync(join(tmpdir(), 'bench-synth-')), 'cdktf.out');
const { stacks } = synthesize({ outdir });
const done = performance.now();
rmSync(outdir, { recursive: true, force: true });
process.stdout.write(
  JSON.stringify({
    stacks: stacks.length,
    importMs: loaded - t0,
    synthMs: done - loaded,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
