/**
 * Benchmark: validation and synth (the `platform synth` path) for N generated tenants, each
 * listing dev and prod, N = 10, 100, 1000; every run in a fresh process. Prints medians and the
 * cost per tenant, so linear growth is visible, and the machine's state (load average, file-system
 * latency: bench/machine.ts) before and after, and before every run.
 *
 *   npm run bench:tenants -- [runs] [sizes...]     (defaults: 3 runs of 10 100 1000)
 *
 * Modes ($BENCH_MODES, comma-separated; default `nocache`):
 *   nocache  full synth without any cache (`platform synth --no-cache`)
 *   cold     the default command with an empty synth cache (synthesizes everything, fills the cache)
 *   noop     the default command when nothing changed since the last synth (cache and output in place)
 * Wall is the whole fresh process (Node.js start, module loading, synth; in mode nocache also a
 * separate validation pass for the validate column); synth is validation + synthesis + write.
 *
 * The child loads TypeScript the way `platform` does: `node --require cli/register.js` (tsx's
 * CommonJS hooks for the project, Node's own loader for CommonJS packages). $BENCH_TSX=cjs runs
 * it with tsx's hooks for every file, `node --require tsx/cjs`, as the third round's figures were
 * taken; $BENCH_TSX=esm as earlier ones, `node --import tsx`, whose module loader and hooks
 * thread cost about 0.25 s of CPU more.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machineState } from '../machine';
import { childrenCpu, childrenCpuSince } from '../rss';
import { generateTenants } from './generate';

const [runsArg, ...sizeArgs] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const sizes = sizeArgs.length ? sizeArgs.map(Number) : [10, 100, 1000];
const modes = (process.env.BENCH_MODES ?? 'nocache').split(',');
const child = resolve(__dirname, 'child.ts');
const loaders: Record<string, string[]> = { esm: ['--import', 'tsx'], cjs: ['--require', 'tsx/cjs'] };
const loader = loaders[process.env.BENCH_TSX ?? ''] ?? ['--require', resolve(__dirname, '..', '..', 'cli', 'register.js')];

interface Sample {
  tenants: number;
  stacks: number;
  validateMs: number;
  synthMs: number;
  wallMs: number;
  cpuS: number;
  systemS: number;
  peakMb: number;
  reused: number;
  built: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function measure(mode: string, work: string): Sample {
  const start = performance.now();
  const cpu0 = childrenCpu();
  const res = spawnSync(process.execPath, [...loader, child, mode === 'nocache' ? 'nocache' : 'cached', work], { encoding: 'utf8' });
  const wallMs = performance.now() - start;
  if (res.status !== 0) throw new Error(`${mode} failed:\n${res.stderr}`);
  const cpu = childrenCpuSince(cpu0);
  return { ...(JSON.parse(res.stdout) as Omit<Sample, 'wallMs' | 'cpuS' | 'systemS'>), wallMs, cpuS: cpu.total, systemS: cpu.system };
}

const line = (s: Sample) => `wall ${s.wallMs.toFixed(0)} ms, cpu ${s.cpuS.toFixed(1)} s (system ${s.systemS.toFixed(1)} s), synth ${s.synthMs.toFixed(0)} ms, peak ${s.peakMb.toFixed(0)} MB`;

const rows: string[] = [];
const stateBefore = machineState(tmpdir());
for (const mode of modes) {
  for (const n of sizes) {
    const work = mkdtempSync(join(tmpdir(), 'bench-tenants-'));
    try {
      generateTenants(join(work, 'tenants'), n);
      // A no-op run needs the output and the cache of a run of the same tree (not timed).
      if (mode === 'noop') {
        const state = machineState(work);
        const s = measure('cold', work);
        process.stderr.write(`(the cold run before the no-op runs, N=${n}: ${line(s)} (before it: ${state}))\n`);
      }
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        if (mode === 'cold') rmSync(join(work, 'cache'), { recursive: true, force: true });
        const state = machineState(work);
        const s = measure(mode, work);
        if (mode === 'noop' && s.built !== 0) throw new Error(`a no-op run synthesized ${s.built} stacks`);
        if (mode === 'cold' && s.reused !== 0) throw new Error(`a cold run reused ${s.reused} stacks`);
        samples.push(s);
        process.stderr.write(`${mode} N=${n} run ${i + 1}/${runs}: ${line(s)} (before it: ${state})\n`);
      }
      const synth = median(samples.map((s) => s.synthMs));
      const sorted = samples.map((s) => s.wallMs).sort((a, b) => a - b);
      rows.push(
        `| ${mode} | ${n} | ${samples[0].stacks} | ${mode === 'nocache' ? `${median(samples.map((s) => s.validateMs)).toFixed(0)} ms` : 'in synth'} | ${synth.toFixed(0)} ms | ${(synth / n).toFixed(1)} ms | ${median(sorted).toFixed(0)} ms (${sorted[0].toFixed(0)} to ${sorted[sorted.length - 1].toFixed(0)}) | ${median(samples.map((s) => s.cpuS)).toFixed(1)} s | ${median(samples.map((s) => s.peakMb)).toFixed(0)} MB |`,
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

process.stdout.write(
  [
    `tenants benchmark: median of ${runs} fresh-process runs (node ${process.version}, ${availableParallelism()} cores, ${loader.join(' ').replace(`${resolve(__dirname, '..', '..')}/`, '')}; ${stateBefore} before, ${machineState(tmpdir())} after)`,
    '',
    '| mode | tenants | stacks | validate | synth (validate + synthesize + write) | synth per tenant | wall, whole process (min to max) | CPU user+sys, whole process | peak RSS (all processes) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
