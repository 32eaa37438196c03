/**
 * stableJson (cli/lib/stable-json.ts) against json-stable-stringify, the stringifier cdktf writes
 * every `cdk.tf.json` and `manifest.json` with: the same text for every stack the app
 * synthesizes (taking the fast path, not the walk), for every shape where the native
 * stringifier and json-stable-stringify part (empty containers at every depth, index-like keys,
 * an own `__proto__` key, toJSON, undefined, functions, holes, boxed primitives, the markers'
 * own values and digits), for thousands of random values, and the same refusal of a circular
 * structure. Negative control: the native stringifier alone differs on the same corpus, so the
 * comparison sees a difference where there is one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableJson, stableJsonStats, stableJsonWalk } from '../../cli/lib/stable-json';
import { loadInputs } from '../../config/inputs';
import { buildApp } from '../../main';

const cdktfStringify = createRequire(require.resolve('cdktf'))('json-stable-stringify') as (value: unknown, options: { space: number }) => string | undefined;

/** Shapes where a native stringifier with sorted copies could part from json-stable-stringify. */
function edgeCases(): unknown[] {
  class Point {
    constructor(
      readonly y: number,
      readonly x: number,
    ) {}
  }
  const withProto = JSON.parse('{"b": 1, "__proto__": {"z": []}, "a": {}}') as unknown;
  const sparse: unknown[] = [1];
  sparse[3] = 'x';
  return [
    [],
    {},
    { a: [] },
    { a: {} },
    [[], {}, [[]], [{}]],
    { b: { d: [], c: {} }, a: [{ e: {} }] },
    { x: { y: { z: { w: [] } } } },
    { a: undefined },
    { a: undefined, b: 1 },
    { a: [undefined, () => 1, Symbol('s')], b: () => 1 },
    sparse,
    { 10: 'ten', 9: 'nine', a: 1, '-1': 'minus', ' ': 'space', '!': 'bang' },
    { '01': 1, '1': 2, '1.5': 3, '4294967295': 4, '4294967294': 5 },
    withProto,
    { d: new Date(0), n: { toJSON: () => ({ z: 1, a: [] }) }, u: { toJSON: () => undefined } },
    { boxed: [Object(1), Object('s'), Object(true)] },
    new Point(2, 1),
    { nested: new Point(4, 3) },
    Object.assign(Object.create(null) as object, { b: 1, a: {} }),
    { mark: 1e-300, other: 2e-300 },
    { s: '1e-300', t: 'x 1e-300', u: ['1e-300', '2e-300,'], 'k 1e-300': [] },
    { text: 'line\nbreak "quoted" \\ \u2028 \u0000 \ud800', 'é': 1, 'Z': 2, 'a': 3, '\u{1f600}': [] },
    { numbers: [0, -0, 1.5, -2e-7, 1e21, NaN, Infinity, -Infinity] },
    { top: null, list: [null, true, false, ''] },
    'just a string',
    42,
    null,
    true,
  ];
}

/** A seeded generator of JSON-ish values, with every edge the corpus above names among the leaves. */
function randomValues(count: number, seed: number): unknown[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const keys = ['a', 'b', 'Z', 'é', '10', '9', '0', '01', '-1', '', ' ', 'k:1e-300', 'tags', 'x.y', '__proto__'];
  const leaves: (() => unknown)[] = [
    () => pick(['', 'x', '1e-300', 'a,\n', '"q"', 'ünï']),
    () => pick([0, -0, 1, -1.5, 1e-300, 2e-300, 123456789, NaN]),
    () => pick([true, false, null, undefined]),
    () => [],
    () => ({}),
  ];
  const value = (depth: number): unknown => {
    if (depth > 4 || next() < 0.3) return pick(leaves)();
    if (next() < 0.4) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 5); i > 0; i--) Object.defineProperty(o, pick(keys), { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
    return o;
  };
  return Array.from({ length: count }, () => value(0));
}

function sameAsCdktf(values: unknown[], space: number): string[] {
  const differ: string[] = [];
  values.forEach((v, i) => {
    const expected = cdktfStringify(v, { space });
    if (stableJson(v, space) !== expected) differ.push(`#${i} fast path: ${String(expected).slice(0, 80)}`);
    if (stableJsonWalk(v, space) !== expected) differ.push(`#${i} walk: ${String(expected).slice(0, 80)}`);
  });
  return differ;
}

describe('stableJson writes what json-stable-stringify writes', () => {
  it('for every stack the app synthesizes, on the fast path', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'stable-json-'));
    try {
      const { environments, tenants, models } = loadInputs();
      buildApp({ environments, tenants, models, outdir }).synth();
      const stacks = readdirSync(join(outdir, 'stacks'));
      assert.ok(stacks.length >= 10, `${stacks.length} stacks`);
      const walkedBefore = stableJsonStats.walked;
      let empties = 0;
      for (const name of stacks) {
        const written = readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
        const value = JSON.parse(written) as unknown;
        assert.equal(stableJson(value, 2), cdktfStringify(value, { space: 2 }), name);
        assert.equal(written, cdktfStringify(value, { space: 2 }), `${name} as synthesized`);
        empties += (written.match(/[[{]\n *[\]}]/g) ?? []).length;
      }
      assert.equal(stableJsonStats.walked, walkedBefore, 'no synthesized stack took the walk');
      assert.ok(empties > 0, 'the stacks hold empty arrays or objects (the markers are exercised)');
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as unknown;
      assert.equal(stableJson(manifest, 2), cdktfStringify(manifest, { space: 2 }));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('for every shape where a native stringifier could part from it, at indents 2, 4 and none', () => {
    for (const space of [2, 4, 0]) assert.deepEqual(sameAsCdktf(edgeCases(), space), [], `space ${space}`);
  });

  it('for 3,000 random values', () => {
    assert.deepEqual(sameAsCdktf(randomValues(3000, 19), 2), []);
  });

  it('refuses a circular structure as json-stable-stringify does', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { back: loop };
    assert.throws(() => cdktfStringify(loop, { space: 2 }), TypeError);
    assert.throws(() => stableJson(loop, 2), { name: 'TypeError', message: 'Converting circular structure to JSON' });
  });

  it('negative control: the native stringifier alone writes something else for the same corpus', () => {
    const differ = edgeCases().filter((v) => JSON.stringify(v, null, 2) !== cdktfStringify(v, { space: 2 }));
    assert.ok(differ.length >= 10, `${differ.length} shapes tell them apart`);
  });
});
