import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS_DIR, listEnvironments, loadEnvironment, loadEnvironments } from '../../config/load';
import { ValidationError, type Problem } from '../../config/yaml-validate';

const devYaml = readFileSync(join(ENVIRONMENTS_DIR, 'dev.yaml'), 'utf8');

/** Writes `files` into a fresh folder and returns the problems loading them reports. */
function problems(files: Record<string, string>, names: string[] = []): Problem[] {
  const dir = mkdtempSync(join(tmpdir(), 'envs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  try {
    loadEnvironments(names, dir);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.problems;
  }
  return [];
}

function edit(from: string | RegExp, to: string): string {
  const out = devYaml.replace(from, to);
  assert.notEqual(out, devYaml, `edit did not apply: ${from}`);
  return out;
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('environment files', () => {
  it('the shipped dev and prod files are valid and fully defaulted', () => {
    assert.deepEqual(listEnvironments(), ['dev', 'prod']);
    const prod = loadEnvironment('prod');
    assert.equal(prod.aks.privateCluster, true);
    assert.equal(prod.publicNetworkAccess, false);
    assert.equal(prod.aks.nodePools.gpu.minCount, 0);
    assert.equal(prod.aks.nodePools.system.osDiskType, 'Ephemeral');
  });

  it('the valid copy used by these tests has no problems', () => {
    assert.deepEqual(problems({ 'dev.yaml': devYaml }), []);
  });

  it('an unknown key names the file, line, column and key path, and suggests the right key', () => {
    const text = edit('  privateCluster: false', '  privateClustr: false');
    const p = problems({ 'dev.yaml': text }).find((x) => x.path === 'aks.privateClustr')!;
    assert.match(p.file, /dev\.yaml$/);
    assert.equal(p.line, lineOf(text, 'privateClustr'));
    assert.equal(p.column, 3);
    assert.equal(p.path, 'aks.privateClustr');
    assert.match(p.message, /unknown key "privateClustr"/);
    assert.match(p.hint!, /did you mean "privateCluster"/);
  });

  it('a wrong type says what was expected and what was found', () => {
    const text = edit(/maxCount: 6\n/, 'maxCount: six\n');
    const [p] = problems({ 'dev.yaml': text });
    assert.equal(p.path, 'aks.nodePools.workload.maxCount');
    assert.equal(p.line, lineOf(text, 'maxCount: six'));
    assert.equal(p.message, 'expected number, got string "six"');
  });

  it('a bad enum value lists the allowed values', () => {
    const [p] = problems({ 'dev.yaml': edit('dayOfWeek: Tuesday', 'dayOfWeek: Tuesdy') });
    assert.equal(p.path, 'aks.upgrade.maintenanceWindow.dayOfWeek');
    assert.match(p.message, /expected one of "Monday", .*"Sunday", got string "Tuesdy"/);
  });

  it('an unquoted Kubernetes version is caught with a hint', () => {
    const [p] = problems({ 'dev.yaml': edit('kubernetesVersion: "1.35"', 'kubernetesVersion: 1.30') });
    assert.equal(p.path, 'aks.kubernetesVersion');
    assert.match(p.message, /expected string, got number 1\.3/);
    assert.match(p.hint!, /quote it/);
  });

  it('a missing required key is reported at its parent', () => {
    const [p] = problems({ 'dev.yaml': edit(/\ndns:\n  zoneName: dev.ai.example.org\n/, '\n') });
    assert.equal(p.path, 'dns');
    assert.match(p.message, /missing required key/);
  });

  it('address plan errors: subnet outside the VNet, overlapping subnets, pod CIDR inside the VNet', () => {
    const text = edit('nodes: 10.40.0.0/20', 'nodes: 10.41.0.0/20')
      .replace('privateEndpoints: 10.40.24.0/21', 'privateEndpoints: 10.40.16.0/24')
      .replace('  adminGroupObjectIds:', '  podCidr: 10.40.128.0/17\n  adminGroupObjectIds:');
    const found = problems({ 'dev.yaml': text }).map((p) => `${p.path}: ${p.message}`);
    assert.ok(found.includes('network.subnets.nodes: subnet 10.41.0.0/20 must lie inside network.addressSpace 10.40.0.0/16'), found.join('\n'));
    assert.ok(found.some((f) => f.startsWith('network.subnets.privateEndpoints: subnet 10.40.16.0/24 overlaps subnets.apiServer')), found.join('\n'));
    assert.ok(found.includes('aks.podCidr: 10.40.128.0/17 overlaps network.addressSpace 10.40.0.0/16'), found.join('\n'));
  });

  it('a public API server without authorized IP ranges is refused', () => {
    const text = edit(/  authorizedIpRanges:\n    - 203\.0\.113\.0\/24.*\n/, '');
    const [p] = problems({ 'dev.yaml': text });
    assert.equal(p.path, 'aks.authorizedIpRanges');
    assert.match(p.message, /public API server must be limited/);
  });

  it('GPU limits that the pool cannot hold are refused', () => {
    const [p] = problems({ 'dev.yaml': edit('maxGpus: 2', 'maxGpus: 3') });
    assert.equal(p.path, 'aks.nodePools.gpu.maxGpus');
  });

  it('the name must match the file name', () => {
    const [p] = problems({ 'qa.yaml': devYaml });
    assert.match(p.file, /qa\.yaml$/);
    assert.equal(p.path, 'name');
    assert.match(p.message, /name is "dev" but the file is qa\.yaml/);
  });

  it('problems of every file are reported together', () => {
    const found = problems({ 'dev.yaml': edit('project: aip', 'project: AIP'), 'prod.yaml': 'name: prod\n' });
    assert.ok(found.some((p) => p.file.endsWith('dev.yaml') && p.path === 'project'));
    assert.ok(found.filter((p) => p.file.endsWith('prod.yaml')).length >= 5);
  });

  it('a missing environment names the known ones and how to add one', () => {
    const [p] = problems({ 'dev.yaml': devYaml }, ['staging']);
    assert.match(p.message, /no environment file for "staging"/);
    assert.match(p.hint!, /known environments: dev/);
  });

  it('YAML syntax errors and duplicate keys point at the line', () => {
    const [p] = problems({ 'dev.yaml': devYaml.replace('location: westeurope', 'location: westeurope\nlocation: northeurope') });
    assert.match(p.message, /^YAML: /);
    assert.equal(p.line, lineOf(devYaml, 'location: westeurope') + 1);
  });

  it('no environment files at all is an error, not an empty synth', () => {
    const [p] = problems({});
    assert.match(p.message, /no environment files found/);
  });
});
