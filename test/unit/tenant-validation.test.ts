/**
 * Tenant validation: a corpus of bad files, each with the exact report it must produce
 * (test/fixtures/tenants/bad/<case>.expected; regenerate with UPDATE_FIXTURES=1 and review the
 * diff), cross-file rules, and random mutations that must end in success or a clean report.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadEnvironment, loadEnvironments } from '../../config/load';
import { loadModelCatalogue } from '../../config/models';
import { synthesize } from '../../cli/lib/synth';
import { loadTenants, MAX_TENANT_FILE_BYTES, type TenantContext } from '../../config/tenants';
import { seededRandom } from '../helpers/random';
import { TEMPORAL_RETENTION } from '../../catalog/temporal';
import { formatProblem, ValidationError, type Problem } from '../../config/yaml-validate';

const FIXTURES = resolve(__dirname, '../fixtures');
const BAD = join(FIXTURES, 'tenants/bad');
const VALID = join(FIXTURES, 'tenants/valid.yaml');
const ctx: TenantContext = {
  environments: [...loadEnvironments(), loadEnvironment('lab', join(FIXTURES, 'environments'))],
  models: loadModelCatalogue(),
};

function problemsOf(files: string[]): Problem[] {
  try {
    loadTenants(files, ctx);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.problems;
  }
}

function report(problems: Problem[]): string {
  return problems.map((p) => `${formatProblem({ ...p, file: basename(p.file) })}\n`).join('');
}

/** A copy of the valid fixture, renamed so that the file name matches. */
function writeTenant(dir: string, name: string, edit: (text: string) => string = (t) => t): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, edit(readFileSync(VALID, 'utf8').replace('name: valid', `name: ${name}`)));
  return file;
}

describe('tenant validation: bad-file corpus', () => {
  const cases = readdirSync(BAD).filter((f) => f.endsWith('.yaml')).sort();

  it('has a case for each rule and an expected report for each case', () => {
    assert.ok(cases.length >= 20, `${cases.length} cases`);
    const expected = readdirSync(BAD).filter((f) => f.endsWith('.expected')).map((f) => f.replace(/\.expected$/, '.yaml'));
    assert.deepEqual(expected.sort(), cases);
  });

  it('the valid fixture is valid', () => {
    assert.deepEqual(problemsOf([VALID]), []);
  });

  for (const file of cases) {
    it(`${file} is rejected with the exact report`, () => {
      const problems = problemsOf([join(BAD, file)]);
      assert.ok(problems.length > 0, 'accepted a bad file');
      for (const p of problems) assert.ok(p.line >= 1 && p.column >= 1, `${file}: problem without a position: ${p.message}`);
      const expectedFile = join(BAD, file.replace(/\.yaml$/, '.expected'));
      if (process.env.UPDATE_FIXTURES === '1') writeFileSync(expectedFile, report(problems));
      assert.equal(report(problems), readFileSync(expectedFile, 'utf8'));
    });
  }
});

