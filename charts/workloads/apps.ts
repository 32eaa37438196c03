/**
 * The workload apps (agent services, vLLM serving, LLM router) `platform render` writes, one
 * folder each under rendered/<env>/. Builders load config/workloads.yaml and the image lock
 * (the only I/O), resolve them with the environment, catalogue and tenants, and hand the charts
 * plain props. An app whose images are not promoted yet, in an environment that requires
 * digests, renders no objects (docs/workloads.md explains why that is safe).
 */
import type { AppBuilder, RenderContext } from '../app-builder';
import { AGENT_SERVICES_APP, AUDIT_APP, DEMO_APP, LEDGER_APP, LLM_ROUTER_APP, LLM_SERVING_APP, MCP_HUB_APP, MLFLOW_APP, N8N_APP, RETRIEVAL_APP, type WorkloadAppName } from '../app-names';
import { TENANTS_DIR } from '../../config/tenants';
import { IMAGE_LOCK_FILE, loadImageLock, loadWorkloadsConfig, tenantFile, WORKLOADS_FILE, type ImageName } from '../../config/workloads';
import { positionOf, ValidationError } from '../../config/yaml-validate';
import { ENVIRONMENTS_DIR } from '../../config/load';
import { loadN8nWorkflows, N8N_WORKFLOWS_DIR } from '../../config/n8n-workflows';
import { N8N_CREDENTIALS } from '../../catalog/n8n-credentials';
import { platformHostname } from '../../catalog/edge';
import { Naming } from '../../catalog/naming';
import { N8nChart } from '../control-plane/n8n';
import { VllmServingChart } from '../serving/vllm';
import { EdgeDemoChart } from '../edge/demo';
import { AgentServicesChart } from './agents';
import { planWorkloads, type ImageRef, type WorkloadPlan } from './plan';
import { LlmRouterChart } from './router';
import { PresidioChart } from './presidio';
import { routerDelivery, servingDelivery } from './delivery';
import { McpHubChart } from '../mcp-hub/chart';
import { mcpGrants } from '../../catalog/mcp-tools';
import { AuditChart } from '../audit/chart';
import { GOLDEN_SETS_DIR, goldenSetsFor, loadGoldenSets, type GoldenSet } from '../../config/golden-sets';
import { GoldenSetAnalysis } from '../golden-sets/analysis';
import { GOLDEN_SET_NAME, ROUTER_TARGET } from '../../catalog/golden-sets';
import { ROUTER_NAME, ROUTER_PORT, ROUTER_SECRETS } from './router';
import { VLLM_PORT } from '../serving/vllm';
import { podPeer, PLATFORM_NAMESPACE, SERVING_NAMESPACE, tcp } from './common';
import { AUDIT_MIGRATIONS_DIR, LEDGER_MIGRATIONS_DIR, loadMigrations, RETRIEVAL_MIGRATIONS_DIR } from '../../config/audit-migrations';
import { RetrievalChart } from '../retrieval/chart';
import { RETRIEVAL_MIGRATOR, tenantStoreNames } from '../../catalog/retrieval';
import { LedgerChart } from '../ledger/chart';
import { LEDGER_IDENTITIES } from '../../catalog/ledger';
import { MlflowChart } from '../mlflow/chart';
import { MLFLOW_IDENTITIES } from '../../catalog/mlflow';

export interface WorkloadFiles {
  readonly workloadsFile?: string;
  readonly lockFile?: string;
  readonly tenantsDir?: string;
  /** The n8n workflows (workflows/n8n). */
  readonly n8nWorkflowsDir?: string;
  readonly migrationsDir?: string;
  /** The golden sets (golden-sets/). */
  readonly goldenSetsDir?: string;
  readonly retrievalMigrationsDir?: string;
  readonly ledgerMigrationsDir?: string;
}

