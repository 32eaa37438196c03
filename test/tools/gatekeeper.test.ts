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
import { parseQuantity } from '../../config/quantity';
import { PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { POD_KINDS, POLICIES } from '../../charts/policies/catalog';
import { DEPRECATED_APIS } from '../../charts/policies/deprecated-apis';
import { gatekeeperConfig, isPolicyObject } from '../../charts/policies/objects';
import { asKind, referencePod } from '../../charts/policies/samples';
import { environmentPolicyApp, environmentPolicyObjects, GATEKEEPER_DIR, stalePolicyFiles, toYaml } from '../../cli/lib/gatekeeper';
import { renderEnvironments, staleRendered } from '../../cli/lib/render';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { seededRandom } from '../helpers/random';
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

  it('every pod rule decides UPDATEs through lib/workload.rego and its suite proves it for every kind', () => {
    const podRules = POLICIES.filter((d) => d.podCases);
    assert.ok(podRules.length >= 12, `${podRules.length} pod rules`);
    for (const def of podRules) {
      const rego = readFileSync(join(GATEKEEPER_DIR, def.dir, 'src.rego'), 'utf8');
      const rules = rego.split(/^violation contains/m).slice(1);
      for (const rule of rules) assert.match(rule, /^\s*workload\.judged$/m, `${def.dir}: a violation rule does not check workload.judged`);
      const suite = readFileSync(join(GATEKEEPER_DIR, def.dir, 'suite.yaml'), 'utf8');
      for (const kind of def.podKinds ?? POD_KINDS) {
        assert.match(suite, new RegExp(`name: ${kind.toLowerCase()}-update-keeps-`), `${def.dir}: ${kind} unchanged UPDATE`);
        assert.match(suite, new RegExp(`name: ${kind.toLowerCase()}-update-to-[\\s\\S]*?violations: yes`), `${def.dir}: ${kind} UPDATE to a bad spec`);
      }
    }
  });

  it('the Gatekeeper Config syncs every kind a referential template reads (gator sync test), and a Config without one fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gator-sync-'));
    const templates = environmentPolicyObjects(inputs.allEnvironments[0]).filter((o) => o.kind === 'ConstraintTemplate');
    const sync = (config: Record<string, unknown>) => {
      const file = join(dir, 'all.yaml');
      writeFileSync(file, toYaml([config, ...templates]));
      return runTool('gator', ['sync', 'test', '--force-omit-gvk-manifest', '--filename', file]);
    };
    const config = gatekeeperConfig(POLICIES) as any;
    assert.deepEqual(config.spec.sync.syncOnly.map((k: any) => k.kind), ['Namespace', 'Ingress', 'HTTPRoute']);
    assert.deepEqual(config.metadata, { name: 'config', namespace: 'gatekeeper-system', annotations: { 'argocd.argoproj.io/sync-wave': '-10' } });
    const ok = sync(config);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const withoutRoutes = { ...config, spec: { sync: { syncOnly: config.spec.sync.syncOnly.filter((k: any) => k.kind !== 'HTTPRoute') } } };
    const missing = sync(withoutRoutes);
    assert.notEqual(missing.status, 0, 'a Config without HTTPRoute must fail');
    assert.match(missing.stdout + missing.stderr, /platformingresshost[\s\S]*HTTPRoute/);
    for (const env of inputs.allEnvironments) {
      const configs = environmentPolicyApp(env).filter((o) => o.kind === 'Config');
      assert.equal(configs.length, 1, `${env.name}: exactly one Gatekeeper Config`);
    }
  });

  it('lib/quantity.rego parses quantities as config/quantity.ts does, and refuses what is not one', () => {
    const random = seededRandom(4711);
    const suffixes = ['', 'm', 'k', 'M', 'G', 'T', 'Ki', 'Mi', 'Gi', 'Ti'];
    const digits = () => String(random(5000));
    const valid = Array.from({ length: 300 }, (_, i) => `${digits()}${i % 3 === 0 ? `.${random(1000)}` : ''}${suffixes[random(suffixes.length)]}`);
    const invalid = ['1K', '1Gb', '256MB', 'ten', '', '1.2.3', 'Gi', '0x10', '1 Gi', '--1'];
    const file = join(mkdtempSync(join(tmpdir(), 'quantity-')), 'input.json');
    writeFileSync(file, JSON.stringify([...valid, ...invalid]));
    const res = runTool('opa', ['eval', '--format', 'json', '--data', join(GATEKEEPER_DIR, 'lib/quantity.rego'), '--input', file, '{q: n | some q in input; n := data.lib.quantity.parse(q)}']);
    assert.equal(res.status, 0, res.stderr);
    const parsed = JSON.parse(res.stdout).result[0].expressions[0].value as Record<string, number>;
    for (const q of valid) {
      const expected = parseQuantity(q)!;
      assert.ok(q in parsed, `${q} did not parse`);
      assert.ok(Math.abs(parsed[q] - expected) <= Math.abs(expected) * 1e-12, `${q}: rego ${parsed[q]}, ts ${expected}`);
    }
    for (const q of invalid) {
      assert.equal(parseQuantity(q), undefined, `ts parsed ${q}`);
      assert.ok(!(q in parsed), `rego parsed ${q}`);
    }
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

    it('parameters come from the environment and the namespace catalogue', () => {
      const params = (name: string) => constraints.find((c) => c.metadata.name === name)!.spec.parameters;
      assert.equal(params('deprecated-apis').kubernetesVersion, env.aks.kubernetesVersion);
      assert.deepEqual(params('deprecated-apis').apis, DEPRECATED_APIS);
      assert.deepEqual(
        params('container-limits').namespaces.map((n: any) => n.namespace),
        PLATFORM_NAMESPACES.map((n) => n.name),
      );
      const tokenNamespaces = params('service-account-token').allowedNamespaces.map((n: any) => n.namespace);
      assert.deepEqual(tokenNamespaces, PLATFORM_NAMESPACES.filter((n) => n.serviceAccountToken).map((n) => n.name));
      for (const t of inputs.tenants) assert.ok(!tokenNamespaces.includes(t.metadata.name), `tenant ${t.metadata.name} may mount tokens`);
      for (const ns of ['platform', 'serving']) assert.ok(!tokenNamespaces.includes(ns), `the platform's own workloads in ${ns} never call the API`);
    });

    it('templates apply before constraints (sync waves)', () => {
      const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
      assert.ok(Math.max(...templates.map(wave)) < Math.min(...constraints.map(wave)));
    });

    it('conformance: nothing the platform renders or synthesizes violates its own constraints', () => {
      const rendered = [...renderEnvironments([env], inputs)]
        .filter(([file]) => !file.includes('gatekeeper-policies'))
        .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()))
        .filter((o) => !isPolicyObject(o));
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
