/**
 * Faults that really happen to synth and render: SIGKILL at random points of a real run and in
 * the commit window, two runs into one folder at once, a killed parent with workers, and output
 * folders that must never be replaced. Each run is the real CLI in a fresh process, in a
 * throw-away clone, compared byte for byte with a reference output.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cloneWorkingTree } from '../helpers/review-corpus';
import { seededRandom } from '../helpers/random';

const KILLS = 30;

/** Every file below `dir` with the hash of its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function cli(repo: string, args: string[]) {
  return spawnSync(process.execPath, ['cli/bin.js', ...args], { cwd: repo, encoding: 'utf8' });
}

function start(repo: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['cli/bin.js', ...args], { cwd: repo, stdio: 'ignore' });
}

const exited = (c: ChildProcess) => new Promise<number | null>((done) => (c.exitCode !== null || c.signalCode !== null ? done(c.exitCode) : c.once('exit', (code) => done(code))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Untracked files git would pick up with `git add -A` (staging folders and locks must be ignored). */
function untracked(repo: string): string[] {
  return spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
}

/** Kills `child` with SIGKILL: half the runs at a random moment, half as soon as the commit window opens. */
async function killSomewhere(child: ChildProcess, i: number, rand: (n: number) => number, commitWindow: () => boolean, typicalMs: number): Promise<string> {
  if (i % 2 === 0) {
    await sleep(rand(typicalMs));
    child.kill('SIGKILL');
    return 'random';
  }
  const deadline = Date.now() + typicalMs * 4;
  while (Date.now() < deadline && child.exitCode === null && !commitWindow()) await sleep(1);
  child.kill('SIGKILL');
  return 'commit window';
}

describe('synth output folder under faults', () => {
  let repo: string;
  let reference: Record<string, string>;
  let typical = 0;
  before(() => {
    repo = cloneWorkingTree();
    const t0 = Date.now();
    assert.equal(cli(repo, ['synth', '-q']).status, 0);
    typical = Date.now() - t0;
    reference = tree(join(repo, 'cdktf.out'));
    assert.ok(Object.keys(reference).length > 10);
  });

  it(`${KILLS} runs killed with SIGKILL (random points and the commit window) leave the complete old or new output`, async () => {
    const rand = seededRandom(7);
    const staging = () => readdirSync(repo).find((n) => n.startsWith('.cdktf.out.platform-tmp-') && existsSync(join(repo, n, 'manifest.json')));
    const where: Record<string, number> = {};
    for (let i = 0; i < KILLS; i++) {
      const child = start(repo, ['synth', '-q']);
      const point = await killSomewhere(child, i, rand, () => staging() !== undefined, typical);
      await exited(child);
      where[point] = (where[point] ?? 0) + 1;
      assert.deepEqual(tree(join(repo, 'cdktf.out')), reference, `run ${i} (${point}): cdktf.out is not the complete output`);
      assert.deepEqual(untracked(repo), [], `run ${i}: git would pick up leftovers`);
    }
    assert.deepEqual(where, { random: KILLS / 2, 'commit window': KILLS / 2 });
    // The next run takes over the dead runs' lock and removes their staging folders.
    assert.equal(cli(repo, ['synth', '-q']).status, 0);
    assert.deepEqual(readdirSync(repo).filter((n) => n.includes('.platform-')), []);
  });

  it('the kill check catches a writer that replaces the folder file by file (negative control)', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'reference-')), 'out');
    assert.equal(cli(repo, ['synth', '-q', '--out', copy]).status, 0);
    // What synth did before: remove the old output, then write the new one file by file.
    const naive = `const fs=require('fs'),p=require('path');const [src,dst]=process.argv.slice(1);fs.rmSync(dst,{recursive:true,force:true});
      const files=[];const walk=(d)=>{for(const e of fs.readdirSync(d,{withFileTypes:true})){const f=p.join(d,e.name);e.isDirectory()?walk(f):files.push(p.relative(src,f));}};walk(src);
      for(const f of files){fs.mkdirSync(p.dirname(p.join(dst,f)),{recursive:true});fs.copyFileSync(p.join(src,f),p.join(dst,f));Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,5);}`;
    let caught = 0;
    for (let i = 0; i < 5; i++) {
      const child = spawn(process.execPath, ['-e', naive, copy, join(repo, 'cdktf.out')], { stdio: 'ignore' });
      // Kill it while it writes: after it removed the old output, before it finished the new one.
      while (existsSync(join(repo, 'cdktf.out', 'manifest.json')) && child.exitCode === null) await sleep(1);
      await sleep(i * 10);
      child.kill('SIGKILL');
      await exited(child);
      if (JSON.stringify(tree(join(repo, 'cdktf.out'))) !== JSON.stringify(reference)) caught++;
    }
    assert.ok(caught > 0, 'a non-atomic writer was never caught');
    // What it left may lack the marker, so synth would rightly refuse it: clean up by hand.
    rmSync(join(repo, 'cdktf.out'), { recursive: true, force: true });
    assert.equal(cli(repo, ['synth', '-q']).status, 0);
    assert.deepEqual(tree(join(repo, 'cdktf.out')), reference);
  });

  it('two runs into one folder at once both finish and never leave a partial output (10 pairs)', async () => {
    for (let i = 0; i < 10; i++) {
      const pair = [start(repo, ['synth', '-q']), start(repo, ['synth', '-q'])];
      const codes = await Promise.all(pair.map(exited));
      assert.deepEqual(codes, [0, 0], `pair ${i}`);
      assert.deepEqual(tree(join(repo, 'cdktf.out')), reference, `pair ${i}`);
    }
  });

  it('a killed parent leaves no worker writing (--jobs 2)', async () => {
    const child = start(repo, ['synth', '-q', '--jobs', '2']);
    const workers = () => spawnSync('pgrep', ['-f', `${repo}/cli/lib/synth-worker`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const deadline = Date.now() + 30_000;
    while (workers().length < 2 && Date.now() < deadline) await sleep(20);
    assert.equal(workers().length, 2, 'both workers started');
    child.kill('SIGKILL');
    await exited(child);
    const gone = Date.now() + 60_000;
    while (workers().length > 0 && Date.now() < gone) await sleep(50);
    assert.deepEqual(workers(), [], 'orphaned workers are still running');
    assert.deepEqual(tree(join(repo, 'cdktf.out')), reference);
    assert.equal(cli(repo, ['synth', '-q']).status, 0);
    assert.deepEqual(readdirSync(repo).filter((n) => n.includes('.platform-')), []);
  });

  it('refuses to replace ., the repository root, an ancestor of it, /, a home folder and a folder with a file in it', () => {
    const foreign = mkdtempSync(join(tmpdir(), 'foreign-'));
    writeFileSync(join(foreign, 'keep.txt'), 'mine');
    for (const out of ['.', repo, join(repo, '..'), '/', homedir(), foreign, '']) {
      const res = cli(repo, ['synth', '-q', '--out', out]);
      assert.equal(res.status, 2, `${out}: ${res.stderr}`);
      assert.match(res.stderr, /refusing --out|is empty/);
      assert.equal(res.stderr.trim().split('\n').length, 1, `${out}: one message, no stack trace`);
    }
    assert.equal(readFileSync(join(foreign, 'keep.txt'), 'utf8'), 'mine');
    assert.ok(existsSync(join(repo, '.git', 'HEAD')), 'the checkout is intact');
  });

  it('a failed validation removes only the tool\'s own previous output, and says so', () => {
    const own = join(mkdtempSync(join(tmpdir(), 'own-')), 'out');
    assert.equal(cli(repo, ['synth', '-q', '--out', own]).status, 0);
    const bad = join(repo, 'config/environments/dev.yaml');
    const text = readFileSync(bad, 'utf8');
    writeFileSync(bad, text.replace('retentionDays: 30\n', 'retentionDays: 3\n'));
    try {
      const res = cli(repo, ['synth', '--out', own]);
      assert.equal(res.status, 1);
      assert.match(res.stderr, /removed the previous .*out so that no stale output can be deployed/);
      assert.equal(existsSync(own), false);
    } finally {
      writeFileSync(bad, text);
    }
  });

  it('an unwritable --out is one located message, not a stack trace', () => {
    for (const out of ['/proc/platform-out', '/dev/null/out']) {
      const res = cli(repo, ['synth', '-q', '--out', out]);
      assert.equal(res.status, 2, res.stderr);
      assert.match(res.stderr, /^platform synth: cannot write \S+ \(--out\): .*; choose a folder you can write to\n$/);
    }
  });
});

