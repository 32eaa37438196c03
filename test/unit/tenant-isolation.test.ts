/**
 * Isolation between two tenants, proved on the synthesized output: nothing that tenant A's stack
 * grants, binds or federates reaches tenant B's namespace, identity or secrets, and everything
 * of A carries A's tags and labels.
 */
import { GATEWAY_NAMESPACE } from '../../catalog/edge';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { taggableResourceTypes } from '../../cli/lib/policy-data';
import { namespaceOf, refId, synthApp, type SynthedStack } from '../helpers/synth';

const valid = readFileSync(resolve(__dirname, '../fixtures/tenants/valid.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'two-tenants-'));
const TENANTS = {
  alpha: { group: 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa', repo: 'https://github.com/alpha/deploy', cc: 'CC-ALPHA' },
  beta: { group: 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb', repo: 'https://github.com/beta/deploy', cc: 'CC-BETA' },
};
const files = Object.entries(TENANTS).map(([name, t]) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    valid
      .replace('name: valid', `name: ${name}`)
      .replace('11111111-2222-4333-8444-555555555555', t.group)
      .replace('https://github.com/valid/deploy', t.repo)
      .replace('CC-1000', t.cc)
      .replace('environments: [dev, prod]', 'environments: [dev]'),
  );
  return file;
});
const app = synthApp({ envs: ['dev'], tenantFiles: files });
const taggable = new Set(taggableResourceTypes());

for (const [self, other] of [['alpha', 'beta'], ['beta', 'alpha']] as const) {
  const stack: SynthedStack = app.stack(`dev-tenant-${self}`);
  const mine = TENANTS[self];
  const theirs = TENANTS[other];
  const text = JSON.stringify(stack.json);

  describe(`tenant ${self} cannot reach tenant ${other}`, () => {
    it(`${other}'s name, group and repository appear nowhere in ${self}'s stack`, () => {
      for (const needle of [`"${other}"`, `:${other}:`, theirs.group, theirs.repo, theirs.cc]) assert.ok(!text.includes(needle), `found ${needle}`);
    });

    it('every namespaced object lives in its own namespace (Argo CD objects in argocd, scoped to it)', () => {
      for (const r of stack.resources.filter((x) => x.type.startsWith('kubernetes_') && x.type !== 'kubernetes_namespace_v1')) {
        const meta = r.config.metadata ?? r.config.manifest?.metadata;
        const ns = namespaceOf(stack, meta.namespace);
        const kind = r.config.manifest?.kind;
        assert.equal(ns, kind === 'AppProject' || kind === 'Application' ? 'argocd' : self, r.path);
      }
    });

    it('role bindings bind only its own group to a namespaced Role', () => {
      for (const b of stack.of('kubernetes_role_binding_v1')) {
        assert.equal(b.config.role_ref.kind, 'Role', 'never a ClusterRole');
        assert.deepEqual(b.config.subject.map((s: any) => s.name), [mine.group]);
      }
    });

    it('the AppProject and Application point only at its namespace and repository', () => {
      const manifests = stack.of('kubernetes_manifest').map((m) => m.config.manifest);
      const project = manifests.find((m) => m.kind === 'AppProject');
      assert.deepEqual(project.spec.destinations.map((d: any) => d.namespace), [self]);
      assert.deepEqual(project.spec.sourceRepos, [mine.repo]);
      assert.deepEqual(project.spec.roles.flatMap((r: any) => r.groups), [mine.group]);
      for (const policy of project.spec.roles.flatMap((r: any) => r.policies)) assert.match(policy, new RegExp(`, ${self}/\\*, allow$`));
      const application = manifests.find((m) => m.kind === 'Application');
      assert.equal(application.spec.project, self);
      assert.equal(application.spec.destination.namespace, self);
    });

    it('the federated credential trusts only its own service account', () => {
      for (const fic of stack.of('azurerm_federated_identity_credential')) assert.match(fic.config.subject, new RegExp(`^system:serviceaccount:${self}:`));
    });

    it('role assignments go to its own identity or group, on its own vault or the cluster', () => {
      const identity = stack.one('azurerm_user_assigned_identity');
      const vault = refId(stack.one('azurerm_key_vault'));
      for (const ra of stack.of('azurerm_role_assignment')) {
        const principal = ra.config.principal_id;
        assert.ok(principal === mine.group || principal === `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`, `${ra.path}: principal ${principal}`);
        const scope = ra.config.scope;
        if (ra.config.role_definition_name.startsWith('Key Vault')) assert.equal(scope, vault, ra.path);
        else assert.equal(ra.config.role_definition_name, 'Azure Kubernetes Service Cluster User Role', ra.path);
      }
    });

    it('network policies admit no other tenant namespace', () => {
      for (const p of stack.of('kubernetes_network_policy_v1')) {
        for (const rule of p.config.spec.ingress ?? []) {
          for (const from of rule.from ?? []) {
            const ns = from.namespace_selector?.match_labels?.['kubernetes.io/metadata.name'];
            assert.ok(ns === undefined || [GATEWAY_NAMESPACE, 'observability'].includes(ns), `${p.path} admits ${ns}`);
          }
        }
      }
    });

    it('every Azure resource carries its tenant and cost-center tags, every Kubernetes object its labels', () => {
      for (const r of stack.resources.filter((x) => taggable.has(x.type))) {
        assert.equal(r.config.tags.tenant, self, r.path);
        assert.equal(r.config.tags['cost-center'], mine.cc, r.path);
      }
      for (const r of stack.resources.filter((x) => x.type.startsWith('kubernetes_'))) {
        const labels = (r.config.metadata ?? r.config.manifest.metadata).labels;
        assert.equal(labels.tenant, self, r.path);
        assert.equal(labels['cost-center'], mine.cc, r.path);
      }
    });
  });
}

describe('tenants do not collide', () => {
  it('globally unique Azure names differ between the two tenants', () => {
    const names = (type: string) => ['alpha', 'beta'].map((t) => app.stack(`dev-tenant-${t}`).one(type).config.name);
    for (const type of ['azurerm_key_vault', 'azurerm_user_assigned_identity', 'azurerm_resource_group']) {
      const [a, b] = names(type);
      assert.notEqual(a, b, type);
    }
  });
});
