/**
 * `platform render`: the cdk8s apps of every environment as plain manifests in
 * rendered/<env>/<app>/manifests.yaml, the folders Argo CD syncs. Output is deterministic, so a
 * re-render of unchanged input is byte-identical and `--check` can guard the committed files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { RenderContext } from '../../charts/app-builder';
import { DEMO_APP, EDGE_APP, IMAGE_SIGNATURES_APP, MCP_HUB_APP, N8N_APP, OBSERVABILITY_APP, POLICY_APP, WORKLOAD_APP_NAMES, type WorkloadAppName } from '../../charts/app-names';
import { GATEWAY_NAMESPACE } from '../../catalog/edge';
import { workloadTenants } from '../../charts/workloads/tenant-view';
import { observabilityTenants } from '../../charts/observability/tenant-view';
import { MCP_HUB_NAMESPACE } from '../../catalog/mcp-tools';
import { ADDONS, type AddonName } from '../../catalog/addons';
import { PLATFORM_NAMESPACE, SERVING_NAMESPACE } from '../../charts/workloads/names';
import { N8N_NAMESPACE } from '../../catalog/services';
import type { EnvironmentConfig } from '../../config/schema';
import { renderWithCache, type RenderItem, type RenderReport } from './cache/render-cache';
import type { SynthCache } from './cache/store';
import { ioError, lockFolder, onInterrupt, recoverFolder, replaceFolder, stagingFolder } from './output-dir';

export const RENDERED_DIR = resolve(__dirname, '../../rendered');

/**
 * A rendered app's view of the validated inputs: what it reads of the tenants and the model
 * catalogue (undefined for neither). Its builder (cli/lib/render-apps.ts) gets nothing else, and
 * the render cache keys the app on the view's hash (cli/lib/cache/render-cache.ts): an edit
 * outside every app's view re-renders nothing.
 */
export type AppView = (env: EnvironmentConfig, inputs: AppInputs) => unknown;

/** What views are taken from: the active tenants (retired ones listed apart) and the catalogue, and the workload apps' shared view. */
export interface AppInputs {
  readonly active: RenderInputs;
  /** The workload apps' one view (charts/workloads/tenant-view.ts), computed once per render: they share one workload plan per environment, memoized on its identity. */
  readonly workloads: RenderInputs;
}

const NO_VIEW = (): undefined => undefined;

/** app name -> its view, in the order of rendered/<env>/apps. */
export const APPS = {
  [POLICY_APP]: NO_VIEW,
  [IMAGE_SIGNATURES_APP]: NO_VIEW,
  // The tenants' LLM budget rules and cost dashboards are its only tenant-dependent parts.
  [OBSERVABILITY_APP]: (env: EnvironmentConfig, { active }: AppInputs) => observabilityTenants(env.name, active.tenants),
  ...(Object.fromEntries(WORKLOAD_APP_NAMES.map((name) => [name, (_env: EnvironmentConfig, { workloads }: AppInputs) => workloads])) as Record<WorkloadAppName, (env: EnvironmentConfig, inputs: AppInputs) => RenderInputs>),
  [EDGE_APP]: NO_VIEW,
} satisfies Record<string, AppView>;

export type AppName = keyof typeof APPS;

/**
 * The charts, loaded on the first app that must be built (a cached app needs only its view):
 * they are over half of the modules rendering loads, and a review whose apps all come from the
 * cache never builds one. A literal require, so the render cache's module graph still covers
 * every chart.
 */
const builders = () => require('./render-apps') as typeof import('./render-apps');

export type RenderInputs = Omit<RenderContext, 'env'>;

/** The app of apps: rendered/<env>/apps, which the root Application syncs. */
export const APPS_APP = 'apps';

