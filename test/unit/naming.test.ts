import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../helpers/random';
import { NAMING_RULES, Naming, NamingError, nameProblem, regionCode, type ResourceKind } from '../../catalog/naming';

const naming = new Naming({ project: 'aip', env: 'dev', location: 'westeurope' });

describe('naming convention', () => {
  it('follows <abbreviation>-<project>-<env>-<region>[-qualifier]', () => {
    assert.equal(naming.name('resourceGroup', 'network'), 'rg-aip-dev-weu-network');
    assert.equal(naming.name('kubernetesCluster'), 'aks-aip-dev-weu');
    assert.equal(naming.name('subnet', 'aks-nodes'), 'snet-aip-dev-weu-aks-nodes');
  });

  it('adds a stable hash to globally unique names and drops separators where Azure forbids them', () => {
    const acr = naming.name('containerRegistry');
    assert.match(acr, /^craipdevweu[0-9a-f]{6}$/);
    assert.equal(acr, new Naming({ project: 'aip', env: 'dev', location: 'westeurope' }).name('containerRegistry'));
    assert.notEqual(acr, new Naming({ project: 'aip', env: 'dev', location: 'westeurope', uniquenessSeed: 'sub-2' }).name('containerRegistry'));
    assert.match(naming.name('keyVault'), /^kv-aip-dev-weu-[0-9a-f]{6}$/);
  });

  it('knows short codes for regions and falls back to a prefix for others', () => {
    assert.equal(regionCode('swedencentral'), 'sdc');
    assert.equal(regionCode('newregionwest'), 'newreg');
  });

  it('rejects names Azure would reject, saying which rule', () => {
    assert.match(nameProblem('keyVault', 'kv--double')!, /not allowed/);
    assert.match(nameProblem('containerRegistry', 'cr-has-dash')!, /lowercase letters and digits/);
    assert.match(nameProblem('nodePool', 'workloadpool1')!, /13 characters; Azure allows 1-12/);
    assert.equal(nameProblem('nodePool', 'gpu'), undefined);
    assert.throws(() => naming.name('subnet', 'bad name!'), NamingError);
  });

  it('property: any valid project/env/region/qualifier gives valid names for every kind, unique per input', () => {
    // Deterministic pseudo-random inputs (no dependency, reproducible failures).
    const rand = seededRandom(42);
    const label = (max: number) => {
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const chars = `${letters}0123456789-`;
      const len = 1 + rand(max);
      let s = letters[rand(26)];
      for (let i = 1; i < len; i++) s += chars[rand(chars.length)];
      return s.replace(/-+$/, '') || 'a';
    };
    const locations = ['westeurope', 'eastus2', 'swedencentral', 'brazilsouth', 'newregionwest'];
    const kinds = (Object.keys(NAMING_RULES) as ResourceKind[]).filter((k) => k !== 'nodePool');
    const seen = new Map<string, string>();
    for (let i = 0; i < 400; i++) {
      const ctx = { project: label(12), env: label(12), location: locations[rand(locations.length)] };
      const qualifier = rand(2) ? [label(20)] : [];
      const n = new Naming(ctx);
      for (const kind of kinds) {
        const name = n.name(kind, ...qualifier);
        assert.equal(nameProblem(kind, name), undefined, `${kind} ${JSON.stringify(ctx)} ${qualifier} -> ${name}`);
        const key = `${kind}:${name}`;
        const input = JSON.stringify([ctx, qualifier]);
        if (NAMING_RULES[kind].max < 40 && seen.has(key)) assert.equal(seen.get(key), input, `collision on ${key}`);
        seen.set(key, input);
      }
    }
  });
});
