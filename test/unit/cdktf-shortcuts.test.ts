/**
 * The shortcuts main.ts installs in cdktf 0.21.0, each compared with the cdktf function it
 * stands in for.
 *
 * `resolvePlainValuesDirectly` walks plain values itself and hands everything that may
 * hold a token to cdktf's own `resolve`. Compared with cdktf's function on the kinds of value
 * cdktf tells apart (tokens in strings, numbers, lists and maps, escapes, strings that look like
 * encoded numbers, IResolvables, keys with tokens, refused values and their messages, the order
 * in which lazy values are produced), in both of cdktf's modes, and on the full synth of every
 * environment and example tenant, byte for byte.
 *
 * `rememberSnakeCaseKeys`: the same keys, structure and refusals as cdktf's `keysToSnakeCase`.
 *
 * Negative controls: a walk that takes every value as plain data, and a conversion that also
 * converts `tags`, are caught by the same comparisons; `PLATFORM_CDKTF_RESOLVE=1` puts cdktf's
 * own functions back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktf';
import { loadInputs } from '../../config/inputs';
import { buildApp, mayHoldEncodedNumber, rememberSnakeCaseKeys, resolvePlainValuesDirectly } from '../../main';

const work = mkdtempSync(join(tmpdir(), 'resolve-plain-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

type Resolve = (value: unknown, options: Record<string, unknown>) => unknown;
const resolveModule = require('cdktf/lib/tokens/private/resolve') as { resolve: Resolve };
const util = require('cdktf/lib/util') as { keysToSnakeCase: (o: unknown) => unknown };
/** cdktf's own functions, taken before anything installs a replacement. */
const cdktfOwn = { resolve: resolveModule.resolve, keysToSnakeCase: util.keysToSnakeCase };
const { TokenString } = require('cdktf/lib/tokens/private/encoding') as { TokenString: { forNumbers(s: string): { test(): boolean } } };

/** The outcome of one resolve: its value, or the refusal's message; and which lazy values were produced, in order. */
function outcome(make: (log: string[]) => unknown, stack: TerraformStack, preparing: boolean): { value?: unknown; error?: string; produced: string[] } {
  const produced: string[] = [];
  const value = make(produced);
  try {
    return { value: Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()), preparing }), produced };
  } catch (err) {
    // The stack where a token was made (recorded outside buildApp) differs by the line that made it.
    return { error: (err as Error).message.split('\nObject creation stack:')[0], produced };
  }
}

function nested(depth: number, leaf: unknown = 'leaf'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = { [`k${i}`]: v };
  return v;
}

/** Values of every kind cdktf's resolve tells apart. Each builds fresh tokens, so both functions see their own. */
function cases(stack: TerraformStack): Record<string, (log: string[]) => unknown> {
  const lazy = (log: string[], name: string, v: unknown) => Lazy.anyValue({ produce: () => (log.push(name), v) });
  const variable = new TerraformVariable(stack, `v${Math.random().toString(36).slice(2)}`, { type: 'string' });
  return {
    'plain values, undefined dropped from maps and lists': () => ({ a: 'x', b: [1, 2.5, -0, undefined, { c: true, d: undefined }], e: null, f: new Date(0), g: [], h: {}, i: false }),
    // eslint-disable-next-line no-sparse-arrays
    'sparse lists, one of them where its elements would be too deep': () => ({ sparse: [1, , 3], deep: nested(199, [,]) }),
    'numbers cdktf hands to its token map': () => ({ nan: NaN, minusInfinity: -Infinity, inList: [Token.asNumber(Lazy.numberValue({ produce: () => 3 }))], numberList: Token.asNumberList(Lazy.anyValue({ produce: () => [4, 5] })) }),
    'an instance of a class': () => ({ instance: new (class Point { x = 1; y = 'two'; })() }),
    'strings that look like encoded numbers': () => ['1e5', 'v1.2e3', '10.0.0.0/16', 'e', '3e', 'e3', '-e-', 'Standard_E4s_v5', '2.0e+10', '|e|'],
    'numbers at the edges': () => [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -1e300, 0],
    'escapes in plain strings and beside tokens': (log) => ({ plain: '${var.x} and $${y}', mixed: `\${var.x}-${Token.asString(lazy(log, 'mixed', 'z'))}` }),
    'string tokens, alone and inside text': (log) => ({ alone: Token.asString(lazy(log, 'alone', 'a')), inside: `pre-${Token.asString(lazy(log, 'inside', 'b'))}-post`, ref: variable.stringValue }),
    'a token resolving to a structure with undefined in it': (log) => ({ x: lazy(log, 'structure', { y: [1, undefined, 'z'], w: undefined }) }),
    'number tokens, alone and in lists': (log) => ({ n: Token.asNumber(lazy(log, 'n', 7)), list: [1, Token.asNumber(lazy(log, 'in-list', 8))] }),
    'list tokens': (log) => ({ l: Token.asList(lazy(log, 'l', ['p', 'q'])), split: Fn.split(',', variable.stringValue), joined: Fn.join('-', Fn.split(',', variable.stringValue)) }),
    'refused: a list token beside other elements': (log) => ({ ok: 'x', mixed: ['first', ...Token.asList(lazy(log, 'spread', ['r']))] }),
    'map tokens': (log) => ({ s: Token.asStringMap(lazy(log, 's', { k: 'v' })), n: Token.asNumberMap(lazy(log, 'nm', { k: 1 })), a: Token.asAnyMap(lazy(log, 'a', { k: [1] })) }),
    'a key that is a token': (log) => ({ [Token.asString(lazy(log, 'key', 'resolved-key'))]: 'value', other: 'o' }),
    'lazy values produced in order across nesting': (log) => ({ a: [lazy(log, '1', 'one'), { b: lazy(log, '2', 'two') }], c: lazy(log, '3', [lazy(log, '4', 'four')]) }),
    'refused: a function': () => ({ ok: 'x', f: () => 1 }),
    // cdktf's test finds the stack's node (its `_children` and `_metadata`), one level down.
    'refused: a construct': () => ({ ok: 'x', c: stack }),
    'refused: the map token value as a string': () => ({ s: Token.STRING_MAP_TOKEN_VALUE }),
    'refused: the map token value as a number': () => ({ n: Token.NUMBER_MAP_TOKEN_VALUE }),
    'refused: deeper than 200': () => nested(205),
    'at the depth limit': () => nested(199),
  };
}

