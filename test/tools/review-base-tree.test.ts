/**
 * The review's same-code base (cli/lib/review/base-tree.ts): when only tenant files differ, the
 * base is synthesized in the review's own process with the head's code and the base's tenant
 * files. Its report must be exactly the report of the other path (`--no-cache`: the base's own
 * code in a worktree, every stack synthesized), for each tenant scenario of the review corpus,
 * and with a cold cache large enough for the head's worker processes.
 * The negative control: a change to anything else must take the worktree path, since the
 * head's code would synthesize the base wrongly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { baseTree, blobsAt, differingPaths } from '../../cli/lib/review/base-tree';
import { PARALLEL_MIN_STACKS } from '../../cli/lib/synth';
import { generateTenants } from '../../bench/tenants/generate';
import { cloneWorkingTree, loadCorpus, runScenario, type Scenario } from '../helpers/review-corpus';

const tenantOnly = (s: Scenario) => !s.baseEdits?.length && !s.withoutTools && s.expect.verdict !== 'cannot-review' && s.edits.length > 0 && s.edits.every((e) => e.file.startsWith('tenants/'));

/** The report without what legitimately differs between the two paths: how it was synthesized. */
function comparable(json: any): any {
  const { synthesis: _s, ...rest } = json;
  return rest;
}

describe('review: the base synthesized by the head\'s code when only tenant files differ', () => {
  let repo: string | undefined;
  const scenarios = loadCorpus().filter(tenantOnly);

  it('the corpus has tenant-only scenarios to compare (added, changed, retired, removed)', () => {
    assert.ok(scenarios.length >= 4, scenarios.map((s) => s.name).join(', '));
  });

  for (const s of scenarios) {
    it(`${s.name}: the same report as the base's own code in a worktree (--no-cache)`, () => {
      repo ??= cloneWorkingTree();
      const same = runScenario(repo, s);
      const apart = runScenario(repo, { ...s, args: [...(s.args ?? []), '--no-cache'] });
      assert.ok(same.json?.synthesis?.cache, `${s.name}: ${same.stderr}`);
      assert.equal(same.json.synthesis.baseApart, undefined, `${s.name}: the base went to a worktree: ${same.json.synthesis.baseApart}`);
      assert.ok(same.json.synthesis.base.reused > 0, `${s.name}: the base reused nothing`);
      assert.equal(apart.json.synthesis.cache, false);
      assert.deepEqual(comparable(same.json), comparable(apart.json), s.name);
      assert.equal(same.exit, apart.exit, s.name);
    });
  }

  it('a cold cache with enough stacks for worker processes: the same report as --no-cache', () => {
    repo ??= cloneWorkingTree();
    const generated = mkdtempSync(join(tmpdir(), 'review-cold-'));
    const count = PARALLEL_MIN_STACKS / 2;
    generateTenants(generated, count);
    const files = readdirSync(generated).sort();
    const scenario: Scenario = {
      name: 'cold-workers',
      description: `${count} more tenants in the base, one quota changed`,
      baseEdits: files.map((f) => ({ file: `tenants/${f}`, write: readFileSync(join(generated, f), 'utf8') })),
      edits: [{ file: `tenants/${files[count / 2]}`, replace: [['pods: 50', 'pods: 60']] }],
      expect: { exit: 0, verdict: 'changes' },
    };
    rmSync(join(repo, '.cache', 'synth'), { recursive: true, force: true });
    rmSync(generated, { recursive: true, force: true });
    const cold = runScenario(repo, scenario);
    const apart = runScenario(repo, { ...scenario, args: ['--no-cache'] });
    assert.ok(cold.json?.synthesis?.cache, cold.stderr);
    assert.equal(cold.json.synthesis.baseApart, undefined, cold.json.synthesis.baseApart);
    // Nothing reused by the head, and at least PARALLEL_MIN_STACKS stacks to build: the worker path.
    assert.equal(cold.json.synthesis.head.reused, 0);
    assert.ok(cold.json.synthesis.head.synthesized >= PARALLEL_MIN_STACKS, JSON.stringify(cold.json.synthesis));
    assert.ok(cold.json.synthesis.renderedApps, 'the head was rendered');
    // Each run commits the scenario's base anew: the commits differ, nothing else may.
    const uncommitted = (json: any) => ({ ...comparable(json), base: { ...json.base, commit: undefined }, head: { ...json.head, commit: undefined } });
    assert.deepEqual(uncommitted(cold.json), uncommitted(apart.json));
    assert.equal(cold.exit, apart.exit);
  });

  it('negative control: a change outside tenants/ takes the worktree path, and its base is the base\'s own code', () => {
    repo ??= cloneWorkingTree();
    const code: Scenario = {
      name: 'code-change',
      description: 'a construct default changed in code',
      edits: [{ file: 'config/environments/dev.yaml', replace: [['logAnalytics:\n  retentionDays: 30\n', 'logAnalytics:\n  retentionDays: 60\n']] }],
      args: ['--no-policy'],
      expect: { exit: 0, verdict: 'changes' },
    };
    const res = runScenario(repo, code);
    assert.match(res.json?.synthesis?.baseApart ?? '', /config\/environments\/dev\.yaml/, res.stderr);
    // Had the head's code and inputs been used for the base, nothing would differ.
    assert.ok(res.json.resources.some((r: any) => r.stack === 'dev-platform' && r.attributes.some((a: any) => a.path === 'retention_in_days')), JSON.stringify(res.json.stacks.filter((x: any) => x.status !== 'unchanged')));
  });
});

