/**
 * Benchmark: validation and full synth (the `platform synth` path) for N generated tenants, each
 * listing dev and prod, N = 10, 100, 1000; every run in a fresh process. Prints medians and the
 * cost per tenant, so linear growth is visible.
 *
 *   npm run bench:tenants -- [runs] [sizes...]     (defaults: 3 runs of 10 100 1000)
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const [runsArg, ...sizeArgs] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const sizes = sizeArgs.length ? sizeArgs.map(Number) : [10, 100, 1000];
const child = resolve(__dirname, 'child.ts');

interface Sample {
  tenants: number;
  stacks: number;
  validateMs: number;
  synthMs: number;
  peakMb: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const rows: string[] = [];
for (const n of sizes) {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const res = spawnSync(process.execPath, ['--import', 'tsx', child, String(n)], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`N=${n} run ${i + 1} failed:\n${res.stderr}`);
    samples.push(JSON.parse(res.stdout));
    process.stderr.write(`N=${n} run ${i + 1}/${runs}: ${res.stdout}\n`);
  }
  const validate = median(samples.map((s) => s.validateMs));
  const synth = median(samples.map((s) => s.synthMs));
  rows.push(
    `| ${n} | ${samples[0].stacks} | ${validate.toFixed(0)} ms | ${synth.toFixed(0)} ms | ${(synth / n).toFixed(1)} ms | ${median(samples.map((s) => s.peakMb)).toFixed(0)} MB |`,
  );
}

process.stdout.write(
  [
    `tenants benchmark: median of ${runs} fresh-process runs (node ${process.version}, ${require('node:os').availableParallelism()} cores)`,
    '',
    '| tenants | stacks | validate | synth (validate + synthesize + write) | synth per tenant | peak RSS (all processes) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
