/**
 * The workload config (config/workloads.yaml) and the promoted-image lock
 * (config/workloads-images.lock.yaml): what the agent-services, llm-serving and llm-router apps
 * are rendered from, besides the environment, the model catalogue and the tenants. Everything
 * that can be wrong is reported as `file:line:col path: message` with a hint, like every other
 * input of the platform.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { FILE_STORAGE_CLASS_NAMES } from '../catalog/storage-classes';
import { parseCidr } from '../catalog/cidr';
import { quantity } from './schema';
import { parseQuantity } from './quantity';
import { IMAGE_NAMES, imageTag, type ImageName } from './image-lock';
import { loadYamlFile, type Finding } from './yaml-validate';

export const WORKLOADS_FILE = resolve(__dirname, 'workloads.yaml');
export { IMAGE_LOCK_FILE, IMAGE_NAMES, loadImageLock, type ImageLock, type ImageName } from './image-lock';

const modelId = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a model id from config/models.yaml');

/** `CIDR:port`: NetworkPolicies match addresses, not host names. */
const cidrPort = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}:\d{1,5}$/, 'expected CIDR:port such as 20.190.128.0/18:443 (NetworkPolicies cannot match host names)')
  .refine((s) => parseCidr(s.slice(0, s.lastIndexOf(':'))) !== undefined, 'not a valid network (host bits set or prefix > 32)')
  .refine((s) => { const p = Number(s.slice(s.lastIndexOf(':') + 1)); return p >= 1 && p <= 65535; }, 'port must be 1-65535');

const image = z
  .object({
    repository: z
      .string()
      .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'expected a repository path inside the environment ACR, e.g. agents/gateway'),
    tag: imageTag.refine((t) => t !== 'latest', 'the tag "latest" is not allowed: it is not reproducible and Gatekeeper rejects it'),
  })
  .strict();

const replicas = z.object({ min: z.number().int().min(1).max(100), max: z.number().int().min(1).max(100) }).strict();
const positive = (max: number) => z.number().positive().max(max);

const agentsEnv = z
  .object({
    gateway: z.object({ expectedRps: positive(1e6), cpuPerReplica: quantity, minReplicas: z.number().int().min(1), maxReplicas: z.number().int().min(1) }).strict(),
    orchestrator: z.object({ expectedJobs: positive(1e6), cpuPerReplica: quantity, minReplicas: z.number().int().min(1), maxReplicas: z.number().int().min(1) }).strict(),
    repoAdapter: z.object({ cpu: quantity, memory: quantity, minReplicas: z.number().int().min(1), maxReplicas: z.number().int().min(1) }).strict(),
    patchWorker: z.object({ cpu: quantity, memory: quantity, minReplicas: z.number().int().min(1), maxReplicas: z.number().int().min(1) }).strict(),
    /** Where every agent service may go outside the cluster (Entra ID for tokens). */
    cloudEndpoints: z.array(cidrPort).default([]),
    /** Git hosts the repo adapter talks to. */
    repoHosts: z.array(cidrPort).default([]),
  })
  .strict();

const servingEnv = z
  .object({
    models: z.array(modelId).default([]),
    /** alias -> served model: the alias is answered by another (smaller) model in this environment. */
    standIns: z.record(modelId, modelId).default({}),
    /**
     * alias -> { model: weight }: the router answers the alias with these models in proportion to
     * the weights (percent, summing to 100), e.g. self-hosted against a cloud model. Only granted
     * to tenants whose data boundary covers every model in the mix (charts/workloads/plan.ts).
     */
    abTests: z.record(modelId, z.record(modelId, z.number().int().min(1).max(99))).default({}),
    replicas,
    perModel: z.record(modelId, replicas).default({}),
    /** A ReadWriteMany class the platform creates (catalog/storage-classes.ts); the AKS built-in file classes mount with account keys. */
    cache: z
      .object({
        storageClassName: z.string().refine((n) => (FILE_STORAGE_CLASS_NAMES as readonly string[]).includes(n), {
          message: `not a shared (ReadWriteMany) storage class the platform creates; use one of ${FILE_STORAGE_CLASS_NAMES.join(', ')}`,
        }),
        size: quantity,
      })
      .strict(),
    /** Worst-case throughput for fetching and loading weights; sizes the startup probe. */
    weightsMiBps: z.number().positive().max(100_000).default(100),
    /** How long a terminating replica keeps finishing in-flight generations. */
    drainSeconds: z.number().int().min(5).max(3600).default(120),
    /** Waiting requests per replica KEDA scales towards. */
    waitingPerReplica: z.number().int().min(1).max(1000).default(4),
    /** Where model weights are downloaded from (Hugging Face CDN ranges); empty = any public address. */
    weightsEndpoints: z.array(cidrPort).default([]),
  })
  .strict();

