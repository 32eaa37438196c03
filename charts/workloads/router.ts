/**
 * The LLM router in namespace `platform`: LiteLLM proxy (OpenAI-compatible) configured with every
 * model served in the environment, the fallbacks from config/workloads.yaml and one LiteLLM team
 * per tenant carrying its entitlements (models, TPM/RPM, monthly budget). Keys and budgets live
 * in PostgreSQL (database `router`), cross-replica rate limits in Redis.
 *
 * Schema migrations run once per sync, not in every replica: the router starts with
 * DISABLE_SCHEMA_UPDATE, and a Job (an Argo CD Sync hook in the wave before the Deployment)
 * applies them. Prisma migrate takes a Postgres advisory lock, so even two overlapping runs
 * cannot interleave. Team entitlements are upserted by a PostSync hook Job through the router's
 * admin API, which is where LiteLLM keeps them. Per-team spend reaches Prometheus through a SQL
 * exporter on the same database (spend-exporter.ts).
 */
import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { stringify } from 'yaml';
import { vllmBaseUrl, VLLM_PORT } from '../serving/vllm';
import {
  cidrEgress, egressOnlyPolicy, hookJob, labelsFor, namespacePeer, otelEgress, PLATFORM_NAMESPACE, podPeer, port, q, resources, RESTRICTED_CONTAINER, RESTRICTED_POD, scratchStorage, SERVING_NAMESPACE, tcp,
  TENANT_NAMESPACE_LABEL,
  GATEWAY_PROXY_PEER,
} from './common';
import { POSTGRES_PORT, REDIS_TLS_PORT } from '../../catalog/data-services';
import { SERVICES } from '../../catalog/services';
import { GOLDEN_SET_POD_LABELS } from '../../catalog/golden-sets';
import type { ImageRef, RouterModel, TenantEntitlement } from './plan';
import { ROUTER_CLIENT_ID_SECRET, ROUTER_NAME } from './names';
import { PlatformService, TMP_SIZE } from './service';
import { SpendExporter } from './spend-exporter';
import { guardrailsConfig, guardrailsFiles, isCloudRoute, presidioEnv, teamGuardrails } from './guardrails';
import { ANALYSIS_TEMPLATES, canaryServiceName } from '../../catalog/rollouts';
import { routerAnalysisTemplates, type AnalysisPolicy, type RouterThresholds } from './analysis';
import { CanaryRollout, ROLLOUT_TARGET, type CanaryPolicy } from './rollout';

export { ROUTER_NAME } from './names';
export const ROUTER_PORT = SERVICES.router.httpPort;
const CONFIG_DIR = '/etc/litellm';
/** LiteLLM duration (`<n>d`): how long the router keeps per-request spend logs. */
export const SPEND_LOGS_RETENTION = '90d';
const HTTPS_PORT = 443;
/** Key Vault secret names the router reads (docs/workloads.md). */
export const ROUTER_SECRETS = {
  LITELLM_MASTER_KEY: 'llm-router-master-key',
  LITELLM_SALT_KEY: 'llm-router-salt-key',
  DATABASE_URL: 'llm-router-database-url',
  AZURE_CLIENT_ID: ROUTER_CLIENT_ID_SECRET,
} as const;

export interface LlmRouterChartProps {
  readonly environment: string;
  readonly image: ImageRef;
  /** The SQL exporter that reads per-team spend from the router's database. */
  readonly spendExporterImage: ImageRef;
  readonly routes: readonly RouterModel[];
  readonly fallbacks: Record<string, string[]>;
  readonly entitlements: readonly TenantEntitlement[];
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The private-endpoint subnet: Postgres and Redis are reachable only there. */
  readonly privateEndpointsCidr: string;
  readonly redisHost: string;
  /** Azure AI Content Safety (stacks/data-stack.ts), which moderates every cloud route. */
  readonly contentSafetyEndpoint: string;
  /** CIDR:port outside the cluster the router may reach (Entra ID for its workload identity). */
  readonly cloudEndpoints: readonly string[];
  /** Canary delivery through Argo Rollouts (docs/rollouts.md); unset: plain rolling updates of the Deployment. */
  readonly delivery?: RouterDelivery;
}

export interface RouterDelivery {
  readonly policy: CanaryPolicy;
  readonly analysis: AnalysisPolicy;
  readonly thresholds: RouterThresholds;
  /** The llm.<zone> HTTPRoute (charts/edge): its backend weights carry the canary. */
  readonly route: { readonly name: string; readonly namespace: string };
}

