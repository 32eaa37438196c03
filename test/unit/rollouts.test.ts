/**
 * Canary delivery as rendered (docs/rollouts.md): Rollouts and AnalysisTemplates hold to the CRDs of
 * the pinned argo-rollouts chart; every name a Rollout uses resolves in rendered/ (the Deployment it
 * takes over, its Services, the AnalysisTemplates of its steps with exactly the arguments they
 * declare, the HTTPRoute whose weights it sets); the autoscalers scale the Rollout; the canary pods
 * are admitted by the same NetworkPolicies as the stable ones; bad `delivery` settings are located
 * errors. Each checker has a negative control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ANALYSIS_TEMPLATES, canaryServiceName, GATEWAY_API_PLUGIN, GOLDEN_SET_ARGS } from '../../catalog/rollouts';
import { GOLDEN_SET_POD_LABELS } from '../../catalog/golden-sets';
import { loadWorkloadsConfig, WORKLOADS_FILE } from '../../config/workloads';
import { formatProblem, ValidationError } from '../../config/yaml-validate';
import { canarySteps } from '../../charts/workloads/rollout';
import { workloadApps } from '../../charts/workloads/apps';
import { loadInputs } from '../../config/inputs';
import { App } from 'cdk8s';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;

const rendered = (env: string): Obj[] =>
  readdirSync(join(ROOT, 'rendered', env)).flatMap((app) =>
    parseAllDocuments(readFileSync(join(ROOT, 'rendered', env, app, 'manifests.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .filter(Boolean),
  );
const dev = rendered('dev');
const rollouts = dev.filter((o) => o.kind === 'Rollout');
const matches = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const find = (objects: Obj[], kind: string, namespace: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);

/**
 * Every name a Rollout uses that does not resolve in `objects`. Templates named in `optional` may be
 * missing (rendered by another app that may not be on this branch); when one is rendered, its
 * arguments are checked like the others'.
 */
export function rolloutProblems(objects: Obj[], optional: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const r of objects.filter((o) => o.kind === 'Rollout')) {
    const ns = r.metadata.namespace;
    const at = `Rollout ${ns}/${r.metadata.name}`;
    const canary = r.spec.strategy?.canary ?? {};
    const ref = r.spec.workloadRef;
    const deployment = ref ? find(objects, 'Deployment', ns, ref.name) : undefined;
    if (!deployment) out.push(`${at}: workloadRef Deployment ${ref?.name} is not rendered`);
    const podLabels: Record<string, string> = deployment?.spec.template.metadata.labels ?? {};
    if (deployment && !matches(r.spec.selector?.matchLabels, podLabels)) out.push(`${at}: selector does not select the pods of Deployment ${ref.name}`);
    if (canary.canaryMetadata?.labels) out.push(`${at}: canaryMetadata labels would set canary pods apart from the stable ones' NetworkPolicies`);
    for (const key of ['canaryService', 'stableService'] as const) {
      if (!canary[key]) continue;
      const svc = find(objects, 'Service', ns, canary[key]);
      if (!svc) out.push(`${at}: ${key} ${canary[key]} is not rendered`);
      else if (!matches(svc.spec.selector, podLabels)) out.push(`${at}: ${key} ${canary[key]} does not select the workload's pods`);
    }
    if (canary.canaryService !== canaryServiceName(r.metadata.name)) out.push(`${at}: canary Service ${canary.canaryService} is not ${canaryServiceName(r.metadata.name)}`);
    const plugin = canary.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN.name];
    if (plugin) {
      const route = find(objects, 'HTTPRoute', plugin.namespace ?? ns, plugin.httpRoute);
      const backends = (route?.spec.rules ?? []).map((rule: Obj) => (rule.backendRefs ?? []).map((b: Obj) => b.name).sort().join(','));
      const want = [canary.canaryService, canary.stableService].sort().join(',');
      if (!route) out.push(`${at}: HTTPRoute ${plugin.namespace ?? ns}/${plugin.httpRoute} is not rendered`);
      else if (!backends.length || backends.some((b: string) => b !== want)) out.push(`${at}: HTTPRoute ${plugin.httpRoute} rules do not each list exactly ${want}`);
    }
    const scalers = objects.filter((o) => (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') && o.metadata.namespace === ns && o.spec.scaleTargetRef.name === r.metadata.name);
    for (const s of scalers) if (s.spec.scaleTargetRef.kind !== 'Rollout') out.push(`${at}: ${s.kind} ${s.metadata.name} scales the ${s.spec.scaleTargetRef.kind}, not the Rollout`);
    for (const [i, step] of (canary.steps ?? []).entries()) {
      if (!step.analysis) continue;
      const passed = new Set<string>((step.analysis.args ?? []).map((a: Obj) => a.name));
      const declared = new Set<string>();
      let complete = true;
      for (const { templateName } of step.analysis.templates) {
        const t = find(objects, 'AnalysisTemplate', ns, templateName);
        if (!t) {
          complete = false;
          if (!optional.includes(templateName)) out.push(`${at} step ${i}: AnalysisTemplate ${ns}/${templateName} is not rendered`);
          continue;
        }
        for (const a of t.spec.args ?? []) {
          declared.add(a.name);
          if (a.value === undefined && !passed.has(a.name)) out.push(`${at} step ${i}: ${templateName} needs argument ${a.name}, which the step does not pass`);
        }
      }
      // An argument no template declares is a typo the controller drops silently (v1.9.0 utils/analysis/helpers.go MergeArgs); only knowable when all are rendered.
      if (complete) for (const p of passed) if (!declared.has(p)) out.push(`${at} step ${i}: argument ${p} is declared by none of its templates`);
    }
  }
  return out;
}