describe('render under faults', () => {
  let repo: string;
  let typical = 0;
  before(() => {
    repo = cloneWorkingTree();
    const t0 = Date.now();
    assert.equal(cli(repo, ['render', '-q']).status, 0);
    typical = Date.now() - t0;
    assert.deepEqual(untracked(repo), [], 'the committed rendered/ is current');
  });

  it(`${KILLS} renders killed with SIGKILL leave every environment folder complete, as committed`, async () => {
    const rand = seededRandom(11);
    const committed = tree(join(repo, 'rendered'));
    const staging = () => readdirSync(join(repo, 'rendered')).some((n) => n.includes('.platform-tmp-') && existsSync(join(repo, 'rendered', n, 'apps')));
    for (let i = 0; i < KILLS; i++) {
      const child = start(repo, ['render', '-q']);
      const point = await killSomewhere(child, i, rand, staging, typical);
      await exited(child);
      const now = Object.fromEntries(Object.entries(tree(join(repo, 'rendered'))).filter(([rel]) => !rel.startsWith('.')));
      assert.deepEqual(now, committed, `run ${i} (${point}): rendered/ changed`);
      assert.equal(spawnSync('git', ['diff', '--quiet', '--', 'rendered'], { cwd: repo }).status, 0, `run ${i}: tracked manifests changed`);
      assert.deepEqual(untracked(repo), [], `run ${i}: git would pick up leftovers`);
    }
    assert.equal(cli(repo, ['render', '-q']).status, 0);
    assert.deepEqual(readdirSync(join(repo, 'rendered')).filter((n) => n.startsWith('.')), []);
  });

  it('a changed input replaces an environment folder whole, stale apps included', () => {
    mkdirSync(join(repo, 'rendered/dev/stale-app'), { recursive: true });
    writeFileSync(join(repo, 'rendered/dev/stale-app/manifests.yaml'), 'kind: Stale\n');
    assert.equal(cli(repo, ['render', '-q']).status, 0);
    assert.equal(existsSync(join(repo, 'rendered/dev/stale-app')), false);
  });
});
