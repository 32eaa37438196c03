/**
 * The no-op synth, end to end on this repository's inputs: a run after an identical one leaves
 * the output folder as it is, takes every tenant and environment from the validated-input cache
 * and, from the third run on, every entry from the folder's pack. A damaged pack is reported and
 * the run is still exact; an edited output file is rewritten (negative control of the
 * comparison with the folder).
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SynthCache } from '../../cli/lib/cache/store';
import { synthesize, type SynthResult } from '../../cli/lib/synth';
import { createProgress } from '../../cli/progress';
import { readTree } from '../helpers/tree';

const work = mkdtempSync(join(tmpdir(), 'synth-noop-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const cacheDir = join(work, 'cache');
const out = join(work, 'out');


function run(): { result: SynthResult; cache: SynthCache; problems: string[] } {
  const problems: string[] = [];
  const cache = SynthCache.open(cacheDir, { onProblem: (m) => problems.push(m) });
  const result = synthesize({ outdir: out, cache, progress: createProgress(true) });
  return { result, cache, problems };
}

describe('no-op synth', () => {
  let expected: Map<string, Buffer>;
  before(() => {
    const cold = run();
    assert.equal(cold.result.cache!.reused, 0);
    expected = readTree(out);
  });

  it('after an identical run leaves the folder untouched, validates nothing again and writes the folder\'s pack', () => {
    const folder = statSync(out).ino;
    const r = run();
    assert.equal(r.result.cache!.built, 0);
    assert.equal(statSync(out).ino, folder, 'the folder was not replaced');
    assert.deepEqual(readTree(out), expected);
    assert.deepEqual(r.problems, []);
    assert.ok(statSync(r.cache.packPath!).size > 0, 'the pack of this folder');
  });

  it('reads every cache entry from the pack on the next run', () => {
    const r = run();
    assert.equal(r.result.cache!.built, 0);
    assert.ok(r.cache.stats.hits > r.result.stacks.length, `${r.cache.stats.hits} hits`);
    assert.equal(r.cache.stats.packHits, r.cache.stats.hits, 'every hit from the pack');
    assert.equal(r.cache.stats.misses, 0);
    assert.deepEqual(readTree(out), expected);
  });

  it('a damaged pack is reported and dropped; the run reads the entry files and is still exact', () => {
    const pack = run().cache.packPath!;
    const raw = readFileSync(pack);
    const at = raw.indexOf('"resource"', raw.indexOf(10));
    assert.ok(at > 0);
    raw[at + 2] = raw[at + 2] === 0x65 ? 0x66 : 0x65;
    writeFileSync(pack, raw);
    const r = run();
    assert.equal(r.problems.length, 1, r.problems.join('\n'));
    assert.match(r.problems[0], /pack .* holds a copy of entry .* that has content that does not match its hash.*removed, reading the entries instead/);
    assert.equal(r.result.cache!.built, 0, 'the entry files are intact');
    assert.deepEqual(readTree(out), expected);
    const again = run();
    assert.deepEqual(again.problems, [], 'the pack was written again');
    assert.equal(again.cache.stats.packHits, again.cache.stats.hits);
  });

  it('an edited output file is rewritten (negative control of the comparison with the folder)', () => {
    const name = [...expected.keys()].find((f) => f.endsWith('cdk.tf.json'))!;
    writeFileSync(join(out, name), `${expected.get(name)} `);
    const folder = statSync(out).ino;
    const r = run();
    assert.equal(r.result.cache!.built, 0);
    assert.notEqual(statSync(out).ino, folder, 'the folder was replaced');
    assert.deepEqual(readTree(out), expected);
  });
});
