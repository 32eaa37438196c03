/**
 * The generated provider facts (catalog/provider-facts, scripts/provider-facts.ts): they match the
 * pinned provider versions, cover every resource type the project synthesizes, and every
 * code-level rule of those types is classified, with no classification left for a rule that no
 * longer exists.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDERS, pinnedProviderVersion, providerFacts, resourceFacts, type ProviderFacts } from '../../catalog/provider-facts';
import { conditionKey, CONDITIONAL_RULES, guardKey, GUARD_RULES } from '../../catalog/provider-facts/conditions';
import { synthApp } from '../helpers/synth';

const app = synthApp();
const synthesizedTypes = [...new Set(Object.values(app.stacks).flatMap((s) => s.resources.map((r) => r.type)))].sort();

/** Rules of the given types that have no classification, and classifications that match no rule. */
function classificationGaps(facts: ProviderFacts[], types: string[]): { unclassified: string[]; stale: string[] } {
  const rules = new Set<string>();
  const unclassified: string[] = [];
  for (const f of facts) {
    for (const [type, r] of Object.entries(f.resources)) {
      for (const c of r.conditional) rules.add(conditionKey(type, c.attribute));
      for (const g of r.guards) rules.add(guardKey(type, g.message));
      if (!types.includes(type)) continue;
      for (const c of r.conditional) if (!CONDITIONAL_RULES[conditionKey(type, c.attribute)]) unclassified.push(`${conditionKey(type, c.attribute)} (${c.source})`);
      for (const g of r.guards) if (!GUARD_RULES[guardKey(type, g.message)]) unclassified.push(`${guardKey(type, g.message)} (${g.source})`);
    }
  }
  const stale = [...Object.keys(CONDITIONAL_RULES), ...Object.keys(GUARD_RULES)].filter((k) => !rules.has(k));
  return { unclassified: [...new Set(unclassified)], stale };
}

describe('provider facts', () => {
  it('were generated from the pinned provider versions, the ones every stack requires', () => {
    for (const p of PROVIDERS) {
      const facts = providerFacts(p);
      assert.equal(facts.version, pinnedProviderVersion(p), `${p}: regenerate with scripts/provider-facts.ts after bumping the provider`);
      assert.equal(facts.source, `github.com/hashicorp/terraform-provider-${p}@v${facts.version}`);
      for (const stack of Object.values(app.stacks)) {
        const required = stack.json.terraform?.required_providers?.[p];
        if (required) assert.equal(required.version, facts.version, `${stack.name} requires ${p} ${required.version}`);
      }
    }
  });

  it('cover every resource type in every synthesized stack', () => {
    const missing = synthesizedTypes.filter((t) => !resourceFacts(t));
    assert.deepEqual(missing, [], 'regenerate catalog/provider-facts (scripts/provider-facts.ts)');
    assert.ok(synthesizedTypes.length > 30);
  });

  it('every conditional ForceNew and guard of a synthesized type is classified; no classification is stale', () => {
    const gaps = classificationGaps(PROVIDERS.map(providerFacts), synthesizedTypes);
    assert.deepEqual(gaps.unclassified, [], 'classify them in catalog/provider-facts/conditions.ts');
    assert.deepEqual(gaps.stale, []);
  });

  it('the check notices an unclassified rule (negative control)', () => {
    const facts = providerFacts('azurerm');
    const pg = facts.resources.azurerm_postgresql_flexible_server;
    const mutated: ProviderFacts = {
      ...facts,
      resources: { ...facts.resources, azurerm_postgresql_flexible_server: { ...pg, conditional: [...pg.conditional, { attribute: 'zone', source: 'x.go:1', code: '' }] } },
    };
    assert.deepEqual(classificationGaps([mutated], ['azurerm_postgresql_flexible_server']).unclassified, ['azurerm_postgresql_flexible_server:zone (x.go:1)']);
  });

  it('hold what the providers\' sources say (spot checks)', () => {
    const has = (type: string, key: 'forceNew' | 'inPlace' | 'rotation' | 'sensitive', path: string) => assert.ok(resourceFacts(type)![key].includes(path), `${type}.${path} in ${key}`);
    has('azurerm_kubernetes_cluster', 'forceNew', 'dns_prefix');
    has('azurerm_kubernetes_cluster', 'forceNew', 'network_profile.pod_cidr');
    has('azurerm_kubernetes_cluster', 'rotation', 'default_node_pool.vm_size');
    has('azurerm_kubernetes_cluster_node_pool', 'rotation', 'vm_size');
    has('azurerm_kubernetes_cluster_node_pool', 'inPlace', 'max_count');
    has('azurerm_redis_cache', 'forceNew', 'zones');
    has('azurerm_postgresql_flexible_server', 'sensitive', 'administrator_password');
    has('azurerm_key_vault_secret', 'sensitive', 'value');
    has('helm_release', 'forceNew', 'name');
    has('helm_release', 'inPlace', 'values');
    has('kubernetes_manifest', 'forceNew', 'manifest.metadata.name');
    has('kubernetes_namespace_v1', 'forceNew', 'metadata.name');
    assert.ok(resourceFacts('azurerm_postgresql_flexible_server')!.conditional.some((c) => c.attribute === 'storage_mb'));
    assert.ok(resourceFacts('azurerm_key_vault')!.guards.some((g) => g.attributes.includes('soft_delete_retention_days')));
  });
});