const numbered = (o: unknown) => JSON.stringify(o).replace(/TOKEN\.\d+/g, 'TOKEN.n');

function compare(stack: TerraformStack, install: () => void): string[] {
  const differences: string[] = [];
  for (const preparing of [false, true]) {
    for (const [name, make] of Object.entries(cases(stack))) {
      resolvePlainValuesDirectly({ PLATFORM_CDKTF_RESOLVE: '1' });
      const cdktfs = outcome(make, stack, preparing);
      install();
      const walked = outcome(make, stack, preparing);
      try {
        // Each run makes its own tokens: their numbers in a refusal's message differ.
        assert.equal(numbered(walked), numbered(cdktfs));
      } catch {
        differences.push(`${name}${preparing ? ' (preparing)' : ''}: ${JSON.stringify(walked)} != ${JSON.stringify(cdktfs)}`);
      }
    }
  }
  resolvePlainValuesDirectly({});
  return differences;
}

describe('resolving plain values directly', () => {
  const stack = new TerraformStack(new App({ outdir: join(work, 'cases') }), 'cases');

  it('gives what cdktf\'s resolve gives for every kind of value, refusals and production order included', () => {
    const outcomes = Object.values(cases(stack)).map((make) => outcome(make, stack, false));
    assert.ok(outcomes.some((o) => o.error) && outcomes.some((o) => o.produced.length > 1), 'the cases include refusals and lazy values');
    assert.deepEqual(compare(stack, () => resolvePlainValuesDirectly({})), []);
  });

  it('negative control: a walk that takes every value as plain data is caught', () => {
    const differences = compare(stack, () => {
      resolveModule.resolve = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
    });
    assert.ok(differences.some((d) => d.startsWith('string tokens')), differences.join('\n'));
  });

  it('PLATFORM_CDKTF_RESOLVE=1 puts cdktf\'s own functions back', () => {
    assert.equal(resolvePlainValuesDirectly({}), true);
    assert.equal(rememberSnakeCaseKeys({}), true);
    assert.notEqual(resolveModule.resolve, cdktfOwn.resolve);
    assert.notEqual(util.keysToSnakeCase, cdktfOwn.keysToSnakeCase);
    // The comparisons above take their reference this way: it must be cdktf's function itself.
    assert.equal(resolvePlainValuesDirectly({ PLATFORM_CDKTF_RESOLVE: '1' }), false);
    assert.equal(rememberSnakeCaseKeys({ PLATFORM_CDKTF_RESOLVE: '1' }), false);
    assert.equal(resolveModule.resolve, cdktfOwn.resolve);
    assert.equal(util.keysToSnakeCase, cdktfOwn.keysToSnakeCase);
    resolvePlainValuesDirectly({});
    rememberSnakeCaseKeys({});
  });

  it('a full synth of every environment and example tenant is byte-identical to one with cdktf\'s functions', () => {
    const { cdktfs, shortcuts } = fullSynths();
    const r = spawnSync('diff', ['-r', cdktfs, shortcuts], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout.slice(0, 2000) || r.stderr);
  });
});

let synths: { cdktfs: string; shortcuts: string } | undefined;

