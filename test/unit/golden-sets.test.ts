/**
 * Golden sets: the repository's sets load and cover what runs, bad sets are located errors and
 * render nothing, and the rendered gate (AnalysisTemplate, ConfigMap, policies) fits the upstream
 * Argo Rollouts CRDs, Pod Security restricted and the policies of the pods it calls.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { GOLDEN_SET_NAME, GOLDEN_SET_POD_LABELS, ROUTER_TARGET } from '../../catalog/golden-sets';
import { ANALYSIS_TEMPLATES, GOLDEN_SET_ARGS } from '../../catalog/rollouts';
import { workloadApps } from '../../charts/workloads/apps';
import { loadGoldenSets, type GoldenSet } from '../../config/golden-sets';
import { loadInputs } from '../../config/inputs';
import { ValidationError } from '../../config/yaml-validate';
import { chartCrds, schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { podSecurityViolations } from '../helpers/pod-security';

const FIXTURES = resolve(__dirname, '../fixtures/golden-sets');
const FIXTURE_LOCK = resolve(__dirname, '../fixtures/workloads/images.lock.yaml');
const inputs = loadInputs();
const env = (name: string) => inputs.allEnvironments.find((e) => e.name === name)!;
const sets = loadGoldenSets(inputs).map((l) => l.set);

type Obj = Record<string, any>;
function render(envName: string, files: Parameters<typeof workloadApps>[0] = {}): Record<string, Obj[]> {
  const out: Record<string, Obj[]> = {};
  for (const app of ['llm-router', 'llm-serving']) {
    const a = new App();
    workloadApps(files)[app](a, { env: env(envName), models: inputs.models, tenants: inputs.tenants });
    out[app] = parseAllDocuments(a.synthYaml()).map((d) => d.toJS()).filter(Boolean);
  }
  return out;
}
const rendered = { dev: render('dev'), prod: render('prod', { lockFile: FIXTURE_LOCK }) };
const find = (objs: Obj[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const matches = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('golden sets: the repository', () => {
  it('every set loads, and the router set asks every tenant for every model it is entitled to', () => {
    assert.deepEqual(sets.map((s) => s.name), ['llama', 'mistral', 'qwen-coder', 'router-tenants']);
    const router = sets.filter((s) => s.target === ROUTER_TARGET).flatMap((s) => s.cases.map((c) => `${c.tenant}/${c.model}`));
    const entitled = inputs.tenants.flatMap((t) => (t.spec.llm?.models ?? []).map((m) => `${t.metadata.name}/${m}`));
    assert.deepEqual(entitled.filter((e) => !router.includes(e)), []);
  });

  it('every model served in an environment has cases of its own, so its rollout is gated', () => {
    for (const [name, apps] of Object.entries(rendered)) {
      const served = apps['llm-serving'].filter((o) => o.kind === 'Deployment').map((d) => d.metadata.labels['platform.example.org/model']);
      assert.ok(served.length > 0, name);
      const cm = find(apps['llm-serving'], 'ConfigMap', GOLDEN_SET_NAME)!;
      const models = Object.entries(cm.data as Record<string, string>).filter(([k]) => k.endsWith('.json')).flatMap(([, v]) => (JSON.parse(v) as GoldenSet).cases.map((c) => c.model));
      for (const m of served) assert.ok(models.includes(m), `${name}: ${m} has no golden case`);
    }
  });
});

describe('golden sets: bad input is a located error, nothing renders', () => {
  it('unknown fields, a bad target, a duplicate id, unknown model and tenant, a tenant not entitled and a broken regex: all at once', () => {
    assert.throws(
      () => loadGoldenSets(inputs, `${FIXTURES}/bad`),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        const lines = err.problems.map((p) => `${p.file.replace(/^.*fixtures\//, '')}:${p.line}:${p.column} ${p.path}: ${p.message}`);
        assert.deepEqual(lines, [
          'golden-sets/bad/references.yaml:2:7 name: name "refs" does not match the file name references.yaml',
          'golden-sets/bad/references.yaml:9:12 cases.0.model: unknown model "gpt-5"',
          'golden-sets/bad/references.yaml:14:13 cases.1.tenant: unknown tenant "initech"',
          'golden-sets/bad/references.yaml:21:12 cases.2.model: tenant "contoso-docs" is not entitled to model "llama-3-1-70b-instruct" (its spec.llm.models: mistral-7b-instruct-v0-3, gpt-4o-mini-eu)',
          'golden-sets/bad/references.yaml:24:22 cases.2.expect.regex: not a regular expression: Invalid regular expression: /(unclosed/: Unterminated group',
          'golden-sets/bad/shapes.yaml:5:9 target: expected one of "llm-router", "serving", got string "canary"',
          'golden-sets/bad/shapes.yaml:20:37 cases.1.expect.maxLatency: unknown key "maxLatency"',
          'golden-sets/bad/shapes.yaml:17:5 cases.1.prompt: unknown key "prompt"',
          'golden-sets/bad/shapes.yaml:21:9 cases.2.id: duplicate case id "one" (also cases.0)',
        ]);
        // Each says how to fix it.
        for (const p of err.problems) assert.ok(p.hint && p.hint.length > 10, `${p.path}: ${p.hint}`);
        assert.match(err.problems.find((p) => p.path === 'cases.1.expect.maxLatency')!.hint!, /did you mean "maxLatencyMs"/);
        return true;
      },
    );
  });

  it('a retired tenant\'s cases are inactive, not an error; once its file is gone they are an unknown tenant', () => {
    const active = inputs.tenants.filter((t) => t.metadata.name !== 'contoso-docs');
    // Offboarding step one: contoso-docs is retired, its file (and so the name) still there.
    assert.doesNotThrow(() => loadGoldenSets({ ...inputs, tenants: active, retiredTenants: ['contoso-docs'] }));
    // Step two (negative control): the file is deleted, the cases still name it.
    assert.throws(() => loadGoldenSets({ ...inputs, tenants: active }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.ok(err.problems.some((p) => p.file.endsWith('router-tenants.yaml') && p.message === 'unknown tenant "contoso-docs"'), err.message);
      return true;
    });
  });

  it('a case that can never fail is refused', () => {
    assert.throws(() => loadGoldenSets(inputs, `${FIXTURES}/empty`), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(err.problems.map((p) => `${p.line}:${p.column} ${p.path}`), ['12:13 cases.0.expect', '19:26 cases.1.expect.maxTokens']);
      return true;
    });
  });

  it('a bad set fails the render of both apps, even where the images are not promoted yet', () => {
    for (const app of ['llm-router', 'llm-serving']) {
      for (const files of [{ goldenSetsDir: `${FIXTURES}/bad` }, { goldenSetsDir: `${FIXTURES}/bad`, lockFile: resolve(__dirname, '../fixtures/workloads/missing.lock.yaml') }]) {
        const a = new App();
        assert.throws(() => workloadApps(files)[app](a, { env: env('prod'), models: inputs.models, tenants: inputs.tenants }), ValidationError, app);
        assert.equal(a.charts.length, 0, `${app}: nothing built`);
      }
    }
  });
});

describe('golden sets: the rendered gate', () => {
  for (const [name, apps] of Object.entries(rendered)) {
    for (const [app, namespace, target] of [['llm-router', 'platform', ROUTER_TARGET], ['llm-serving', 'serving', 'serving']] as const) {
      const objs = apps[app];
      const template = find(objs, 'AnalysisTemplate', ANALYSIS_TEMPLATES.goldenSet)!;
      const job = template?.spec.metrics[0].provider.job;
      const pod = job?.spec.template.spec;

      it(`${name}/${app}: the template is named from the catalogue, in ${namespace}, and takes exactly the catalogue's arguments`, () => {
        assert.ok(template);
        assert.equal(template.metadata.namespace, namespace);
        assert.deepEqual(template.spec.args.map((a: Obj) => a.name), Object.values(GOLDEN_SET_ARGS));
        const used = [...JSON.stringify(template.spec.metrics).matchAll(/\{\{args\.([^}]+)\}\}/g)].map((m) => m[1]);
        assert.deepEqual([...new Set(used)].sort(), Object.values(GOLDEN_SET_ARGS).sort());
        assert.equal(template.spec.metrics[0].failureLimit, 0);
        assert.equal(job.spec.backoffLimit, 0);
      });

      it(`${name}/${app}: the Argo Rollouts 2.41.0 CRDs accept it, and every other object its upstream schema`, async () => {
        assert.ok(chartCrds({ chart: 'argo-rollouts', version: '2.41.0', inTemplates: true }).some((c) => c.spec.names.kind === 'AnalysisTemplate'), 'the chart CRDs are read');
        const ours = objs.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === GOLDEN_SET_NAME);
        assert.deepEqual(ours.map((o) => o.kind).sort(), (app === 'llm-router' ? ['AnalysisTemplate', 'ConfigMap', 'ExternalSecret', 'NetworkPolicy', 'ServiceAccount'] : ['AnalysisTemplate', 'ConfigMap', 'NetworkPolicy', 'ServiceAccount']));
        assert.deepEqual(await schemaErrors(ours as KubeObject[]), []);
      });

      it(`${name}/${app}: the Job's pod is Pod Security restricted with a read-only root and no token`, () => {
        assert.deepEqual(podSecurityViolations(pod), []);
        assert.equal(pod.automountServiceAccountToken, false);
        for (const c of pod.containers) {
          assert.equal(c.securityContext.readOnlyRootFilesystem, true);
          assert.equal(c.resources.requests.memory, c.resources.limits.memory);
        }
        assert.ok(find(objs, 'ServiceAccount', pod.serviceAccountName));
      });

      it(`${name}/${app}: the ConfigMap holds the runner and only ${target} sets, and every volume and secret resolves`, () => {
        const cm = find(objs, 'ConfigMap', pod.volumes.find((v: Obj) => v.configMap).configMap.name)!;
        assert.ok(cm.data['runner.py'].includes('def evaluate('));
        const inCm = Object.keys(cm.data).filter((k) => k.endsWith('.json')).map((k) => JSON.parse(cm.data[k]) as GoldenSet);
        assert.ok(inCm.length > 0);
        for (const s of inCm) assert.equal(s.target, target);
        const secretRefs = pod.containers.flatMap((c: Obj) => (c.env ?? []).filter((e: Obj) => e.valueFrom?.secretKeyRef).map((e: Obj) => e.valueFrom.secretKeyRef));
        if (app === 'llm-router') {
          assert.equal(secretRefs.length, 1);
          const es = find(objs, 'ExternalSecret', secretRefs[0].name)!;
          assert.deepEqual(es.spec.data, [{ secretKey: secretRefs[0].key, remoteRef: { key: 'llm-router-master-key' } }]);
          assert.ok(pod.containers[0].args.includes('tenant-keys'));
          // The router has teams only for this environment's tenants.
          const tenants = inputs.tenants.filter((t) => t.spec.environments.includes(name)).map((t) => t.metadata.name);
          for (const s of inCm) for (const c of s.cases) assert.ok(tenants.includes(c.tenant), `${c.tenant} in ${name}`);
        } else {
          assert.deepEqual(secretRefs, []);
          assert.ok(pod.containers[0].args.includes('none'));
        }
      });

      it(`${name}/${app}: the Job may reach the pods it checks, and those pods admit it; nothing else admits or is reached`, () => {
        const labels = job.spec.template.metadata.labels;
        const policy = objs.find((o) => o.kind === 'NetworkPolicy' && matches(o.spec.podSelector.matchLabels, labels))!;
        assert.equal(policy.metadata.name, GOLDEN_SET_NAME);
        assert.deepEqual(policy.spec.ingress, []);
        assert.ok(matches(GOLDEN_SET_POD_LABELS, labels));
        const canaryRule = policy.spec.egress.find((r: Obj) => !r.to[0].namespaceSelector);
        const callees = objs.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === namespace && matches(canaryRule.to[0].podSelector.matchLabels, o.spec.template.metadata.labels));
        assert.ok(callees.length > 0, 'the Job reaches a workload');
        for (const d of callees) {
          const port = d.spec.template.spec.containers[0].ports[0].containerPort;
          assert.deepEqual(canaryRule.ports.map((p: Obj) => p.port), [port]);
          const theirs = objs.find((o) => o.kind === 'NetworkPolicy' && matches(o.spec.podSelector.matchLabels, d.spec.template.metadata.labels) && o.metadata.name !== GOLDEN_SET_NAME)!;
          const admits = theirs.spec.ingress.some((r: Obj) => r.ports.some((p: Obj) => p.port === port) && r.from.some((f: Obj) => !f.namespaceSelector && f.podSelector && matches(f.podSelector.matchLabels, labels)));
          assert.ok(admits, `${d.metadata.name} admits the golden-set Job on ${port}`);
        }
        const otlp = policy.spec.egress.find((r: Obj) => r.to[0].namespaceSelector);
        assert.deepEqual(otlp.to[0].namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': 'observability' });
        assert.deepEqual(otlp.ports.map((p: Obj) => p.port), [4318]);
        assert.match(pod.containers[0].env.find((e: Obj) => e.name === 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT').value, /^http:\/\/otel-collector\.observability\.svc:4318\/v1\/metrics$/);
        assert.equal(policy.spec.egress.length, 2);
      });
    }
  }

  it('the admission check can fail: without the shared label, no model server admits the Job', () => {
    const objs = rendered.dev['llm-serving'];
    const vllm = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== GOLDEN_SET_NAME);
    const stranger = { 'app.kubernetes.io/name': 'someone-else' };
    for (const p of vllm) assert.ok(!p.spec.ingress.some((r: Obj) => r.from.some((f: Obj) => !f.namespaceSelector && f.podSelector && matches(f.podSelector.matchLabels, stranger))));
  });
});
