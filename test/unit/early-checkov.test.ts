/**
 * Which command lines cli/bin.js starts checkov for before the command line loads
 * (cli/lib/review/early-checkov.ts): a review that runs the policy checks, and nothing else;
 * not one that sets checkov aside at once because worker processes will synthesize every stack
 * (an empty cache, enough stacks). A wrong guess only costs a start; this keeps the guess from
 * costing one on every command.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARALLEL_MIN_STACKS } from '../../cli/lib/cache/cold';
import { setAsideAtStart, wantsEarlyCheckov } from '../../cli/lib/review/early-checkov';

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

describe('early checkov: not for a review that sets it aside at once', () => {
  const work = mkdtempSync(join(tmpdir(), 'early-checkov-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const files = { environmentsDir: join(work, 'environments'), tenantsDir: join(work, 'tenants') };
  mkdirSync(files.environmentsDir);
  mkdirSync(files.tenantsDir);
  for (const env of ['dev', 'prod']) writeFileSync(join(files.environmentsDir, `${env}.yaml`), '');
  // Every tenant in both environments: just enough stacks for worker processes.
  for (let i = 0; i < PARALLEL_MIN_STACKS / 2; i++) writeFileSync(join(files.tenantsDir, `t${i}.yaml`), '');
  const cache = join(work, 'cache');
  const env = { PLATFORM_SYNTH_CACHE: cache };
  const review = ['review', '--base', 'origin/main'];

  it('an empty or absent cache and enough stacks: the review starts checkov once the workers are done', () => {
    assert.equal(wantsEarlyCheckov(review, files, env, work), false, 'absent');
    mkdirSync(cache);
    assert.equal(wantsEarlyCheckov(review, files, env, work), false, 'empty');
    assert.equal(wantsEarlyCheckov(review, files, { PLATFORM_SYNTH_CACHE: 'cache' }, work), false, 'a relative setting, from the working folder');
    assert.equal(setAsideAtStart(false, files, env, work), true);
  });

  it('started early otherwise (negative controls)', () => {
    assert.equal(wantsEarlyCheckov([...review, '--no-cache'], files, env, work), true, '--no-cache: each side in one process, checkov alongside');
    assert.equal(wantsEarlyCheckov(review, files, { PLATFORM_SYNTH_CACHE: 'off' }, work), true, 'PLATFORM_SYNTH_CACHE=off');
    assert.equal(wantsEarlyCheckov(review, { ...files, tenantFiles: [join(files.tenantsDir, 't0.yaml')] }, env, work), true, 'too few stacks for workers');
    assert.equal(wantsEarlyCheckov(review, { ...files, envs: ['dev'] }, env, work), true, 'one environment: half the stacks');
    const unreadable = join(work, 'a-file');
    writeFileSync(unreadable, '');
    assert.equal(wantsEarlyCheckov(review, files, { PLATFORM_SYNTH_CACHE: unreadable }, work), true, 'a cache setting that is not a folder: the command reports it');
    writeFileSync(join(cache, 'entry'), '');
    assert.equal(wantsEarlyCheckov(review, files, env, work), true, 'a cache that may hold the stacks');
    assert.equal(setAsideAtStart(false, files, env, work), false);
  });
});
