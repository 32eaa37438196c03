/**
 * What loading the cdktf app (main.ts) costs every process that synthesizes: every synth
 * worker, the review's in-memory synthesis. The app's stacks take shared values (ports, names)
 * from catalog/, not from the rendered charts, whose modules load cdk8s and its 2.7 MB
 * Kubernetes API module (about 0.12 s of CPU per process) and would put chart code into every
 * stack's fingerprint. The negative control loads a chart module and sees cdk8s arrive.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Fingerprints, stackModule } from '../../cli/lib/cache/fingerprint';

const REPO = resolve(__dirname, '..', '..');

/** The cdk8s package files a fresh process has loaded after requiring `module`. */
function cdk8sFilesLoadedBy(module: string): string[] {
  const script = `require(${JSON.stringify(join(REPO, module))}); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/]cdk8s(-plus-28)?[\\\\/]/.test(f))))`;
  return JSON.parse(execFileSync(process.execPath, ['--require', join(REPO, 'cli', 'register.js'), '-e', script], { cwd: REPO, encoding: 'utf8' })) as string[];
}

describe('the modules of the cdktf app', () => {
  it('loading main.ts loads no cdk8s', () => {
    assert.deepEqual(cdk8sFilesLoadedBy('main.ts'), []);
  });

  it('a chart module does (negative control)', () => {
    assert.ok(cdk8sFilesLoadedBy('charts/audit/writer.ts').some((f) => f.includes('cdk8s-plus-28')));
  });

  it('no stack fingerprint hashes a chart module that loads cdk8s', () => {
    const fp = new Fingerprints(REPO);
    // Every stack module (stacks/<concern>-stack.ts); a tenant stack's concern is tenant-<name>.
    const concerns = readdirSync(join(REPO, 'stacks'))
      .filter((f) => f.endsWith('-stack.ts') && f !== 'environment-stack.ts')
      .map((f) => f.replace(/-stack\.ts$/, ''))
      .map((c) => (c === 'tenant' ? 'tenant-acme' : c));
    assert.ok(concerns.length >= 8, concerns.join(', '));
    for (const concern of concerns) {
      assert.equal(fp.stackCodeFiles(concern).includes(stackModule(concern)), true, `${concern}: its own module is hashed`);
      const charts = fp.stackCodeFiles(concern).filter((f) => f.startsWith('charts/'));
      for (const f of charts) assert.ok(!cdk8sFilesLoadedBy(f).length, `${concern}: ${f} loads cdk8s`);
    }
  });
});
