import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Token } from 'cdktf';
import { generateTenants } from '../../bench/tenants/generate';
import { loadInputs } from '../../config/inputs';
import { SynthCache } from '../../cli/lib/cache/store';
import { earlyWorkers, PARALLEL_MIN_STACKS, prestartWorkers, stackCount, synthesize, synthesizeParallel } from '../../cli/lib/synth';
import { createProgress } from '../../cli/progress';
import { disableTokenCreationStacks } from '../../main';

describe('parallel synth', () => {
  it('writes byte-identical output to the in-process synth', async () => {
    const base = mkdtempSync(join(tmpdir(), 'par-'));
    synthesize({ outdir: join(base, 'seq') });
    const result = await synthesizeParallel({ outdir: join(base, 'par'), jobs: 2 });
    assert.equal(result.stacks.length, stackCount(loadInputs()), 'the estimate that picks parallel synth counts every stack');
    const diff = spawnSync('diff', ['-r', join(base, 'seq'), join(base, 'par')], { encoding: 'utf8' });
    assert.equal(diff.status, 0, diff.stdout);
    assert.deepEqual(readdirSync(base).sort(), ['par', 'seq'], 'no staging or part folders left behind');
  });
});

/**
 * A run that will synthesize everything starts its workers before validating, so that they load
 * the app meanwhile. Such workers must write what late-started ones write: the same output and,
 * with a cache, the same entries (the read tracer must see what the app reads as it loads). The
 * same for workers a caller prestarts before validating the inputs it passes (the review).
 */
