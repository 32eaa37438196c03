/**
 * The synth cache's pack (cli/lib/cache/store.ts): one file holding copies of the entries an
 * output folder's last run used. A copy is served only while its entry file is the one it was
 * copied from, and only when it passes the same checks as an entry file; a damaged or foreign
 * pack is reported, dropped and written again; packs count towards the bound.
 *
 * Negative controls: a pack whose record of the entry file is forged to match a replaced entry
 * does serve its old copy (so the freshness check is what keeps it out), and a copy forged with
 * consistent hashes is served (so the pack is really read).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../cli/lib/cache/hash';
import { PACK_FORMAT, SynthCache } from '../../cli/lib/cache/store';

const work = mkdtempSync(join(tmpdir(), 'synth-cache-pack-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let n = 0;

const key = (s: string) => sha256(s);
const KEYS = Array.from({ length: 6 }, (_, i) => key(`entry-${i}`));
const body = (i: number, v = 1) => `{"stack":${i},"v":${v}}`;

interface Setup {
  dir: string;
  out: string;
}

/** A store with six entries and the pack of one run that used them all. */
function setup(): Setup {
  const dir = join(work, `cache-${n++}`);
  const out = join(work, `out-${n}`);
  const first = SynthCache.open(dir);
  first.usePack(out);
  KEYS.forEach((k, i) => first.put(k, 'stack', `s${i}`, { 'cdk.tf.json': body(i) }));
  first.finish();
  assert.ok(existsSync(first.packPath!), 'the run wrote its pack');
  return { dir, out };
}

/** One run: every entry read through a store that uses the folder's pack. */
function run({ dir, out }: Setup, finish = true) {
  const problems: string[] = [];
  const store = SynthCache.open(dir, { onProblem: (m) => problems.push(m) });
  store.usePack(out);
  const values = KEYS.map((k, i) => store.get(k, 'stack', `s${i}`)?.get('cdk.tf.json')?.toString());
  if (finish) store.finish();
  return { store, problems, values };
}

const expected = KEYS.map((_k, i) => body(i));

function packHeader(file: string): { format: string; entries: [string, number, number, number, number][] } {
  const raw = readFileSync(file);
  return JSON.parse(raw.subarray(0, raw.indexOf(10)).toString('utf8'));
}