/** The apps, reading their config from the given files (tests pass fixtures). */
export function workloadApps(files: WorkloadFiles = {}): Record<string, AppBuilder> {
  const workloadsFile = files.workloadsFile ?? WORKLOADS_FILE;
  const lockFile = files.lockFile ?? IMAGE_LOCK_FILE;
  const tenantsDir = files.tenantsDir ?? TENANTS_DIR;
  // The three apps of one environment share one plan: the files are read and checked once per
  // environment and render (one render's contexts share their tenants array), not once per app.
  const plans = new WeakMap<RenderContext['tenants'], WeakMap<RenderContext['env'], WorkloadPlan>>();
  const plan = (ctx: RenderContext): WorkloadPlan => {
    const byEnv = plans.get(ctx.tenants) ?? new WeakMap<RenderContext['env'], WorkloadPlan>();
    plans.set(ctx.tenants, byEnv);
    const cached = byEnv.get(ctx.env);
    if (cached) return cached;
    const fresh = planWorkloads(ctx, loadWorkloadsConfig(workloadsFile), loadImageLock(lockFile), (file, path) =>
      positionOf(file === 'workloads' ? workloadsFile : file === 'lock' ? lockFile : tenantFile(tenantsDir, file.tenant), path),
    );
    byEnv.set(ctx.env, fresh);
    return fresh;
  };
  // Likewise the golden sets: read and checked once per render (they depend on tenants and models, not the environment).
  const sets = new WeakMap<RenderContext['tenants'], GoldenSet[]>();
  const goldenSets = (ctx: RenderContext): GoldenSet[] => {
    const loaded = sets.get(ctx.tenants) ?? loadGoldenSets(ctx, files.goldenSetsDir ?? GOLDEN_SETS_DIR).map((l) => l.set);
    sets.set(ctx.tenants, loaded);
    return loaded;
  };
  /** Every image, or undefined when one is missing (not promoted). */
  const all = <K extends ImageName>(p: WorkloadPlan, names: K[]): Record<K, ImageRef> | undefined =>
    names.every((n) => p.images[n]) ? (Object.fromEntries(names.map((n) => [n, p.images[n]])) as Record<K, ImageRef>) : undefined;

  return {
    [AGENT_SERVICES_APP]: (app, ctx) => {
      const p = plan(ctx);
      const images = all(p, ['gateway', 'orchestrator', 'repo-adapter', 'patch-worker']);
      if (!images) return;
      new AgentServicesChart(app, AGENT_SERVICES_APP, {
        plan: p,
        images: { gateway: images.gateway, orchestrator: images.orchestrator, repoAdapter: images['repo-adapter'], patchWorker: images['patch-worker'] },
        gatewayHost: `api.${ctx.env.dns.zoneName}`,
      });
    },
    [LLM_SERVING_APP]: (app, ctx) => {
      // Checked before the images are looked at: a bad set fails every render.
      const sets = goldenSets(ctx);
      const p = plan(ctx);
      const images = all(p, ['vllm', 'litellm']);
      if (!images || p.served.length === 0) return;
      const s = p.config.serving;
      const chart = new VllmServingChart(app, LLM_SERVING_APP, {
        image: images.vllm,
        models: p.served,
        gpuPool: p.gpuPool,
        cache: s.cache,
        drainSeconds: s.drainSeconds,
        waitingPerReplica: s.waitingPerReplica,
        weightsEndpoints: s.weightsEndpoints,
        ...(ctx.env.addons.argoRollouts.enabled ? { delivery: servingDelivery(p.config.delivery) } : {}),
      });
      const served = new Set(p.served.map((m) => m.model.id));
      new GoldenSetAnalysis(chart, GOLDEN_SET_NAME, {
        namespace: SERVING_NAMESPACE,
        environment: p.env,
        // The runner needs python3, which the router's image has and vLLM's much larger one need not be pulled for.
        image: images.litellm,
        sets: goldenSetsFor(sets, 'serving', (c) => served.has(c.model)),
        auth: { kind: 'none' },
        canaryEgress: { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'model-server' } } }], ports: tcp(VLLM_PORT) },
      });
    },
    [DEMO_APP]: (app, ctx) => {
      const p = plan(ctx);
      const images = all(p, ['demo']);
      if (!images) return;
      new EdgeDemoChart(app, DEMO_APP, { environment: p.env, image: images.demo, zone: ctx.env.dns.zoneName, nodesCidr: ctx.env.network.subnets.nodes, untrustedCertificates: ctx.env.addons.certManager.acme.server === 'staging' });
    },
    [AUDIT_APP]: (app, ctx) => {
      const p = plan(ctx);
      const images = all(p, ['postgres', 'curl']);
      if (!images) return;
      new AuditChart(app, AUDIT_APP, {
        environment: p.env,
        postgresImage: images.postgres,
        curlImage: images.curl,
        migrations: loadMigrations(files.migrationsDir ?? AUDIT_MIGRATIONS_DIR),
        postgresHost: p.postgresHost,
        migratorRole: p.auditMigratorRole,
        blobHost: p.blobHost,
        privateEndpointsCidr: p.privateEndpointsCidr,
        // The agent services' Entra ID endpoints: the token exchange goes to the same place.
        cloudEndpoints: p.config.agents.cloudEndpoints,
      });
    },
    [RETRIEVAL_APP]: (app, ctx) => {
      const retrieval = ctx.env.data.retrieval;
      if (!retrieval) return;
      const p = plan(ctx);
      // Read before the images are looked at: a bad migrations folder fails every render.
      const migrations = loadMigrations(files.retrievalMigrationsDir ?? RETRIEVAL_MIGRATIONS_DIR);
      const images = all(p, ['postgres', 'curl']);
      if (!images) return;
      const { env } = ctx;
      const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
      new RetrievalChart(app, RETRIEVAL_APP, {
        postgresImage: images.postgres,
        curlImage: images.curl,
        migrations,
        stores: ctx.tenants
          .filter((t) => t.spec.retrieval && !t.spec.retired && t.spec.environments.includes(env.name))
          .map((t) => tenantStoreNames(t.metadata.name))
          .sort((a, b) => a.tenant.localeCompare(b.tenant)),
        embeddingDimensions: retrieval.embeddingDimensions,
        postgresHost: p.postgresHost,
        migratorRole: naming.name('userAssignedIdentity', RETRIEVAL_MIGRATOR.name),
        privateEndpointsCidr: p.privateEndpointsCidr,
        // The agent services' Entra ID endpoints: the token exchange goes to the same place.
        cloudEndpoints: p.config.agents.cloudEndpoints,
      });
    },
    [LEDGER_APP]: (app, ctx) => {
      const p = plan(ctx);
      const images = all(p, ['postgres', 'curl', 'postgrest', 'sql-exporter']);
      if (!images) return;
      const env = ctx.env;
      const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
      new LedgerChart(app, LEDGER_APP, {
        environment: p.env,
        postgresImage: images.postgres,
        curlImage: images.curl,
        postgrestImage: images.postgrest,
        sqlExporterImage: images['sql-exporter'],
        migrations: loadMigrations(files.ledgerMigrationsDir ?? LEDGER_MIGRATIONS_DIR),
        postgresHost: p.postgresHost,
        migratorRole: naming.name('userAssignedIdentity', LEDGER_IDENTITIES.migrator.name),
        privateEndpointsCidr: p.privateEndpointsCidr,
        cloudEndpoints: p.config.agents.cloudEndpoints,
        tenantGroups: ctx.tenants.filter((t) => t.spec.environments.includes(env.name)).map((t) => ({ tenant: t.metadata.name, groupObjectId: t.spec.owners.entraGroupObjectId })),
        ...(env.ledger ? { api: { entraTenantId: env.ledger.entraTenantId, appId: env.ledger.appId } } : {}),
      });
    },
    [MLFLOW_APP]: (app, ctx) => {
      const p = plan(ctx);
      const images = all(p, ['mlflow', 'postgres', 'curl']);
      if (!images) return;
      const { env } = ctx;
      const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
      new MlflowChart(app, MLFLOW_APP, {
        environment: p.env,
        images,
        postgresHost: p.postgresHost,
        roles: { server: MLFLOW_IDENTITIES.server.name, bootstrap: naming.name('userAssignedIdentity', MLFLOW_IDENTITIES.bootstrap.name) },
        blobHost: p.blobHost,
        publicHost: platformHostname('mlflow', env.dns.zoneName),
        replicas: env.addons.highAvailability ? 2 : 1,
        privateEndpointsCidr: p.privateEndpointsCidr,
        // The agent services' Entra ID endpoints: the token exchanges go to the same place.
        cloudEndpoints: p.config.agents.cloudEndpoints,
      });
    },
    [LLM_ROUTER_APP]: (app, ctx) => {
      const sets = goldenSets(ctx);
      const p = plan(ctx);
      const images = all(p, ['litellm', 'sql-exporter', 'presidio-analyzer', 'presidio-anonymizer']);
      if (!images) return;
      const chart = new LlmRouterChart(app, LLM_ROUTER_APP, {
        environment: p.env,
        image: images.litellm,
        spendExporterImage: images['sql-exporter'],
        routes: p.routes,
        fallbacks: p.fallbacks,
        entitlements: p.entitlements,
        minReplicas: p.config.router.minReplicas,
        maxReplicas: p.config.router.maxReplicas,
        privateEndpointsCidr: p.privateEndpointsCidr,
        redisHost: p.redisHost,
        contentSafetyEndpoint: p.contentSafetyEndpoint,
        cloudEndpoints: p.config.router.cloudEndpoints,
        ...(ctx.env.addons.argoRollouts.enabled ? { delivery: routerDelivery(p.config.delivery) } : {}),
      });
      // The router has a team (and so keys) only for the tenants of this environment.
      const teams = new Set(p.entitlements.map((e) => e.tenant));
      new GoldenSetAnalysis(chart, GOLDEN_SET_NAME, {
        namespace: PLATFORM_NAMESPACE,
        environment: p.env,
        image: images.litellm,
        sets: goldenSetsFor(sets, ROUTER_TARGET, (c) => teams.has(c.tenant)),
        auth: { kind: 'tenant-keys', masterKeySecret: ROUTER_SECRETS.LITELLM_MASTER_KEY },
        canaryEgress: { to: [podPeer(ROUTER_NAME)], ports: tcp(ROUTER_PORT) },
      });
      // The router's PII guardrail: same app, so it syncs with the router that calls it.
      new PresidioChart(app, 'presidio', { environment: p.env, analyzerImage: images['presidio-analyzer'], anonymizerImage: images['presidio-anonymizer'], minReplicas: p.config.router.minReplicas, maxReplicas: p.config.router.maxReplicas });
    },
    [N8N_APP]: (app, ctx) => {
      const p = plan(ctx);
      // The workflows are checked before the image is looked at: a bad file fails every render.
      const workflows = loadN8nWorkflows(files.n8nWorkflowsDir ?? N8N_WORKFLOWS_DIR);
      const images = all(p, ['n8n']);
      if (!images) return;
      const { env } = ctx;
      if (!env.data.postgres.passwordLogin) {
        const path = ['data', 'postgres'];
        throw new ValidationError([{
          ...positionOf(`${ENVIRONMENTS_DIR}/${env.name}.yaml`, path),
          path: path.join('.'),
          message: `n8n needs a password login to PostgreSQL in ${env.name}: it cannot use Entra ID tokens (docs/adr/0007-n8n-queue-redis.md)`,
          hint: 'add data.postgres.passwordLogin with a reason naming n8n, or leave n8n out of this environment',
        }]);
      }
      const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
      new N8nChart(app, N8N_APP, {
        environment: p.env,
        image: images.n8n,
        config: p.config.n8n,
        workflows: Object.fromEntries(workflows.map((w) => [w.file, w.text])),
        credentials: N8N_CREDENTIALS,
        privateEndpointsCidr: p.privateEndpointsCidr,
        postgresHost: p.postgresHost,
        // The n8n queue's own cache (access keys), not the platform's Entra-only one: ADR 0007.
        redisHost: `${naming.name('redisCache', 'n8n')}.redis.cache.windows.net`,
        editorHost: platformHostname('n8n', env.dns.zoneName),
        webhookHost: platformHostname('n8n-hooks', env.dns.zoneName),
      });
    },
    [MCP_HUB_APP]: (app, ctx) => {
      const hub = ctx.env.mcpHub;
      if (!hub || !ctx.env.addons.aiGateway.enabled) return;
      const p = plan(ctx);
      const images = all(p, ['azure-devops-mcp', 'envoy', 'otel-collector', 'postgres', 'curl']);
      if (!images) return;
      const tenants = ctx.tenants
        .filter((t) => t.spec.environments.includes(ctx.env.name) && !t.spec.retired && t.spec.mcp.tools.length > 0)
        .map((t) => ({ tenant: t.metadata.name, grants: mcpGrants(t.spec.mcp.tools), requestsPerMinute: t.spec.mcp.requestsPerMinute }))
        .sort((a, b) => a.tenant.localeCompare(b.tenant));
      new McpHubChart(app, MCP_HUB_APP, {
        zone: ctx.env.dns.zoneName,
        hub: { entraTenantId: hub.entraTenantId, appId: hub.appId, azureDevOpsOrganization: hub.azureDevOps.organization },
        images: { azureDevOps: images['azure-devops-mcp'], tlsSidecar: images.envoy, collector: images['otel-collector'], postgres: images.postgres, curl: images.curl },
        // The agent services' Entra ID endpoints: the token exchange goes to the same place.
        audit: { postgresHost: p.postgresHost, privateEndpointsCidr: p.privateEndpointsCidr, cloudEndpoints: p.config.agents.cloudEndpoints },
        highAvailability: ctx.env.addons.highAvailability,
        privateCidrs: [ctx.env.aks.podCidr, ctx.env.aks.serviceCidr, ctx.env.network.addressSpace],
        tenants,
      });
    },
    // Exactly the names charts/app-names.ts lists, which cli/lib/render.ts keys apps on without loading this module.
  } satisfies Record<WorkloadAppName, AppBuilder>;
}

export const WORKLOAD_APPS: Record<string, AppBuilder> = workloadApps();
