/**
 * checkov (framework terraform_json) over the synthesized stacks. Every finding must be listed,
 * with a reason, in policies/checkov/skips.yaml; every listed skip must still match a finding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkovSkips, runCheckov, skipFor } from '../../cli/lib/tools';
import { synthApp } from '../helpers/synth';

const skips = checkovSkips();
const app = synthApp();

describe('checkov: terraform_json baseline', () => {
  const { findings, passedByStack } = runCheckov(app.outdir);

  it('every skip has a reason', () => {
    for (const s of skips) assert.ok(s.reason && s.reason.trim().length > 20, `${s.id} needs a reason`);
  });

  it('evaluated checks in every stack (guards against a scan that silently read nothing)', () => {
    for (const stack of Object.keys(app.stacks)) {
      // checkov has no terraform checks for identities, role assignments, federated credentials,
      // Helm releases or Kubernetes manifests, which is all these two stacks hold.
      if (/-(addons|cluster-config)$/.test(stack)) continue;
      assert.ok((passedByStack.get(stack) ?? 0) >= 5, `${stack}: ${passedByStack.get(stack) ?? 0} passed checks`);
    }
  });

  it('has no finding that is not listed in policies/checkov/skips.yaml', () => {
    const unlisted = findings.filter((f) => !skipFor(f, skips)).map((f) => `${f.id} ${f.stack} ${f.path}: ${f.name}`);
    assert.deepEqual(unlisted, []);
  });

  it('has no stale skip', () => {
    const stale = skips.filter((s) => !findings.some((f) => skipFor(f, skips) === s)).map((s) => s.id);
    assert.deepEqual(stale, []);
  });
});