/** Per app: its sync wave, default namespace, and the add-ons whose CRDs or services it needs. */
const APP_META: Record<string, { wave: number; namespace: string; requires: AddonName[] }> = {
  [POLICY_APP]: { wave: -2, namespace: ADDONS.gatekeeper.namespace, requires: ['gatekeeper'] },
  [IMAGE_SIGNATURES_APP]: { wave: -2, namespace: ADDONS.gatekeeper.namespace, requires: ['gatekeeper', 'ratify'] },
  observability: { wave: -1, namespace: ADDONS.kubePrometheusStack.namespace, requires: ['kubePrometheusStack', 'externalSecrets'] },
  'llm-serving': { wave: 0, namespace: SERVING_NAMESPACE, requires: ['keda', 'kubePrometheusStack'] },
  'llm-router': { wave: 1, namespace: PLATFORM_NAMESPACE, requires: ['externalSecrets', 'kubePrometheusStack'] },
  // Before the audit writers (agent-services, the MCP hub): its Sync hook migrates the audit database.
  audit: { wave: 0, namespace: PLATFORM_NAMESPACE, requires: ['externalSecrets'] },
  // Before the tenants' workloads use their stores: its Sync hook migrates the retrieval database.
  retrieval: { wave: 0, namespace: PLATFORM_NAMESPACE, requires: ['externalSecrets'] },
  // The cost ledger: its Sync hook migrates the ledger database; the loader reads the router's (wave 1) spend logs whenever they exist.
  ledger: { wave: 0, namespace: PLATFORM_NAMESPACE, requires: ['externalSecrets', 'kubePrometheusStack'] },
  // Its Sync hook upgrades the schema first; the route (edge, wave 2) comes after.
  mlflow: { wave: 1, namespace: PLATFORM_NAMESPACE, requires: ['externalSecrets', 'kubePrometheusStack'] },
  'agent-services': { wave: 1, namespace: PLATFORM_NAMESPACE, requires: ['keda', 'externalSecrets', 'kubePrometheusStack'] },
  // Workers scale with KEDA on the queue; its routes (edge, wave 2) come after.
  [N8N_APP]: { wave: 1, namespace: N8N_NAMESPACE, requires: ['keda', 'externalSecrets', 'kubePrometheusStack'] },
  // Routes to the workloads and add-ons, after them; the Gateway itself is in the cluster-config stack.
  // The demo service and the PostSync smoke test of every route: after the routes exist.
  [DEMO_APP]: { wave: 3, namespace: PLATFORM_NAMESPACE, requires: ['envoyGateway', 'certManager', 'kubePrometheusStack'] },
  [EDGE_APP]: { wave: 2, namespace: GATEWAY_NAMESPACE, requires: ['envoyGateway', 'certManager'] },
  // The tool servers and, in the Gateway's namespace, the tenants' MCPRoutes and policies.
  [MCP_HUB_APP]: { wave: 2, namespace: MCP_HUB_NAMESPACE, requires: ['envoyGateway', 'aiGateway', 'certManager', 'externalSecrets', 'kubePrometheusStack'] },
};

/** The Applications of an environment: every registered app whose add-ons are enabled. */
export function platformApps(env: EnvironmentConfig): { name: string; namespace: string; wave: number }[] {
  return Object.keys(APPS)
    .map((name) => ({ name, ...(APP_META[name] ?? { wave: 0, namespace: PLATFORM_NAMESPACE, requires: [] }) }))
    .filter((a) => a.requires.every((addon) => env.addons[addon].enabled))
    .map(({ name, namespace, wave }) => ({ name, namespace, wave }));
}

/** Every app of every environment: its rendered/-relative file, its view, and how to build it from that view. */
export function renderItems(environments: EnvironmentConfig[], inputs: AppInputs): RenderItem[] {
  const items: RenderItem[] = [];
  for (const env of environments) {
    for (const [name, viewOf] of Object.entries(APPS) as [AppName, AppView][]) {
      const view = viewOf(env, inputs);
      items.push({ file: join(env.name, name, 'manifests.yaml'), env, app: name, view, build: () => builders().buildRenderedApp(name, env, view) });
    }
    if (env.addons.argocd.enabled) {
      items.push({ file: join(env.name, APPS_APP, 'manifests.yaml'), env, app: APPS_APP, view: undefined, build: () => builders().buildAppOfApps(APPS_APP, env, platformApps(env)) });
    }
  }
  return items;
}

