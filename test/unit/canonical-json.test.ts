/**
 * The fast canonical JSON (the native stringifier with a sorting, checking replacer) against its
 * definition, the walker: the same text for the real validated inputs and for every shape where
 * the two could part (index-like keys, an own `__proto__` key, toJSON, undefined, holes), and the
 * same located refusals of what is not plain data.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, canonicalJsonWalk } from '../../cli/lib/cache/hash';
import { loadInputs } from '../../config/inputs';
import { generateTenants } from '../../bench/tenants/generate';

describe('canonical JSON: the fast path is the definition', () => {
  it('on the real validated inputs, with generated tenants', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canonical-'));
    try {
      generateTenants(dir, 20);
      const inputs = loadInputs({ tenantFiles: readdirSync(dir).map((f) => join(dir, f)) });
      const real = loadInputs();
      for (const v of [inputs.tenants, inputs.allEnvironments, inputs.models, real.tenants, { a: real, b: inputs.tenants }]) assert.equal(canonicalJson(v), canonicalJsonWalk(v));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on the shapes where a stringifier and the walker could part', () => {
    const proto = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as unknown;
    const shapes: unknown[] = [
      { b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } },
      { 10: 'x', 2: 'y', a: 'z', '01': 'w' },
      [{ 1: 1, 0: 0 }],
      proto,
      { a: undefined, b: [undefined, 1], c: 'x' },
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      { a: -0, b: 1e21, c: 0.1 },
      Object.assign(Object.create(null) as object, { z: 1, y: 2 }),
      { s: 'quote " and \\ and \u2028 and \u0000' },
      'top',
      7,
      null,
      [],
      {},
    ];
    for (const v of shapes) assert.equal(canonicalJson(v), canonicalJsonWalk(v), JSON.stringify(v));
    assert.equal(canonicalJson(proto), '{"__proto__":{"x":1},"a":2}', 'an own __proto__ key stays a key');
    assert.equal(canonicalJson({ 10: 'x', 2: 'y' }), '{"10":"x","2":"y"}', 'keys in string order, not numeric');
  });

  it('refuses the same things, naming the same place', () => {
    const bad: unknown[] = [
      { x: [1, { y: new Map() }] },
      { x: { y: Number.NaN } },
      { x: { y: Number.POSITIVE_INFINITY } },
      { x: () => 1 },
      { x: new Date(0) },
      { x: { toJSON: () => 'plain' } },
      { x: 10n },
      { x: Symbol('s') },
      undefined,
    ];
    for (const v of bad) {
      let expected = '';
      assert.throws(() => canonicalJsonWalk(v), (err: Error) => ((expected = err.message), /cannot fingerprint/.test(err.message)));
      assert.throws(() => canonicalJson(v), (err: Error) => err.message === expected, expected);
    }
  });
});
