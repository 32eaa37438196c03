/**
 * How each rendered app is built: its charts, from its environment and its view (the views, and
 * which apps an environment has, are cli/lib/render.ts's). Loaded by render.ts only when an app
 * must be built: an app the render cache holds needs only its view and key, and this module is
 * every chart and cdk8s.
 */
import { App } from 'cdk8s';
import { GatekeeperPoliciesChart } from '../../charts/policies/chart';
import { budgetRuleGroups } from '../../charts/observability/budget-rules';
import { ObservabilityChart } from '../../charts/observability/chart';
import { loadDashboards } from '../../charts/observability/dashboards';
import { operationsRuleGroups } from '../../charts/observability/operations';
import { platformDashboards } from '../../charts/observability/platform-dashboards';
import { ledgerDashboards } from '../../charts/observability/ledger-dashboards';
import { sloRuleGroups } from '../../charts/observability/slo';
import { thanosRuleGroups } from '../../charts/observability/thanos-rules';
import { temporalRuleGroups } from '../../charts/observability/temporal-rules';
import { auditRuleGroups } from '../../charts/audit/alerts';
import { goldenSetRuleGroups } from '../../charts/golden-sets/alerts';
import { ledgerRuleGroups } from '../../charts/ledger/alerts';
import { rolloutRuleGroups } from '../../charts/observability/rollout-rules';
import { ADDON_MONITORS } from '../../catalog/addon-monitors';
import { registryLoginServer } from '../../catalog/registry-mirrors';
import { PlatformAppsChart } from '../../charts/platform-apps/chart';
import { EdgeChart } from '../../charts/edge/chart';
import { loadServiceContract } from '../../config/gateway-contract';
import { gatewaySignIn } from '../../charts/edge/sign-in';
import { WORKLOAD_APPS } from '../../charts/workloads/apps';
import { EDGE_APP, IMAGE_SIGNATURES_APP, OBSERVABILITY_APP, POLICY_APP, WORKLOAD_APP_NAMES, type WorkloadAppName } from '../../charts/app-names';
import type { EnvironmentConfig } from '../../config/schema';
import { environmentPolicyApp, imageSignatureObjects } from './gatekeeper';
import type { AppName, APPS } from './render';

/** An app's charts on a fresh cdk8s App, from its environment and its view. */
type Build<V> = (app: App, env: EnvironmentConfig, view: V) => void;
/** The view render.ts gives an app. */
type ViewOf<N extends AppName> = ReturnType<(typeof APPS)[N]>;

const workloadBuild = (name: WorkloadAppName): Build<ViewOf<WorkloadAppName>> => (app, env, view) => WORKLOAD_APPS[name](app, { ...view, env });

/** app name -> how it is built. */
const BUILDS: Record<AppName, Build<never>> = {
  [POLICY_APP]: ((app, env) => new GatekeeperPoliciesChart(app, POLICY_APP, { objects: environmentPolicyApp(env) })) satisfies Build<ViewOf<typeof POLICY_APP>>,
  // Same chart shape: a template (wave -10) and its constraint (wave 0).
  [IMAGE_SIGNATURES_APP]: ((app, env) => {
    if (env.addons.ratify.enabled) new GatekeeperPoliciesChart(app, IMAGE_SIGNATURES_APP, { objects: imageSignatureObjects(env) });
  }) satisfies Build<ViewOf<typeof IMAGE_SIGNATURES_APP>>,
  [OBSERVABILITY_APP]: ((app, env, tenants) =>
    new ObservabilityChart(app, OBSERVABILITY_APP, {
      ruleSets: {
        'platform-slos': sloRuleGroups(),
        'agent-operations': operationsRuleGroups(),
        'tenant-llm-budgets': budgetRuleGroups(tenants, env.name),
        'audit-archive': auditRuleGroups(),
        'golden-sets': goldenSetRuleGroups(),
        'ledger-load': ledgerRuleGroups(),
        // As many sidecars as Prometheus replicas, as many Store Gateways as the Thanos chart runs (both checked against the charts).
        thanos: thanosRuleGroups({ sidecars: env.addons.highAvailability ? 2 : 1, storeGateways: env.addons.highAvailability ? 2 : 1 }),
        temporal: env.addons.temporal.enabled ? temporalRuleGroups() : [],
        'canary-delivery': env.addons.argoRollouts.enabled ? rolloutRuleGroups() : [],
      },
      dashboards: [...loadDashboards(), ...platformDashboards((a) => env.addons[a].enabled), ...ledgerDashboards(tenants, env.name)].sort((a, b) => a.name.localeCompare(b.name)),
      monitors: ADDON_MONITORS.filter((m) => env.addons[m.addon].enabled),
      thanos: {
        highAvailability: env.addons.highAvailability,
        metricsDays: env.observability.retention.metricsDays,
        prometheusVolumeGi: env.observability.prometheusVolumeGi,
        registryLoginServer: registryLoginServer(env),
      },
    })) satisfies Build<ViewOf<typeof OBSERVABILITY_APP>>,
  ...(Object.fromEntries(WORKLOAD_APP_NAMES.map((name) => [name, workloadBuild(name)])) as Record<WorkloadAppName, Build<ViewOf<WorkloadAppName>>>),
  [EDGE_APP]: ((app, env) =>
    new EdgeChart(app, EDGE_APP, {
      env: env.name,
      zone: env.dns.zoneName,
      probes: env.addons.blackboxExporter.enabled && env.addons.kubePrometheusStack.enabled,
      canaries: env.addons.argoRollouts.enabled,
      contracts: { agentGateway: loadServiceContract().operations },
      ...(env.network.edge.signIn ? { signIn: gatewaySignIn(env.network.edge.signIn, env.aks.adminGroupObjectIds) } : {}),
    })) satisfies Build<ViewOf<typeof EDGE_APP>>,
};

/** The manifests of one app, built from its view. */
export function buildRenderedApp(name: AppName, env: EnvironmentConfig, view: unknown): string {
  const app = new App();
  (BUILDS[name] as Build<unknown>)(app, env, view);
  return app.synthYaml();
}

/** The app of apps of an environment: an Application per app it has. */
export function buildAppOfApps(name: string, env: EnvironmentConfig, apps: { name: string; namespace: string; wave: number }[]): string {
  const app = new App();
  new PlatformAppsChart(app, name, { env: env.name, ...env.addons.gitops, apps });
  return app.synthYaml();
}
