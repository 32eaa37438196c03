import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli';
import { renderTenantSchema, TENANT_SCHEMA_FILE } from '../../cli/commands/tenant';
import { CODEOWNERS_FILE } from '../../cli/lib/codeowners';
import { synthesize } from '../../cli/lib/synth';
import { TENANTS_DIR } from '../../config/tenants';

const BAD = resolve(__dirname, '../fixtures/tenants/bad');


describe('platform tenant validate', () => {
  it('accepts the shipped tenants', async () => {
    const { code, out } = await runCli(['tenant', 'validate', '-q']);
    assert.equal(code, 0);
    assert.match(out, /3 tenant file\(s\) valid/);
  });

  it('reports every problem as GitHub annotations', async () => {
    const { code, out } = await runCli(['tenant', 'validate', '-q', '--format', 'github', join(BAD, 'unknown-key.yaml'), join(BAD, 'wrong-type.yaml')]);
    assert.equal(code, 1);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1], /^::error file=test\/fixtures\/tenants\/bad\/unknown-key\.yaml,line=11,col=3,title=spec\.costCentre::spec\.costCentre: unknown key "costCentre" \(hint: did you mean "costCenter"\?/);
    assert.match(lines[2], /^::error file=.*wrong-type\.yaml,line=21,col=11,title=spec\.quota\.pods::spec\.quota\.pods: expected number, got string "many"$/);
  });

  it('reports as Azure DevOps logging commands', async () => {
    const { code, out } = await runCli(['tenant', 'validate', '-q', '--format', 'azure', join(BAD, 'wrong-type.yaml')]);
    assert.equal(code, 1);
    assert.equal(out, '##vso[task.logissue type=error;sourcepath=test/fixtures/tenants/bad/wrong-type.yaml;linenumber=21;columnnumber=11]spec.quota.pods: expected number, got string "many"\n');
  });

  it('reports as JSON', async () => {
    const { code, out } = await runCli(['tenant', 'validate', '-q', '--format', 'json', join(BAD, 'thresholds-out-of-order.yaml')]);
    assert.equal(code, 1);
    assert.deepEqual(JSON.parse(out).map((p: any) => [p.line, p.column, p.path]), [[16, 27, 'spec.budget.alertThresholds.1']]);
  });

  it('rejects an unknown format as a usage error', async () => {
    assert.equal((await runCli(['tenant', 'validate', '--format', 'xml'])).code, 2);
  });
});

describe('platform tenant new / list', () => {
  it('scaffolds a valid, commented file, and refuses to overwrite it', async () => {
    // A folder of its own: other test files load tenants/ concurrently.
    const dir = mkdtempSync(join(tmpdir(), 'scaffold-dir-'));
    const file = join(dir, 'scaffold-test.yaml');
    try {
      const args = ['tenant', 'new', 'scaffold-test', '--dir', dir, '--owner-group', '12345678-1234-4234-8234-123456789012', '--cost-center', 'CC-1234', '--contact', 'a@b.example', '--reviewer', '@example-org/scaffold', '--env', 'dev,prod'];
      const made = await runCli(args);
      assert.equal(made.code, 0, made.err);
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^# yaml-language-server: \$schema=\.\/tenant\.schema\.json/);
      assert.ok(text.split('\n').filter((l) => l.includes('#')).length >= 10, 'explains its fields');
      const validated = await runCli(['tenant', 'validate', '-q', file]);
      assert.equal(validated.code, 0, validated.out);
      // The scaffold (no llm block yet) must also synthesize, not only validate.
      const out = join(mkdtempSync(join(tmpdir(), 'scaffold-')), 'out');
      const { stacks } = synthesize({ tenantFiles: [file], outdir: out });
      assert.ok(stacks.includes('dev-tenant-scaffold-test'));
      assert.equal(JSON.parse(readFileSync(join(out, 'stacks/prod-tenant-scaffold-test/cdk.tf.json'), 'utf8')).output.router_entitlements, undefined);
      assert.equal((await runCli(args)).code, 2);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('checks the flags before writing anything, and names the flag of each problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scaffold-dir-'));
    const { code, err } = await runCli(['tenant', 'new', 'bad-scaffold', '--dir', dir, '--owner-group', 'not-a-uuid', '--cost-center', 'CC-1', '--contact', 'a@b.example', '--reviewer', '@x/y']);
    assert.equal(code, 2);
    assert.match(err, /1 problem with the flags; nothing was written:\n  --owner-group: expected an Entra ID object id \(UUID\), got string "not-a-uuid"/);
    assert.equal(existsSync(join(dir, 'bad-scaffold.yaml')), false);
  });

  it('reports every flag problem at once: missing flags, bad values and unknown environments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scaffold-dir-'));
    const { code, err } = await runCli(['tenant', 'new', 'Bad_Name', '--dir', dir, '--contact', 'nope', '--reviewer', 'bob', '--env', 'dev,staging']);
    assert.equal(code, 2);
    for (const want of [/--owner-group is required/, /--cost-center is required/, /<name>: expected a DNS-1123 label/, /--contact: expected an e-mail address, got string "nope"/, /--reviewer: expected a GitHub user or team handle/, /--env: unknown environment "staging"/]) {
      assert.match(err, want);
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  it('lists tenants with environments, quotas and budgets', async () => {
    const { code, out } = await runCli(['tenant', 'list']);
    assert.equal(code, 0);
    const [header, , ...rows] = out.trim().split('\n');
    assert.match(header, /^tenant\s+environments\s+cpu\s+memory\s+gpu\s+pods\s+storage\s+budget\/month\s+llm models$/);
    assert.equal(rows.length, 3);
    assert.match(rows[0], /^acme-search\s+dev,prod\s+32\s+128Gi\s+2\s+200\s+500Gi\s+4000 EUR\s+llama/);
  });
});

describe('generated files are current', () => {
  it('.github/CODEOWNERS matches the tenant files', async () => {
    const { code, err } = await runCli(['tenant', 'codeowners', '--check']);
    assert.equal(code, 0, err);
    const text = readFileSync(CODEOWNERS_FILE, 'utf8');
    for (const f of readdirSync(TENANTS_DIR).filter((x) => x.endsWith('.yaml'))) {
      const tenant = parse(readFileSync(join(TENANTS_DIR, f), 'utf8'));
      const line = text.split('\n').find((l) => l.startsWith(`/tenants/${f} `));
      assert.ok(line, `no CODEOWNERS line for ${f}`);
      for (const r of [...tenant.spec.owners.reviewers, '@example-org/platform-team']) assert.ok(line.includes(r), `${f}: ${r}`);
    }
  });

  it('tenants/tenant.schema.json matches the TypeScript schema', () => {
    assert.equal(readFileSync(TENANT_SCHEMA_FILE, 'utf8'), renderTenantSchema());
  });

  it('the JSON Schema accepts the shipped tenants and rejects a typo, as an editor would', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(TENANT_SCHEMA_FILE, 'utf8')));
    for (const f of readdirSync(TENANTS_DIR).filter((x) => x.endsWith('.yaml'))) {
      assert.ok(validate(parse(readFileSync(join(TENANTS_DIR, f), 'utf8'))), `${f}: ${ajv.errorsText(validate.errors)}`);
    }
    const typo = parse(readFileSync(resolve(BAD, 'unknown-key.yaml'), 'utf8'));
    assert.equal(validate(typo), false);
    assert.ok(validate.errors!.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'costCentre'));
  });
});
