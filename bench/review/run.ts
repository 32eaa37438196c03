/**
 * Benchmark: `platform review` of a one-tenant change with N generated tenants (default 500),
 * each listing dev and prod. A throw-away clone gets the tenants committed as the base, then one
 * tenant's quota changes in its working tree; the full command (base synth in a worktree, head
 * synth and render, the stack and rendered-app diffs, conftest, checkov and gator on what
 * changed, cost) is timed in a fresh process.
 *
 *   npm run bench:review -- [runs] [tenants]     (defaults: 3 runs, 500 tenants)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateTenants } from '../tenants/generate';

const runs = Number(process.argv[2] ?? 3);
const tenants = Number(process.argv[3] ?? 500);
const repo = resolve(__dirname, '../..');

function sh(cwd: string, cmd: string, args: string[]) {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${res.stderr}`);
  return res.stdout;
}

const work = mkdtempSync(join(tmpdir(), 'bench-review-'));
const clone = join(work, 'repo');
sh(work, 'git', ['clone', '--quiet', '--local', '--no-hardlinks', repo, clone]);
symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'), 'dir');
symlinkSync(join(repo, '.tools'), join(clone, '.tools'), 'dir');
const files = generateTenants(join(clone, 'tenants'), tenants);
// The base commit is what a real repository holds: its rendered/ matches its tenants.
sh(clone, process.execPath, ['cli/bin.js', 'render', '--quiet']);
sh(clone, 'git', ['add', 'tenants', 'rendered']);
sh(clone, 'git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.org', 'commit', '--quiet', '-m', `${tenants} generated tenants`]);
const changed = files[Math.floor(files.length / 2)];
writeFileSync(changed, readFileSync(changed, 'utf8').replace('pods: 50', 'pods: 60'));

const times: number[] = [];
let stacks = 0;
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  const res = spawnSync(process.execPath, ['cli/bin.js', 'review', '--quiet', '--base', 'HEAD', '--format', 'json'], { cwd: clone, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (res.status !== 0 && res.status !== 1) throw new Error(`review failed (${res.status}):\n${res.stderr}`);
  const review = JSON.parse(res.stdout);
  const touched = review.stacks.filter((s: { status: string }) => s.status !== 'unchanged').map((s: { name: string }) => s.name);
  if (touched.length !== 2) throw new Error(`expected the changed tenant's two stacks, got ${touched.join(', ')}`);
  stacks = review.stacks.length;
  times.push(ms);
  process.stderr.write(`run ${i + 1}/${runs}: ${ms.toFixed(0)} ms\n`);
}
rmSync(work, { recursive: true, force: true });
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(
  `platform review, one-tenant change among ${tenants} tenants (${stacks} stacks per side), ${runs} runs: median ${(sorted[Math.floor(runs / 2)] / 1000).toFixed(1)} s (min ${(sorted[0] / 1000).toFixed(1)} s, max ${(sorted[runs - 1] / 1000).toFixed(1)} s)\n`,
);
