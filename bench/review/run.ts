/**
 * Benchmark: `platform review` of a one-tenant change with N generated tenants (default 500),
 * each listing dev and prod. A throw-away clone gets the tenants committed as the base, then one
 * tenant's quota changes in its working tree; the full command (base synth in a worktree, head
 * synth and render, the stack and rendered-app diffs, conftest, checkov and gator on what
 * changed, cost) is timed in a fresh process, with the peak memory of its process tree.
 *
 *   npm run bench:review -- [runs] [tenants...]     (defaults: 3 runs, 500 tenants)
 *
 * Modes ($BENCH_MODES, comma-separated; default `cold,warm`):
 *   cold     empty synth cache (.cache/synth in the clone) before every run
 *   warm     the cache holds the base side before every run: what `platform synth` and
 *            `platform render` of the base commit leave (what CI restores from the main branch's
 *            cache key); the changed tenant's head stacks are not in it
 *   nocache  `platform review --no-cache`: both sides synthesized in full
 * Prints the machine's state (load average, file-system latency: bench/machine.ts) before and
 * after, and before every run, since this machine is shared.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machineState } from '../machine';
import { childrenCpu, childrenCpuSince, sampleTreeRss } from '../rss';
import { generateTenants } from '../tenants/generate';

const runs = Number(process.argv[2] ?? 3);
const sizes = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [500];
const modes = (process.env.BENCH_MODES ?? 'cold,warm').split(',');
const repo = resolve(__dirname, '../..');

function sh(cwd: string, cmd: string, args: string[]) {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${res.stderr}`);
  return res.stdout;
}

/** Runs the review in a fresh process, sampling the peak memory of its process tree. */
function review(clone: string, args: string[]): Promise<{ ms: number; cpu: number; system: number; peakMb: number; code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const cpu0 = childrenCpu();
    const child = spawn(process.execPath, ['cli/bin.js', 'review', '--quiet', '--base', 'HEAD', '--format', 'json', ...args], { cwd: clone });
    const rss = sampleTreeRss(50, child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const cpu = childrenCpuSince(cpu0);
      done({ ms, cpu: cpu.total, system: cpu.system, peakMb: rss.stop(), code, out, err });
    });
  });
}

interface Row {
  mode: string;
  tenants: number;
  stacks: number;
  times: number[];
  cpu: number[];
  peaks: number[];
  reused: string;
}

async function bench(tenants: number): Promise<Row[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-review-'));
  const clone = join(work, 'repo');
  const cacheDir = join(clone, '.cache', 'synth');
  const warmCache = join(work, 'warm-cache');
  const rows: Row[] = [];
  try {
    sh(work, 'git', ['clone', '--quiet', '--local', '--no-hardlinks', repo, clone]);
    symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'), 'dir');
    symlinkSync(join(repo, '.tools'), join(clone, '.tools'), 'dir');
    const files = generateTenants(join(clone, 'tenants'), tenants);
    // The base commit is what a real repository holds: its rendered/ matches its tenants.
    sh(clone, process.execPath, ['cli/bin.js', 'render', '--quiet']);
    sh(clone, 'git', ['add', 'tenants', 'rendered']);
    sh(clone, 'git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.org', 'commit', '--quiet', '-m', `${tenants} generated tenants`]);
    if (modes.includes('warm')) {
      // The base side in the cache (render above stored the base's apps): kept aside, restored before every warm run.
      sh(clone, process.execPath, ['cli/bin.js', 'synth', '--quiet']);
      cpSync(cacheDir, warmCache, { recursive: true });
    }
    const changed = files[Math.floor(files.length / 2)];
    writeFileSync(changed, readFileSync(changed, 'utf8').replace('pods: 50', 'pods: 60'));

    for (const mode of modes) {
      const row: Row = { mode, tenants, stacks: 0, times: [], cpu: [], peaks: [], reused: '' };
      for (let i = 0; i < runs; i++) {
        rmSync(cacheDir, { recursive: true, force: true });
        if (mode === 'warm') cpSync(warmCache, cacheDir, { recursive: true });
        const state = machineState(work);
        const res = await review(clone, mode === 'nocache' ? ['--no-cache'] : []);
        if (res.code !== 0 && res.code !== 1) throw new Error(`review failed (${res.code}):\n${res.err}`);
        const r = JSON.parse(res.out);
        const touched = r.stacks.filter((s: { status: string }) => s.status !== 'unchanged').map((s: { name: string }) => s.name);
        if (touched.length !== 2) throw new Error(`expected the changed tenant's two stacks, got ${touched.join(', ')}`);
        row.stacks = r.stacks.length;
        const syn = r.synthesis;
        row.reused = syn?.cache ? `head ${syn.head.reused}/${syn.head.stacks}, base ${syn.base ? `${syn.base.reused}/${syn.base.stacks}` : 'full'}` : 'none (--no-cache)';
        row.times.push(res.ms);
        row.cpu.push(res.cpu);
        row.peaks.push(res.peakMb);
        process.stderr.write(`${mode} N=${tenants} run ${i + 1}/${runs}: ${res.ms.toFixed(0)} ms, cpu ${res.cpu.toFixed(1)} s (system ${res.system.toFixed(1)} s), peak ${res.peakMb.toFixed(0)} MB, reused ${row.reused} (before it: ${state})\n`);
      }
      rows.push(row);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

async function main(): Promise<void> {
  const before = machineState(tmpdir());
  const rows: Row[] = [];
  for (const n of sizes) rows.push(...(await bench(n)));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  process.stdout.write(
    [
      `platform review, one-tenant change: median of ${runs} fresh-process runs (node ${process.version}, ${availableParallelism()} cores; ${before} before, ${machineState(tmpdir())} after)`,
      '',
      '| cache | tenants | stacks per side | median | min | max | CPU user+sys (median) | peak RSS (median) | stacks reused (last run) |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.mode} | ${r.tenants} | ${r.stacks} | ${s(median(r.times))} | ${s(Math.min(...r.times))} | ${s(Math.max(...r.times))} | ${median(r.cpu).toFixed(1)} s | ${median(r.peaks).toFixed(0)} MB | ${r.reused} |`),
      '',
    ].join('\n'),
  );
}

void main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exitCode = 1;
});
