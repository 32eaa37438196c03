/**
 * What a command tells about its synthesis from folder and file names alone
 * (cli/lib/cache/cold.ts): the cache folder it uses, whether that holds nothing, and whether a
 * run will synthesize every stack in worker processes. cli/bin.js decides on it whether a review
 * starts checkov early, before anything is validated.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFolder, DEFAULT_CACHE_DIR, environmentCount, holdsNothing, mostTenantStacks, PARALLEL_MIN_STACKS, synthesizesAllInWorkers } from '../../cli/lib/cache/cold';
import { SynthCache } from '../../cli/lib/cache/store';
import { listEnvironments, tenantFiles } from '../../config/input-files';

const work = mkdtempSync(join(tmpdir(), 'cold-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Folders with `environments` environment files and `tenants` tenant files (names only: nothing here parses them). */
function inputs(name: string, environments: number, tenants: number) {
  const environmentsDir = join(work, name, 'environments');
  const tenantsDir = join(work, name, 'tenants');
  mkdirSync(environmentsDir, { recursive: true });
  mkdirSync(tenantsDir, { recursive: true });
  for (let i = 0; i < environments; i++) writeFileSync(join(environmentsDir, `env${i}.yaml`), 'not parsed: {');
  for (let i = 0; i < tenants; i++) writeFileSync(join(tenantsDir, `t${String(i).padStart(4, '0')}.yaml`), 'not parsed: {');
  // Neither is an input file: a hidden tenant file and another extension.
  writeFileSync(join(tenantsDir, '.hidden.yaml'), '');
  writeFileSync(join(tenantsDir, 'notes.md'), '');
  return { environmentsDir, tenantsDir };
}

describe('the synth cache folder a command uses', () => {
  it('the repository default, a setting taken from the working folder, none when turned off', () => {
    assert.equal(cacheFolder(false, {}), DEFAULT_CACHE_DIR);
    assert.equal(cacheFolder(false, { PLATFORM_SYNTH_CACHE: 'elsewhere/cache' }, '/srv/checkout'), '/srv/checkout/elsewhere/cache');
    assert.equal(cacheFolder(false, { PLATFORM_SYNTH_CACHE: '/abs/cache' }, '/srv/checkout'), '/abs/cache');
    assert.equal(cacheFolder(true, {}), undefined, '--no-cache');
    assert.equal(cacheFolder(false, { PLATFORM_SYNTH_CACHE: 'off' }), undefined, 'PLATFORM_SYNTH_CACHE=off');
  });

  it('holds nothing when absent or empty, and something once a store was opened in it (negative control)', () => {
    const dir = join(work, 'store');
    assert.equal(holdsNothing(dir), true, 'absent');
    mkdirSync(dir);
    assert.equal(holdsNothing(dir), true, 'empty');
    const store = SynthCache.open(dir);
    assert.equal(store.startedEmpty, true, 'the store agrees');
    assert.equal(holdsNothing(dir), false, 'the store marks the folder as its own');
    assert.equal(SynthCache.open(dir).startedEmpty, false);
  });

  it('reports a folder it cannot read instead of guessing', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    assert.throws(() => holdsNothing(file), /ENOTDIR/);
  });
});

describe('whether a run synthesizes every stack in worker processes', () => {
  const enough = inputs('enough', 2, PARALLEL_MIN_STACKS / 2);
  const fewer = inputs('fewer', 2, PARALLEL_MIN_STACKS / 2 - 1);

  it('counts every tenant in every environment, from the file names', () => {
    assert.deepEqual(listEnvironments(enough.environmentsDir), ['env0', 'env1']);
    assert.equal(tenantFiles(enough.tenantsDir).length, PARALLEL_MIN_STACKS / 2);
    assert.equal(mostTenantStacks(enough), PARALLEL_MIN_STACKS);
    assert.equal(mostTenantStacks({ ...enough, envs: ['env0'] }), PARALLEL_MIN_STACKS / 2, 'the environments asked for');
    assert.equal(mostTenantStacks({ ...enough, tenantFiles: ['one.yaml'] }), 2, 'the tenant files given');
    assert.equal(mostTenantStacks({ environmentsDir: join(work, 'absent'), tenantsDir: join(work, 'absent') }), 0);
    assert.equal(environmentCount(enough), 2);
    assert.equal(environmentCount({ ...enough, envs: ['env1'] }), 1, 'the environments asked for');
    assert.equal(mostTenantStacks(enough, 3), 3 * (PARALLEL_MIN_STACKS / 2), 'an environment count the caller has');
  });

  it('an empty store and enough stacks: yes; a store that may hold them, or too few stacks: no (negative controls)', () => {
    assert.equal(synthesizesAllInWorkers(true, enough), true);
    assert.equal(synthesizesAllInWorkers(false, enough), false, 'the store may hold the stacks');
    assert.equal(synthesizesAllInWorkers(undefined, enough), false, 'no cache');
    assert.equal(synthesizesAllInWorkers(true, fewer), false, `${PARALLEL_MIN_STACKS - 2} stacks`);
    assert.equal(synthesizesAllInWorkers(true, { ...enough, envs: ['env0'] }), false, 'one environment of two');
  });
});
