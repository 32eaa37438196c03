/**
 * Validates Kubernetes objects against their upstream schemas: kubernetes-models for the
 * built-in API, its CRD packages for add-on kinds, and, where the caller has them, the CRDs the
 * pinned charts themselves install. A kind with no known schema is an error, so a new kind cannot
 * slip through unvalidated.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ADDONS } from '../../catalog/addons';
import { REPO, toolPath } from '../../cli/lib/tools';
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [key: string]: unknown;
}

/**
 * API group -> package carrying its schemas. The charts' own custom resources (Prometheus,
 * Alertmanager, PrometheusRule, ServiceMonitor) are in monitoring.coreos.com; every other kind
 * the rendered charts create is built in. Kinds the charts' CRDs define but that nothing renders
 * have no package here: Gatekeeper's (templates.gatekeeper.sh, config, mutations, expansion,
 * status), KEDA's ScaledJob and TriggerAuthentication family are covered by @kubernetes-models/keda,
 * and Argo CD's by @kubernetes-models/argo-cd.
 */
const CRD_PACKAGES: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-cd',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'cilium.io': '@kubernetes-models/cilium',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/**
 * API groups whose schemas come from the CRDs of a pinned chart in the offline cache, read at test
 * time (`helm show crds`): the Gateway API (v1.6.1, as Envoy Gateway's chart installs it) and Envoy
 * Gateway's own kinds. No npm package carries Envoy Gateway's, and the chart's copy of the Gateway
 * API is exactly what the cluster serves.
 */
const CHART_CRD_GROUPS: Record<string, ChartCrdSource> = {
  'gateway.networking.k8s.io': ADDONS.envoyGateway,
  'gateway.envoyproxy.io': ADDONS.envoyGateway,
  // Envoy AI Gateway's CRD chart ships its CRDs as templates (manifests/charts/ai-gateway-crds-helm/templates).
  'aigateway.envoyproxy.io': { ...ADDONS.aiGatewayCrds, inTemplates: true },
};

/**
 * Kinds of a group that another package covers otherwise: Argo Rollouts shares argoproj.io with
 * Argo CD, and its kinds come from the CRDs its pinned chart installs (as templates, with
 * installCRDs) rather than from the Argo CD package.
 */
const CHART_CRD_KINDS: Record<string, ChartCrdSource> = Object.fromEntries(
  ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment'].map((kind) => [`argoproj.io/${kind}`, { ...ADDONS.argoRollouts, inTemplates: true }]),
);

interface ChartCrdSource {
  readonly chart: string;
  readonly version: string;
  /** The chart renders its CRDs from templates/ rather than carrying them in crds/. */
  readonly inTemplates?: boolean;
}

const chartCrdCache = new Map<string, Json[]>();

/** The CRDs a cached chart archive carries in crds/ (empty when the archive or helm is missing: the kind then has no schema). */
export function chartCrds(spec: ChartCrdSource): Json[] {
  const key = `${spec.chart}@${spec.version}`;
  let crds = chartCrdCache.get(key);
  if (!crds) {
    const cache = resolve(REPO, '../shared/helm-charts');
    const bare = spec.version.replace(/^v/, '');
    const archive = [`${spec.chart}-${spec.version}.tgz`, `${spec.chart}-${bare}.tgz`, `${spec.chart}-v${bare}.tgz`].map((f) => join(cache, f)).find(existsSync);
    const args = spec.inTemplates ? ['template', 'crds', archive ?? ''] : ['show', 'crds', archive ?? ''];
    const res = archive ? spawnSync(toolPath('helm'), args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }) : undefined;
    crds = res?.status === 0 ? parseAllDocuments(res.stdout).map((d) => d.toJS()).filter((o) => o?.kind === 'CustomResourceDefinition') : [];
    chartCrdCache.set(key, crds);
  }
  return crds;
}

function modulePath(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!group) return `kubernetes-models/${version}/${kind}`;
  if (!group.includes('.') || group.endsWith('.k8s.io')) return `kubernetes-models/${group}/${version}/${kind}`;
  const pkg = CRD_PACKAGES[group];
  return pkg ? `${pkg}/${group}/${version}/${kind}` : undefined;
}

/**
 * A Terraform expression (`${...}`) stands where the value is only known at apply time; the
 * schema sees a stand-in that is valid for any string format (base64 included), so the check
 * covers everything around it.
 */
function withoutTerraformExpressions(value: unknown): unknown {
  if (typeof value === 'string') return /^\$\{[\s\S]*\}$/.test(value) ? 'dGVycmFmb3Jt' : value;
  if (Array.isArray(value)) return value.map(withoutTerraformExpressions);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutTerraformExpressions(v)]));
  return value;
}