const routerEnv = z
  .object({
    minReplicas: z.number().int().min(1),
    maxReplicas: z.number().int().min(1),
    fallbacks: z.record(modelId, z.array(modelId).min(1)).default({}),
    cloudEndpoints: z.array(cidrPort).default([]),
  })
  .strict();

const ratio = z.number().min(0).max(1);
/**
 * Canary delivery of the router and every vLLM model (docs/rollouts.md): the canary weights in
 * percent, how long each is held before its analysis, how often the analysis measures and how many
 * failed measurements abort the rollout, and the limits each analysis holds the canary to.
 */
const deliveryEnv = z
  .object({
    /** Canary weights, rising, each below 100; after the last one the canary is promoted. */
    steps: z.array(z.number().int().min(1).max(99)).min(1).max(10),
    /** Minutes at each weight before its analysis: the analysis' 5-minute rate windows need the data. */
    pauseMinutes: z.number().int().min(1).max(1440),
    analysis: z
      .object({
        intervalSeconds: z.number().int().min(30).max(3600),
        /** Measurements per analysis step. */
        count: z.number().int().min(1).max(60),
        /** Failed measurements tolerated; one more aborts the rollout and scales the canary away. */
        failureLimit: z.number().int().min(0).max(59),
      })
      .strict(),
    router: z
      .object({
        /** 5xx share of the llm.<zone> route (the Gateway sees the canary only as part of the route). */
        maxErrorRatio: ratio,
        maxLatencyP95Seconds: z.number().positive().max(3600),
        /** Router spend per 1000 tokens served, in the chargeback currency. */
        maxCostPer1kTokens: z.number().positive().max(1000),
      })
      .strict(),
    serving: z
      .object({
        /** 5xx share of the canary pods' answers. */
        maxErrorRatio: ratio,
        maxLatencyP95Seconds: z.number().positive().max(3600),
        /** Generated tokens per second per GPU under load, for every model unless `perModel` says otherwise. */
        minTokensPerGpuSecond: z.number().positive().max(1e6),
        perModel: z.record(modelId, z.object({ minTokensPerGpuSecond: z.number().positive().max(1e6) }).strict()).default({}),
      })
      .strict(),
  })
  .strict();

const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'expected an e-mail address');

const n8nEnv = z
  .object({
    /** Webhook processes: a CPU HPA between these. */
    webhook: z.object({ minReplicas: z.number().int().min(1).max(20), maxReplicas: z.number().int().min(1).max(20) }).strict(),
    /** Workers: KEDA on the waiting jobs of the Bull queue; each runs `concurrency` executions at once. */
    worker: z
      .object({
        minReplicas: z.number().int().min(1).max(50),
        maxReplicas: z.number().int().min(1).max(50),
        // n8n's worker refuses fewer than 5 (commands/worker.js).
        concurrency: z.number().int().min(5).max(50),
      })
      .strict(),
    /** Execution data pruning (EXECUTIONS_DATA_MAX_AGE hours, EXECUTIONS_DATA_PRUNE_MAX_COUNT executions). */
    pruning: z.object({ maxAgeHours: z.number().int().min(1).max(8760), maxCount: z.number().int().min(0).max(10_000_000) }).strict(),
    notify: z
      .object({
        /** The Teams workflow webhook without its `sig` parameter (the signature is the teams-webhook credential). */
        teamsWebhookUrl: z
          .string()
          .url('expected an https URL')
          .refine((u) => u.startsWith('https://'), 'expected an https URL')
          .refine((u) => !/[?&]sig=/.test(u), 'the URL must not carry its sig parameter: that is a secret (Key Vault n8n-teams-webhook-sig)'),
        from: email,
        to: z.array(email).min(1),
        escalateTo: z.array(email).min(1),
        approvalHours: z.number().int().min(1).max(720),
      })
      .strict(),
    /** Where workers send notifications: Teams webhooks (HTTPS) and SMTP submission, as CIDR:port (NetworkPolicies match addresses). */
    notifyEndpoints: z.array(cidrPort).min(1),
  })
  .strict();

const environmentWorkloads = z.object({ agents: agentsEnv, serving: servingEnv, router: routerEnv, n8n: n8nEnv, delivery: deliveryEnv }).strict();

export const workloadsSchema = z
  .object({
    images: z.object(Object.fromEntries(IMAGE_NAMES.map((n) => [n, image])) as Record<ImageName, typeof image>).strict(),
    environments: z.record(z.string(), environmentWorkloads),
  })
  .strict();