/** One model_list entry: vLLM in the serving namespace, or an Azure OpenAI deployment. */
function modelListEntry(r: RouterModel): Record<string, unknown> {
  // Spend is booked per token at the catalogue's chargeback rates (per million there).
  const cost = r.chargeback ? { input_cost_per_token: r.chargeback.inputPerMillionTokens / 1e6, output_cost_per_token: r.chargeback.outputPerMillionTokens / 1e6 } : {};
  // simple-shuffle picks among an alias's deployments in proportion to `weight` (A/B tests).
  const weight = r.weight ? { weight: r.weight } : {};
  const target = r.cloud
    ? {
        // No api_key: with enable_azure_ad_token_refresh the router takes Entra ID tokens from its
        // workload identity (DefaultAzureCredential); the account has local auth disabled anyway.
        model: `azure/${r.cloud.deployment}`,
        api_base: r.cloud.endpoint,
        api_version: r.cloud.apiVersion,
      }
    : { model: `hosted_vllm/${r.served}`, api_base: vllmBaseUrl(r.served) };
  return {
    model_name: r.alias,
    litellm_params: { ...target, timeout: 600, stream_timeout: 120, ...cost, ...weight },
    // One id per deployment: LiteLLM keys deployments (and their cooldowns) by it.
    model_info: { id: r.weight ? `${r.alias}--${r.served}` : r.alias, served_by: r.served, data_boundary: r.dataBoundary },
  };
}

/** Whether the router calls Azure OpenAI at all (then it needs Entra ID tokens and a path to the private endpoint). */
export function hasCloudRoutes(routes: readonly RouterModel[]): boolean {
  return routes.some(isCloudRoute);
}

/** LiteLLM's config.yaml. Secrets are `os.environ/` references, never values. */
export function litellmConfig(props: Pick<LlmRouterChartProps, 'routes' | 'fallbacks'>): Record<string, unknown> {
  return {
    model_list: props.routes.map(modelListEntry),
    router_settings: {
      routing_strategy: 'simple-shuffle',
      redis_host: 'os.environ/REDIS_HOST',
      redis_port: 'os.environ/REDIS_PORT',
      num_retries: 2,
      timeout: 600,
      allowed_fails: 3,
      cooldown_time: 30,
      fallbacks: Object.entries(props.fallbacks)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([alias, targets]) => ({ [alias]: targets })),
    },
    ...guardrailsConfig(props.routes),
    litellm_settings: {
      callbacks: ['prometheus'],
      drop_params: true,
      request_timeout: 600,
      telemetry: false,
      // LiteLLM 1.74.9 (llms/azure/common_utils.py) builds an Entra ID token provider only with this
      // on and no key given; AZURE_CREDENTIAL (config below) makes it DefaultAzureCredential.
      ...(hasCloudRoutes(props.routes) ? { enable_azure_ad_token_refresh: true } : {}),
    },
    general_settings: {
      master_key: 'os.environ/LITELLM_MASTER_KEY',
      database_url: 'os.environ/DATABASE_URL',
      store_model_in_db: false,
      // Fail closed: without the database, keys and budgets cannot be checked.
      allow_requests_on_db_unavailable: false,
      disable_spend_logs: false,
      // Spend logs (per request: team, model, tokens, cost; no prompts) are deleted after this (docs/compliance/retention.md).
      maximum_spend_logs_retention_period: SPEND_LOGS_RETENTION,
      proxy_batch_write_at: 10,
    },
  };
}

/** One LiteLLM team per tenant, as the body of /team/new and /team/update. */
export function tenantTeams(entitlements: readonly TenantEntitlement[]): Record<string, unknown>[] {
  return entitlements.map((e) => ({
    team_id: e.tenant,
    team_alias: e.tenant,
    models: e.models,
    tpm_limit: e.tokensPerMinute,
    rpm_limit: e.requestsPerMinute,
    max_budget: e.monthlyBudget,
    budget_duration: '30d',
    metadata: { tenant: e.tenant, budget_currency: e.currency, managed_by: 'platform-render', ...teamGuardrails(e) },
  }));
}

