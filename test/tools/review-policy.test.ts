/** Policy results in a review: only what the head introduces, from the real conftest and checkov. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedStacks, readSynthOutput } from '../../cli/lib/review/diff';
import { policyDelta } from '../../cli/lib/review/policy-delta';
import { synthApp } from '../helpers/synth';

const app = synthApp();

describe('review: policy results new in the head', () => {
  it('the same output introduces nothing, whether or not the changed stacks are known', async () => {
    assert.deepEqual(await policyDelta(app.outdir, app.outdir), []);
    assert.deepEqual(await policyDelta(app.outdir, app.outdir, []), []);
  });

  it('re-enabling local accounts shows up as a new conftest failure and a new checkov finding', async () => {
    const head = join(mkdtempSync(join(tmpdir(), 'head-')), 'out');
    cpSync(app.outdir, head, { recursive: true });
    const file = join(head, 'stacks/prod-platform/cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    Object.values<any>(json.resource.azurerm_kubernetes_cluster)[0].local_account_disabled = false;
    writeFileSync(file, JSON.stringify(json));
    const changed = changedStacks(readSynthOutput(app.outdir), readSynthOutput(head));
    assert.deepEqual(changed, ['prod-platform']);
    const findings = await policyDelta(app.outdir, head, changed);
    assert.ok(findings.some((f) => f.rule === 'conftest' && f.stack === 'prod-platform' && /local_account_disabled must be true/.test(f.message)));
    assert.ok(findings.some((f) => f.rule === 'checkov CKV_AZURE_141' && f.stack === 'prod-platform'));
    assert.ok(findings.every((f) => f.stack === 'prod-platform'), 'nothing from unchanged stacks');
  });
});
