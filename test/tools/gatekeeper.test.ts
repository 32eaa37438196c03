/**
 * The Gatekeeper library with the real engines: `gator verify` over every suite, `opa test` over
 * the Rego, and conformance: `gator test` with each environment's templates and constraints
 * over everything the platform renders and every Kubernetes object in its cdktf stacks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { loadInputs } from '../../config/inputs';
import { POLICIES } from '../../charts/policies/catalog';
import { asKind, referencePod } from '../../charts/policies/samples';
import { environmentPolicyObjects, GATEKEEPER_DIR, stalePolicyFiles, toYaml } from '../../cli/lib/gatekeeper';
import { renderEnvironments, staleRendered } from '../../cli/lib/render';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { runTool } from '../helpers/tools';
import { synthApp } from '../helpers/synth';

const inputs = loadInputs();
const app = synthApp();

function regoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? regoFiles(join(dir, e.name)) : e.name.endsWith('.rego') ? [join(dir, e.name)] : []));
}

interface GatorResult {
  constraint: { kind: string; metadata: { name: string } };
  msg: string;
  enforcementAction: string;
  violatingObject: { kind: string; metadata: { name: string; namespace?: string } };
}

function gatorTest(objects: Record<string, unknown>[]): GatorResult[] {
  const file = join(mkdtempSync(join(tmpdir(), 'gator-')), 'all.yaml');
  writeFileSync(file, toYaml(objects));
  const res = runTool('gator', ['test', '--filename', file, '--output', 'json']);
  assert.ok(res.stdout.trim() || res.status === 0, `gator test failed without output: ${res.stderr}`);
  return (res.stdout.trim() ? (JSON.parse(res.stdout) as GatorResult[] | null) : null) ?? [];
}

describe('gatekeeper: policy library', () => {
  it('generated templates, constraints and suites are current (npx platform policies generate)', () => {
    assert.deepEqual(stalePolicyFiles(), []);
  });

  it('gator verify passes every suite, and every policy has one', () => {
    const res = runTool('gator', ['verify', `${GATEKEEPER_DIR}/...`]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    for (const def of POLICIES) assert.match(res.stdout, new RegExp(`^ok\\s+\\S*${def.dir}/suite.yaml`, 'm'), def.dir);
  });

  it('where a rule also has a CEL variant, the Rego engine alone passes the same suite', () => {
    const withCel = POLICIES.filter((d) => readdirSync(join(GATEKEEPER_DIR, d.dir)).includes('src.cel'));
    assert.ok(withCel.length >= 2);
    const res = runTool('gator', ['verify', '--enable-k8s-native-validation=false', `${GATEKEEPER_DIR}/...`]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    for (const def of withCel) {
      const template = readFileSync(join(GATEKEEPER_DIR, def.dir, 'template.yaml'), 'utf8');
      assert.match(template, /engine: K8sNativeValidation[\s\S]*engine: Rego/, def.dir);
    }
  });

  it('every pod policy is tested against every pod kind it matches, allowed and denied', () => {
    for (const def of POLICIES.filter((d) => d.podCases)) {
      const suite = readFileSync(join(GATEKEEPER_DIR, def.dir, 'suite.yaml'), 'utf8');
      for (const kind of def.podKinds ?? ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']) {
        assert.match(suite, new RegExp(`name: ${kind.toLowerCase()}-allowed`), `${def.dir}: ${kind} allowed`);
        assert.match(suite, new RegExp(`name: ${kind.toLowerCase()}-(?!allowed)`), `${def.dir}: ${kind} denied`);
      }
    }
  });

  it('opa test passes for the Rego and its shared library, with strict compile checks', () => {
    const files = regoFiles(GATEKEEPER_DIR);
    const check = runTool('opa', ['check', '--strict', ...files]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const res = runTool('opa', ['test', '--format', 'json', ...files]);
    const results = JSON.parse(res.stdout) as { name: string; fail?: boolean; error?: unknown; location: { file: string } }[];
    assert.deepEqual(results.filter((r) => r.fail || r.error).map((r) => r.name), []);
    for (const def of POLICIES) assert.ok(results.some((r) => r.location.file.includes(`/${def.dir}/`)), `${def.dir} has no opa test`);
  });

  it('every exemption names its reason', () => {
    for (const def of POLICIES) for (const e of def.exemptions) assert.ok(e.reason.length > 20, `${def.dir}: ${e.namespace}`);
  });
});

for (const env of inputs.allEnvironments) {
  const objects = environmentPolicyObjects(env);
  const templates = objects.filter((o) => o.kind === 'ConstraintTemplate') as any[];
  const constraints = objects.filter((o) => o.kind !== 'ConstraintTemplate') as any[];

  describe(`gatekeeper: ${env.name} constraints`, () => {
    it(`enforcement is ${env.policies.enforcement} as configured`, () => {
      for (const c of constraints) assert.equal(c.spec.enforcementAction, env.policies.enforcement);
      if (env.name === 'prod') assert.equal(env.policies.enforcement, 'deny');
    });

    it('every constraint’s parameters match its template’s schema exactly', () => {
      const ajv = new Ajv({ strict: false, allErrors: true });
      const closed = (schema: any): any =>
        schema?.type === 'object' ? { ...schema, additionalProperties: false, properties: Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, closed(v)])) } : schema?.type === 'array' ? { ...schema, items: closed(schema.items) } : schema;
      for (const c of constraints) {
        const template = templates.find((t) => t.spec.crd.spec.names.kind === c.kind);
        assert.ok(template, `${c.kind} has no template`);
        const validate = ajv.compile(closed(template.spec.crd.spec.validation.openAPIV3Schema));
        assert.ok(validate(c.spec.parameters), `${c.kind}: ${ajv.errorsText(validate.errors)}`);
      }
    });

    it('templates apply before constraints (sync waves)', () => {
      const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
      assert.ok(Math.max(...templates.map(wave)) < Math.min(...constraints.map(wave)));
    });

    it('conformance: nothing the platform renders or synthesizes violates its own constraints', () => {
      const rendered = [...renderEnvironments([env], inputs)]
        .filter(([file]) => !file.includes('gatekeeper-policies'))
        .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()));
      const fromStacks = Object.values(app.stacks)
        .filter((s) => s.name.startsWith(`${env.name}-`))
        .flatMap((s) => stackManifests(s.json));
      assert.ok(fromStacks.some((o) => o.kind === 'Namespace'), 'the tenant namespaces are part of the check');
      const violations = gatorTest([...objects, ...rendered, ...fromStacks]);
      assert.deepEqual(violations.map((v) => `${v.constraint.metadata.name}: ${v.msg}`), []);
    });

    it('the conformance check catches a bad workload, naming constraint, object and fix', () => {
      const pod = referencePod();
      (pod.spec.containers[0] as any).image = 'docker.io/library/nginx:latest';
      const bad = { ...asKind('Deployment', pod, 'bad'), metadata: { name: 'bad', namespace: 'acme-search', labels: pod.labels } };
      const tenantNs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'acme-search', labels: { tenant: 'acme-search', 'cost-center': 'CC-4711', 'pod-security.kubernetes.io/enforce': 'restricted' } } };
      const violations = gatorTest([...objects, tenantNs, bad]);
      const names = [...new Set(violations.map((v) => v.constraint.metadata.name))].sort();
      assert.deepEqual(names, ['allowed-registries', 'image-tag']);
      for (const v of violations) {
        assert.equal(v.violatingObject.metadata.name, 'bad');
        assert.match(v.msg, /Deployment\/bad container "app".*fix: /);
      }
    });
  });
}

describe('rendered manifests', () => {
  it('rendered/ is current and a re-render is byte-identical (npx platform render)', () => {
    const first = renderEnvironments(inputs.allEnvironments, inputs);
    assert.deepEqual(staleRendered(first), []);
    assert.deepEqual([...renderEnvironments(inputs.allEnvironments, inputs)], [...first]);
  });
});
