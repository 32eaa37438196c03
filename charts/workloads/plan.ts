/**
 * Resolves the loaded inputs (environment, model catalogue, tenants, config/workloads.yaml and
 * the image lock) into what one environment runs: image references, capacity, served models and
 * router entitlements. Pure: problems are collected with positions from a locator the caller
 * passes, and thrown together as one ValidationError, so `platform render` writes nothing.
 */
import { routerEntitlement, type RouterEntitlement } from '../../config/entitlements';
import type { RenderContext } from '../app-builder';
import { isSelfHosted, type Model, type SelfHostedModel } from '../../config/models';
import { cloudModelsFor } from '../../config/cloud-models';
import { dataBoundaryFindings } from '../../config/tenants';
import { AZURE_OPENAI_ACCOUNT, AZURE_OPENAI_API_VERSION, azureOpenAIEndpoint, CONTENT_SAFETY_ACCOUNT, contentSafetyEndpoint, boundaryCovers, widestBoundary, type DataBoundary } from '../../catalog/data-boundary';
import type { ImageLock, ImageName, WorkloadsConfig, EnvironmentWorkloads } from '../../config/workloads';
import { FROM_BUILD } from '../../config/image-lock';
import { ValidationError, type Problem } from '../../config/yaml-validate';
import { Naming } from '../../catalog/naming';
import { AUDIT_IDENTITIES } from '../../catalog/audit';
import { registryLoginServer } from '../../catalog/registry-mirrors';
import { sizeModel, SizingError, type Sizing } from '../serving/sizing';
import { dearestRatePer1kTokens } from './delivery';
import { CapacityError, gatewayCapacity, orchestratorCapacity, vllmStartupSeconds, type Capacity } from './capacity';

/** Where a problem points: a file and a key path inside it. */
export type Locate = (file: 'workloads' | 'lock' | { tenant: string }, path: (string | number)[]) => Pick<Problem, 'file' | 'line' | 'column'>;

export interface ImageRef {
  readonly ref: string;
  /** What goes into app.kubernetes.io/version. */
  readonly version: string;
}

export interface ServedModel {
  readonly model: SelfHostedModel;
  readonly sizing: Sizing;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly startupSeconds: number;
}

/** An Azure OpenAI deployment the router calls (the data stack creates it: config/cloud-models.ts). */
export interface CloudTarget {
  readonly deployment: string;
  /** https://<account>.openai.azure.com, resolved to the private endpoint inside the VNet. */
  readonly endpoint: string;
  readonly apiVersion: string;
}

/** One deployment behind an alias; an alias under an A/B test has several, with weights. */
export interface RouterModel {
  /** The name clients ask for (a catalogue id). */
  readonly alias: string;
  /** The model answering it (differs for stand-ins and A/B tests). */
  readonly served: string;
  /** Where `served` processes data. */
  readonly dataBoundary: DataBoundary;
  /** Set for a cloud model; absent: vLLM in the serving namespace. */
  readonly cloud?: CloudTarget;
  /** Share of the alias's traffic (A/B tests), percent. */
  readonly weight?: number;
  /** The served model's chargeback rates: a tenant pays for what answered, not what it asked for. */
  readonly chargeback?: Model['chargeback'];
}

/** What the router enforces per tenant: the same record the tenant stacks export. */
export type TenantEntitlement = RouterEntitlement;

export interface WorkloadPlan {
  readonly env: string;
  readonly registry: string;
  /** undefined: an environment that requires digests has no promoted digest for it yet. */
  readonly images: Record<ImageName, ImageRef | undefined>;
  readonly config: EnvironmentWorkloads;
  readonly gateway: Capacity;
  readonly orchestrator: Capacity & { jobsPerReplica: number };
  readonly served: ServedModel[];
  readonly routes: RouterModel[];
  readonly fallbacks: Record<string, string[]>;
  readonly entitlements: TenantEntitlement[];
  readonly privateEndpointsCidr: string;
  readonly postgresHost: string;
  readonly redisHost: string;
  /** The cloud routes' moderation (Azure AI Content Safety, stacks/data-stack.ts); called only where cloud routes exist. */
  readonly contentSafetyEndpoint: string;
  /** The storage account's Blob endpoint (audit archive). */
  readonly blobHost: string;
  /** The audit migrator's PostgreSQL role: its identity's Azure name (stacks/data-stack.ts). */
  readonly auditMigratorRole: string;
  readonly gpuPool: RenderContext['env']['aks']['nodePools']['gpu'];
}