/** The inputs views are taken from: a retired tenant keeps its file until its stacks are destroyed, but gets nothing in the cluster. */
export function appInputs(inputs: RenderInputs): AppInputs {
  // Field by field: the loaded inputs carry more (each tenant file's text and positions) that no view may take in.
  const active: RenderInputs = { models: inputs.models, tenants: inputs.tenants.filter((t) => !t.spec.retired), retiredTenants: inputs.tenants.filter((t) => t.spec.retired).map((t) => t.metadata.name) };
  return { active, workloads: { models: active.models, tenants: workloadTenants(active.tenants), retiredTenants: active.retiredTenants } };
}

export interface RenderOptions {
  /** Take unchanged apps from this cache (cli/lib/cache/render-cache.ts); byte-identical to a full render. */
  readonly cache?: SynthCache;
  /** Validated input files (fingerprinted as objects, never as data files). */
  readonly inputFiles?: string[];
  /** Told how many apps came from the cache. */
  readonly onReport?: (report: RenderReport) => void;
}

/** rendered/<env>/<app>/manifests.yaml paths (relative to rendered/) -> content. */
export function renderEnvironments(environments: EnvironmentConfig[], inputs: RenderInputs, options: RenderOptions = {}): Map<string, string> {
  const items = renderItems(environments, appInputs(inputs));
  if (!options.cache) return new Map(items.map((item) => [item.file, item.build()]));
  const { files, report } = renderWithCache(items, { cache: options.cache, root: resolve(__dirname, '../..'), notData: [RENDERED_DIR, ...(options.inputFiles ?? [])] });
  options.onReport?.(report);
  return files;
}

/**
 * Writes each environment's apps into a staging folder, then swaps every environment folder in
 * whole (cli/lib/output-dir.ts): a kill never leaves rendered/ with manifests deleted or half
 * written, and one render at a time holds the lock.
 */
export function writeRendered(files: Map<string, string>, dir = RENDERED_DIR, onWait?: (msg: string) => void): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw ioError(dir, err, 'rendered/');
  }
  const lock = lockFolder(dir, { holder: 'platform render', flag: 'rendered/', onWait });
  const staged = new Map<string, string>();
  const uninstall = onInterrupt(() => {
    for (const staging of staged.values()) rmSync(staging, { recursive: true, force: true });
    lock.release();
  });
  try {
    const envs = [...new Set([...files.keys()].map((f) => f.split('/')[0]))].sort();
    for (const env of envs) {
      recoverFolder(join(dir, env));
      const staging = stagingFolder(join(dir, env));
      staged.set(env, staging);
      for (const [rel, content] of files) {
        if (rel.split('/')[0] !== env) continue;
        const path = join(staging, relative(env, rel));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
      }
    }
    for (const env of envs) replaceFolder(staged.get(env)!, join(dir, env), { marker: false });
  } catch (err) {
    for (const staging of staged.values()) rmSync(staging, { recursive: true, force: true });
    if (err instanceof Error && 'code' in err) throw ioError(dir, err, 'rendered/');
    throw err;
  } finally {
    uninstall();
    lock.release();
  }
}

/** Files whose committed content differs from a fresh render, plus committed files no longer rendered. */
export function staleRendered(files: Map<string, string>, dir = RENDERED_DIR): string[] {
  const stale = [...files].filter(([rel, content]) => !existsSync(join(dir, rel)) || readFileSync(join(dir, rel), 'utf8') !== content).map(([rel]) => rel);
  // Dot-names are staging folders and locks of a run, not rendered output.
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)])) : []);
  for (const path of walk(dir)) if (!files.has(relative(dir, path))) stale.push(relative(dir, path));
  return stale.sort();
}
