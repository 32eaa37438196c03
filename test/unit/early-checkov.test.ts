/**
 * Which command lines cli/bin.js starts checkov for before the command line loads
 * (cli/lib/review/early-checkov.ts): a review that runs the policy checks, and nothing else.
 * A wrong guess only costs a start; this keeps the guess from costing one on every command.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { wantsEarlyCheckov } from '../../cli/lib/review/early-checkov';

describe('early checkov: the command lines it is started for', () => {
  it('a review with the policy checks', () => {
    assert.equal(wantsEarlyCheckov(['review', '--base', 'origin/main']), true);
    assert.equal(wantsEarlyCheckov(['review', '--base', 'origin/main', '--format', 'sarif', '--plan']), true);
    assert.equal(wantsEarlyCheckov(['review', '--format=json', '--base=HEAD']), true);
  });

  it('not a review without them, its help, or another command (negative controls)', () => {
    assert.equal(wantsEarlyCheckov(['review', '--base', 'HEAD', '--no-policy']), false);
    assert.equal(wantsEarlyCheckov(['review', '--base', 'HEAD', '--format', 'affected']), false);
    assert.equal(wantsEarlyCheckov(['review', '--format=affected', '--base', 'HEAD']), false);
    assert.equal(wantsEarlyCheckov(['review', '--help']), false);
    assert.equal(wantsEarlyCheckov(['review', '-h']), false);
    assert.equal(wantsEarlyCheckov(['synth']), false);
    assert.equal(wantsEarlyCheckov(['policies', 'review']), false);
    assert.equal(wantsEarlyCheckov([]), false);
  });
});