describe('canary delivery: rendered Rollouts', () => {
  it('the router and every served model are Rollouts that take their Deployment over', () => {
    const served = dev.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === 'serving').map((d) => d.metadata.name);
    assert.ok(served.length > 0);
    assert.deepEqual(rollouts.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort(), ['platform/llm-router', ...served.map((n) => `serving/${n}`)].sort());
    for (const r of rollouts) assert.equal(r.spec.workloadRef.scaleDown, 'progressively');
  });

  it('Rollouts and AnalysisTemplates hold to the CRDs of the pinned argo-rollouts chart', async () => {
    const objects = dev.filter((o) => o.apiVersion === 'argoproj.io/v1alpha1' && ['Rollout', 'AnalysisTemplate'].includes(o.kind));
    assert.ok(objects.some((o) => o.kind === 'AnalysisTemplate'));
    assert.deepEqual(await schemaErrors(objects as KubeObject[]), []);
  });

  it('negative control: a misspelt field and a wrong type are schema errors', async () => {
    const r = structuredClone(rollouts[0]);
    r.spec.strategy.canary.stepz = r.spec.strategy.canary.steps;
    r.spec.revisionHistoryLimit = 'three';
    const errors = await schemaErrors([r as KubeObject]);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /stepz/);
    assert.match(errors[0], /revisionHistoryLimit/);
  });

  it('every name a Rollout uses resolves; the golden set may come from its own app', () => {
    const goldenRendered = dev.some((o) => o.kind === 'AnalysisTemplate' && o.metadata.name === ANALYSIS_TEMPLATES.goldenSet);
    assert.deepEqual(rolloutProblems(dev, goldenRendered ? [] : [ANALYSIS_TEMPLATES.goldenSet]), []);
  });

  it('negative controls: a missing template, a missing argument, an extra one, a Deployment-scaling HPA, a route without the canary', () => {
    const objects = structuredClone(dev);
    const router = objects.find((o) => o.kind === 'Rollout' && o.metadata.name === 'llm-router')!;
    const model = objects.find((o) => o.kind === 'Rollout' && o.metadata.namespace === 'serving')!;
    const firstAnalysis = (r: Obj) => r.spec.strategy.canary.steps.findIndex((s: Obj) => s.analysis);
    router.spec.strategy.canary.steps[firstAnalysis(router)].analysis.templates.push({ templateName: 'llm-nothing' });
    const step = model.spec.strategy.canary.steps[firstAnalysis(model)].analysis;
    step.args = step.args.filter((a: Obj) => a.name !== 'workload').concat([{ name: 'wrkload', value: 'x' }]);
    step.templates = step.templates.filter((t: Obj) => t.templateName !== ANALYSIS_TEMPLATES.goldenSet);
    step.args = step.args.filter((a: Obj) => !Object.values(GOLDEN_SET_ARGS).includes(a.name));
    objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'llm-router')!.spec.scaleTargetRef.kind = 'Deployment';
    const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'platform-llm')!;
    route.spec.rules[0].backendRefs = route.spec.rules[0].backendRefs.slice(0, 1);
    const problems = rolloutProblems(objects, [ANALYSIS_TEMPLATES.goldenSet]);
    const i = firstAnalysis(model);
    assert.deepEqual(problems.sort(), [
      'Rollout platform/llm-router: HTTPRoute platform-llm rules do not each list exactly llm-router,llm-router-canary',
      'Rollout platform/llm-router: HorizontalPodAutoscaler llm-router scales the Deployment, not the Rollout',
      `Rollout platform/llm-router step ${firstAnalysis(router)}: AnalysisTemplate platform/llm-nothing is not rendered`,
      `Rollout serving/${model.metadata.name} step ${i}: argument wrkload is declared by none of its templates`,
      `Rollout serving/${model.metadata.name} step ${i}: ${ANALYSIS_TEMPLATES.errorRatio} needs argument workload, which the step does not pass`,
      `Rollout serving/${model.metadata.name} step ${i}: ${ANALYSIS_TEMPLATES.latencyP95} needs argument workload, which the step does not pass`,
      `Rollout serving/${model.metadata.name} step ${i}: ${ANALYSIS_TEMPLATES.tokensPerGpu} needs argument workload, which the step does not pass`,
    ].sort());
  });

  it('the canary pods are admitted where the stable ones are: every NetworkPolicy that selects the Deployment pods selects the canary template', () => {
    for (const r of rollouts) {
      const d = find(dev, 'Deployment', r.metadata.namespace, r.spec.workloadRef.name)!;
      const policies = dev.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === r.metadata.namespace && matches(o.spec.podSelector.matchLabels, d.spec.template.metadata.labels));
      assert.ok(policies.length > 0, `${r.metadata.name} has NetworkPolicies`);
      // The golden-set Job (created in the Rollout's namespace) may call the canary.
      const runner = { ...GOLDEN_SET_POD_LABELS };
      assert.ok(
        policies.some((p) => p.spec.ingress.some((rule: Obj) => rule.from?.some((f: Obj) => !f.namespaceSelector && f.podSelector && matches(f.podSelector.matchLabels, runner)))),
        `${r.metadata.name}: the golden-set runner is admitted`,
      );
      // The router calls vLLM by pod labels (ROUTER_SELECTOR): the router's canary pods carry them.
      if (r.metadata.namespace === 'platform') assert.equal(d.spec.template.metadata.labels['app.kubernetes.io/name'], 'llm-router');
    }
  });

  it('the canary Service is not scraped a second time by the workload ServiceMonitor', () => {
    for (const r of rollouts) {
      const svc = find(dev, 'Service', r.metadata.namespace, r.spec.strategy.canary.canaryService)!;
      const monitors = dev.filter((o) => o.kind === 'ServiceMonitor' && o.metadata.namespace === r.metadata.namespace && matches(o.spec.selector.matchLabels, svc.metadata.labels));
      assert.deepEqual(monitors.map((m) => m.metadata.name), []);
    }
  });

  it('the steps: each weight, a pause, an analysis; the golden set at the first and the last with its arguments', () => {
    const steps = canarySteps({ steps: [10, 25, 50], pauseMinutes: 5 }, ['a'], [], { baseUrl: 'http://c/v1', target: 't' });
    assert.deepEqual(steps.filter((s) => 'setWeight' in s).map((s) => s.setWeight), [10, 25, 50]);
    const analyses = steps.filter((s) => 'analysis' in s).map((s: any) => s.analysis);
    assert.deepEqual(analyses.map((a) => a.templates.map((t: Obj) => t.templateName)), [['a', 'golden-set'], ['a'], ['a', 'golden-set']]);
    assert.deepEqual(analyses[0].args, [{ name: 'base-url', value: 'http://c/v1' }, { name: 'target', value: 't' }]);
    assert.equal(analyses[1].args, undefined);
  });
});

