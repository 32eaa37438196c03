/**
 * The golden-set Job as the cluster will see it: Argo Rollouts creates a batch/v1 Job from the
 * AnalysisTemplate's `job` metric (the arguments filled in), in the Rollout's namespace, where the
 * platform's Gatekeeper constraints judge it like any other Job. gator test with each environment's
 * templates and constraints over exactly that Job, and a broken variant that must be refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ANALYSIS_TEMPLATES, GOLDEN_SET_ARGS, canaryServiceName } from '../../catalog/rollouts';
import { ROUTER_TARGET } from '../../catalog/golden-sets';
import { workloadApps } from '../../charts/workloads/apps';
import { environmentPolicyObjects, toYaml } from '../../cli/lib/gatekeeper';
import { loadInputs } from '../../config/inputs';
import { runTool } from '../helpers/tools';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';

type Obj = Record<string, any>;
const inputs = loadInputs();
const FIXTURE_LOCK = resolve(__dirname, '../fixtures/workloads/images.lock.yaml');

function template(envName: string, app: 'llm-router' | 'llm-serving'): Obj {
  const a = new App();
  const env = inputs.allEnvironments.find((e) => e.name === envName)!;
  workloadApps({ lockFile: FIXTURE_LOCK })[app](a, { env, models: inputs.models, tenants: inputs.tenants });
  return parseAllDocuments(a.synthYaml()).map((d) => d.toJS()).find((o) => o?.kind === 'AnalysisTemplate' && o.metadata.name === ANALYSIS_TEMPLATES.goldenSet);
}

/** The Job Argo Rollouts makes of the template, with the arguments a Rollout passes. */
function jobOf(t: Obj, args: Record<string, string>): Obj {
  const text = JSON.stringify(t.spec.metrics[0].provider.job).replace(/\{\{args\.([^}]+)\}\}/g, (_, name: string) => args[name]);
  const job = JSON.parse(text);
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...job.metadata, name: 'golden-set-run', namespace: t.metadata.namespace }, spec: job.spec };
}

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, 'pod-security.kubernetes.io/enforce': 'restricted' } } });

function gator(objects: Obj[]): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'gator-golden-')), 'all.yaml');
  writeFileSync(file, toYaml(objects));
  const res = runTool('gator', ['test', '--filename', file, '--output', 'json']);
  const violations = (res.stdout.trim() ? (JSON.parse(res.stdout) as Obj[] | null) : null) ?? [];
  return violations.filter((v) => v.violatingObject?.kind !== 'Namespace').map((v) => `${v.constraint.metadata.name}: ${v.msg}`);
}

describe('golden-set Job: the platform\'s constraints (gator)', () => {
  for (const env of inputs.allEnvironments) {
    const jobs = [
      jobOf(template(env.name, 'llm-router'), { [GOLDEN_SET_ARGS.baseUrl]: `http://${canaryServiceName('llm-router')}.platform.svc.cluster.local:4000/v1`, [GOLDEN_SET_ARGS.target]: ROUTER_TARGET }),
      jobOf(template(env.name, 'llm-serving'), { [GOLDEN_SET_ARGS.baseUrl]: `http://${canaryServiceName('vllm-llama-3-1-8b-instruct')}.serving.svc.cluster.local:8000/v1`, [GOLDEN_SET_ARGS.target]: 'llama-3-1-8b-instruct' }),
    ];

    it(`${env.name}: the Jobs of both namespaces are valid batch/v1 Jobs and violate nothing`, async () => {
      assert.deepEqual(jobs.map((j) => j.metadata.namespace), ['platform', 'serving']);
      assert.deepEqual(await schemaErrors(jobs as KubeObject[]), []);
      assert.deepEqual(gator([...environmentPolicyObjects(env), namespace('platform'), namespace('serving'), ...jobs]), []);
    });

    it(`${env.name}: the check can fail: a writable root, a floating tag and no memory limit are refused`, () => {
      const bad = structuredClone(jobs[0]);
      const c = bad.spec.template.spec.containers[0];
      c.image = 'docker.io/library/python:latest';
      c.securityContext.readOnlyRootFilesystem = false;
      delete c.resources.limits.memory;
      const names = [...new Set(gator([...environmentPolicyObjects(env), namespace('platform'), bad]).map((v) => v.split(':')[0]))].sort();
      assert.ok(names.includes('image-tag') && names.includes('allowed-registries'), names.join(', '));
      assert.ok(names.length >= 3, names.join(', '));
    });
  }
});