describe('base tree: what differs, and the base\'s tenant files', () => {
  const git = (cwd: string, ...args: string[]) => {
    const res = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    return res.stdout;
  };
  const repoWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'base-tree-'));
    git(dir, 'init', '-q', '-b', 'main');
    for (const [f, text] of Object.entries(files)) {
      spawnSync('mkdir', ['-p', join(dir, f, '..')]);
      writeFileSync(join(dir, f), text);
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    return { dir, commit: git(dir, 'rev-parse', 'HEAD').trim() };
  };

  it('tenant edits, additions and deletions keep the same code; the base\'s versions come from git', () => {
    const { dir, commit } = repoWith({ 'tenants/a.yaml': 'a: 1\n', 'tenants/b.yaml': 'b: 1\n', 'tenants/d.yaml': 'd: 1\n', 'tenants/README.md': 'x', 'rendered/dev/x/manifests.yaml': 'kind: X\n', 'main.ts': '' });
    writeFileSync(join(dir, 'tenants/a.yaml'), 'a: 2\n');
    spawnSync('rm', [join(dir, 'tenants/b.yaml')]);
    writeFileSync(join(dir, 'tenants/c.yaml'), 'c: 1\n');
    writeFileSync(join(dir, 'rendered/dev/x/manifests.yaml'), 'kind: Y\n');
    assert.deepEqual(differingPaths(dir, commit), ['rendered/dev/x/manifests.yaml', 'tenants/a.yaml', 'tenants/b.yaml', 'tenants/c.yaml']);
    const scratch = mkdtempSync(join(tmpdir(), 'scratch-'));
    const tree = baseTree(dir, commit, scratch);
    assert.ok(tree.sameCode);
    assert.deepEqual(tree.tenantFiles.map((f) => [f.startsWith(scratch) ? 'scratch' : 'repo', readFileSync(f, 'utf8')]), [['scratch', 'a: 1\n'], ['scratch', 'b: 1\n'], ['repo', 'd: 1\n']]);
    assert.deepEqual([...tree.rendered], [['dev/x/manifests.yaml', 'kind: X\n']]);
    assert.deepEqual([...blobsAt(dir, commit, ['main.ts', 'tenants/a.yaml'])].map(([p, b]) => [p, b.toString()]), [['main.ts', ''], ['tenants/a.yaml', 'a: 1\n']]);
  });

  it('negative control: an untracked or edited file besides tenant files and rendered/ means different code (other files under tenants/ too)', () => {
    const { dir, commit } = repoWith({ 'tenants/a.yaml': 'a: 1\n', 'tenants/README.md': 'x', 'main.ts': '' });
    writeFileSync(join(dir, 'tenants/README.md'), 'y');
    const readme = baseTree(dir, commit, mkdtempSync(join(tmpdir(), 'scratch-')));
    assert.match(!readme.sameCode ? readme.reason : '', /tenants\/README\.md/);
    writeFileSync(join(dir, 'tenants/README.md'), 'x');
    writeFileSync(join(dir, 'stray.ts'), 'export {};\n');
    const untracked = baseTree(dir, commit, mkdtempSync(join(tmpdir(), 'scratch-')));
    assert.equal(untracked.sameCode, false);
    assert.match(!untracked.sameCode ? untracked.reason : '', /stray\.ts/);
    spawnSync('rm', [join(dir, 'stray.ts')]);
    writeFileSync(join(dir, 'main.ts'), '// changed\n');
    const edited = baseTree(dir, commit, mkdtempSync(join(tmpdir(), 'scratch-')));
    assert.match(!edited.sameCode ? edited.reason : '', /main\.ts/);
  });
});
