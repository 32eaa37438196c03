/**
 * Bad workload input fails rendering with a message that names the file (with line and column),
 * the field and the fix; and the capacity arithmetic behind requests and replicas.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { loadInputs } from '../../config/inputs';
import { WORKLOADS_FILE } from '../../config/workloads';
import { formatProblem, ValidationError } from '../../config/yaml-validate';
import { workloadApps, type WorkloadFiles } from '../../charts/workloads/apps';
import { cpuString, gatewayCapacity, orchestratorCapacity, vllmStartupSeconds } from '../../charts/workloads/capacity';
import type { Tenant } from '../../config/tenant-schema';

const inputs = loadInputs();
const FIXTURE_LOCK = resolve(__dirname, '../fixtures/workloads/images.lock.yaml');
const REAL = readFileSync(WORKLOADS_FILE, 'utf8');

/** config/workloads.yaml with one edit, as a temporary file. */
function workloadsWith(edit: (text: string) => string): string {
  const text = edit(REAL);
  assert.notEqual(text, REAL, 'the edit must change the file');
  const file = join(mkdtempSync(join(tmpdir(), 'workloads-')), 'workloads.yaml');
  writeFileSync(file, text);
  return file;
}

function problems(envName: string, files: WorkloadFiles, tenants: readonly Tenant[] = inputs.tenants): string[] {
  const env = inputs.allEnvironments.find((e) => e.name === envName)!;
  try {
    for (const build of Object.values(workloadApps(files))) build(new App(), { env, models: inputs.models, tenants });
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

describe('workloads: bad input fails with file, field and fix', () => {
  it('a missing image tag', () => {
    const file = workloadsWith((t) => t.replace('gateway: { repository: agents/gateway, tag: "1.4.2" }', 'gateway: { repository: agents/gateway }'));
    const [p, ...rest] = problems('dev', { workloadsFile: file });
    assert.equal(rest.length, 0);
    assert.match(p, /workloads\.yaml:6:\d+ images\.gateway\.tag: missing required key/);
    assert.match(p, /hint: set images\.<name>\.tag to the version to run/);
  });

  it('the tag "latest"', () => {
    const file = workloadsWith((t) => t.replace('tag: "v0.9.2"', 'tag: latest'));
    assert.match(problems('dev', { workloadsFile: file }).join('\n'), /images\.vllm\.tag: the tag "latest" is not allowed/);
  });

  it('a model too large for the GPU pool names the tenant entitlement and both fixes', () => {
    const file = workloadsWith((t) => t.replace(/ {6}standIns:\n {8}llama-3-1-70b-instruct: llama-3-1-8b-instruct\n/, '      standIns:\n'));
    const out = problems('dev', { workloadsFile: file });
    assert.equal(out.length, 1, out.join('\n'));
    const line = readFileSync(resolve(__dirname, '../../tenants/acme-search.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('llama-3-1-70b-instruct')) + 1;
    assert.match(out[0], new RegExp(`^tenants/acme-search\\.yaml:${line}:\\d+ spec\\.llm\\.models\\.1: model llama-3-1-70b-instruct does not fit the nvidia-a100-80gb pool`));
    assert.match(out[0], /hint: serve it in an environment with more or larger GPUs per node, or use a quantized variant/);
    assert.match(out[0], /environments\.dev\.serving\.standIns\.llama-3-1-70b-instruct: <model> in config\/workloads\.yaml/);
  });

  it('an unknown model in a tenant entitlement is refused by tenant validation before anything renders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    const text = readFileSync(resolve(__dirname, '../../tenants/contoso-docs.yaml'), 'utf8').replace('models: [mistral-7b-instruct-v0-3, gpt-4o-mini-eu]', 'models: [gpt-17]');
    writeFileSync(join(dir, 'contoso-docs.yaml'), text);
    assert.throws(
      () => loadInputs({ tenantFiles: [join(dir, 'contoso-docs.yaml')] }),
      (err: unknown) => err instanceof ValidationError && /contoso-docs\.yaml:\d+:\d+ spec\.llm\.models\.0: unknown model "gpt-17"/.test(err.message),
    );
  });

  it('and rendering checks it again, pointing at the tenant file, should an unvalidated tenant reach it', () => {
    const bad = inputs.tenants.map((t) => (t.metadata.name === 'contoso-docs' ? { ...t, spec: { ...t.spec, llm: { ...t.spec.llm!, models: [...t.spec.llm!.models, 'gpt-17'] } } } : t));
    const out = problems('dev', {}, bad);
    assert.equal(out.length, 1, out.join('\n'));
    assert.match(out[0], /^tenants\/contoso-docs\.yaml:\d+:\d+ spec\.llm\.models\.2: unknown model "gpt-17"\n {4}hint: models in config\/models\.yaml: llama-3-1-8b-instruct/);
  });

  it('an unknown model or stand-in in config/workloads.yaml', () => {
    const file = workloadsWith((t) => t.replace('qwen2-5-coder-32b-instruct: llama-3-1-8b-instruct\n      # Self-hosted against cloud', 'qwen2-5-coder-32b-instruct: llama-4\n      # Self-hosted against cloud'));
    assert.match(problems('dev', { workloadsFile: file }).join('\n'), /workloads\.yaml:\d+:\d+ environments\.dev\.serving\.standIns\.qwen2-5-coder-32b-instruct: unknown model "llama-4"/);
  });

  it('minimum replicas that need more GPUs than the pool has', () => {
    const file = workloadsWith((t) => t.replace('replicas: { min: 1, max: 1 }', 'replicas: { min: 2, max: 2 }'));
    const out = problems('dev', { workloadsFile: file });
    assert.match(out.join('\n'), /environments\.dev\.serving\.replicas: the minimum replicas of the served models need 4 GPUs, but the pool has at most 2/);
  });

  it('an expected load the replica limit cannot carry', () => {
    const file = workloadsWith((t) => t.replace('gateway: { expectedRps: 800, cpuPerReplica: "1", minReplicas: 3, maxReplicas: 20 }', 'gateway: { expectedRps: 800, cpuPerReplica: "1", minReplicas: 3, maxReplicas: 5 }'));
    const out = problems('prod', { workloadsFile: file, lockFile: FIXTURE_LOCK });
    assert.match(out.join('\n'), /environments\.prod\.agents\.gateway\.maxReplicas: the expected load needs 8 vCPU = 8 replicas of 1, more than maxReplicas 5\n {4}hint: raise maxReplicas to at least 8/);
  });

  it('a fallback to a model the environment does not route', () => {
    const file = workloadsWith((t) => t.replace('fallbacks: {}', 'fallbacks: { mistral-7b-instruct-v0-3: [qwen2-5-coder-7b] }'));
    assert.match(problems('dev', { workloadsFile: file }).join('\n'), /environments\.dev\.router\.fallbacks\.mistral-7b-instruct-v0-3: model qwen2-5-coder-7b is not routed in dev/);
  });

  it('an environment without workload settings', () => {
    const file = workloadsWith((t) => t.replace(/\n {2}prod:\n[\s\S]*$/, '\n'));
    const out = problems('prod', { workloadsFile: file, lockFile: FIXTURE_LOCK });
    assert.match(out[0], /workloads\.yaml:\d+:\d+ environments: environment prod has no workload settings\n {4}hint: add environments\.prod/);
  });

  it('a model cache on an AKS built-in file class, which mounts with the account key', () => {
    const file = workloadsWith((t) => t.replace('cache: { storageClassName: azurefile-mi-premium, size: 512Gi }', 'cache: { storageClassName: azurefile-csi-premium, size: 512Gi }'));
    const out = problems('prod', { workloadsFile: file, lockFile: FIXTURE_LOCK });
    assert.equal(out.length, 1, out.join('\n'));
    assert.match(out[0], /workloads\.yaml:\d+:\d+ environments\.prod\.serving\.cache\.storageClassName: not a shared \(ReadWriteMany\) storage class the platform creates; use one of azurefile-mi-premium/);
  });

  it('a lock entry that is not a sha256 digest', () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'lock-')), 'lock.yaml');
    writeFileSync(lock, 'environments:\n  prod:\n    vllm: { tag: "v0.9.2", digest: "sha256:abc" }\n');
    assert.match(problems('prod', { lockFile: lock }).join('\n'), /lock\.yaml:3:\d+ environments\.prod\.vllm\.digest: expected sha256:<64 hex digits>/);
  });
});

