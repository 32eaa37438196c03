/**
 * Which Gatekeeper policies the review gives gator (cli/lib/review/gator-scope.ts): the constraints
 * that can match the reviewed objects, over the committed policies; all of them whenever leaving
 * some out could change a result. test/tools/gator-scope.test.ts runs gator both ways.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_APP } from '../../charts/app-names';
import { kindsMatch, policiesFor, readsBlindToPolicies, readsOwnNamespaceOnly, withoutComments } from '../../cli/lib/review/gator-scope';
import { parseManifests } from '../../cli/lib/review/gitops';
import { REPO } from '../../cli/lib/tools';

type Json = Record<string, any>;
const policies = parseManifests(readFileSync(join(REPO, 'rendered/dev', POLICY_APP, 'manifests.yaml'), 'utf8'));
const templateOf = (kind: string) => policies.find((o) => o.kind === 'ConstraintTemplate' && o.spec.crd.spec.names.kind === kind)!;
const kinds = (list: Json[]) => list.map((o) => (o.kind === 'ConstraintTemplate' ? `template ${o.spec.crd.spec.names.kind}` : o.kind)).sort();

const tenantObjects: Json[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'acme', labels: { tenant: 'acme' } } },
  { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'acme' } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'acme' } },
];

/** The policies with one template's Rego (its Rego engine's source) rewritten. */
function withRego(kind: string, edit: (rego: string) => string): Json[] {
  return policies.map((o) => {
    if (o !== templateOf(kind)) return o;
    const copy = structuredClone(o);
    const sources = copy.spec.targets.flatMap((t: Json) => (t.code ?? []).filter((c: Json) => c.engine === 'Rego').map((c: Json) => c.source));
    assert.ok(sources.length > 0, `${kind} has Rego`);
    for (const s of sources) s.rego = edit(s.rego);
    return copy;
  });
}

describe('gator scope', () => {
  it("matches kinds as Gatekeeper does (kindsMatch: empty or '*' takes any, group and kind both)", () => {
    const c = (k?: Json[]) => ({ spec: { match: k ? { kinds: k } : {} } });
    assert.equal(kindsMatch(c(), 'apps', 'Deployment'), true);
    assert.equal(kindsMatch(c([{ apiGroups: [''], kinds: ['Pod'] }]), '', 'Pod'), true);
    assert.equal(kindsMatch(c([{ apiGroups: [''], kinds: ['Pod'] }]), 'apps', 'Pod'), false);
    assert.equal(kindsMatch(c([{ apiGroups: ['*'], kinds: ['*'] }]), 'x.io', 'Y'), true);
    assert.equal(kindsMatch(c([{ kinds: ['Service'] }]), 'any.io', 'Service'), true);
    assert.equal(kindsMatch(c([{ apiGroups: ['apps'], kinds: ['Deployment'] }, { apiGroups: [''], kinds: ['Service'] }]), '', 'Service'), true);
  });

  it('keeps, for a tenant namespace, the constraints that take its kinds, their templates and the Config', () => {
    const kept = policiesFor(policies, tenantObjects);
    assert.deepEqual(kinds(kept), [
      'Config',
      'PlatformDeprecatedAPIs',
      'PlatformTenantLabels',
      'PlatformTenantNamespace',
      'template PlatformDeprecatedAPIs',
      'template PlatformTenantLabels',
      'template PlatformTenantNamespace',
    ]);
  });

  it('keeps the workload and routing constraints when a Deployment and an HTTPRoute are reviewed', () => {
    const kept = kinds(policiesFor(policies, [...tenantObjects, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'acme' } }, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'acme' } }]));
    for (const k of ['PlatformPodSecurity', 'PlatformImageTag', 'PlatformRequiredProbes', 'PlatformIngressHost', 'PlatformRouteParent', 'template PlatformIngressHost']) assert.ok(kept.includes(k), k);
    for (const k of ['PlatformServiceType', 'PlatformPodDisruptionBudget']) assert.ok(!kept.includes(k), k);
  });

  it('reads the committed templates as safe: inventory reads of Namespaces or the namespaced inventory; comments ignored', () => {
    assert.equal(readsBlindToPolicies(templateOf('PlatformIngressHost')), true);
    assert.equal(readsOwnNamespaceOnly(templateOf('PlatformTenantLabels')), true);
    assert.equal(readsOwnNamespaceOnly(templateOf('PlatformIngressHost')), false, 'reads other namespaces');
    assert.equal(withoutComments('a := "#x" # data.inventory\nb := `#`'), 'a := "#x" \nb := `#`');
  });

  it('gives every policy when leaving some out could change a result (negative controls)', () => {
    const all = (list: Json[]) => assert.equal(policiesFor(list, tenantObjects).length, list.length);
    // A kept template reading the inventory where templates and constraints are (one that
    // reviews Namespaces only, and one that reviews everything).
    all(withRego('PlatformTenantNamespace', (r) => `${r}\nseen := data.inventory.cluster["templates.gatekeeper.sh/v1"]\n`));
    all(withRego('PlatformTenantLabels', (r) => `${r}\nseen := data.inventory.cluster["templates.gatekeeper.sh/v1"]\n`));
    // A constraint that reviews policy objects reading another Namespace than the object's own.
    all(withRego('PlatformTenantLabels', (r) => r.replace('Namespace[workload.namespace]', 'Namespace["kube-system"]')));
    all([...policies, { apiVersion: 'expansion.gatekeeper.sh/v1beta1', kind: 'ExpansionTemplate', metadata: { name: 'x' } }]);
    // A read named only in a comment changes nothing.
    assert.ok(policiesFor(withRego('PlatformTenantLabels', (r) => `${r}\n# data.inventory.cluster["templates.gatekeeper.sh/v1"]\n`), tenantObjects).length < policies.length);
    // A read in a template that is left out anyway changes nothing either.
    assert.ok(policiesFor(withRego('PlatformImageTag', (r) => `${r}\nseen := data.inventory.cluster["templates.gatekeeper.sh/v1"]\n`), tenantObjects).length < policies.length);
  });
});
