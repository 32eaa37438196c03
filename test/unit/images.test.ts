/**
 * The promoted-image lock and `platform images`: digests move dev -> prod only through the lock,
 * every refused request is located and leaves the file byte for byte as it was, the workload
 * render refuses a production digest straight from a build, and the review lists promotions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { IMAGE_NAMES, loadImageLock, parseImageLock, serializeImageLock } from '../../config/image-lock';
import { loadInputs } from '../../config/inputs';
import { ValidationError } from '../../config/yaml-validate';
import { workloadApps } from '../../charts/workloads/apps';
import { imagePromotions } from '../../cli/lib/review/images';
import { renderMarkdown } from '../../cli/lib/review/render';
import type { Review } from '../../cli/lib/review/model';
import { runCli } from '../helpers/cli';

const FIXTURE_LOCK = resolve(__dirname, '../fixtures/workloads/images.lock.yaml');
const EMPTY_LOCK = resolve(__dirname, '../../config/workloads-images.lock.yaml');
const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

function tempLock(from = EMPTY_LOCK): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lock-')), 'images.lock.yaml');
  copyFileSync(from, file);
  return file;
}

const lock = (file: string, ...args: string[]) => runCli(['images', 'lock', ...args, '--lock', file, '--quiet']);

describe('platform images lock', () => {
  it('dev takes a build; prod takes only what dev ran, recorded with where from and when', async () => {
    const file = tempLock();
    const dev = await lock(file, 'gateway', '--env', 'dev', '--tag', '1.4.2', '--digest', D1, '--at', '2026-11-20T10:00:00Z');
    assert.equal(dev.code, 0, dev.out + dev.err);
    const prod = await lock(file, 'gateway', '--env', 'prod', '--tag', '1.4.2', '--digest', D1, '--at', '2026-11-22T10:00:00Z');
    assert.equal(prod.code, 0, prod.out + prod.err);
    const l = loadImageLock(file);
    assert.deepEqual(l.environments.dev.gateway, { tag: '1.4.2', digest: D1, at: '2026-11-20T10:00:00Z', from: 'build' });
    assert.deepEqual(l.environments.prod.gateway, { tag: '1.4.2', digest: D1, at: '2026-11-22T10:00:00Z', from: 'dev' });
    assert.deepEqual(l.deployments.map((d) => d.env), ['dev', 'prod']);
    // Writing the same digest again changes nothing, not even the record.
    const before = readFileSync(file, 'utf8');
    assert.equal((await lock(file, 'gateway', '--env', 'prod', '--tag', '1.4.2', '--digest', D1, '--at', '2026-11-23T10:00:00Z')).code, 0);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('the file it writes reads back as the same lock (stable order, one line per entry)', () => {
    const l = loadImageLock(FIXTURE_LOCK);
    const text = serializeImageLock(l);
    assert.deepEqual(parseImageLock('x.yaml', text), l);
    assert.equal(serializeImageLock(parseImageLock('x.yaml', text)), text);
    assert.equal(readFileSync(EMPTY_LOCK, 'utf8'), serializeImageLock({ environments: {}, deployments: [] }), 'the committed empty lock is in the written format');
  });

  const refused: [string, (file: string) => Promise<{ code: number; out: string }>, RegExp][] = [
    ['a malformed digest', (f) => lock(f, 'gateway', '--env', 'dev', '--tag', '1.4.2', '--digest', 'sha256:abc'), /^platform images lock --digest: expected sha256:<64 hex digits> \(got "sha256:abc"\)$/m],
    ['an unknown service', (f) => lock(f, 'gatewy', '--env', 'dev', '--tag', '1.4.2', '--digest', D1), /^platform images lock <image>: unknown image "gatewy"\n {4}hint: images of config\/workloads\.yaml: gateway, /m],
    ['an unknown environment', (f) => lock(f, 'gateway', '--env', 'qa', '--tag', '1.4.2', '--digest', D1), /^platform images lock --env: unknown environment "qa"/m],
    ['promotion to prod of a digest dev never ran', (f) => lock(f, 'gateway', '--env', 'prod', '--tag', '1.4.2', '--digest', D2), /^platform images lock --digest: prod is production: gateway sha256:b{64} never ran in a non-production environment \(dev\)/m],
    ['promotion under another tag than dev ran it', (f) => lock(f, 'gateway', '--env', 'prod', '--tag', '1.4.3', '--digest', D1, '--at', '2026-11-30T00:00:00Z'), /^platform images lock --tag: sha256:a{12}… ran in dev as 1\.4\.2, not 1\.4\.3/m],
    ['a time before the last record', (f) => lock(f, 'gateway', '--env', 'dev', '--tag', '1.4.3', '--digest', D2, '--at', '2026-11-19T00:00:00Z'), /^platform images lock --at: 2026-11-19T00:00:00Z is earlier than the last deployment/m],
  ];
  for (const [what, run, message] of refused) {
    it(`refuses ${what}: located, and the lock file untouched`, async () => {
      const file = tempLock();
      assert.equal((await lock(file, 'gateway', '--env', 'dev', '--tag', '1.4.2', '--digest', D1, '--at', '2026-11-20T10:00:00Z')).code, 0);
      const before = readFileSync(file, 'utf8');
      const r = await run(file);
      assert.equal(r.code, 1);
      assert.match(r.out, message);
      assert.equal(readFileSync(file, 'utf8'), before);
      assert.deepEqual(readdirSync(join(file, '..')), ['images.lock.yaml'], 'no temporary file left behind');
    });
  }

  it('refuses to write into a lock file with duplicate keys, located, file untouched', async () => {
    const file = tempLock(FIXTURE_LOCK);
    const broken = readFileSync(file, 'utf8').replace(/^( {4}gateway: .*\n)/m, '$1$1');
    writeFileSync(file, broken);
    const r = await lock(file, 'orchestrator', '--env', 'dev', '--tag', '1.4.3', '--digest', D2, '--at', '2026-11-30T00:00:00Z');
    assert.equal(r.code, 1);
    assert.match(r.out, /images\.lock\.yaml:6:5 .*[Mm]ap keys must be unique/);
    assert.equal(readFileSync(file, 'utf8'), broken);
  });
});

describe('the lock checks itself', () => {
  const problems = (edit: (text: string) => string): string[] => {
    try {
      parseImageLock('lock.yaml', edit(readFileSync(FIXTURE_LOCK, 'utf8')));
      return [];
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return err.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
    }
  };

  it('the fixture (every image dev then prod) is a consistent lock: the negative control', () => {
    assert.deepEqual(problems((t) => t), []);
  });

  it('a prod digest that dev never ran, a current entry the record does not show, and a record out of time order', () => {
    const other = problems((t) => t.replace(/(prod:\n {4}gateway: \{ tag: "1\.4\.2", digest: ")sha256:[a-f0-9]{64}/, `$1${D2}`));
    assert.ok(other.some((p) => /^\d+:\d+ environments\.prod\.gateway\.from: sha256:b{12}… never ran in dev before/.test(p)), other.join('\n'));
    assert.ok(other.some((p) => /^\d+:\d+ environments\.prod\.gateway\.digest: prod runs gateway 1\.4\.2@sha256:b{12}… since 2026-11-23T09:00:00Z but the deployment record's latest/.test(p)), other.join('\n'));
    const shuffled = problems((t) => t.replace('env: "dev", image: "orchestrator", tag: "1.4.2", digest: "sha256:71d826895315fee5a4be39acb09d4b1e14aee91d53eb7f8645c23077d3209e23", at: "2026-11-20T10:00:00Z"', 'env: "dev", image: "orchestrator", tag: "1.4.2", digest: "sha256:71d826895315fee5a4be39acb09d4b1e14aee91d53eb7f8645c23077d3209e23", at: "2026-11-19T10:00:00Z"'));
    assert.ok(shuffled.some((p) => /deployments\.1\.at: 2026-11-19T10:00:00Z is earlier than the record before it/.test(p)), shuffled.join('\n'));
  });
});

describe('platform images check and plan', () => {
  it('check: the fixture passes; a production entry straight from a build is located at its `from`', async () => {
    const ok = await runCli(['images', 'check', '--lock', FIXTURE_LOCK]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, new RegExp(`^prod: ${IMAGE_NAMES.length} of ${IMAGE_NAMES.length} images locked$`, 'm'));
    const file = tempLock(FIXTURE_LOCK);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(prod:\n {4}gateway: .*)from: "dev"/, '$1from: "build"'));
    const bad = await runCli(['images', 'check', '--lock', file]);
    assert.equal(bad.code, 1);
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('from: "build"') && l.startsWith('    gateway:') && l.includes('2026-11-23')) + 1;
    assert.ok(line > 0);
    assert.match(bad.out, new RegExp(`images\\.lock\\.yaml:${line}:\\d+ environments\\.prod\\.gateway\\.from: prod is production and takes digests only from a non-production environment, not from build`));
  });

  it('the workload render refuses a production digest straight from a build, located in the lock', () => {
    const file = tempLock(FIXTURE_LOCK);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(prod:\n {4}gateway: .*)from: "dev"/, '$1from: "build"'));
    const inputs = loadInputs();
    const env = inputs.allEnvironments.find((e) => e.name === 'prod')!;
    const render = (lockFile: string) => workloadApps({ lockFile })['agent-services'](new App(), { env, models: inputs.models, tenants: inputs.tenants });
    assert.doesNotThrow(() => render(FIXTURE_LOCK));
    assert.throws(() => render(file), (err: unknown) => err instanceof ValidationError && err.problems.some((p) => p.path === 'environments.prod.gateway.from' && /not straight from a build/.test(p.message)));
  });

  it('plan: what dev runs and prod does not, and nothing once prod caught up', async () => {
    const file = tempLock();
    await lock(file, 'gateway', '--env', 'dev', '--tag', '1.4.2', '--digest', D1, '--at', '2026-11-20T10:00:00Z');
    const before = await runCli(['images', 'plan', '--lock', file, '--format', 'json']);
    assert.deepEqual(JSON.parse(before.out).map((s: any) => [s.env, s.image, s.current?.digest, s.candidate.digest, s.candidate.source]), [['prod', 'gateway', undefined, D1, 'dev']]);
    await lock(file, 'gateway', '--env', 'prod', '--tag', '1.4.2', '--digest', D1, '--at', '2026-11-21T10:00:00Z');
    const after = await runCli(['images', 'plan', '--lock', file]);
    assert.match(after.out, /^nothing to promote/);
  });
});

describe('the review lists image promotions', () => {
  const head = loadImageLock(FIXTURE_LOCK);
  it('from the base lock (any format that has tag and digest) to the head lock, production first', () => {
    const base = 'environments:\n  prod:\n    gateway: { tag: "1.4.1", digest: "sha256:' + 'c'.repeat(64) + '" }\n';
    const promotions = imagePromotions(base, head);
    const gateway = promotions.find((p) => p.env === 'prod' && p.image === 'gateway')!;
    assert.deepEqual(gateway.before, { tag: '1.4.1', digest: `sha256:${'c'.repeat(64)}` });
    assert.equal(gateway.after?.from, 'dev');
    assert.equal(promotions.length, 2 * IMAGE_NAMES.length, 'every image newly locked in dev and in prod (one of them changed)');
    const review = { base: { ref: 'main', commit: 'a'.repeat(40) }, head: { commit: 'b'.repeat(40), dirty: false }, environments: [{ name: 'dev', tier: 'non-production' }, { name: 'prod', tier: 'production' }], stacks: [], resources: [], tenants: [], risks: [], findings: [], images: promotions, skipped: [] } as Review;
    const md = renderMarkdown(review);
    assert.match(md, /### Image promotions\n\n\| environment \| image \| runs now \| runs after merge \| from, since \|/);
    assert.match(md, /\| prod \| gateway \| `1\.4\.1` `sha256:cccccccccccc…` \| `1\.4\.2` `sha256:7c27512b7c3e…` \| dev, 2026-11-23T09:00:00Z \|/);
    assert.ok(md.indexOf('| prod | gateway') < md.indexOf('| dev | gateway'), 'production first');
  });

  it('no change, no section (negative control)', () => {
    assert.deepEqual(imagePromotions(readFileSync(FIXTURE_LOCK, 'utf8'), head), []);
    const review = { base: { ref: 'main', commit: 'a'.repeat(40) }, head: { commit: 'b'.repeat(40), dirty: false }, environments: [], stacks: [], resources: [], tenants: [], risks: [], findings: [], images: [], skipped: [] } as Review;
    assert.doesNotMatch(renderMarkdown(review), /Image promotions/);
  });
});
