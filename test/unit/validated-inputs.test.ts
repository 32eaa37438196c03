/**
 * Validated tenants and environments from the synth cache (cli/lib/cache/validated.ts): a cached
 * value is deep-equal to a freshly validated one, the cache is keyed by everything the per-file
 * validation reads (for environments also the validation date), a damaged entry is reported
 * and the file validated again, and invalid files are never cached and report exactly the same
 * located problems as without a cache.
 *
 * Negative controls: an entry forged with consistent hashes is what a run then returns (so the
 * tests above do observe the cache), and a different validation context misses.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadEnvironment, loadEnvironments } from '../../config/load';
import { loadInputs } from '../../config/inputs';
import { loadModelCatalogue } from '../../config/models';
import { loadTenants, tenantFiles, type TenantContext } from '../../config/tenants';
import { ValidationError, type Problem } from '../../config/yaml-validate';
import { SynthCache } from '../../cli/lib/cache/store';
import { ENVIRONMENT_KIND, jsonFaithful, TENANT_KIND, validatedInputs, validatedTenants, type ValidatedStats } from '../../cli/lib/cache/validated';
import { generateTenants } from '../../bench/tenants/generate';
import { ROOT } from '../helpers/tools';

const FIXTURES = resolve(__dirname, '../fixtures');
const BAD = join(FIXTURES, 'tenants/bad');
const work = mkdtempSync(join(tmpdir(), 'validated-tenants-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const ctx: TenantContext = { environments: loadEnvironments(), models: loadModelCatalogue() };
const files = [...tenantFiles(), ...generateTenants(join(work, 'generated'), 25)];

function open(dir: string, problems: string[] = []): SynthCache {
  return SynthCache.open(dir, { onProblem: (m) => problems.push(m) });
}

function load(cache: SynthCache | undefined, list = files, context = ctx, stats: ValidatedStats = { hits: 0, misses: 0 }) {
  return loadTenants(list, context, cache ? validatedTenants(cache, ROOT, stats)(context) : undefined);
}

function problemsOf(list: string[], cache?: SynthCache): Problem[] {
  try {
    load(cache, list);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.problems;
  }
}

function entriesOf(dir: string, kind: string): string[] {
  return readdirSync(dir).filter((k) => /^[0-9a-f]{64}$/.test(k) && readFileSync(join(dir, k, 'entry'), 'utf8').includes(`"kind":"${kind}"`));
}
const tenantEntries = (dir: string) => entriesOf(dir, TENANT_KIND);

function withDate<T>(date: string | undefined, work: () => T): T {
  const before = process.env.PLATFORM_VALIDATION_DATE;
  if (date === undefined) delete process.env.PLATFORM_VALIDATION_DATE;
  else process.env.PLATFORM_VALIDATION_DATE = date;
  try {
    return work();
  } finally {
    if (before === undefined) delete process.env.PLATFORM_VALIDATION_DATE;
    else process.env.PLATFORM_VALIDATION_DATE = before;
  }
}

function envProblems(name: string, dir: string, cache?: SynthCache): Problem[] {
  try {
    loadEnvironment(name, dir, cache ? validatedInputs(cache, ROOT).environmentMemo : undefined);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.problems;
  }
}

describe('validated tenants from the synth cache', () => {
  it('a cold run validates and stores every file; a warm one reads them all back deep-equal to a fresh validation', () => {
    const dir = join(work, 'equal');
    const fresh = load(undefined);
    const cold: ValidatedStats = { hits: 0, misses: 0 };
    assert.deepStrictEqual(load(open(dir), files, ctx, cold), fresh);
    assert.deepEqual(cold, { hits: 0, misses: files.length });
    assert.equal(tenantEntries(dir).length, files.length);
    const warm: ValidatedStats = { hits: 0, misses: 0 };
    const cached = load(open(dir), files, ctx, warm);
    assert.deepEqual(warm, { hits: files.length, misses: 0 });
    assert.deepStrictEqual(cached, fresh);
  });

  it('is keyed by the validation context: other environments or another catalogue miss (negative control of the key)', () => {
    const dir = join(work, 'context');
    load(open(dir));
    const stats: ValidatedStats = { hits: 0, misses: 0 };
    const models = { ...ctx.models, models: ctx.models.models.map((m, i) => (i === 0 ? { ...m } : m)) };
    load(open(dir), files, { ...ctx, models }, stats);
    assert.deepEqual(stats, { hits: files.length, misses: 0 }, 'the same content in new objects hits');
    const other: ValidatedStats = { hits: 0, misses: 0 };
    const prod = ctx.environments.find((e) => e.name === 'prod')!;
    const environments = ctx.environments.map((e) => (e === prod ? { ...prod, tenancy: { ...prod.tenancy, allowedRepoHosts: [...prod.tenancy.allowedRepoHosts, 'git.example.org'] } } : e));
    load(open(dir), files, { ...ctx, environments }, other);
    assert.deepEqual(other, { hits: 0, misses: files.length });
  });

  it('is keyed by the file name and content: a renamed copy is validated (and fails the name check)', () => {
    const dir = join(work, 'name');
    const cache = open(dir);
    load(cache);
    const renamed = join(work, 'renamed');
    mkdirSync(renamed, { recursive: true });
    const copy = join(renamed, 'bench-9999.yaml');
    copyFileSync(files[files.length - 1], copy);
    const problems = problemsOf([copy], cache);
    assert.ok(problems.some((p) => p.path === 'metadata.name' && p.message.includes('does not match the file name')), JSON.stringify(problems));
  });

  it('a tampered entry is reported, removed and the file validated again', () => {
    const dir = join(work, 'tampered');
    const fresh = load(undefined);
    load(open(dir));
    const victim = tenantEntries(dir)[0];
    const file = join(dir, victim, 'entry');
    const raw = readFileSync(file, 'utf8');
    const changed = raw.replace(/"costCenter":"([^"]+)"/, '"costCenter":"CC-9999"');
    assert.notEqual(changed, raw, 'the entry holds a cost centre to change');
    writeFileSync(file, changed);
    const problems: string[] = [];
    const stats: ValidatedStats = { hits: 0, misses: 0 };
    assert.deepStrictEqual(load(open(dir, problems), files, ctx, stats), fresh);
    assert.deepEqual(stats, { hits: files.length - 1, misses: 1 });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /\(.+\.yaml\) has content that does not match its hash .*removed, rebuilding it/);
    const again: string[] = [];
    load(open(dir, again));
    assert.deepEqual(again, [], 'stored again, intact');
  });

  it('an entry forged with consistent hashes is what the run returns (negative control: the cache is really read)', () => {
    const dir = join(work, 'forged');
    load(open(dir));
    const cache = open(dir);
    const key = tenantEntries(dir).find((k) => readFileSync(join(dir, k, 'entry'), 'utf8').includes('"name":"bench-0003"'))!;
    const name = 'bench-0003.yaml';
    const part = cache.get(key, TENANT_KIND, name)!.get('value.json')!.toString('utf8');
    cache.remove(key);
    cache.put(key, TENANT_KIND, name, { 'value.json': part.replace(/"costCenter":"[^"]+"/, '"costCenter":"CC-FORGED"') });
    const loaded = load(open(dir));
    assert.equal(loaded.find((l) => basename(l.file) === name)!.tenant.spec.costCenter, 'CC-FORGED');
  });

  it('invalid files report exactly the same located problems with and without the cache, and are never stored', () => {
    const dir = join(work, 'invalid');
    const bad = readdirSync(BAD).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(BAD, f));
    assert.ok(bad.length >= 20);
    const cache = open(dir);
    load(cache);
    const before = tenantEntries(dir).length;
    for (const file of bad) {
      const expected = problemsOf([file]);
      assert.ok(expected.length > 0, `${basename(file)} is invalid`);
      assert.deepStrictEqual(problemsOf([file], cache), expected, basename(file));
      assert.deepStrictEqual(problemsOf([file], cache), expected, `${basename(file)}, second time`);
    }
    // With valid files around them too (the cross-file checks run over cached tenants).
    assert.deepStrictEqual(problemsOf([...files, ...bad], cache), problemsOf([...files, ...bad]));
    assert.equal(tenantEntries(dir).length, before, 'no invalid file was stored');
  });

  it('a file over the size limit reports the same problem with the cache, which reads no more than the limit', () => {
    const dir = join(work, 'oversized');
    const big = join(work, 'big');
    mkdirSync(big, { recursive: true });
    const file = join(big, 'bench-0001.yaml');
    writeFileSync(file, `${readFileSync(files[files.length - 25 + 1], 'utf8')}${'# padding\n'.repeat(4000)}`);
    const expected = problemsOf([file]);
    assert.equal(expected.length, 1);
    assert.match(expected[0].message, /^file is \d+ bytes; the limit is 32768$/);
    assert.deepStrictEqual(problemsOf([file], open(dir)), expected);
    assert.equal(tenantEntries(dir).length, 0);
  });

  it('duplicate names are found among cached tenants too', () => {
    const dir = join(work, 'duplicates');
    const twin = join(work, 'twin');
    mkdirSync(twin, { recursive: true });
    const copy = join(twin, basename(files[3]));
    copyFileSync(files[3], copy);
    const cache = open(dir);
    load(cache);
    const expected = problemsOf([...files, copy]);
    assert.ok(expected.some((p) => p.message.includes('is also used by')));
    assert.deepStrictEqual(problemsOf([...files, copy], cache), expected);
  });

  it('only stores values that JSON carries faithfully', () => {
    assert.equal(jsonFaithful({ a: [1, 'x', true, null, { b: 2.5 }] }), true);
    for (const v of [{ a: undefined }, { a: new Date(0) }, { a: new Map() }, [1, , 3], { a: -0 }, { a: Number.NaN }, { a: () => 1 }, Object.create(null)]) {
      assert.equal(jsonFaithful(v), false, String(JSON.stringify(v)));
    }
  });
});

describe('validated environments from the synth cache', () => {
  it('a warm run reads every environment back deep-equal to a fresh validation, and the whole input too', () => {
    const dir = join(work, 'environments');
    const fresh = loadInputs({ tenantFiles: files });
    const cold = validatedInputs(open(dir), ROOT);
    assert.deepStrictEqual(loadInputs({ tenantFiles: files, ...cold }), fresh);
    assert.deepEqual(cold.stats.environments, { hits: 0, misses: fresh.allEnvironments.length });
    assert.equal(entriesOf(dir, ENVIRONMENT_KIND).length, fresh.allEnvironments.length);
    const warm = validatedInputs(open(dir), ROOT);
    assert.deepStrictEqual(loadInputs({ tenantFiles: files, ...warm }), fresh);
    assert.deepEqual(warm.stats.environments, { hits: fresh.allEnvironments.length, misses: 0 });
    assert.deepEqual(warm.stats.tenants, { hits: files.length, misses: 0 });
  });

  it('is keyed by the validation date (guard rails judge Kubernetes versions by it)', () => {
    const dir = join(work, 'dated');
    withDate('2026-06-01', () => loadEnvironments([], undefined, validatedInputs(open(dir), ROOT).environmentMemo));
    const same = validatedInputs(open(dir), ROOT);
    withDate('2026-06-01', () => loadEnvironments([], undefined, same.environmentMemo));
    assert.equal(same.stats.environments.misses, 0);
    const later = validatedInputs(open(dir), ROOT);
    withDate('2026-06-02', () => loadEnvironments([], undefined, later.environmentMemo));
    assert.equal(later.stats.environments.hits, 0, 'another day: validated again');
  });

  it('a tampered environment entry is reported and the file validated again', () => {
    const dir = join(work, 'env-tampered');
    const fresh = loadEnvironments();
    loadEnvironments([], undefined, validatedInputs(open(dir), ROOT).environmentMemo);
    const victim = join(dir, entriesOf(dir, ENVIRONMENT_KIND)[0], 'entry');
    writeFileSync(victim, readFileSync(victim, 'utf8').replace(/"location":"([a-z]+)"/, '"location":"$1x"'));
    const problems: string[] = [];
    const again = validatedInputs(open(dir, problems), ROOT);
    assert.deepStrictEqual(loadEnvironments([], undefined, again.environmentMemo), fresh);
    assert.equal(again.stats.environments.misses, 1);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /does not match its hash/);
  });

  it('invalid environment files report the same located problems with and without the cache, and are never stored', () => {
    const dir = join(work, 'env-invalid');
    const envs = join(work, 'env-files');
    mkdirSync(envs, { recursive: true });
    const dev = readFileSync(join(ROOT, 'config/environments/dev.yaml'), 'utf8');
    const cases: Record<string, string> = {
      badversion: dev.replace(/^name: dev$/m, 'name: badversion').replace(/kubernetesVersion: "[^"]+"/, 'kubernetesVersion: "1.2"'),
      wrongname: dev,
      syntax: `${dev}\n  : : [\n`,
    };
    const cache = open(dir);
    for (const [name, text] of Object.entries(cases)) {
      writeFileSync(join(envs, `${name}.yaml`), text);
      const expected = envProblems(name, envs);
      assert.ok(expected.length > 0, `${name} is invalid`);
      assert.deepStrictEqual(envProblems(name, envs, cache), expected, name);
      assert.deepStrictEqual(envProblems(name, envs, cache), expected, `${name}, second time`);
    }
    assert.equal(entriesOf(dir, ENVIRONMENT_KIND).length, 0);
  });
});
