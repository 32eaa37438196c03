/**
 * Bad add-on configuration fails before anything is synthesized, naming the add-on, the place
 * in the environment file and the fix: a chart version range, an unknown values key, an add-on
 * whose dependency is disabled. Good overrides reach the Helm release.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../../config/load';
import { ValidationError, type Problem } from '../../config/yaml-validate';
import { AddonConfigError, AddonRelease, chartVersion, mergeValues } from '../../constructs/addons/release';
import { Testing, TerraformStack } from 'cdktf';
import { synthesize } from '../../cli/lib/synth';

const devYaml = readFileSync(join(ENVIRONMENTS_DIR, 'dev.yaml'), 'utf8');
const prodYaml = readFileSync(join(ENVIRONMENTS_DIR, 'prod.yaml'), 'utf8');

function writeEnvs(dev: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'envs-'));
  writeFileSync(join(dir, 'dev.yaml'), dev);
  writeFileSync(join(dir, 'prod.yaml'), prodYaml);
  return dir;
}

function problems(dev: string): Problem[] {
  try {
    loadEnvironments(['dev'], writeEnvs(dev));
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems;
  }
  return [];
}

const withAddons = (yaml: string) => devYaml.replace('  gatekeeper:\n    failurePolicy: Fail\n', `  gatekeeper:\n    failurePolicy: Fail\n${yaml}`);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('add-on configuration', () => {
  it('a chart version range is refused at its line, naming the add-on and what to write instead', () => {
    const text = withAddons('  keda:\n    version: "^2.18.0"\n');
    const [p] = problems(text);
    assert.equal(p.path, 'addons.keda.version');
    assert.equal(p.line, lineOf(text, '^2.18.0'));
    assert.match(p.message, /exact chart version such as 9\.1\.0, not a range/);
  });

  for (const bad of ['2.x', '>=2.18.0', 'latest', '~2.18', '2.18']) {
    it(`"${bad}" is not an exact version`, () => {
      assert.equal(problems(withAddons(`  keda:\n    version: "${bad}"\n`))[0]?.path, 'addons.keda.version');
    });
  }

  it('an unknown values key is refused with the key path and a suggestion', () => {
    const text = withAddons('  keda:\n    values:\n      operator:\n        replicaCont: 3\n');
    const [p] = problems(text);
    assert.equal(p.path, 'addons.keda.values.operator.replicaCont');
    assert.equal(p.line, lineOf(text, 'replicaCont'));
    assert.match(p.message, /unknown key "replicaCont"/);
    assert.match(p.hint!, /replicaCount/);
  });

  it('an add-on whose dependency is disabled names both and the two ways out', () => {
    const text = withAddons('  externalSecrets:\n    enabled: false\n');
    const found = problems(text);
    // Every dependent is reported at once, each with its own reason.
    assert.deepEqual(found.map((p) => p.path).sort(), ['addons.argocd.enabled', 'addons.kubePrometheusStack.enabled', 'addons.temporal.enabled']);
    assert.match(found.find((p) => p.path === 'addons.kubePrometheusStack.enabled')!.message, /Alertmanager's receiver keys/);
    assert.match(found[0].message, /add-on argocd needs externalSecrets .*Key Vault.*; enable addons\.externalSecrets or set addons\.argocd\.enabled: false/);
  });

  it('Temporal needs password logins on PostgreSQL: without data.postgres.passwordLogin it is refused at the add-on, with both ways out', () => {
    const entraOnly = devYaml.replace(/    passwordLogin:\n      reason: .*\n/, '');
    assert.notEqual(entraOnly, devYaml, 'the fixture had a passwordLogin block to remove');
    const found = problems(entraOnly);
    assert.deepEqual(found.map((p) => p.path), ['addons.temporal.enabled']);
    assert.match(found[0].message, /set data\.postgres\.passwordLogin with a reason, or addons\.temporal\.enabled: false/);
    assert.ok(found[0].line >= 1 && found[0].column >= 1);
    // Negative control: with Temporal off, the Entra-only server is fine.
    assert.deepEqual(problems(entraOnly.replace('addons:\n', 'addons:\n  temporal:\n    enabled: false\n')), []);
  });

  it('the device plugin needs the GPU pool', () => {
    const text = devYaml.replace(/    gpu:\n      vmSize/, '    gpu:\n      enabled: false\n      vmSize').replace('gpu: 2, pods', 'gpu: 0, pods');
    const found = problems(text);
    assert.deepEqual(found.map((p) => p.path), ['addons.nvidiaDevicePlugin.enabled']);
    assert.match(found[0].message, /enable aks\.nodePools\.gpu or set addons\.nvidiaDevicePlugin\.enabled: false/);
  });

  it('synth fails with the positioned message and writes nothing', () => {
    const dir = writeEnvs(withAddons('  keda:\n    version: "2.*"\n'));
    const out = join(mkdtempSync(join(tmpdir(), 'out-')), 'cdktf.out');
    assert.throws(
      () => synthesize({ environmentsDir: dir, outdir: out, localBackend: true }),
      (err: Error) => err instanceof ValidationError && /dev\.yaml:\d+:\d+ addons\.keda\.version/.test(err.message),
    );
    assert.equal(existsSync(out), false);
  });

  it('valid overrides reach the release: another exact version, merged values', () => {
    const [env] = loadEnvironments(['dev'], writeEnvs(withAddons('  keda:\n    version: 2.17.2\n    values:\n      operator:\n        replicaCount: 3\n')));
    assert.equal(env.addons.keda.version, '2.17.2');
    const stack = new TerraformStack(Testing.app(), 'test');
    const release = new AddonRelease(stack, 'keda', { addon: 'keda', values: { operator: { replicaCount: 1 }, metricsServer: { replicaCount: 1 } }, override: env.addons.keda });
    const [json] = Object.values<any>(JSON.parse(Testing.synth(stack)).resource.helm_release);
    assert.equal(json.version, '2.17.2');
    assert.deepEqual(parse(json.values[0]), { metricsServer: { replicaCount: 1 }, operator: { replicaCount: 3 } });
    assert.deepEqual(release.values, { operator: { replicaCount: 3 }, metricsServer: { replicaCount: 1 } });
  });

  it('values the platform sets in code are checked too: an unknown key names the add-on, the key and the fix', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    assert.throws(
      () => new AddonRelease(stack, 'keda', { addon: 'keda', values: { operatr: {} } }),
      (err: Error) => err instanceof AddonConfigError && /add-on keda: values for chart keda/.test(err.message) && /operatr/.test(err.message) && /catalog\/chart-values/.test(err.message),
    );
    assert.throws(() => chartVersion('keda', '2.x'), /add-on keda: chart version "2.x" is not exact/);
  });

  it('merging: objects merge by key, lists and scalars are replaced', () => {
    assert.deepEqual(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: 2 }), { a: { b: 1, c: [3] }, d: 2 });
  });
});