describe('canary delivery: bad settings are located errors', () => {
  const REAL = readFileSync(WORKLOADS_FILE, 'utf8');
  const problems = (edit: (t: string) => string): string[] => {
    const text = edit(REAL);
    assert.notEqual(text, REAL);
    const file = join(mkdtempSync(join(tmpdir(), 'delivery-')), 'workloads.yaml');
    writeFileSync(file, text);
    try {
      loadWorkloadsConfig(file);
    } catch (err) {
      if (err instanceof ValidationError) return err.problems.map(formatProblem);
      throw err;
    }
    return [];
  };
  const line = (needle: string) => REAL.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('falling weights, a failureLimit that can never be reached and a router error limit above the first weight, all at once', () => {
    const out = problems((t) =>
      t
        .replace('steps: [10, 25, 50]\n      pauseMinutes: 5', 'steps: [10, 50, 25]\n      pauseMinutes: 5')
        .replace('analysis: { intervalSeconds: 60, count: 5, failureLimit: 1 }', 'analysis: { intervalSeconds: 60, count: 5, failureLimit: 5 }')
        .replace('router: { maxErrorRatio: 0.05,', 'router: { maxErrorRatio: 0.1,'),
    );
    assert.equal(out.length, 3, out.join('\n'));
    assert.match(out[0], new RegExp(`workloads\\.yaml:${line('steps: [10, 25, 50]')}:\\d+ environments\\.dev\\.delivery\\.steps\\.2: weight 25 does not rise above the step before \\(50\\)`));
    assert.match(out.join('\n'), /environments\.dev\.delivery\.analysis\.failureLimit: failureLimit 5 is not below count 5/);
    assert.match(out.join('\n'), /environments\.dev\.delivery\.router\.maxErrorRatio: 0\.1 is not below the first canary weight \(10 %\)[\s\S]*hint: set maxErrorRatio below 0\.1/);
  });

  it('an unknown key and a weight of 100 are schema errors', () => {
    const out = problems((t) => t.replace('pauseMinutes: 5', 'pauseMinutes: 5\n      pauseMinutez: 5').replace('steps: [10, 25, 50]\n      pauseMinutes: 5', 'steps: [10, 25, 100]\n      pauseMinutes: 5'));
    assert.ok(out.length >= 2, out.join('\n'));
    assert.match(out.join('\n'), /delivery\.steps\.2/);
    assert.match(out.join('\n'), /pauseMinutez/);
  });

  it('a cost limit below the dearest rate the router books is refused at render, located in config/workloads.yaml', () => {
    const text = REAL.replace('router: { maxErrorRatio: 0.05, maxLatencyP95Seconds: 60, maxCostPer1kTokens: 0.005 }', 'router: { maxErrorRatio: 0.05, maxLatencyP95Seconds: 60, maxCostPer1kTokens: 0.0001 }');
    assert.notEqual(text, REAL);
    const file = join(mkdtempSync(join(tmpdir(), 'delivery-')), 'workloads.yaml');
    writeFileSync(file, text);
    const inputs = loadInputs();
    const env = inputs.allEnvironments.find((e) => e.name === 'dev')!;
    let out: string[] = [];
    try {
      workloadApps({ workloadsFile: file })['llm-router'](new App(), { env, models: inputs.models, tenants: inputs.tenants });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      out = err.problems.map(formatProblem);
    }
    assert.equal(out.length, 1, out.join('\n'));
    assert.match(out[0], new RegExp(`workloads\\.yaml:${line('maxCostPer1kTokens: 0.005 }')}:\\d+ environments\\.dev\\.delivery\\.router\\.maxCostPer1kTokens: 0\\.0001 per 1000 tokens is below what the router books for [a-z0-9-]+`));
    assert.match(out[0], /hint: raise maxCostPer1kTokens to at least/);
  });

  it('the committed settings load', () => {
    const cfg = loadWorkloadsConfig();
    for (const env of Object.values(cfg.environments)) assert.ok(env.delivery.steps.length > 0);
  });
});
