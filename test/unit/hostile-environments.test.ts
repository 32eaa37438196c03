/**
 * Hostile and careless environment files (test/fixtures/environments/hostile): each is a real
 * environment file (dev.yaml or prod.yaml with the case's edits) loaded the way synth loads it,
 * and must be refused with exactly its expected report: every problem at once, each located at
 * file:line:column with what is wrong and how to fix it. Regenerate an expected report with
 * UPDATE_FIXTURES=1 and review the diff.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { generateTenants } from '../../bench/tenants/generate';
import { loadInputs } from '../../config/inputs';
import { ENVIRONMENTS_DIR, loadEnvironment } from '../../config/load';
import { formatProblem, ValidationError } from '../../config/yaml-validate';

// The Kubernetes support window is judged on a fixed day, so the reports do not age.
process.env.PLATFORM_VALIDATION_DATE = '2026-12-01';

const DIR = join(__dirname, '../fixtures/environments/hostile');

interface Case {
  readonly description: string;
  readonly base: 'dev' | 'prod';
  readonly replace?: [string, string][];
  readonly padBytes?: number;
}

function materialize(c: Case): string {
  let text = readFileSync(join(ENVIRONMENTS_DIR, `${c.base}.yaml`), 'utf8');
  for (const [from, to] of c.replace ?? []) {
    assert.ok(text.includes(from), `"${from}" does not occur in ${c.base}.yaml`);
    text = text.split(from).join(to);
  }
  if (c.padBytes) text = `# ${'x'.repeat(c.padBytes)}\n${text}`;
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${c.base}.yaml`), text);
  return dir;
}

function report(dir: string, c: Case): string {
  try {
    loadEnvironment(c.base, dir);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return `${err.problems.map((p) => formatProblem({ ...p, file: basename(p.file) })).join('\n')}\n`;
  }
  return '';
}

describe('hostile environment files', () => {
  const cases = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

  it('the corpus has at least 30 cases, each with its expected report', () => {
    assert.ok(cases.length >= 30, `${cases.length} cases`);
    const expected = readdirSync(DIR).filter((f) => f.endsWith('.expected')).map((f) => f.replace(/\.expected$/, '.yaml'));
    assert.deepEqual(expected.sort(), cases);
  });

  it('the unmodified environment files are accepted on the same day', () => {
    for (const env of ['dev', 'prod'] as const) assert.equal(report(materialize({ description: '', base: env }), { description: '', base: env }), '');
  });

  for (const file of cases) {
    const c = parse(readFileSync(join(DIR, file), 'utf8')) as Case;
    it(`${file}: ${c.description}`, () => {
      const got = report(materialize(c), c);
      assert.ok(got.length > 0, 'accepted');
      for (const line of got.split('\n').filter((l) => l && !l.startsWith('    hint:'))) assert.match(line, /^(dev|prod)\.yaml(:\d+:\d+)? /, `not located: ${line}`);
      const expectedFile = join(DIR, file.replace(/\.yaml$/, '.expected'));
      if (process.env.UPDATE_FIXTURES === '1') writeFileSync(expectedFile, got);
      assert.equal(got, readFileSync(expectedFile, 'utf8'));
    });
  }
});

describe('environment and tenants together', () => {
  it('the private-endpoint subnet must hold the platform endpoints and one per tenant', () => {
    const envDir = materialize({ description: '', base: 'dev', replace: [['    privateEndpoints: 10.40.24.0/21', '    privateEndpoints: 10.40.24.0/28']] });
    writeFileSync(join(envDir, 'prod.yaml'), readFileSync(join(ENVIRONMENTS_DIR, 'prod.yaml'), 'utf8'));
    const tenantsDir = mkdtempSync(join(tmpdir(), 'tenants-'));
    generateTenants(tenantsDir, 6);
    assert.throws(
      () => loadInputs({ environmentsDir: envDir, tenantsDir }),
      (err: ValidationError) => {
        const [p] = err.problems;
        assert.equal(err.problems.length, 1);
        assert.match(formatProblem({ ...p, file: basename(p.file) }), /^dev\.yaml:23:23 network\.subnets\.privateEndpoints: 10\.40\.24\.0\/28 has 11 usable addresses, but dev needs 16 private endpoints \(10 for the platform, 6 for its tenants' Key Vaults\)/);
        // 10: seven shared, the Files driver's, and dev's Azure OpenAI and Content Safety accounts (its A/B side is deployed by config).
        return true;
      },
    );
    assert.doesNotThrow(() => loadInputs({ environmentsDir: envDir, tenantsDir: join(tenantsDir, 'none') }));
  });
});
