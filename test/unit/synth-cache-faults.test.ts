/**
 * Fault tests of the synth cache, end to end: incremental synth and render (test/helpers/
 * incremental-round.ts, one fresh process per run, in this repository: it writes only into the
 * temporary folders it is given) after a cache entry was truncated, after entries were written
 * by another version of the tool, and with two runs sharing one cache at the same time. Each
 * time the output must be byte-identical to a full synth and render, and every bad entry must be
 * reported and replaced by a good one.
 *
 * Negative controls: an intact cache reports nothing; a tampered entry whose hashes were
 * recomputed (what a store without the hash check would accept) does reach the output, and the
 * byte comparison sees it.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_FORMAT, SynthCache } from '../../cli/lib/cache/store';
import { ROOT } from '../helpers/tools';
import type { RoundResult } from '../helpers/incremental-round';


interface Entry {
  key: string;
  kind: string;
  name: string;
  file: string;
}

const work = mkdtempSync(join(tmpdir(), 'synth-cache-faults-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let runs = 0;

/** One incremental synth and render from `cache`, compared with a full one (fresh process). */
function round(cache: string, env: NodeJS.ProcessEnv = {}): Promise<RoundResult> {
  const n = runs++;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/incremental-round.ts', cache, join(work, `inc-${n}`), join(work, `full-${n}`)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(join(work, `full-${n}`), { recursive: true, force: true });
      rmSync(join(work, `inc-${n}`), { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`round ${n} exited ${code}:\n${err}`));
      resolve(JSON.parse(out) as RoundResult);
    });
  });
}

function entries(cache: string): Entry[] {
  return readdirSync(cache)
    .filter((k) => /^[0-9a-f]{64}$/.test(k))
    .map((key) => {
      const file = join(cache, key, 'entry');
      const header = JSON.parse(readFileSync(file, 'utf8').split('\n', 1)[0]) as { kind: string; name: string };
      return { key, kind: header.kind, name: header.name, file };
    });
}

function find(cache: string, kind: string, name?: string): Entry {
  const e = entries(cache).find((x) => x.kind === kind && (name === undefined || x.name === name));
  assert.ok(e, `a ${kind} entry${name ? ` of ${name}` : ''}`);
  return e;
}

/** The entry is there again and passes every check. */
function intact(cache: string, e: Entry): void {
  const problems: string[] = [];
  const store = SynthCache.open(cache, { onProblem: (m) => problems.push(m) });
  assert.ok(store.get(e.key, e.kind, e.name), `${e.kind} ${e.name} was stored again`);
  assert.deepEqual(problems, [], `${e.kind} ${e.name} is intact`);
}

function identical(r: RoundResult, label: string): void {
  assert.deepEqual(r.synthDiff, [], `${label}: cdktf.out differs from a full synth`);
  assert.deepEqual(r.renderDiff, [], `${label}: rendered/ differs from a full render`);
  assert.equal(r.reused + r.built, r.stacks, label);
  assert.equal(r.appsReused + r.appsBuilt, r.apps, label);
}

