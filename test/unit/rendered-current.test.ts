/**
 * The committed rendered/ is what the tree renders: Argo CD syncs the committed copy, so a change
 * to a chart, a catalogue or config/ that is not re-rendered would never reach a cluster.
 * (`platform render --check` in-process; the pull request pipelines run it too.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadInputs } from '../../config/inputs';
import { renderEnvironments, staleRendered } from '../../cli/lib/render';
import { runCli } from '../helpers/cli';

describe('committed rendered manifests', () => {
  it('are current: `npx platform render` has nothing to change', async () => {
    const r = await runCli(['render', '--check', '--quiet']);
    assert.equal(r.code, 0, `${r.out}${r.err}\nrun: npx platform render, and commit rendered/`);
  });
});

describe('the staleness check itself (negative controls)', () => {
  it('names a file whose content differs, one that is missing, and one nothing renders any more', () => {
    const inputs = loadInputs();
    const files = renderEnvironments(inputs.environments, inputs);
    assert.deepEqual(staleRendered(files), []);
    const [first, second] = [...files.keys()];
    const changed = new Map(files).set(first, `${files.get(first)}# changed\n`);
    changed.set('dev/not-committed/manifests.yaml', '');
    changed.delete(second);
    assert.deepEqual(staleRendered(changed), [first, second, 'dev/not-committed/manifests.yaml'].sort());
  });
});
