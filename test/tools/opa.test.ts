/** The Rego rules' own unit tests (`opa test`) and a strict compile check. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../helpers/tools';

describe('opa: policies/terraform', () => {
  it('compiles under Rego v1 with strict checks', () => {
    const res = runTool('opa', ['check', '--strict', 'policies/terraform']);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  it('opa test passes, and every deny rule file has tests that exercise it', () => {
    const res = runTool('opa', ['test', 'policies/terraform', '--format', 'json']);
    const results = JSON.parse(res.stdout) as { name: string; location: { file: string }; fail?: boolean; error?: unknown }[];
    const failed = results.filter((r) => r.fail || r.error).map((r) => r.name);
    assert.deepEqual(failed, []);
    assert.equal(res.status, 0, res.stderr);
    const denying = results.filter((r) => /denied|warns|needs/.test(r.name));
    assert.ok(denying.length >= 20, `only ${denying.length} denying tests`);
    for (const file of ['aks_test.rego', 'node_pools_test.rego', 'registry_vault_test.rego', 'tags_lifecycle_test.rego', 'organisation_test.rego']) {
      assert.ok(results.some((r) => r.location.file.endsWith(file)), `${file} ran no test`);
    }
  });
});

describe('opa: policies/rendered', () => {
  it('compiles strictly and its tests pass, denying cases included', () => {
    assert.equal(runTool('opa', ['check', '--strict', 'policies/rendered']).status, 0);
    const res = runTool('opa', ['test', 'policies/rendered', '--format', 'json']);
    const results = JSON.parse(res.stdout) as { name: string; fail?: boolean; error?: unknown }[];
    assert.deepEqual(results.filter((r) => r.fail || r.error).map((r) => r.name), []);
    assert.ok(results.filter((r) => /denied/.test(r.name)).length >= 3);
  });
});

describe('opa: policies/external-data (rules that call a Gatekeeper external-data provider)', () => {
  // gator cannot compile `external_data` (a Gatekeeper builtin) and no tool here can call Ratify,
  // so opa tests the rules with the builtin declared in a capabilities file and mocked per test.
  const capabilities = (): string => {
    const current = JSON.parse(runTool('opa', ['capabilities', '--current']).stdout);
    current.builtins.push({ name: 'external_data', decl: { type: 'function', args: [{ type: 'any' }], result: { type: 'any' } } });
    const file = join(mkdtempSync(join(tmpdir(), 'opa-caps-')), 'capabilities.json');
    writeFileSync(file, JSON.stringify(current));
    return file;
  };

  it('compiles strictly with external_data declared, and not without it (what gator meets)', () => {
    const caps = capabilities();
    const ok = runTool('opa', ['check', '--strict', '--capabilities', caps, 'policies/external-data']);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const plain = runTool('opa', ['check', '--strict', 'policies/external-data/image-signatures/src.rego']);
    assert.notEqual(plain.status, 0);
    assert.match(plain.stdout + plain.stderr, /undefined function external_data/);
  });

  it('opa test with mocked provider answers: signed admitted; unsigned, errors, outages and unanswered images denied', () => {
    const res = runTool('opa', ['test', '--capabilities', capabilities(), 'policies/external-data', '--format', 'json']);
    const results = JSON.parse(res.stdout) as { name: string; fail?: boolean; error?: unknown }[];
    assert.deepEqual(results.filter((r) => r.fail || r.error).map((r) => r.name), []);
    assert.equal(res.status, 0, res.stderr);
    assert.ok(results.filter((r) => /denied|denies|_deny$/.test(r.name)).length >= 5);
    assert.ok(results.some((r) => /admitted/.test(r.name)));
  });
});