describe('workloads: promotion lock', () => {
  it('prod runs the promoted tag@digest even when config already names the next tag', () => {
    const file = workloadsWith((t) => t.replace('vllm: { repository: mirror/vllm/vllm-openai, tag: "v0.9.2" }', 'vllm: { repository: mirror/vllm/vllm-openai, tag: "v0.10.0" }'));
    const env = inputs.allEnvironments.find((e) => e.name === 'prod')!;
    const app = new App();
    workloadApps({ workloadsFile: file, lockFile: FIXTURE_LOCK })['llm-serving'](app, { env, models: inputs.models, tenants: inputs.tenants });
    const yaml = app.synthYaml();
    assert.match(yaml, /image: craipprod[a-z0-9]*\.azurecr\.io\/mirror\/vllm\/vllm-openai:v0\.9\.2@sha256:[a-f0-9]{64}/);
    assert.doesNotMatch(yaml, /v0\.10\.0/);
  });
});

describe('workloads: capacity arithmetic', () => {
  it('gateway: 1 vCPU per 100 RPS, rounded up to whole replicas, never under the minimum', () => {
    assert.deepEqual(gatewayCapacity({ expectedRps: 150, cpuPerReplica: '500m', minReplicas: 2, maxReplicas: 6 }), {
      replicas: 3, maxReplicas: 6, cpuRequest: '500m', cpuLimit: '1', memory: '512Mi', requiredCpu: 1.5,
    });
    assert.equal(gatewayCapacity({ expectedRps: 50, cpuPerReplica: '1', minReplicas: 2, maxReplicas: 6 }).replicas, 2);
    assert.equal(gatewayCapacity({ expectedRps: 801, cpuPerReplica: '1', minReplicas: 1, maxReplicas: 20 }).replicas, 9);
    assert.equal(gatewayCapacity({ expectedRps: 800, cpuPerReplica: '1', minReplicas: 1, maxReplicas: 20 }).replicas, 8);
  });

  it('orchestrator: 2 vCPU per 50 jobs; KEDA target = jobs one replica absorbs', () => {
    const c = orchestratorCapacity({ expectedJobs: 40, cpuPerReplica: '1', minReplicas: 1, maxReplicas: 4 });
    assert.deepEqual([c.requiredCpu, c.replicas, c.jobsPerReplica, c.cpuRequest, c.cpuLimit, c.memory], [1.6, 2, 25, '1', '2', '2048Mi']);
    assert.equal(orchestratorCapacity({ expectedJobs: 300, cpuPerReplica: '2', minReplicas: 3, maxReplicas: 16 }).replicas, 6);
    assert.throws(() => orchestratorCapacity({ expectedJobs: 300, cpuPerReplica: '2', minReplicas: 3, maxReplicas: 5 }), /needs 12 vCPU = 6 replicas of 2, more than maxReplicas 5/);
  });

  it('cpu quantities are written the Kubernetes way', () => {
    assert.deepEqual([cpuString(0.5), cpuString(2), cpuString(1.25), cpuString(0.1)], ['500m', '2', '1250m', '100m']);
  });

  it('vLLM startup budget grows with the weights: 180 s + weights at the worst-case rate', () => {
    assert.equal(vllmStartupSeconds(14.9, 100), 180 + 153);
    assert.equal(vllmStartupSeconds(130.4, 100), 180 + 1336);
    assert.equal(vllmStartupSeconds(130.4, 1000), 180 + 134);
  });
});