describe('synth cache faults (end to end)', () => {
  const cache = join(work, 'cache');
  let first: RoundResult;
  before(async () => {
    first = await round(cache);
  });

  it('a cold run fills the cache and writes what a full run writes', () => {
    identical(first, 'cold');
    assert.equal(first.reused, 0);
    assert.equal(first.appsReused, 0);
    assert.deepEqual(first.problems, []);
  });

  it('an intact cache is used whole and reports nothing (negative control of the reports)', async () => {
    const r = await round(cache);
    identical(r, 'warm');
    assert.equal(r.reused, r.stacks);
    assert.equal(r.appsReused, r.apps);
    assert.deepEqual(r.problems, []);
  });

  it('a truncated entry is reported, rebuilt and replaced; the output stays byte-identical', async () => {
    const stack = find(cache, 'stack', 'dev-tenant-acme-search');
    const app = find(cache, 'app');
    for (const e of [stack, app]) {
      const raw = readFileSync(e.file);
      writeFileSync(e.file, raw.subarray(0, Math.floor(raw.length / 2)));
    }
    const r = await round(cache);
    identical(r, 'truncated');
    for (const e of [stack, app]) {
      assert.ok(
        r.problems.some((p) => p.includes(`(${e.name})`) && /does not match its hash|no readable header/.test(p) && /removed, rebuilding it/.test(p)),
        `${e.name} reported: ${r.problems.join('\n')}`,
      );
      intact(cache, e);
    }
    assert.ok(r.built >= 1 && r.appsBuilt >= 1, 'the bad entries were rebuilt, not used');
    const again = await round(cache);
    identical(again, 'after the repair');
    assert.deepEqual(again.problems, [], 'replaced: nothing to report the next time');
    assert.equal(again.reused, again.stacks);
  });

  it('entries written by another version of the tool are reported, rebuilt and replaced', async () => {
    // A first-level entry of one stack or app and the output entry of another. (An app whose
    // first-level entry is rebuilt records what this run read, which may be less than the full run
    // that wrote it read: its output is then stored under a new key, still the same bytes.)
    const foreign = [
      find(cache, 'deps', 'dev-network'),
      find(cache, 'stack', 'prod-platform'),
      find(cache, 'app-deps', 'dev/llm-serving/manifests.yaml'),
      find(cache, 'app', 'prod/llm-serving/manifests.yaml'),
    ];
    for (const e of foreign) writeFileSync(e.file, readFileSync(e.file, 'utf8').replace(`"format":"${CACHE_FORMAT}"`, '"format":"platform-synth-cache/0"'));
    const r = await round(cache);
    identical(r, 'another version');
    for (const e of foreign) {
      assert.ok(
        r.problems.some((p) => p.includes(`(${e.name})`) && p.includes('written by another version of the tool')),
        `${e.kind} ${e.name} reported: ${r.problems.join('\n')}`,
      );
      intact(cache, e);
    }
    const again = await round(cache);
    identical(again, 'after the repair');
    assert.deepEqual(again.problems, []);
  });

  it('two runs sharing a cache at once write what a full run writes, also while one evicts', async () => {
    const shared = join(work, 'shared');
    const pair = await Promise.all([round(shared), round(shared)]);
    pair.forEach((r, i) => {
      identical(r, `concurrent run ${i}`);
      assert.deepEqual(r.problems, [], `concurrent run ${i}: a reader never sees a half-written entry`);
    });
    const after = await round(shared);
    identical(after, 'after the concurrent runs');
    assert.deepEqual(after.problems, []);
    assert.equal(after.reused, after.stacks, 'the entries both wrote are whole');
    assert.equal(after.appsReused, after.apps);

    // A bound far below what one run writes: each run evicts most entries at its end, while the other is still reading and writing.
    const small = join(work, 'small');
    const tiny = { PLATFORM_SYNTH_CACHE_MAX_MB: '0.05' };
    const evicting = await Promise.all([round(small, tiny), round(small, tiny), round(small)]);
    evicting.forEach((r, i) => {
      identical(r, `evicting run ${i}`);
      assert.deepEqual(r.problems, [], `evicting run ${i}`);
    });
    assert.ok(!readdirSync(small).some((n) => n.startsWith('.tmp-') || n.startsWith('.trash-')), 'no temporary folder left behind');
  });

  it('a tampered entry whose hashes were recomputed does reach the output, and the byte comparison sees it (negative control)', async () => {
    const e = find(cache, 'stack', 'dev-tenant-acme-search');
    const store = SynthCache.open(cache);
    const parts = store.get(e.key, e.kind, e.name)!;
    const json = parts.get('cdk.tf.json')!.toString('utf8');
    assert.ok(json.includes('"amount": 4000'), 'the budget amount is in the stack');
    store.remove(e.key);
    // What a store without the hash check would hand out: the header's hashes match the tampered content.
    store.put(e.key, e.kind, e.name, { 'cdk.tf.json': json.replace('"amount": 4000', '"amount": 4001'), 'manifest-entry.json': parts.get('manifest-entry.json')! });
    const r = await round(cache);
    assert.deepEqual(r.problems, [], 'nothing can tell a consistent lie from the truth but the comparison');
    assert.deepEqual(r.synthDiff, ['stacks/dev-tenant-acme-search/cdk.tf.json'], 'the byte comparison sees the tampered stack');
    store.remove(e.key);
    assert.equal(existsSync(e.file), false);
  });
});