export function resolveImages(ctx: RenderContext, cfg: WorkloadsConfig, lock: ImageLock, registry: string): Record<ImageName, ImageRef | undefined> {
  const locked = lock.environments[ctx.env.name] ?? {};
  const out = {} as Record<ImageName, ImageRef | undefined>;
  for (const [name, img] of Object.entries(cfg.images) as [ImageName, { repository: string; tag: string }][]) {
    const pin = locked[name];
    if (pin) {
      // A promoted image is what runs, even if config already names the next tag: prod moves
      // only when the pipeline promotes, never because a commit bumped a tag.
      out[name] = { ref: `${registry}/${img.repository}:${pin.tag}@${pin.digest}`, version: pin.tag };
    } else if (ctx.env.policies.requireDigest) {
      out[name] = undefined;
    } else {
      out[name] = { ref: `${registry}/${img.repository}:${img.tag}`, version: img.tag };
    }
  }
  return out;
}

export function planWorkloads(ctx: RenderContext, cfg: WorkloadsConfig, lock: ImageLock, locate: Locate): WorkloadPlan {
  const { env } = ctx;
  const problems: Problem[] = [];
  const envCfg = cfg.environments[env.name];
  if (!envCfg) {
    throw new ValidationError([
      { ...locate('workloads', ['environments']), path: 'environments', message: `environment ${env.name} has no workload settings`, hint: `add environments.${env.name} (copy another environment's block and size it)` },
    ]);
  }
  const at = (...p: (string | number)[]) => ['environments', env.name, ...p];
  const wl = (path: (string | number)[], message: string, hint?: string) => problems.push({ ...locate('workloads', path), path: path.join('.'), message, ...(hint ? { hint } : {}) });

  for (const [name, pin] of Object.entries(lock.environments[env.name] ?? {})) {
    // The lock checks itself (config/image-lock.ts); only the environment knows its tier.
    if (env.tier === 'production' && pin?.from === FROM_BUILD) {
      const path = ['environments', env.name, name, 'from'];
      problems.push({ ...locate('lock', path), path: path.join('.'), message: `${env.name} is production and takes only digests a non-production environment ran first, not straight from a build`, hint: `lock the digest in a non-production environment, then promote it: \`platform images lock ${name} --env ${env.name} --digest ...\`` });
    }
  }

  const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
  const registry = registryLoginServer(env);

  const capacity = <T>(field: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof CapacityError)) throw err;
      wl(at('agents', field, err.field), err.message, err.hint);
      return undefined;
    }
  };
  const gateway = capacity('gateway', () => gatewayCapacity(envCfg.agents.gateway));
  const orchestrator = capacity('orchestrator', () => orchestratorCapacity(envCfg.agents.orchestrator));

  // Models: what tenants in this environment are entitled to, plus what config adds.
  const catalogue = new Map(ctx.models.models.map((m) => [m.id, m]));
  const known = [...catalogue.keys()].join(', ');
  const tenants = ctx.tenants.filter((t) => t.spec.environments.includes(env.name)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const cloud = cloudModelsFor(env, ctx.tenants, ctx.models);
  const deployed = new Set(cloud.models.map((m) => m.id));
  const endpoint = azureOpenAIEndpoint(naming.name('cognitiveAccount', AZURE_OPENAI_ACCOUNT));
  /** alias -> where it was asked for first (for messages). */
  const wanted = new Map<string, { file: Parameters<Locate>[0]; path: (string | number)[] }>();
  for (const t of tenants) {
    (t.spec.llm?.models ?? []).forEach((m, i) => {
      const where = { file: { tenant: t.metadata.name }, path: ['spec', 'llm', 'models', i] };
      if (!catalogue.has(m)) problems.push({ ...locate(where.file, where.path), path: where.path.join('.'), message: `unknown model "${m}"`, hint: `models in config/models.yaml: ${known}` });
      else if (!wanted.has(m)) wanted.set(m, where);
    });
  }
  // Tenant validation refuses these; checked again so that no unvalidated tenant can ever get a team beyond its boundary.
  for (const t of tenants) {
    for (const f of dataBoundaryFindings(t, ctx.models)) problems.push({ ...locate({ tenant: t.metadata.name }, f.path), path: f.path.join('.'), message: f.message, ...(f.hint ? { hint: f.hint } : {}) });
  }
  envCfg.serving.models.forEach((m, i) => {
    const path = at('serving', 'models', i);
    const model = catalogue.get(m);
    if (!model) wl(path, `unknown model "${m}"`, `models in config/models.yaml: ${known}`);
    else if (!isSelfHosted(model)) wl(path, `model ${m} is ${model.dataBoundary}: Azure OpenAI serves it, not vLLM`, `list it under azureOpenAI.models in config/environments/${env.name}.yaml`);
    else if (!wanted.has(m)) wanted.set(m, { file: 'workloads', path });
  });
  for (const [alias, target] of Object.entries(envCfg.serving.standIns)) {
    for (const id of [alias, target]) {
      const model = catalogue.get(id);
      if (!model) wl(at('serving', 'standIns', alias), `unknown model "${id}"`, `models in config/models.yaml: ${known}`);
      else if (!isSelfHosted(model)) wl(at('serving', 'standIns', alias), `model ${id} is ${model.dataBoundary}; stand-ins are for self-hosted models the GPU pool cannot hold`, 'use serving.abTests to route an alias to a cloud model');
    }
  }

  const aliases = [...wanted.keys()].sort();
  /** alias -> the tenants entitled to it. */
  const entitledTo = (alias: string) => tenants.filter((t) => t.spec.llm?.models.includes(alias));
  const abTests = envCfg.serving.abTests;
  for (const [alias, mix] of Object.entries(abTests)) {
    const path = at('serving', 'abTests', alias);
    const sides = Object.keys(mix);
    const total = Object.values(mix).reduce((n, w) => n + w, 0);
    // An A/B test of an alias nobody here uses is dormant, not wrong: it wakes with the first
    // entitlement (a retired pilot tenant or a new environment must not block the render).
    // Its shape and catalogue ids are still checked, so a typo never waits for that day.
    const active = wanted.has(alias);
    if (sides.length < 2) wl(path, `an A/B test needs at least two models, got ${sides.length}`, 'e.g. { llama-3-1-8b-instruct: 90, gpt-4o-mini-eu: 10 }');
    if (total !== 100) wl(path, `weights sum to ${total}, not 100`, 'weights are percent of the alias\'s traffic');
    const classes: DataBoundary[] = [];
    for (const side of sides) {
      const model = catalogue.get(side);
      if (!model) {
        wl([...path, side], `unknown model "${side}"`, `models in config/models.yaml: ${known}`);
        continue;
      }
      classes.push(model.dataBoundary);
      if (active && !isSelfHosted(model) && !deployed.has(side)) {
        wl([...path, side], `cloud model ${side} is not deployed in ${env.name}`, `add it to azureOpenAI.models in config/environments/${env.name}.yaml (the data stack then deploys it)`);
      }
    }
    // The mix is as wide as its widest side: every tenant entitled to the alias must accept that.
    const widest = widestBoundary(classes);
    for (const t of entitledTo(alias)) {
      const max = t.spec.llm!.maxDataBoundary;
      if (!boundaryCovers(max, widest)) {
        wl(path, `tenant ${t.metadata.name} is entitled to ${alias} but accepts at most ${max}, and this A/B test sends its prompts to ${widest} models`, `remove the ${widest} side, or test with an alias only tenants accepting ${widest} use`);
      }
    }
  }
  for (const [alias, targets] of Object.entries(envCfg.router.fallbacks)) {
    for (const m of [alias, ...targets]) {
      if (!aliases.includes(m)) wl(at('router', 'fallbacks', alias), `model ${m} is not routed in ${env.name}`, `routed here: ${aliases.join(', ') || 'none'}`);
    }
    // A fallback answers the alias's callers: it must stay inside each of their boundaries.
    const widest = widestBoundary(targets.map((m) => catalogue.get(m)?.dataBoundary ?? 'self-hosted'));
    for (const t of entitledTo(alias)) {
      if (!boundaryCovers(t.spec.llm!.maxDataBoundary, widest)) {
        wl(at('router', 'fallbacks', alias), `tenant ${t.metadata.name} is entitled to ${alias} but accepts at most ${t.spec.llm!.maxDataBoundary}, and a fallback is ${widest}`, 'fall back to a model inside every entitled tenant\'s boundary');
      }
    }
  }

  const routeTo = (alias: string, id: string, weight?: number): RouterModel[] => {
    const model = catalogue.get(id);
    if (!model) return [];
    if (isSelfHosted(model)) {
      const served = envCfg.serving.standIns[id] ?? id;
      return [{ alias, served, dataBoundary: 'self-hosted', chargeback: catalogue.get(served)?.chargeback, ...(weight ? { weight } : {}) }];
    }
    return [{ alias, served: id, dataBoundary: model.dataBoundary, cloud: { deployment: id, endpoint, apiVersion: AZURE_OPENAI_API_VERSION }, chargeback: model.chargeback, ...(weight ? { weight } : {}) }];
  };
  const routes: RouterModel[] = aliases.flatMap((alias) => (abTests[alias] ? Object.entries(abTests[alias]).sort(([a], [b]) => a.localeCompare(b)).flatMap(([id, w]) => routeTo(alias, id, w)) : routeTo(alias, alias)));
  const servedIds = [...new Set(routes.filter((r) => !r.cloud).map((r) => r.served))].sort();
  const pool = env.aks.nodePools.gpu;
  const served: ServedModel[] = [];
  for (const id of servedIds) {
    const model = catalogue.get(id);
    if (!model || !isSelfHosted(model)) continue;
    const origin = wanted.get(id) ?? wanted.get(routes.find((r) => r.served === id)!.alias)!;
    if (!pool.enabled) {
      problems.push({ ...locate(origin.file, origin.path), path: origin.path.join('.'), message: `model ${id} cannot be served: environment ${env.name} has no GPU pool`, hint: `enable aks.nodePools.gpu in config/environments/${env.name}.yaml or remove the entitlement` });
      continue;
    }
    try {
      const sizing = sizeModel(model, pool);
      const r = envCfg.serving.perModel[id] ?? envCfg.serving.replicas;
      served.push({ model, sizing, minReplicas: r.min, maxReplicas: r.max, startupSeconds: vllmStartupSeconds(sizing.weightsGiB, envCfg.serving.weightsMiBps) });
    } catch (err) {
      if (!(err instanceof SizingError)) throw err;
      const [message, fix] = err.message.split('; fix: ');
      problems.push({
        ...locate(origin.file, origin.path),
        path: origin.path.join('.'),
        message,
        hint: `${fix}; or let a smaller model answer it here: environments.${env.name}.serving.standIns.${id}: <model> in config/workloads.yaml`,
      });
    }
  }
  for (const id of Object.keys(envCfg.serving.perModel)) {
    if (!servedIds.includes(id)) wl(at('serving', 'perModel', id), `model ${id} is not served in ${env.name}`, `served here: ${servedIds.join(', ') || 'none'}`);
  }
  const minGpus = served.reduce((n, s) => n + s.minReplicas * s.sizing.gpusPerReplica, 0);
  if (pool.enabled && minGpus > pool.maxGpus) {
    wl(at('serving', 'replicas'), `the minimum replicas of the served models need ${minGpus} GPUs, but the pool has at most ${pool.maxGpus} (aks.nodePools.gpu.maxGpus)`, 'lower the minimum replicas, use stand-ins, or grow the GPU pool');
  }

  // The router's cost analysis must let through what the router itself books, or every canary fails.
  const dearest = dearestRatePer1kTokens(routes);
  const costLimit = envCfg.delivery.router.maxCostPer1kTokens;
  if (env.addons.argoRollouts.enabled && dearest && dearest.per1k > costLimit) {
    wl(
      at('delivery', 'router', 'maxCostPer1kTokens'),
      `${costLimit} per 1000 tokens is below what the router books for ${dearest.served} (${dearest.per1k} per 1000 tokens at its chargeback rate): every router canary would fail its cost analysis`,
      `raise maxCostPer1kTokens to at least ${dearest.per1k}`,
    );
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const entitlements: TenantEntitlement[] = tenants.map(routerEntitlement).filter((e): e is TenantEntitlement => e !== undefined);

  return {
    env: env.name,
    registry,
    images: resolveImages(ctx, cfg, lock, registry),
    config: envCfg,
    gateway: gateway!,
    orchestrator: orchestrator!,
    served,
    routes,
    fallbacks: envCfg.router.fallbacks,
    entitlements,
    privateEndpointsCidr: env.network.subnets.privateEndpoints,
    postgresHost: `${naming.name('postgresqlFlexibleServer')}.postgres.database.azure.com`,
    redisHost: `${naming.name('redisCache')}.redis.cache.windows.net`,
    blobHost: `${naming.name('storageAccount')}.blob.core.windows.net`,
    contentSafetyEndpoint: contentSafetyEndpoint(naming.name('cognitiveAccount', CONTENT_SAFETY_ACCOUNT)),
    auditMigratorRole: naming.name('userAssignedIdentity', AUDIT_IDENTITIES.migrator.name),
    gpuPool: pool,
  };
}