describe('workers started while the inputs are validated', () => {
  const work = mkdtempSync(join(tmpdir(), 'par-early-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  // Each generated tenant lists dev and prod: just enough tenant stacks for parallel synthesis.
  const files = generateTenants(join(work, 'tenants'), PARALLEL_MIN_STACKS / 2);
  const entries = (dir: string) => readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
  /** Worker processes of this test process still running after a run (stopped, so that a failure does not also hang the test). */
  const leftWorkers = async () => {
    const running = () => spawnSync('pgrep', ['-P', String(process.pid), '-f', 'synth-worker'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const deadline = Date.now() + 5000; running().length > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    const left = running();
    for (const pid of left) process.kill(Number(pid), 'SIGKILL');
    return left;
  };
  const logged = () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
    return { progress: createProgress(false, stream), text: () => text };
  };

  it('start only for a run that synthesizes every stack and is large enough for workers', () => {
    const store = join(work, 'decide-cache');
    assert.equal(earlyWorkers({ tenantFiles: files, jobs: 2 }), 2, 'no cache');
    assert.equal(earlyWorkers({ tenantFiles: files, jobs: 2, cache: SynthCache.open(store) }), 2, 'an empty cache');
    writeFileSync(join(store, 'a'.repeat(64)), '');
    assert.equal(earlyWorkers({ tenantFiles: files, jobs: 2, cache: SynthCache.open(store) }), 0, 'a cache that may hold the stacks');
    assert.equal(earlyWorkers({ tenantFiles: files.slice(0, 10), jobs: 2 }), 0, 'too few stacks');
    assert.equal(earlyWorkers({ tenantFiles: files, jobs: 1 }), 0, 'one job');
    assert.equal(earlyWorkers({ tenantFiles: files, jobs: 2, envs: ['dev'] }), 0, 'one environment');
    assert.equal(earlyWorkers({ tenantFiles: files, jobs: 2, inputs: loadInputs({ tenantFiles: files.slice(0, 1) }) }), 0, 'inputs validated by the caller');
  });

  it('write the same output and cache entries as workers started after planning', async () => {
    const early = logged();
    await synthesizeParallel({ tenantFiles: files, outdir: join(work, 'early'), jobs: 2, cache: SynthCache.open(join(work, 'early-cache')), progress: early.progress });
    assert.match(early.text(), /in 2 processes \(started while the inputs were validated\)/);

    // A store that is not empty: the workers start after planning, as before.
    const lateCache = join(work, 'late-cache');
    const seeded = SynthCache.open(lateCache);
    seeded.put('b'.repeat(64), 'seed', 'seed', { seed: 'not a stack' });
    const late = logged();
    await synthesizeParallel({ tenantFiles: files, outdir: join(work, 'late'), jobs: 2, cache: SynthCache.open(lateCache), progress: late.progress });
    assert.match(late.text(), /in 2 processes \.\.\./);
    assert.doesNotMatch(late.text(), /started while/);

    const diff = spawnSync('diff', ['-r', join(work, 'early'), join(work, 'late')], { encoding: 'utf8' });
    assert.equal(diff.status, 0, diff.stdout);
    // A key that missed a data read would differ here (synth-cache.test.ts shows which edits change which keys).
    assert.deepEqual(entries(join(work, 'early-cache')), entries(lateCache).filter((k) => k !== 'b'.repeat(64)), 'the same fingerprints, data reads included');
  });

  it('prestarted by a caller that validates the inputs itself (the review) write what workers started after planning write; unused ones are stopped', async () => {
    const cache = SynthCache.open(join(work, 'prestarted-cache'));
    const prestarted = prestartWorkers({ tenantFiles: files, outdir: join(work, 'prestarted'), jobs: 2, cache });
    assert.ok(prestarted, 'an empty cache and enough stacks');
    const inputs = loadInputs({ tenantFiles: files });
    const log = logged();
    await synthesizeParallel({ inputs, tenantFiles: files, outdir: join(work, 'prestarted'), jobs: 2, cache, prestarted, progress: log.progress });
    assert.match(log.text(), /in 2 processes \(started while the inputs were validated\)/);
    // The same inputs synthesized by workers started after planning (no validated-input entries either: the caller validated).
    const late = SynthCache.open(join(work, 'given-inputs-cache'));
    await synthesizeParallel({ inputs, tenantFiles: files, outdir: join(work, 'given-inputs'), jobs: 2, cache: late });
    const diff = spawnSync('diff', ['-r', join(work, 'prestarted'), join(work, 'given-inputs')], { encoding: 'utf8' });
    assert.equal(diff.status, 0, diff.stdout);
    assert.deepEqual(entries(join(work, 'prestarted-cache')), entries(late.dir), 'the same fingerprints, data reads included');

    assert.equal(prestartWorkers({ tenantFiles: files, outdir: join(work, 'unused'), jobs: 2, cache: SynthCache.open(cache.dir) }), undefined, 'a cache that may hold the stacks');
    const unused = prestartWorkers({ tenantFiles: files, outdir: join(work, 'unused'), jobs: 2 });
    assert.ok(unused);
    unused.close();
    assert.deepEqual(await leftWorkers(), [], 'closed workers were stopped');
  });

  it('are stopped when validation fails, and nothing is written', async () => {
    const bad = join(work, 'tenants', 'bench-0000.yaml');
    const text = readFileSync(bad, 'utf8');
    writeFileSync(bad, text.replace('costCenter: CC-1000', 'costCenter: 1000'));
    try {
      assert.equal(earlyWorkers({ tenantFiles: files, jobs: 2 }), 2);
      await assert.rejects(synthesizeParallel({ tenantFiles: files, outdir: join(work, 'bad-out'), jobs: 2 }), (err: Error) => err.name === 'ValidationError' && /bench-0000\.yaml/.test(err.message));
      assert.deepEqual(await leftWorkers(), [], 'the workers started early were stopped');
      assert.ok(!readdirSync(work).includes('bad-out'));
    } finally {
      writeFileSync(bad, text);
    }
  });

  it('that the plan does not need are stopped, and the run synthesizes in-process', async () => {
    // Tenants in dev only: the file count suggests twice the tenant stacks there are.
    const few = generateTenants(join(work, 'dev-only'), PARALLEL_MIN_STACKS / 2);
    for (const f of few) writeFileSync(f, readFileSync(f, 'utf8').replace('environments: [dev, prod]', 'environments: [dev]'));
    assert.equal(earlyWorkers({ tenantFiles: few }), Math.min(availableParallelism(), 2) > 1 ? 2 : 0);
    const log = logged();
    const result = await synthesizeParallel({ tenantFiles: few, outdir: join(work, 'dev-only-out'), progress: log.progress });
    assert.deepEqual(await leftWorkers(), [], 'the workers started early were stopped');
    assert.ok(stackCount(result.inputs) < PARALLEL_MIN_STACKS);
    assert.equal(result.stacks.length, stackCount(result.inputs));
    assert.doesNotMatch(log.text(), /processes/, 'synthesized in this process');
  });
});

describe('token creation stacks', () => {
  it('are off by default (a third of synth time at scale) unless PLATFORM_TOKEN_STACKS=1', () => {
    assert.equal(disableTokenCreationStacks({ PLATFORM_TOKEN_STACKS: '1' }), false);
    assert.equal(disableTokenCreationStacks({}), true);
    const token = Token.asAny({ resolve: () => 'x' });
    const intrinsic = new (require('cdktf/lib/tokens/private/intrinsic').Intrinsic)(token) as { creationStack: string[] };
    assert.deepEqual(intrinsic.creationStack, []);
  });
});