describe('synth cache pack', () => {
  it('serves a run every entry from one file, with the same content, and is left as it is when the run used the same entries', () => {
    const s = setup();
    const r = run(s);
    assert.deepEqual(r.values, expected);
    assert.equal(r.store.stats.packHits, KEYS.length);
    assert.deepEqual(r.problems, []);
    const before = statSync(r.store.packPath!);
    const again = run(s);
    assert.equal(again.store.stats.packHits, KEYS.length);
    assert.equal(statSync(again.store.packPath!).ino, before.ino, 'not written again');
  });

  it('is not used, and not written, without usePack (runs into fresh folders)', () => {
    const { dir } = setup();
    const store = SynthCache.open(dir);
    assert.equal(store.get(KEYS[0], 'stack', 's0')?.get('cdk.tf.json')?.toString(), body(0));
    assert.equal(store.stats.packHits, 0);
    store.finish();
    assert.equal(store.packPath, undefined);
  });

  it('never serves the copy of an entry that was replaced, removed or evicted since', () => {
    const s = setup();
    const other = SynthCache.open(s.dir);
    other.remove(KEYS[1]);
    other.put(KEYS[1], 'stack', 's1', { 'cdk.tf.json': body(1, 2) });
    other.remove(KEYS[2]);
    const r = run(s);
    assert.equal(r.values[1], body(1, 2), 'the replaced entry: its new content');
    assert.equal(r.values[2], undefined, 'the removed entry: a miss');
    assert.deepEqual([r.values[0], ...r.values.slice(3)], [expected[0], ...expected.slice(3)]);
    assert.equal(r.store.stats.packHits, KEYS.length - 2);
    assert.deepEqual(r.problems, []);
    const keys = packHeader(r.store.packPath!).entries.map((e) => e[0]);
    assert.ok(keys.includes(KEYS[1]) && !keys.includes(KEYS[2]), 'written again with what the run used');
    assert.equal(run(s).values[1], body(1, 2));
  });

  it('a pack whose record of a replaced entry is forged serves its old copy (negative control of the freshness check)', () => {
    const s = setup();
    const other = SynthCache.open(s.dir);
    other.remove(KEYS[1]);
    other.put(KEYS[1], 'stack', 's1', { 'cdk.tf.json': body(1, 2) });
    const pack = run(s, false).store.packPath!;
    const raw = readFileSync(pack);
    const nl = raw.indexOf(10);
    const header = packHeader(pack);
    const st = statSync(join(s.dir, KEYS[1], 'entry'));
    header.entries = header.entries.map((e) => (e[0] === KEYS[1] ? [e[0], e[1], st.ino, st.size, st.mtimeMs] : e));
    writeFileSync(pack, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), raw.subarray(nl + 1)]));
    assert.equal(run(s, false).values[1], body(1), 'the stale copy');
  });

  it('a copy forged with consistent hashes is served (negative control: the pack is really read)', () => {
    const s = setup();
    const pack = run(s, false).store.packPath!;
    // The entry as a store would write it for other content of the same length: its header's hashes match.
    const forger = SynthCache.open(join(work, `forger-${n++}`));
    forger.put(KEYS[3], 'stack', 's3', { 'cdk.tf.json': body(3, 9) });
    const forged = readFileSync(join(forger.dir, KEYS[3], 'entry'));
    const genuine = readFileSync(join(s.dir, KEYS[3], 'entry'));
    assert.equal(forged.length, genuine.length);
    const raw = readFileSync(pack);
    const at = raw.indexOf(genuine);
    assert.ok(at > 0);
    writeFileSync(pack, Buffer.concat([raw.subarray(0, at), forged, raw.subarray(at + forged.length)]));
    const r = run(s, false);
    assert.equal(r.values[3], body(3, 9), 'what the pack holds is what the run gets');
    assert.deepEqual(r.problems, []);
  });

  it('a truncated, a modified and a foreign pack are reported, dropped and written again; the entries come from their files', () => {
    const cases: [string, (file: string) => void, RegExp][] = [
      ['truncated', (f) => writeFileSync(f, readFileSync(f).subarray(0, readFileSync(f).length - 5)), /bytes where its header lists/],
      ['header cut', (f) => writeFileSync(f, readFileSync(f).subarray(0, 30)), /no readable header/],
      ['modified copy', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace('"stack":2,"v":1', '"stack":2,"v":7')), /holds a copy of entry .* \(s2\) that has content that does not match its hash/],
      ['another version', (f) => writeFileSync(f, readFileSync(f, 'utf8').replace(PACK_FORMAT, 'platform-synth-pack/0')), /another version of the tool \(format "platform-synth-pack\/0"/],
    ];
    for (const [label, damage, why] of cases) {
      const s = setup();
      const pack = run(s, false).store.packPath!;
      damage(pack);
      const r = run(s);
      assert.deepEqual(r.values, expected, label);
      assert.equal(r.problems.length, 1, `${label}: ${r.problems.join('\n')}`);
      assert.match(r.problems[0], why, label);
      assert.match(r.problems[0], /removed, reading the entries instead/, label);
      const again = run(s);
      assert.deepEqual(again.problems, [], `${label}: written again`);
      assert.equal(again.store.stats.packHits, KEYS.length, label);
    }
  });

  it('counts towards the bound, and keeps the entries it holds as recently used as itself', () => {
    const dir = join(work, 'evict');
    const payload = 'x'.repeat(1000);
    const many = Array.from({ length: 12 }, (_, i) => key(`e${i}`));
    const writer = SynthCache.open(dir);
    many.forEach((k, i) => writer.put(k, 'stack', `s${i}`, { p: payload }));
    /** A pack of a run that used `keys`. */
    const packOf = (out: string, keys: string[]) => {
      const store = SynthCache.open(dir);
      store.usePack(join(work, out));
      keys.forEach((k) => store.get(k, 'stack', 'x'));
      store.finish();
      return store.packPath!;
    };
    const recent = packOf('recent-out', many.slice(0, 4));
    const stale = packOf('stale-out', many.slice(4, 6));
    // Every entry file was last read long ago (as when a pack serves them); the recent pack was used now, the other long ago.
    many.forEach((k, i) => {
      const t = new Date(Date.now() - (100 + i) * 1000);
      utimesSync(join(dir, k, 'entry'), t, t);
    });
    const old = new Date(Date.now() - 1000_000);
    utimesSync(stale, old, old);
    const size = (f: string) => statSync(f).size;
    const keep = size(recent) + many.slice(0, 4).reduce((b, k) => b + size(join(dir, k, 'entry')), 0);
    const store = SynthCache.open(dir, { maxBytes: Math.ceil(keep / 0.8) + 50 });
    const { removed, bytes } = store.evict();
    assert.equal(removed, 1 + 8, 'the stale pack and the entries only it or nobody used');
    assert.ok(bytes <= keep + 50, `${bytes} bytes left`);
    assert.ok(existsSync(recent), 'the recent pack stays');
    assert.equal(existsSync(stale), false, 'the stale pack goes');
    for (const k of many.slice(0, 4)) assert.ok(store.has(k), 'an entry held by the recent pack stays');
    for (const k of many.slice(4)) assert.equal(store.has(k), false);
  });
});
