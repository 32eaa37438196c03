import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { COMMANDS } from '../../cli/main';
import { runCli } from '../helpers/cli';
import { OUTPUT_MARKER } from '../../cli/lib/output-dir';
import { synthesize } from '../../cli/lib/synth';
import type { Progress } from '../../cli/progress';
import { ENVIRONMENTS_DIR } from '../../config/load';
import { ValidationError } from '../../config/yaml-validate';
import { ROOT } from '../helpers/tools';
import { cloneWorkingTree } from '../helpers/review-corpus';


/** An output folder holding a previous (now stale) synth result, marked as the tool's own. */
function staleOutdir(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'cli-')), 'cdktf.out');
  mkdirSync(join(out, 'stacks', 'dev-platform'), { recursive: true });
  writeFileSync(join(out, 'manifest.json'), '{"stacks":{}}');
  writeFileSync(join(out, OUTPUT_MARKER), 'previous run\n');
  return out;
}

describe('platform CLI', () => {
  it('prints help for the root and for every subcommand, exit 0', async () => {
    const root = await runCli(['--help']);
    assert.equal(root.code, 0);
    for (const cmd of COMMANDS) {
      assert.match(root.out, new RegExp(`\\n  ${cmd.name} `));
      const sub = await runCli([...cmd.name.split(' '), '--help']);
      assert.equal(sub.code, 0, cmd.name);
      assert.match(sub.out, new RegExp(`^Usage: platform ${cmd.name}`));
      assert.match(sub.out, /--quiet/);
    }
  });

  it('usage errors exit 2 with help', async () => {
    assert.equal((await runCli([])).code, 2);
    const unknown = await runCli(['deploy-everything']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "deploy-everything"/);
    const badFlag = await runCli(['synth', '--bogus']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.err, /Unknown option '--bogus'/);
  });

  it('synth writes every stack, with progress on stderr and stack names on stdout', async () => {
    const out = staleOutdir();
    const { code, out: stdout, err } = await runCli(['synth', '--out', out]);
    assert.equal(code, 0, err);
    const stacks = stdout.trim().split('\n').sort();
    for (const s of ['dev-network', 'dev-platform', 'prod-network', 'prod-platform', 'dev-tenant-acme-search', 'prod-tenant-acme-search']) assert.ok(stacks.includes(s), s);
    assert.ok(!stacks.includes('prod-tenant-contoso-docs'), 'a dev-only tenant has no prod stack');
    assert.match(err, /done: synthesize dev, prod with 3 tenants/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.stacks).sort(), stacks);
  });

  it('synth with an unknown environment exits 1, names the file and removes stale output', async () => {
    const out = staleOutdir();
    const { code, err } = await runCli(['synth', '--env', 'staging', '--out', out]);
    assert.equal(code, 1);
    assert.match(err, /config\/environments\/staging\.yaml/);
    assert.match(err, /nothing was written/);
    assert.equal(existsSync(out), false, 'stale output must not survive a failed synth');
  });

  it('an invalid environment file leaves no output at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envs-'));
    writeFileSync(join(dir, 'dev.yaml'), readFileSync(join(ENVIRONMENTS_DIR, 'dev.yaml'), 'utf8').replace('costCenter:', 'costCentre:'));
    const out = staleOutdir();
    assert.throws(() => synthesize({ environmentsDir: dir, outdir: out }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /dev\.yaml:\d+:1 costCentre: unknown key/);
      return true;
    });
    assert.equal(existsSync(out), false);
  });

  it('a failure during synthesis leaves neither partial nor stale output', () => {
    const out = staleOutdir();
    const crashing = {
      step<T>(label: string, work: () => T): T {
        const result = work();
        if (label.startsWith('synthesize')) throw new Error('simulated crash after writing stacks');
        return result;
      },
      stepAsync: (_label: string, work: () => Promise<unknown>) => work(),
      info() {},
    } as Progress;
    assert.throws(() => synthesize({ outdir: out, progress: crashing }), /simulated crash/);
    assert.equal(existsSync(out), false);
    const siblings = spawnSync('ls', ['-a', join(out, '..')], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(siblings, /platform-tmp|platform-lock/, 'the staging folder and the lock must be cleaned up');
  });

  it('stacks lists deploy order: every network before its platform', async () => {
    const { code, out } = await runCli(['stacks', '--json']);
    assert.equal(code, 0);
    const order = JSON.parse(out).map((s: { name: string }) => s.name);
    for (const env of ['dev', 'prod']) assert.ok(order.indexOf(`${env}-network`) < order.indexOf(`${env}-platform`));
    assert.ok(order.indexOf('prod-platform') < order.indexOf('prod-tenant-acme-search'), 'tenant stacks are listed after their platform');
  });

  it('validate reports ok per environment', async () => {
    const { code, out } = await runCli(['validate']);
    assert.equal(code, 0);
    assert.equal(out, 'dev: ok\nprod: ok\nmodels: 6 ok\ntenants: 3 ok\nworkloads: ok\n');
  });

  it('validate checks config/workloads.yaml too, with a located message', () => {
    const repo = cloneWorkingTree();
    const file = join(repo, 'config/workloads.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('minReplicas: 2, maxReplicas: 6 }', 'minReplicas: 9, maxReplicas: 6 }'));
    const res = spawnSync(process.execPath, ['cli/bin.js', 'validate', '-q'], { cwd: repo, encoding: 'utf8' });
    assert.equal(res.status, 1, res.stdout + res.stderr);
    assert.match(res.stderr, /config\/workloads\.yaml:\d+:\d+ environments\.dev\.agents\.gateway/);
  });

  it('the package bin runs as `platform` (npx platform --help)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.bin.platform, 'cli/bin.js');
    const res = spawnSync(process.execPath, [join(ROOT, pkg.bin.platform), 'validate', '--env', 'nope'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(res.status, 1, res.stderr);
    assert.match(res.stderr, /no environment file for "nope"/);
  });
});