/** Upserts the teams through the admin API; stdlib only, so the router image runs it. */
export const SYNC_TEAMS_PY = `"""Create or update one LiteLLM team per tenant from tenants.json (rendered by the platform)."""
import json
import os
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ["ROUTER_URL"]
HEADERS = {"Authorization": "Bearer " + os.environ["LITELLM_MASTER_KEY"], "Content-Type": "application/json"}


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


with open(os.path.join(os.path.dirname(__file__), "tenants.json")) as f:
    teams = json.load(f)

for team in teams:
    try:
        call("GET", "/team/info?team_id=" + urllib.parse.quote(team["team_id"]))
        exists = True
    except urllib.error.HTTPError as err:
        if err.code not in (400, 404):
            raise
        exists = False
    call("POST", "/team/update" if exists else "/team/new", team)
    print(("updated " if exists else "created ") + team["team_id"])
`;

export class LlmRouterChart extends Chart {
  constructor(scope: Construct, id: string, props: LlmRouterChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: PLATFORM_NAMESPACE });
    const ns = PLATFORM_NAMESPACE;
    const dbEgress: k8s.NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: props.privateEndpointsCidr } }], ports: tcp(POSTGRES_PORT) };
    const redisEgress: k8s.NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: props.privateEndpointsCidr } }], ports: tcp(REDIS_TLS_PORT) };
    const cloud = props.cloudEndpoints.map(cidrEgress);
    // Azure OpenAI's private endpoint (HTTPS), only where the router has cloud routes.
    const openAIEgress: k8s.NetworkPolicyEgressRule[] = hasCloudRoutes(props.routes) ? [{ to: [{ ipBlock: { cidr: props.privateEndpointsCidr } }], ports: tcp(HTTPS_PORT) }] : [];
    const routerUrl = `http://${ROUTER_NAME}.${ns}.svc.cluster.local:${ROUTER_PORT}`;
    const files = {
      // YAML 1.1 quoting: LiteLLM reads this with PyYAML, which takes an unquoted 2024-10-21 for a date and yes/on for booleans.
      'config.yaml': stringify(litellmConfig(props), { lineWidth: 0, sortMapEntries: false, version: '1.1' }),
      'tenants.json': `${JSON.stringify(tenantTeams(props.entitlements), null, 2)}\n`,
      'sync_teams.py': SYNC_TEAMS_PY,
      ...guardrailsFiles(props.routes),
    };
    // Config and secrets exist before the migration hook (wave -1) and the Deployment (wave 0).
    const earlier = { 'argocd.argoproj.io/sync-wave': '-2' };

    const router = new PlatformService(this, 'router', {
      service: SERVICES.router,
      ...(props.delivery ? { scaleTarget: ROLLOUT_TARGET } : {}),
      environment: props.environment,
      image: props.image,
      health: { live: '/health/liveliness', ready: '/health/readiness' },
      resources: { cpuRequest: '1', cpuLimit: '2', memory: '2Gi' },
      scaling: { kind: 'cpu', minReplicas: props.minReplicas, maxReplicas: props.maxReplicas, targetUtilization: 70 },
      callers: [
        podPeer(SERVICES.gateway.name),
        podPeer(SERVICES.patchWorker.name),
        podPeer(`${ROUTER_NAME}-team-sync`),
        // The golden-set Job of a router rollout (charts/golden-sets), through the canary Service.
        { podSelector: { matchLabels: { ...GOLDEN_SET_POD_LABELS } } },
        // llm.<zone>: clients outside the cluster, through the platform Gateway (charts/edge).
        GATEWAY_PROXY_PEER,
        { namespaceSelector: { matchExpressions: [{ key: TENANT_NAMESPACE_LABEL, operator: 'Exists' }] } },
      ],
      egress: [
        { to: [namespacePeer(SERVING_NAMESPACE, { 'app.kubernetes.io/component': 'model-server' })], ports: tcp(VLLM_PORT) },
        dbEgress,
        redisEgress,
        ...openAIEgress,
        otelEgress,
        { to: [podPeer(SERVICES.presidioAnalyzer.name), podPeer(SERVICES.presidioAnonymizer.name)], ports: tcp(...new Set([SERVICES.presidioAnalyzer.httpPort, SERVICES.presidioAnonymizer.httpPort])) },
        ...cloud,
      ],
      args: ['--config', `${CONFIG_DIR}/config.yaml`, '--port', String(ROUTER_PORT), '--num_workers', '4'],
      files: { mountPath: CONFIG_DIR, data: files },
      config: {
        REDIS_HOST: props.redisHost,
        REDIS_PORT: String(REDIS_TLS_PORT),
        REDIS_SSL: 'True',
        // Redis accepts Entra ID tokens only (no access keys): the router's workload identity.
        AZURE_REDIS_AD_TOKEN: 'true',
        // Migrations are the Job's business; replicas starting together must not race them.
        DISABLE_SCHEMA_UPDATE: 'true',
        STORE_MODEL_IN_DB: 'False',
        LITELLM_LOG: 'INFO',
        PROMETHEUS_MULTIPROC_DIR: '/tmp/prometheus',
        ...presidioEnv(),
        // get_azure_ad_token_provider defaults to ClientSecretCredential, which needs a secret we
        // never issue; DefaultAzureCredential finds the workload identity's federated token.
        // The moderation guardrail calls Content Safety with the same identity (guardrails-py.ts).
        ...(hasCloudRoutes(props.routes) ? { AZURE_CREDENTIAL: 'DefaultAzureCredential', CONTENT_SAFETY_ENDPOINT: props.contentSafetyEndpoint } : {}),
      },
      secrets: { ...ROUTER_SECRETS },
      podLabels: { 'azure.workload.identity/use': 'true' },
      dependencyAnnotations: earlier,
      extraEnv: [{ name: 'HOME', value: '/tmp' }],
      terminationGraceSeconds: 120,
    });

    if (props.delivery) {
      const d = props.delivery;
      new CanaryRollout(this, 'rollout', {
        metadata: { name: ROUTER_NAME, namespace: ns, labels: router.labels },
        deployment: ROUTER_NAME,
        selector: router.selector,
        stableService: ROUTER_NAME,
        ports: [{ name: 'http', port: ROUTER_PORT, targetPort: port('http'), protocol: 'TCP' }],
        policy: d.policy,
        templates: [ANALYSIS_TEMPLATES.errorRatio, ANALYSIS_TEMPLATES.latencyP95, ANALYSIS_TEMPLATES.costPer1kTokens],
        args: [],
        goldenSet: { baseUrl: `http://${canaryServiceName(ROUTER_NAME)}.${ns}.svc.cluster.local:${ROUTER_PORT}/v1`, target: ROUTER_NAME },
        httpRoute: d.route,
      });
      routerAnalysisTemplates(this, { namespace: ns, labels: labelsFor({ name: ROUTER_NAME, component: 'canary-analysis', version: props.image.version }) }, d.route, d.analysis, d.thresholds);
    }

    const job = (name: string, component: string, hook: Record<string, string>, container: Partial<k8s.Container>, egress: k8s.NetworkPolicyEgressRule[]) => {
      const labels = labelsFor({ name, component, version: props.image.version });
      hookJob(this, {
        name,
        namespace: ns,
        labels,
        hook,
        pod: {
          serviceAccountName: ROUTER_NAME,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: RESTRICTED_POD,
          containers: [
            {
              name: component,
              image: props.image.ref,
              imagePullPolicy: 'IfNotPresent',
              envFrom: [{ configMapRef: { name: `${ROUTER_NAME}-config` } }, { secretRef: { name: `${ROUTER_NAME}-secrets` } }],
              resources: resources({ cpuRequest: '500m', cpuLimit: '1', memory: '1Gi', ephemeralStorage: scratchStorage(TMP_SIZE) }),
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [{ name: 'files', mountPath: CONFIG_DIR, readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
              ...container,
            },
          ],
          volumes: [{ name: 'files', configMap: { name: `${ROUTER_NAME}-files` } }, { name: 'tmp', emptyDir: { sizeLimit: q(TMP_SIZE) } }],
        },
      });
      egressOnlyPolicy(this, { name, namespace: ns, labels, egress });
    };

    job(
      `${ROUTER_NAME}-migrate`,
      'migration',
      { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-1' },
      {
        command: ['litellm'],
        args: ['--config', `${CONFIG_DIR}/config.yaml`, '--use_prisma_migrate', '--skip_server_startup'],
        env: [{ name: 'HOME', value: '/tmp' }, { name: 'DISABLE_SCHEMA_UPDATE', value: 'false' }, { name: 'USE_PRISMA_MIGRATE', value: 'True' }],
      },
      [dbEgress, ...cloud],
    );

    job(
      `${ROUTER_NAME}-team-sync`,
      'team-sync',
      { 'argocd.argoproj.io/hook': 'PostSync' },
      { command: ['python3', `${CONFIG_DIR}/sync_teams.py`], env: [{ name: 'ROUTER_URL', value: routerUrl }, { name: 'HOME', value: '/tmp' }] },
      [{ to: [podPeer(ROUTER_NAME)], ports: tcp(ROUTER_PORT) }],
    );

    new SpendExporter(this, 'spend-exporter', { environment: props.environment, image: props.spendExporterImage, databaseEgress: dbEgress });
  }
}