export type WorkloadsConfig = z.output<typeof workloadsSchema>;
export type EnvironmentWorkloads = z.output<typeof environmentWorkloads>;
export type N8nWorkloads = z.output<typeof n8nEnv>;
export type DeliveryWorkloads = z.output<typeof deliveryEnv>;
export type ImageConfig = z.output<typeof image>;

function workloadChecks(cfg: WorkloadsConfig): Finding[] {
  const out: Finding[] = [];
  for (const [envName, env] of Object.entries(cfg.environments)) {
    const at = (...p: (string | number)[]) => ['environments', envName, ...p];
    const ranges: [string, { minReplicas: number; maxReplicas: number } | { min: number; max: number }][] = [
      ['agents.gateway', env.agents.gateway], ['agents.orchestrator', env.agents.orchestrator], ['agents.repoAdapter', env.agents.repoAdapter],
      ['agents.patchWorker', env.agents.patchWorker], ['router', env.router], ['serving.replicas', env.serving.replicas],
      ['n8n.webhook', env.n8n.webhook], ['n8n.worker', env.n8n.worker],
      ...Object.entries(env.serving.perModel).map(([m, r]) => [`serving.perModel.${m}`, r] as [string, { min: number; max: number }]),
    ];
    for (const [path, r] of ranges) {
      const [min, max] = 'min' in r ? [r.min, r.max] : [r.minReplicas, r.maxReplicas];
      if (min > max) out.push({ path: at(...path.split('.')), message: `minimum replicas ${min} exceed the maximum ${max}`, hint: 'raise the maximum or lower the minimum' });
    }
    for (const [path, q] of [['agents.gateway.cpuPerReplica', env.agents.gateway.cpuPerReplica], ['agents.orchestrator.cpuPerReplica', env.agents.orchestrator.cpuPerReplica]] as const) {
      if ((parseQuantity(q) ?? 0) < 0.1) out.push({ path: at(...path.split('.')), message: `${q} is below 100m`, hint: 'a replica needs at least 100m CPU to serve anything' });
    }
    for (const [alias, target] of Object.entries(env.serving.standIns)) {
      if (alias === target) out.push({ path: at('serving', 'standIns', alias), message: `${alias} stands in for itself`, hint: 'remove the entry' });
      if (env.serving.standIns[target]) out.push({ path: at('serving', 'standIns', alias), message: `stand-in ${target} has a stand-in itself`, hint: 'point the alias at a model that is served directly' });
    }
    out.push(...deliveryChecks(env.delivery).map((f) => ({ ...f, path: at('delivery', ...f.path) })));
  }
  return out;
}

/** Canary settings that cannot work: falling weights, an analysis that can never fail, a route-level limit a dead canary stays under. */
export function deliveryChecks(d: DeliveryWorkloads): Finding[] {
  const out: Finding[] = [];
  d.steps.forEach((w, i) => {
    if (i > 0 && w <= d.steps[i - 1]) out.push({ path: ['steps', i], message: `weight ${w} does not rise above the step before (${d.steps[i - 1]})`, hint: 'list the canary weights in rising order, e.g. [10, 25, 50]' });
  });
  if (d.analysis.failureLimit >= d.analysis.count) {
    out.push({ path: ['analysis', 'failureLimit'], message: `failureLimit ${d.analysis.failureLimit} is not below count ${d.analysis.count}: the analysis could never fail`, hint: 'lower failureLimit or raise count' });
  }
  // The router's errors are measured on the whole route: a canary answering only errors at the first
  // weight adds weight/100 to the ratio, which must be enough to cross the limit.
  if (d.router.maxErrorRatio * 100 >= d.steps[0]) {
    out.push({ path: ['router', 'maxErrorRatio'], message: `${d.router.maxErrorRatio} is not below the first canary weight (${d.steps[0]} %): a router canary failing every request would pass`, hint: `set maxErrorRatio below ${d.steps[0] / 100}, or start the canary at a higher weight` });
  }
  return out;
}

export function loadWorkloadsConfig(file = WORKLOADS_FILE): WorkloadsConfig {
  return loadYamlFile(file, workloadsSchema, { refuseAliases: true, checks: workloadChecks, hints: { tag: 'set images.<name>.tag to the version to run, e.g. "1.4.2"' } });
}

/** tenants/<name>.yaml, where render-time problems about a tenant's entitlements point. */
export function tenantFile(tenantsDir: string, name: string): string {
  return join(tenantsDir, `${name}.yaml`);
}
