/**
 * Benchmark: synth of all stacks for every environment, each run in a fresh process (what a
 * developer or CI pays), repeated; prints wall time and peak memory with median, min and max.
 *
 *   npm run bench -- [runs]     (default 7)
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const runs = Number(process.argv[2] ?? 7);
const child = resolve(__dirname, 'child.ts');

interface Sample {
  wallMs: number;
  importMs: number;
  synthMs: number;
  maxRssMb: number;
  stacks: number;
}

const samples: Sample[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  const res = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8' });
  const wallMs = performance.now() - start;
  if (res.status !== 0) throw new Error(`run ${i + 1} failed:\n${res.stderr}`);
  samples.push({ wallMs, ...JSON.parse(res.stdout) });
  process.stderr.write(`run ${i + 1}/${runs}: ${wallMs.toFixed(0)} ms\n`);
}

const stat = (key: keyof Sample) => {
  const v = samples.map((s) => s[key]).sort((a, b) => a - b);
  return { median: v[Math.floor(v.length / 2)], min: v[0], max: v[v.length - 1] };
};
const row = (label: string, key: keyof Sample, unit: string) => {
  const s = stat(key);
  return `| ${label} | ${s.median.toFixed(0)} ${unit} | ${s.min.toFixed(0)} ${unit} | ${s.max.toFixed(0)} ${unit} |`;
};

process.stdout.write(
  [
    `synth of ${samples[0].stacks} stacks, ${runs} cold runs (node ${process.version}, ${require('node:os').cpus().length} cores)`,
    '',
    '| measure | median | min | max |',
    '|---|---|---|---|',
    row('wall time, process start to exit', 'wallMs', 'ms'),
    row('module loading', 'importMs', 'ms'),
    row('validate + synthesize + write', 'synthMs', 'ms'),
    row('peak RSS', 'maxRssMb', 'MB'),
    '',
  ].join('\n'),
);
