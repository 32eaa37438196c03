/**
 * Property test over the review corpus: random sets of its scenarios applied together and
 * reviewed end to end. Whatever the combination, the comment fits the limit and names every
 * resource that is replaced or deleted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MARKDOWN_LIMIT } from '../../cli/lib/review/render';
import { cloneWorkingTree, combinedScenario, loadCorpus, runScenario } from '../helpers/review-corpus';
import { seededRandom } from '../helpers/random';

describe('review corpus: scenarios combined', () => {
  const corpus = loadCorpus();
  const pick = seededRandom(4711);
  let repo: string | undefined;
  for (let i = 0; i < 3; i++) {
    const { scenario, parts } = combinedScenario(corpus, pick);
    it(`${parts.length} scenarios at once: ${scenario.name}`, () => {
      assert.ok(parts.length >= 3, 'a combination worth the name');
      repo ??= cloneWorkingTree();
      const o = runScenario(repo, scenario);
      assert.ok([0, 1].includes(o.exit), `exit ${o.exit}: ${o.stderr.slice(-2000)}`);
      assert.ok(o.markdown.length <= MARKDOWN_LIMIT, `${o.markdown.length}`);
      const gone = (o.json.resources as { path: string; action: string }[]).filter((r) => r.action === 'replace');
      for (const r of gone) assert.ok(o.markdown.includes(r.path), `${r.path} is replaced but not named`);
      for (const want of scenario.expect.resources ?? []) {
        const [path, action] = want.split(': ');
        assert.ok((o.json.resources as { path: string; action: string }[]).some((r) => r.path === path && r.action === action), `${want} (from one of ${scenario.name})`);
        assert.ok(o.markdown.includes(path), `${path} is not named`);
      }
    });
  }
});
