import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Token } from 'cdktf';
import { loadInputs } from '../../config/inputs';
import { stackCount, synthesize, synthesizeParallel } from '../../cli/lib/synth';
import { disableTokenCreationStacks } from '../../main';

describe('parallel synth', () => {
  it('writes byte-identical output to the in-process synth', async () => {
    const base = mkdtempSync(join(tmpdir(), 'par-'));
    synthesize({ outdir: join(base, 'seq') });
    const result = await synthesizeParallel({ outdir: join(base, 'par'), jobs: 2 });
    assert.equal(result.stacks.length, stackCount(loadInputs()), 'the estimate that picks parallel synth counts every stack');
    const diff = spawnSync('diff', ['-r', join(base, 'seq'), join(base, 'par')], { encoding: 'utf8' });
    assert.equal(diff.status, 0, diff.stdout);
    assert.deepEqual(readdirSync(base).sort(), ['par', 'seq'], 'no staging or part folders left behind');
  });
});

describe('token creation stacks', () => {
  it('are off by default (a third of synth time at scale) unless PLATFORM_TOKEN_STACKS=1', () => {
    assert.equal(disableTokenCreationStacks({ PLATFORM_TOKEN_STACKS: '1' }), false);
    assert.equal(disableTokenCreationStacks({}), true);
    const token = Token.asAny({ resolve: () => 'x' });
    const intrinsic = new (require('cdktf/lib/tokens/private/intrinsic').Intrinsic)(token) as { creationStack: string[] };
    assert.deepEqual(intrinsic.creationStack, []);
  });
});
