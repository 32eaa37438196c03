/**
 * Property test of the review comment: random combinations of realistic changes (the corpus'
 * classes, applied to the real synth output: replacements, rotations, whole environments and
 * tenants removed, construct renames across stacks, tag changes on every resource) always give
 * Markdown under the limit that names every replaced resource and closes every block.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffSynthOutputs, readSynthOutput, type SynthOutput } from '../../cli/lib/review/diff';
import type { EnvironmentInfo, Review } from '../../cli/lib/review/model';
import { MARKDOWN_LIMIT, renderFailureMarkdown, renderMarkdown } from '../../cli/lib/review/render';
import { riskFindings } from '../../cli/lib/review/risk';
import { seededRandom } from '../helpers/random';
import { synthApp } from '../helpers/synth';

const base = readSynthOutput(synthApp().outdir);
const environments: EnvironmentInfo[] = [
  { name: 'prod', tier: 'production' },
  { name: 'dev', tier: 'non-production' },
];

type Stacks = Record<string, any>;
const first = (stacks: Stacks, stack: string, type: string) => Object.values<any>(stacks[stack].resource[type])[0];

/** Each mutation edits a deep copy of the stacks in place. */
const MUTATIONS: Record<string, (s: Stacks) => void> = {
  'pg version down': (s) => (first(s, 'prod-data', 'azurerm_postgresql_flexible_server').version = '15'),
  'pg storage shrink': (s) => (first(s, 'dev-data', 'azurerm_postgresql_flexible_server').storage_mb = 32768),
  'redis zones': (s) => (first(s, 'prod-data', 'azurerm_redis_cache').zones = ['1']),
  'aks dns prefix': (s) => (first(s, 'dev-platform', 'azurerm_kubernetes_cluster').dns_prefix = 'other'),
  'gpu pool sku': (s) => (Object.values<any>(s['prod-platform'].resource.azurerm_kubernetes_cluster_node_pool).find((p) => p.name === 'gpu').vm_size = 'Standard_NC80adis_H100_v5'),
  'dev environment removed': (s) => {
    for (const name of Object.keys(s)) if (name.startsWith('dev-')) delete s[name];
  },
  'tenant removed': (s) => delete s['prod-tenant-acme-search'],
  'rename storm': (s) => {
    for (const stack of ['prod-platform', 'prod-addons', 'prod-observability']) {
      for (const byId of Object.values<any>(s[stack].resource)) {
        for (const id of Object.keys(byId)) {
          byId[`${id}_renamed`] = byId[id];
          delete byId[id];
        }
      }
    }
  },
  'tags everywhere': (s) => {
    for (const stack of Object.values<any>(s)) for (const byId of Object.values<any>(stack.resource ?? {})) for (const r of Object.values<any>(byId)) if (r.tags) r.tags = { ...r.tags, owner: 'someone-else', extra: 'x'.repeat(200) };
  },
  'public access': (s) => (first(s, 'prod-platform', 'azurerm_key_vault').public_network_access_enabled = true),
};

function apply(names: string[]): SynthOutput {
  const stacks: Stacks = structuredClone(base.stacks);
  for (const n of names) MUTATIONS[n](stacks);
  const manifest = { stacks: Object.fromEntries(Object.entries(base.manifest.stacks).filter(([n]) => stacks[n])) };
  return { manifest, stacks };
}

function review(head: SynthOutput): Review {
  return {
    base: { ref: 'origin/main', commit: 'a'.repeat(40) },
    head: { commit: 'b'.repeat(40), dirty: false, runUrl: 'https://ci.example.org/run/1' },
    environments,
    skipped: [],
    ...(() => {
      const d = diffSynthOutputs(base, head, environments);
      return { ...d, risks: riskFindings({ base, head, environments }, d.resources) };
    })(),
  };
}

describe('review comment: property', () => {
  it('random combinations of changes: under the limit, every replacement named, every block closed', () => {
    const rand = seededRandom(20261130);
    const names = Object.keys(MUTATIONS);
    let biggest = 0;
    for (let i = 0; i < 60; i++) {
      const chosen = names.filter(() => rand(10) < 4);
      const r = review(apply(chosen));
      const md = renderMarkdown(r);
      biggest = Math.max(biggest, md.length);
      assert.ok(md.length <= MARKDOWN_LIMIT, `${chosen.join(', ')}: ${md.length} characters`);
      for (const replaced of r.resources.filter((x) => x.action === 'replace')) assert.ok(md.includes(replaced.path), `${chosen.join(', ')}: ${replaced.path} is not named`);
      assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length, chosen.join(', '));
      assert.equal((md.match(/^\s*```/gm) ?? []).length % 2, 0, chosen.join(', '));
    }
    assert.ok(biggest > 20_000, `the combinations were large enough to need trimming (${biggest})`);
  });

  it('everything at once still fits', () => {
    const r = review(apply(Object.keys(MUTATIONS)));
    assert.ok(r.resources.length > 500);
    const md = renderMarkdown(r);
    assert.ok(md.length <= MARKDOWN_LIMIT, `${md.length}`);
    assert.match(md, /full report is review.json|Full report/);
  });

  it('a failure report fits too, however long the reason', () => {
    const md = renderFailureMarkdown('origin/main', { commit: 'c'.repeat(40), dirty: true }, 'x\n'.repeat(100_000));
    assert.ok(md.length <= MARKDOWN_LIMIT);
    assert.match(md, /cannot review/);
  });
});