describe('tenant validation: across files', () => {
  it('reports duplicate tenant names in every file that uses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const a = writeTenant(dir, 'team-a');
    const b = writeTenant(dir, 'team-b', (t) => t.replace('name: team-b', 'name: team-a'));
    const problems = problemsOf([a, b]);
    assert.ok(problems.some((p) => p.file.endsWith('team-b.yaml') && /does not match the file name/.test(p.message)));
  });

  it('reports the problems of all files in one run', () => {
    const problems = problemsOf(readdirSync(BAD).filter((f) => f.endsWith('.yaml')).map((f) => join(BAD, f)));
    const files = new Set(problems.map((p) => basename(p.file)));
    assert.equal(files.size, readdirSync(BAD).filter((f) => f.endsWith('.yaml')).length);
  });

  it('refuses oversized files before parsing them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const file = writeTenant(dir, 'huge', (t) => `${t}\n# ${'x'.repeat(MAX_TENANT_FILE_BYTES)}\n`);
    const [p] = problemsOf([file]);
    assert.match(p.message, /bytes; the limit is 32768/);
  });

  it('one bad tenant file stops the whole synth: no stack is written, not even the good ones', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'cdktf.out');
    const good = writeTenant(mkdtempSync(join(tmpdir(), 'tenants-')), 'good');
    assert.throws(() => synthesize({ tenantFiles: [good, join(BAD, 'wrong-type.yaml')], outdir: out }), ValidationError);
    assert.equal(existsSync(out), false);
  });

  it('a workflow retention beyond the platform maximum is located and stops the synth; at the maximum it passes (negative control)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const over = writeTenant(dir, 'long-memory', (t) => `${t}  workflows:\n    retentionDays: ${TEMPORAL_RETENTION.maxDays + 1}\n`);
    const [p] = problemsOf([over]);
    assert.equal(p.path, 'spec.workflows.retentionDays');
    assert.match(p.message, new RegExp(`at most ${TEMPORAL_RETENTION.maxDays} days, the platform maximum`));
    assert.equal(p.line, readFileSync(over, 'utf8').split('\n').findIndex((l) => l.includes('retentionDays')) + 1);
    const out = join(mkdtempSync(join(tmpdir(), 'synth-')), 'cdktf.out');
    assert.throws(() => synthesize({ tenantFiles: [over], outdir: out }), ValidationError);
    assert.equal(existsSync(out), false);
    const atMax = writeTenant(dir, 'enough-memory', (t) => `${t}  workflows:\n    retentionDays: ${TEMPORAL_RETENTION.maxDays}\n`);
    assert.deepEqual(problemsOf([atMax]), []);
  });

  it('an LLM budget in an environment billed outside the chargeback currency is refused, located at the budget (negative control: no LLM, no problem)', () => {
    const usd = ctx.environments.map((e) => ({ ...e, finops: { ...e.finops, currency: 'USD' as const } }));
    const inUsd = (t: string) => t.replace('currency: EUR', 'currency: USD');
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const withLlm = writeTenant(dir, 'spends', inUsd);
    const withoutLlm = writeTenant(dir, 'frugal', (t) => inUsd(t).replace(/  llm:\n(    .*\n)+/, ''));
    const problems = (files: string[]) => {
      try {
        loadTenants(files, { ...ctx, environments: usd });
        return [];
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return err.problems.map((p) => formatProblem({ ...p, file: basename(p.file) }));
      }
    };
    const found = problems([withLlm]);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0], /^spends\.yaml:\d+:\d+ spec\.llm\.monthlyBudget: dev is billed in USD, but the router books LLM spend in EUR/);
    assert.deepEqual(problems([withoutLlm]), []);
  });

  it('a missing file is a clean problem', () => {
    const [p] = problemsOf([join(FIXTURES, 'tenants/does-not-exist.yaml')]);
    assert.equal(p.message, 'file not found');
  });
});

describe('tenant validation: random mutations never crash', () => {
  it('every mutation of a valid file ends in success or a positioned, clean report', () => {
    const original = readFileSync(VALID, 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
    const rand = seededRandom(20261122);
    const junk = ['', ' ', ':', '- ', '&a', '*a', '[', ']', '{', '}', '"', "'", '#', '\t', '!!binary', '~', 'null', '-1', '1e999', 'ü', '\u0000', '<<: *a'];
    const mutations: ((lines: string[]) => void)[] = [
      (l) => l.splice(rand(l.length), 1),
      (l) => l.splice(rand(l.length), 0, l[rand(l.length)]),
      (l) => {
        const i = rand(l.length);
        const at = rand(l[i].length + 1);
        l[i] = l[i].slice(0, at) + junk[rand(junk.length)] + l[i].slice(at + 1);
      },
      (l) => {
        const i = rand(l.length);
        l[i] = ' '.repeat(rand(6)) + l[i].trimStart();
      },
      (l) => {
        const i = rand(l.length);
        l[i] = l[i].replace(/: .*/, `: ${junk[rand(junk.length)]}`);
      },
    ];
    let accepted = 0;
    for (let i = 0; i < 400; i++) {
      const lines = original.split('\n');
      for (let m = 0, n = 1 + rand(3); m < n; m++) mutations[rand(mutations.length)](lines);
      const file = join(dir, 'valid.yaml');
      writeFileSync(file, lines.join('\n'));
      let problems: Problem[];
      try {
        problems = problemsOf([file]);
      } catch (err) {
        assert.fail(`mutation ${i} crashed with ${(err as Error).stack}\n--- input ---\n${lines.join('\n')}`);
      }
      if (problems.length === 0) accepted++;
      for (const p of problems) {
        assert.ok(p.message && p.line >= 1, `mutation ${i}: unpositioned problem ${JSON.stringify(p)}`);
        assert.ok(existsSync(resolve(p.file)) || p.file.endsWith('valid.yaml'));
      }
    }
    assert.ok(accepted < 400, 'no mutation was rejected: the mutator is broken');
  });
});