/** The example inputs synthesized once with cdktf's own functions and once with the shortcuts. */
function fullSynths(): { cdktfs: string; shortcuts: string } {
  const inputs = loadInputs();
  assert.ok(inputs.tenants.length > 0);
  const synth = (label: string, vars: NodeJS.ProcessEnv) => {
    const outdir = join(work, label);
    const app = buildApp({ environments: inputs.environments, tenants: inputs.tenants, models: inputs.models, outdir });
    // buildApp installs the shortcuts; the reference run puts cdktf's own back before synthesizing.
    resolvePlainValuesDirectly(vars);
    rememberSnakeCaseKeys(vars);
    app.synth();
    resolvePlainValuesDirectly({});
    rememberSnakeCaseKeys({});
    return outdir;
  };
  return (synths ??= { cdktfs: synth('cdktf', { PLATFORM_CDKTF_RESOLVE: '1' }), shortcuts: synth('shortcuts', {}) });
}

describe('strings that may hold an encoded number', () => {
  const cdktfs = (s: string) => TokenString.forNumbers(s).test();
  /** Every string of up to `length` characters from the characters around an `e` that matter. */
  function strings(length: number): string[] {
    const chars = ['e', 'E', '-', '|', '.', '+', '0', '9', 'a', ' ', '{'];
    let level = [''];
    const all = [''];
    for (let i = 0; i < length; i++) all.push(...(level = level.flatMap((s) => chars.map((c) => s + c))));
    return all;
  }
  const disagree = (scan: (s: string) => boolean, corpus: string[]) => corpus.filter((s) => scan(s) !== cdktfs(s));

  it('agrees with cdktf\'s expression on every short string of the characters that matter and on every key and value synthesized', () => {
    const all = strings(4);
    assert.ok(all.length > 10_000 && all.some(cdktfs) && !all.every(cdktfs));
    assert.deepEqual(disagree(mayHoldEncodedNumber, all), []);
    const stacks = join(fullSynths().shortcuts, 'stacks');
    const synthesized = readdirSync(stacks).map((name) => readFileSync(join(stacks, name, 'cdk.tf.json'), 'utf8'));
    const found = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === 'string') found.add(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (found.add(k), collect(x));
    };
    for (const text of synthesized) collect(JSON.parse(text));
    assert.deepEqual(disagree(mayHoldEncodedNumber, [...found]), []);
  });

  it('negative control: a check that misses `|` before the `e` is caught', () => {
    const forgetful = (s: string) => mayHoldEncodedNumber(s.replaceAll('|e', 'xe'));
    assert.ok(disagree(forgetful, strings(3)).includes('|e0'));
  });
});

describe('snake case keys remembered', () => {
  const resolvable = Lazy.anyValue({ produce: () => ({ keptAsIs: 1 }) });
  const values: Record<string, unknown> = {
    'keys of every shape': { fooBar: 1, 'foo-bar': 2, _lead_: 3, ABC: 4, a1B2c3: 5, 'x.y z': 6, '': 7, already_snake: 8, HTTPServer: 9 },
    'nested objects and lists, lists in lists': { outerKey: { innerKey: [{ deepKey: 1 }, 'plain', 2, [{ inListInList: true }]] }, listKey: [[{ aB: 1 }]] },
    'tags and environment left alone': { tags: { costCenter: 'x' }, environment: { someVar: 'y' }, nestedBlock: { tags: { keepMe: 1 } } },
    'a resolvable value': { someKey: resolvable },
    'a resolvable whole': resolvable,
    'a key that becomes another key': { fooBar: 1, foo_bar: 2 },
    'refused: a null value': { someKey: null },
  };
  const outcome = (f: (o: unknown) => unknown, v: unknown) => {
    try {
      return { value: f(v) };
    } catch (err) {
      return { error: `${(err as Error).name}: ${(err as Error).message}` };
    }
  };

  function compare(install: () => void): string[] {
    rememberSnakeCaseKeys({ PLATFORM_CDKTF_RESOLVE: '1' });
    const cdktf = util.keysToSnakeCase;
    install();
    const mine = util.keysToSnakeCase;
    rememberSnakeCaseKeys({});
    // Twice: the second conversion takes every key from what the first remembered.
    return Object.entries(values).flatMap(([name, v]) =>
      [1, 2].flatMap((round) => {
        const [a, b] = [outcome(cdktf, v), outcome(mine, v)];
        try {
          assert.deepEqual(b, a);
          return [];
        } catch {
          return [`${name} (${round}): ${JSON.stringify(b)} != ${JSON.stringify(a)}`];
        }
      }),
    );
  }

  it('converts what cdktf\'s keysToSnakeCase converts, refusals included', () => {
    assert.ok(outcome(util.keysToSnakeCase, values['refused: a null value']).error, 'cdktf refuses a null value');
    assert.deepEqual(compare(() => rememberSnakeCaseKeys({})), []);
  });

  it('negative control: a conversion that also converts tags is caught', () => {
    const differences = compare(() => {
      rememberSnakeCaseKeys({});
      const mine = util.keysToSnakeCase;
      util.keysToSnakeCase = (o) => mine(o && typeof o === 'object' && 'tags' in o ? { ...o, tags: mine((o as { tags: unknown }).tags) } : o);
    });
    assert.ok(differences.some((d) => d.startsWith('tags and environment')), differences.join('\n'));
  });
});
