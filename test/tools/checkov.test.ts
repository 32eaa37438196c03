/**
 * checkov (framework terraform_json) over the synthesized stacks. Every finding must be listed,
 * with a reason, in policies/checkov/skips.yaml; every listed skip must still match a finding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICIES } from '../../charts/policies/catalog';
import { checkovSkips, runCheckov, skipFor, type CheckovControl } from '../../cli/lib/tools';
import { ROOT } from '../helpers/tools';
import { synthApp, type Synthed } from '../helpers/synth';

/** Why a skip's control does not exist in the synthesized stacks or the policy library, or undefined when it does. */
function missingControl(control: CheckovControl, synthed: Synthed): string | undefined {
  if ('gatekeeper' in control) return POLICIES.some((p) => p.dir === control.gatekeeper) ? undefined : `no Gatekeeper policy ${control.gatekeeper}`;
  if ('rego' in control) {
    const file = join(ROOT, control.rego.file);
    if (!existsSync(file)) return `${control.rego.file} does not exist`;
    return readFileSync(file, 'utf8').includes(control.rego.message) ? undefined : `${control.rego.file} has no rule saying "${control.rego.message}"`;
  }
  const { type, stacks, where = {}, every } = control.resource;
  const names = stacks ?? Object.keys(synthed.stacks);
  const matches = (actual: unknown, value: unknown) =>
    typeof value === 'object' && value !== null && Array.isArray((value as { oneOf?: unknown }).oneOf) ? (value as { oneOf: unknown[] }).oneOf.includes(actual) : actual === value;
  const get = (config: Record<string, any>, path: string) => path.split('.').reduce<any>((v, k) => (Array.isArray(v) ? v[0] : v)?.[k], config);
  const mismatch = (r: { path: string; config: Record<string, any> }) =>
    Object.entries(where).map(([path, value]) => (matches(get(r.config, path), value) ? undefined : `${r.path}: ${path} is ${JSON.stringify(get(r.config, path))}, not ${JSON.stringify(value)}`)).find(Boolean);
  for (const name of names) {
    const stack = synthed.stacks[name];
    if (!stack) return `no stack ${name}`;
    const found = stack.of(type);
    if (every) {
      const bad = found.map(mismatch).find(Boolean);
      if (bad) return bad;
    } else if (stacks && !found.some((r) => !mismatch(r))) {
      return found.length === 0 ? `${name} has no ${type}` : mismatch(found[0]);
    }
  }
  const all = names.flatMap((n) => synthed.stacks[n].of(type));
  return all.some((r) => !mismatch(r)) ? undefined : all.length === 0 ? `no ${type} in any stack` : mismatch(all[0]);
}

const skips = checkovSkips();
const app = synthApp();

describe('checkov: terraform_json baseline', () => {
  const { findings, passedByStack } = runCheckov(app.outdir);

  it('every skip has a reason', () => {
    for (const s of skips) assert.ok(s.reason && s.reason.trim().length > 20, `${s.id} needs a reason`);
  });

  it('every skip names the control that covers the risk, and the control exists', () => {
    for (const s of skips) {
      assert.ok(s.control, `${s.id} names no control`);
      assert.equal(missingControl(s.control, app), undefined, s.id);
    }
  });

  it('a control that does not exist is caught (negative control)', () => {
    assert.match(missingControl({ resource: { type: 'azurerm_security_center_subscription_pricing', stacks: ['dev-data'] } }, app)!, /dev-data has no azurerm_security_center_subscription_pricing/);
    assert.match(missingControl({ resource: { type: 'azurerm_storage_account', where: { shared_access_key_enabled: true }, every: true } }, app)!, /shared_access_key_enabled is false, not true/);
    assert.match(missingControl({ resource: { type: 'helm_release', stacks: ['dev-addons'], where: { chart: 'no-such-chart' } } }, app)!, /chart is .*, not "no-such-chart"/);
    assert.match(missingControl({ resource: { type: 'azurerm_key_vault_secret', stacks: ['dev-data'], where: { content_type: { oneOf: ['client-id'] } }, every: true } }, app)!, /content_type is "object-id", not \{"oneOf":\["client-id"\]\}/);
    assert.match(missingControl({ rego: { file: 'policies/terraform/aks.rego', message: 'no such rule text' } }, app)!, /has no rule/);
    assert.match(missingControl({ gatekeeper: 'notation-signatures' }, app)!, /no Gatekeeper policy/);
  });

  it('evaluated checks in every stack (guards against a scan that silently read nothing)', () => {
    for (const stack of Object.keys(app.stacks)) {
      // checkov has no terraform checks for identities, role assignments, federated credentials,
      // Helm releases or Kubernetes manifests, which is all the add-on stacks hold, nor for Front
      // Door Standard/Premium or DNS records, which is the edge stack (policies/terraform/edge.rego
      // covers it, tested with the real output in conftest.test.ts). The control plane is a Helm
      // release and Kubernetes manifests only, like the add-ons stack.
      if (/-(addons|cluster-config|control-plane|edge)$/.test(stack)) continue;
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
