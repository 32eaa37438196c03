/** The Rego rules' own unit tests (`opa test`) and a strict compile check. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
