/**
 * The service image pipeline (pipelines/service-image/, .github/workflows/service-image.yml,
 * azure-pipelines/templates/service-image.yml): both callers run the same steps in the same
 * order; the steps script, run in dry-run mode against a fixture image reference, addresses the
 * image by digest, signs with a Key Vault key and no key file, verifies before it promotes, and
 * promotes through the platform CLI with flags the CLI accepts; the vulnerability gate decides
 * on CVSS per environment with an expiring allow-list, and fails when it cannot decide.
 * actionlint covers the workflow (pipelines.test.ts runs it on every workflow).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadImageLock } from '../../config/image-lock';
import { runCli } from '../helpers/cli';
import { ROOT } from '../helpers/tools';

const DIR = join(ROOT, 'pipelines/service-image');
const FIX = join(ROOT, 'test/fixtures/service-image');
const DIGEST = `sha256:${'e'.repeat(64)}`;
const BASE_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  DRY_RUN: '1',
  DRY_RUN_DIGEST: DIGEST,
  ACR_NAME: 'acrplatformdev',
  REPOSITORY: 'agents/gateway',
  TAG: '1.4.2',
  DIGEST,
  SERVICE: 'gateway',
  ENVIRONMENT: 'dev',
  SIGNING_KEY_ID: `https://kv-platform-dev.vault.azure.net/keys/image-signing/${'0'.repeat(32)}`,
  KEY_VAULT: 'kv-platform-dev',
  SIGNING_CERT_NAME: 'image-signing',
  PLATFORM_REPO_DIR: '/work/platform',
  PLATFORM_REPO: 'example-org/platform',
  PR_TOOL: 'github',
};

function step(name: string, env: Record<string, string> = {}): { status: number | null; out: string; err: string; commands: string[] } {
  const res = spawnSync('bash', [join(DIR, 'steps.sh'), name], { env: { ...BASE_ENV, ...env }, encoding: 'utf8' });
  return { status: res.status, out: res.stdout, err: res.stderr, commands: res.stdout.split('\n').filter((l) => l.startsWith('+ ')).map((l) => l.slice(2)) };
}

const IMAGE = `acrplatformdev.azurecr.io/agents/gateway@${DIGEST}`;

describe('service image steps (dry run against a fixture image reference)', () => {
  it('build: registry login through the federated Azure login, a versioned tag, pushed with provenance; the digest is the output', () => {
    const r = step('build');
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(r.commands[0], 'az acr login --name acrplatformdev');
    assert.match(r.commands[1], /^docker buildx build --provenance=mode=max .*--push .*--tag acrplatformdev\.azurecr\.io\/agents\/gateway:1\.4\.2 /);
    assert.match(r.out, new RegExp(`^digest=${DIGEST}$`, 'm'));
  });

  it('sbom, scan, sign, attach address the image by digest only', () => {
    const all = ['sbom', 'scan', 'sign', 'attach'].flatMap((s) => {
      const r = step(s);
      assert.equal(r.status, 0, `${s}: ${r.err}`);
      return r.commands;
    });
    const refs = all.flatMap((c) => c.match(/acrplatformdev\.azurecr\.io\/\S+/g) ?? []);
    assert.ok(refs.length >= 5);
    for (const ref of refs) assert.equal(ref, IMAGE);
  });

  it('SBOM in SPDX and CycloneDX; the gate, not the scanner, decides, with the environment threshold', () => {
    assert.match(step('sbom').commands[0], /^syft scan registry:\S+ -o spdx-json=sbom\.spdx\.json -o cyclonedx-json=sbom\.cdx\.json$/);
    const scan = step('scan', { ENVIRONMENT: 'prod', ALLOWLIST: '.vulnerability-allowlist.json' }).commands;
    assert.match(scan[0], /^trivy sbom --format json --output scan\.json /);
    assert.match(scan[1], /scan-gate\.mjs --report scan\.json --env prod --policy \S+scan-policy\.json --allow \.vulnerability-allowlist\.json --image /);
  });

  it('signs with the Key Vault key through the Azure CLI login: no key file, no password', () => {
    const [sign] = step('sign').commands;
    assert.match(sign, /^notation sign --signature-format cose --id https:\/\/kv-platform-dev\.vault\.azure\.net\/keys\/image-signing\/0{32} --plugin azure-kv --plugin-config credential_type=azurecli /);
    assert.doesNotMatch(sign, /--key\b|\.pem|\.key\b|password/);
  });

  it('attaches SBOMs and the scan as referrers of the digest', () => {
    const types = step('attach').commands.map((c) => /--artifact-type (\S+)/.exec(c)?.[1]);
    assert.deepEqual(types, ['application/spdx+json', 'application/vnd.cyclonedx+json', 'application/vnd.aquasec.trivy.report+json']);
  });

  it('promote verifies the signature against the Key Vault certificate first, then locks through the platform CLI and opens a pull request', () => {
    const r = step('promote');
    assert.equal(r.status, 0, r.err);
    const at = (re: RegExp) => r.commands.findIndex((c) => re.test(c));
    assert.ok(at(/^notation verify /) >= 0 && at(/^notation verify /) < at(/platform images lock/), 'verify before lock');
    assert.ok(at(/^notation policy import --force \S+trust-policy\.json$/) < at(/^notation verify /));
    assert.ok(at(/platform images lock/) < at(/^gh pr create /));
    const azure = step('promote', { PR_TOOL: 'azure' });
    assert.ok(azure.commands.some((c) => /^az repos pr create --repository example-org\/platform --source-branch promote\/gateway-dev-eeeeeeeeeeee /.test(c)));
  });

  it('the lock command it prints is one the platform CLI accepts and performs', async () => {
    const cmd = step('promote').commands.find((c) => c.includes('platform images lock'))!;
    const args = cmd.replace(/^npx --prefix \S+ platform /, '').split(' ');
    const lock = join(mkdtempSync(join(tmpdir(), 'promote-')), 'lock.yaml');
    copyFileSync(join(ROOT, 'config/workloads-images.lock.yaml'), lock);
    const at = args.indexOf('--lock');
    args[at + 1] = lock;
    const r = await runCli([...args, '--at', '2026-11-30T10:00:00Z', '--quiet']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(loadImageLock(lock).environments.dev.gateway?.digest, DIGEST);
  });

  const refusals: [string, Record<string, string>, string, RegExp][] = [
    ['no digest', { DIGEST: '' }, 'sign', /DIGEST is not set/],
    ['a malformed digest', { DIGEST: 'sha256:1234' }, 'attach', /DIGEST must be sha256:<64 hex digits>/],
    ['the tag latest', { TAG: 'latest' }, 'build', /TAG must be a version/],
    ['a signing key that is not a versioned Key Vault key', { SIGNING_KEY_ID: 'file:///home/runner/key.pem' }, 'sign', /SIGNING_KEY_ID must be a versioned Key Vault key id/],
    ['an unknown pull request tool', { PR_TOOL: 'email' }, 'promote', /PR_TOOL must be github or azure/],
  ];
  for (const [what, env, name, message] of refusals) {
    it(`refuses ${what} before running anything`, () => {
      const r = step(name, env);
      assert.notEqual(r.status, 0);
      assert.match(r.err, message);
      if (name !== 'promote') assert.deepEqual(r.commands, []);
    });
  }
});

function gate(args: string[]): { status: number | null; out: string; err: string } {
  const res = spawnSync(process.execPath, [join(DIR, 'scan-gate.mjs'), '--policy', join(DIR, 'scan-policy.json'), '--today', '2026-11-30', ...args], { encoding: 'utf8' });
  return { status: res.status, out: res.stdout, err: res.stderr };
}
const REPORT = join(FIX, 'trivy-report.json');
const ALLOW = join(FIX, 'allowlist.json');

describe('vulnerability gate', () => {
  it('dev (CVSS 9.0) blocks only the critical finding; prod (7.0) also the high one', () => {
    const dev = gate(['--report', REPORT, '--env', 'dev']);
    assert.equal(dev.status, 1);
    assert.deepEqual(dev.out.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' ')), ['BLOCKING CVE-2026-10003']);
    const prod = gate(['--report', REPORT, '--env', 'prod']);
    assert.deepEqual(prod.out.trim().split('\n').map((l) => l.split(' ')[1]).sort(), ['CVE-2026-10001', 'CVE-2026-10003']);
  });

  it('an allow-list entry lets its finding through for its image only, and says until when', () => {
    const ok = gate(['--report', REPORT, '--env', 'dev', '--allow', ALLOW, '--image', IMAGE]);
    assert.equal(ok.status, 0, ok.out + ok.err);
    assert.match(ok.out, /^allowed {2}CVE-2026-10003 9\.8 libssl3@3\.0\.15-1 \(until 2026-12-31: /m);
    const other = gate(['--report', REPORT, '--env', 'dev', '--allow', ALLOW, '--image', `acrplatformdev.azurecr.io/agents/orchestrator@${DIGEST}`]);
    assert.equal(other.status, 1, 'scoped to agents/gateway');
  });

  it('an expired, overlong or unexplained entry fails the gate, located', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'allow-')), 'allow.json');
    const list = JSON.parse(readFileSync(ALLOW, 'utf8'));
    list.entries.push({ id: 'CVE-2026-10001', expires: '2026-11-01', reason: 'fixed upstream soon, accepted for now' }, { id: 'CVE-2026-10002', expires: '2027-12-31', reason: 'short' }, { id: 'not-a-cve', expires: '2026-12-01', reason: 'a reason that is long enough to count' });
    writeFileSync(file, JSON.stringify(list, null, 2));
    const r = gate(['--report', REPORT, '--env', 'dev', '--allow', file]);
    assert.equal(r.status, 1);
    const lines = r.out.trim().split('\n');
    assert.ok(lines.some((l) => /allow\.json:\d+:\d+ entries\.1\.expires: expired on 2026-11-01/.test(l)), r.out);
    assert.ok(lines.some((l) => /allow\.json:\d+:\d+ entries\.2\.expires: 2027-12-31 is more than 90 days ahead/.test(l)), r.out);
    assert.ok(lines.some((l) => /allow\.json:\d+:\d+ entries\.2\.reason: say why/.test(l)), r.out);
    assert.ok(lines.some((l) => /allow\.json:\d+:\d+ entries\.3\.id: expected a CVE or GHSA id/.test(l)), r.out);
    // The line of entries.1.expires is the line that holds it.
    const [, line] = /allow\.json:(\d+):\d+ entries\.1\.expires/.exec(r.out)!;
    assert.match(readFileSync(file, 'utf8').split('\n')[Number(line) - 1], /"expires": "2026-11-01"/);
  });

  it('a malformed allow-list is located; a missing or foreign report fails instead of passing on nothing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'allow-')), 'allow.json');
    writeFileSync(file, '{\n  "entries": [\n    { "id": "CVE-2026-1" ,, }\n  ]\n}\n');
    const bad = gate(['--report', REPORT, '--env', 'dev', '--allow', file]);
    assert.equal(bad.status, 1);
    assert.match(bad.out, /allow\.json:3:27 expected a property name/);
    assert.equal(gate(['--report', join(FIX, 'missing.json'), '--env', 'dev']).status, 1);
    const foreign = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.json');
    writeFileSync(foreign, '{"matches": []}');
    const r = gate(['--report', foreign, '--env', 'dev']);
    assert.equal(r.status, 1);
    assert.match(r.err, /not a Trivy JSON report/);
    assert.equal(gate(['--report', REPORT, '--env', 'staging']).status, 1, 'no threshold for the environment');
  });

  it('a finding without a score or known severity blocks (cannot be ranked); a clean report passes', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'report-')), 'r.json');
    writeFileSync(file, JSON.stringify({ Results: [{ Target: 't', Vulnerabilities: [{ VulnerabilityID: 'CVE-2026-2', PkgName: 'p', InstalledVersion: '1', Severity: 'UNKNOWN' }] }] }));
    assert.equal(gate(['--report', file, '--env', 'dev']).status, 1);
    writeFileSync(file, JSON.stringify({ Results: [{ Target: 't' }] }));
    assert.equal(gate(['--report', file, '--env', 'prod']).status, 0);
  });
});

describe('both callers run the same steps in the same order', () => {
  const order = (text: string) => [...text.matchAll(/"\$STEPS" (\w+)/g)].map((m) => m[1]);
  it('GitHub reusable workflow and Azure Pipelines template', () => {
    const gh = readFileSync(join(ROOT, '.github/workflows/service-image.yml'), 'utf8');
    const ado = readFileSync(join(ROOT, 'azure-pipelines/templates/service-image.yml'), 'utf8');
    const expected = ['build', 'sbom', 'scan', 'sign', 'attach', 'promote'];
    assert.deepEqual(order(gh), expected);
    assert.deepEqual(order(ado), expected);
    const wf = parse(gh);
    assert.ok(wf.on.workflow_call, 'a reusable workflow');
    assert.equal(wf.permissions['id-token'], 'write', 'federated login');
    const names = wf.jobs.image.steps.map((s: any) => s.name ?? s.uses);
    assert.ok(names.indexOf('Unit tests') < names.indexOf('Build and push') && names.indexOf('Lint the Dockerfile') < names.indexOf('Build and push'));
    assert.match(parse(ado).stages[0].jobs[0].steps.find((s: any) => s.displayName?.startsWith('Build'))?.inputs.azureSubscription, /parameters\.serviceConnection/);
  });
});