const describe = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;

type Json = Record<string, any>;

/**
 * A CRD version's schema as the API server applies it with strict field validation: objects with
 * declared properties are closed (an unknown field is an error, not silently pruned) unless they
 * preserve unknown fields; int-or-string fields take either.
 */
function structural(schema: Json): Json {
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, structural(s as Json)]));
    else if (k === 'items' || k === 'additionalProperties') out[k] = typeof v === 'object' ? structural(v as Json) : v;
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') out[k] = (v as Json[]).map(structural);
    else if (!k.startsWith('x-kubernetes-')) out[k] = v;
  }
  if (schema['x-kubernetes-int-or-string'] && !schema.type) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/**
 * CRD patterns are Go (RE2) regular expressions; the only syntax JavaScript lacks among the
 * charts' is the case-insensitive flag `(?i)` (as in `^(?i)(abort|warn)?$`), which these patterns
 * put before everything that matches.
 */
const goRegExp = Object.assign((pattern: string, flags: string) => {
  const insensitive = /^\^?\(\?i\)/.test(pattern);
  return new RegExp(insensitive ? pattern.replace('(?i)', '') : pattern, insensitive ? `${flags}i` : flags);
}, { code: 'goRegExp' });

const crdValidators = new WeakMap<object, Map<string, ValidateFunction>>();

/** The validator of `apiVersion`/`kind` from CRDs the caller supplies (the charts' own), if one defines it. */
function crdValidator(crds: readonly Json[], apiVersion: string, kind: string): ValidateFunction | undefined {
  const [group, version] = apiVersion.split('/');
  const crd = crds.find((c) => c.spec?.group === group && c.spec?.names?.kind === kind);
  const schema = crd?.spec.versions?.find((v: Json) => v.name === version)?.schema?.openAPIV3Schema;
  if (!schema) return undefined;
  let cache = crdValidators.get(crd);
  if (!cache) crdValidators.set(crd, (cache = new Map()));
  let validate = cache.get(version);
  if (!validate) {
    validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } }).compile(structural(schema));
    cache.set(version, validate);
  }
  return validate;
}

export interface SchemaOptions {
  /**
   * CustomResourceDefinitions installed with the objects (a chart's own): their kinds are
   * validated against exactly that version's schema, which is what the API server enforces, in
   * preference to a package built from another release. (@kubernetes-models/prometheus-operator
   * 6.0.0, for one, requires apiVersion and kind inside Prometheus' storage.volumeClaimTemplate,
   * which the operator's CRD does not.)
   */
  readonly crds?: readonly Json[];
}

/** One line per object that fails its schema (empty when all pass). */
export async function schemaErrors(objects: KubeObject[], options: SchemaOptions = {}): Promise<string[]> {
  const errors: string[] = [];
  for (const obj of objects) {
    const group = obj.apiVersion.split('/')[0];
    const chart = CHART_CRD_KINDS[`${group}/${obj.kind}`] ?? CHART_CRD_GROUPS[group];
    const fromCrd =
      (obj.apiVersion.includes('.') && options.crds ? crdValidator(options.crds, obj.apiVersion, obj.kind) : undefined) ??
      (chart ? crdValidator(chartCrds(chart), obj.apiVersion, obj.kind) : undefined);
    if (!fromCrd && chart) {
      errors.push(`${describe(obj)}: ${obj.apiVersion} ${obj.kind} is in none of the CRDs of chart ${chart.chart} ${chart.version} (offline cache)`);
      continue;
    }
    if (fromCrd) {
      if (!fromCrd(withoutTerraformExpressions(obj))) {
        errors.push(`${describe(obj)}: ${(fromCrd.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as Json).additionalProperty})` : ''}`).join(', ')}`);
      }
      continue;
    }
    const path = modulePath(obj.apiVersion, obj.kind);
    if (!path) {
      errors.push(`${describe(obj)}: no schema package for ${obj.apiVersion} (add one to test/helpers/k8s-schemas.ts)`);
      continue;
    }
    let Model: new (data: unknown) => { validate(): void };
    try {
      const mod = (await import(path)) as Record<string, any>;
      Model = mod[obj.kind] ?? mod.default;
    } catch {
      errors.push(`${describe(obj)}: ${obj.apiVersion} ${obj.kind} is not a known kind (${path})`);
      continue;
    }
    try {
      new Model(withoutTerraformExpressions(obj)).validate();
    } catch (err) {
      errors.push(`${describe(obj)}: ${(err as Error).message}`);
    }
  }
  return errors;
}
