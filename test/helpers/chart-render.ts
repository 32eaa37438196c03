/**
 * Renders every synthesized `helm_release` with `helm template`, from the pinned chart archive and
 * with exactly the values the stack synthesizes, so tests can judge the objects the charts really
 * create instead of the values the platform hopes they read.
 *
 * Terraform expressions in the values are only known at apply time; each one is replaced by a
 * stand-in chosen by what it refers to (STAND_INS), and an expression without an entry fails the
 * render: a blanket replacement could hide a value written to the wrong key.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { REPO, toolPath } from '../../cli/lib/tools';
import type { Synthed, SynthedStack } from './synth';

/** The offline chart cache (its README.md and SOURCES.tsv say what is there and why). */
export const SHARED_CHARTS = resolve(REPO, '../shared/helm-charts');

/** Set to 1 where the chart repositories are known to be unreachable, to skip the attempt. */
export const OFFLINE_ENV = 'PLATFORM_HELM_OFFLINE';

type Json = Record<string, any>;

export interface SetEntry {
  readonly name: string;
  readonly value: string;
  /** `string` forces a string (`--set-string`); `auto` (default) lets Helm type the value. */
  readonly type?: 'auto' | 'string';
}

/** A `helm_release` as synthesized, with its Terraform expressions already replaced. */
export interface HelmRelease {
  readonly stack: string;
  /** The Terraform address, e.g. helm_release.keda_release_CBC6699C. */
  readonly address: string;
  readonly name: string;
  readonly chart: string;
  readonly repository?: string;
  readonly version: string;
  readonly namespace: string;
  /** The `values` documents, in order (later ones win, as Helm merges them). */
  readonly values: string[];
  readonly set: SetEntry[];
  readonly setList: { readonly name: string; readonly value: string[] }[];
  readonly setSensitive: SetEntry[];
  /** `skip_crds` unset: Helm installs the chart's crds/ folder. */
  readonly includeCrds: boolean;
}

/**
 * What stands in for a Terraform expression: `uuid` for ids Azure assigns at apply time (a
 * UUID-shaped string, different per expression), `configured` for names the synthesized
 * configuration already spells out (the literal itself, checked against Azure's name rule).
 */
export type StandIn =
  | { readonly kind: 'uuid'; readonly why: string }
  | { readonly kind: 'configured'; readonly name: RegExp; readonly why: string }
  /** Azure derives the value from the resource's configured name (e.g. a vault's URI). */
  | { readonly kind: 'derived'; readonly name: RegExp; readonly derive: (name: string) => string; readonly why: string };

/** `<resource type>.<attribute>` (data sources with their `data.` prefix) -> its stand-in. */
export const STAND_INS: Readonly<Record<string, StandIn>> = {
  'azurerm_user_assigned_identity.client_id': { kind: 'uuid', why: "a managed identity's client id is assigned by Azure when it is created" },
  'azurerm_user_assigned_identity.principal_id': { kind: 'uuid', why: "a managed identity's object id is assigned by Azure when it is created" },
  'ephemeral.azurerm_key_vault_secret.value': { kind: 'uuid', why: 'a Key Vault secret read at apply time for a write-only argument (the AI gateway MCP session seed); its value never reaches the configuration' },
  'data.azurerm_client_config.tenant_id': { kind: 'uuid', why: 'the Entra ID tenant is read from the deploying identity at plan time' },
  'azurerm_storage_account.name': { kind: 'configured', name: /^[a-z0-9]{3,24}$/, why: 'storage account names are set by the naming construct' },
  'azurerm_storage_container.name': { kind: 'configured', name: /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, why: 'container names are fixed per signal' },
  'azurerm_key_vault.vault_uri': { kind: 'derived', name: /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, derive: (n) => `https://${n}.vault.azure.net/`, why: "Azure serves a vault at https://<name>.vault.azure.net/" },
  'azurerm_container_registry.login_server': { kind: 'derived', name: /^[a-zA-Z0-9]{5,50}$/, derive: (n) => `${n.toLowerCase()}.azurecr.io`, why: 'a registry logs in at <name>.azurecr.io' },
  'azurerm_postgresql_flexible_server.fqdn': { kind: 'derived', name: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, derive: (n) => `${n}.postgres.database.azure.com`, why: 'a Flexible Server is reached at <name>.postgres.database.azure.com' },
  'azurerm_kubernetes_cluster.name': { kind: 'configured', name: /^[A-Za-z0-9][A-Za-z0-9_-]{0,61}[A-Za-z0-9]$/, why: 'the cluster name is set by the naming construct' },
};

export class StandInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StandInError';
  }
}

export class ChartUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartUnavailableError';
  }
}

/** A UUID-shaped stand-in (version 4 layout), stable per expression so two ids never collide. */
export function uuidStandIn(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Terraform's string template syntax: `$${` and `%%{` are literal `${` and `%{` (the collector's
 * `${env:MY_POD_IP}`), `${expr}` is an interpolation, `%{...}` a directive the platform never writes.
 */
export function resolveTemplate(text: string, interpolate: (expr: string) => string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      out += `${text[i]}{`;
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = closingBrace(text, i + 2);
      out += interpolate(text.slice(i + 2, end).trim());
      i = end + 1;
    } else if (text.startsWith('%{', i)) {
      throw new StandInError(`a Terraform template directive (${text.slice(i, i + 40)}...) cannot be rendered offline`);
    } else {
      out += text[i++];
    }
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new StandInError(`unterminated Terraform interpolation: ${text.slice(from - 2, from + 60)}`);
}

const REMOTE_STATE = /^data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)$/;
const REFERENCE = /^(data\.|ephemeral\.)?([a-z0-9_]+)\.([\w-]+)\.([a-z_]+)$/;

/** The stand-in value of one Terraform expression in `stack`, following cross-stack outputs. */
export function standIn(app: Pick<Synthed, 'stack'>, stack: SynthedStack, expr: string): string {
  const remote = REMOTE_STATE.exec(expr);
  if (remote) {
    const producer = app.stack(remote[1]);
    const output = producer.json.output?.[remote[2]];
    if (!output) throw new StandInError(`${stack.name}: ${expr} names no output of ${producer.name}`);
    return resolveTemplate(String(output.value), (inner) => standIn(app, producer, inner));
  }
  const ref = REFERENCE.exec(expr);
  if (!ref) throw new StandInError(`${stack.name}: no stand-in for the expression \${${expr}}; only plain references are rendered (add a case to test/helpers/chart-render.ts)`);
  const [, data, type, id, attribute] = ref;
  const key = `${data ?? ''}${type}.${attribute}`;
  const rule = STAND_INS[key];
  if (!rule) throw new StandInError(`${stack.name}: no stand-in for \${${expr}} (${key}); add one to STAND_INS in test/helpers/chart-render.ts`);
  if (rule.kind === 'uuid') return uuidStandIn(`${stack.name}:${expr}`);
  const config = (data ? stack.json.data : stack.json.resource)?.[type]?.[id];
  const literal = config?.[rule.kind === 'derived' ? 'name' : attribute];
  if (typeof literal !== 'string') throw new StandInError(`${stack.name}: ${expr} is not a configured string`);
  const value = resolveTemplate(literal, (inner) => standIn(app, stack, inner));
  if (!rule.name.test(value)) throw new StandInError(`${stack.name}: ${expr} resolves to "${value}", which is not a valid ${key} (${rule.name})`);
  return rule.kind === 'derived' ? rule.derive(value) : value;
}

const setEntries = (list: unknown, resolveText: (t: string) => string): SetEntry[] =>
  ((list ?? []) as Json[]).map((s) => ({ name: resolveText(String(s.name)), value: resolveText(String(s.value)), ...(s.type ? { type: s.type } : {}) }));

/** The `helm_release` resources of a stack, as Helm will be asked to render them. */
export function helmReleases(app: Pick<Synthed, 'stack'>, stack: SynthedStack): HelmRelease[] {
  return stack.of('helm_release').map((r) => {
    const c = r.config;
    const address = `helm_release.${r.id}`;
    if (c.postrender) throw new StandInError(`${stack.name} ${address}: a post-renderer cannot be reproduced by helm template here`);
    const text = (t: string) => resolveTemplate(t, (expr) => standIn(app, stack, expr));
    return {
      stack: stack.name,
      address,
      name: text(c.name),
      chart: text(c.chart),
      ...(c.repository ? { repository: text(c.repository) } : {}),
      version: text(c.version),
      namespace: c.namespace ? text(c.namespace) : 'default',
      values: ((c.values ?? []) as string[]).map(text),
      // The provider applies values, then set, set_list, set_wo and set_sensitive, in that order.
      set: setEntries(c.set, text),
      setList: ((c.set_list ?? []) as Json[]).map((s) => ({ name: text(String(s.name)), value: (s.value as string[]).map(text) })),
      setSensitive: [...setEntries(c.set_wo, text), ...setEntries(c.set_sensitive, text)],
      includeCrds: c.skip_crds !== true,
    };
  });
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Helm with its own cache and configuration, so nothing of the user's Helm setup leaks in. */
function helm(args: string[], home: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((done, fail) => {
    const env = { ...process.env, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
    const child = spawn(toolPath('helm'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

export interface ChartSpec {
  readonly chart: string;
  readonly version: string;
  readonly repository?: string;
}

export interface ChartArchive {
  readonly path: string;
  readonly source: 'repository' | 'cache';
}

/** The cache's archive names for a chart version; some are packaged with a leading v (gateway-helm-v1.9.0.tgz). */
function cacheCandidates(spec: ChartSpec): string[] {
  const bare = spec.version.replace(/^v/, '');
  return [...new Set([`${spec.chart}-${spec.version}.tgz`, `${spec.chart}-${bare}.tgz`, `${spec.chart}-v${bare}.tgz`])];
}

function sha256sums(dir: string): Map<string, string> {
  const file = join(dir, 'SHA256SUMS');
  if (!existsSync(file)) return new Map();
  return new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^([0-9a-f]{64})\s+\*?(.+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => [m[2], m[1]]),
  );
}

/**
 * The archive of a pinned chart version: pulled from its repository when that is reachable,
 * else from the offline cache (digest checked against its SHA256SUMS); a version in neither place
 * is a ChartUnavailableError that names the chart and version.
 */
export async function chartArchive(spec: ChartSpec, workDir: string, cacheDir = SHARED_CHARTS): Promise<ChartArchive> {
  let pullError = 'no repository';
  if (spec.repository && process.env[OFFLINE_ENV] !== '1') {
    const dest = mkdtempSync(join(workDir, 'pull-'));
    const oci = spec.repository.startsWith('oci://');
    const args = oci ? ['pull', `${spec.repository.replace(/\/$/, '')}/${spec.chart}`] : ['pull', spec.chart, '--repo', spec.repository];
    // A firewall that drops packets would otherwise hold the test for the client's full timeout.
    const res = await helm([...args, '--version', spec.version, '--destination', dest], workDir, 60_000);
    const pulled = readdirSync(dest).filter((f) => f.endsWith('.tgz'));
    if (res.status === 0 && pulled.length === 1) return { path: join(dest, pulled[0]), source: 'repository' };
    pullError = (res.stderr.trim().split('\n').pop() ?? `helm pull exited ${res.status}`).slice(0, 300);
  }
  const file = cacheCandidates(spec).find((f) => existsSync(join(cacheDir, f)));
  if (!file) {
    throw new ChartUnavailableError(
      `chart ${spec.chart} version ${spec.version} is in neither its repository ${spec.repository ?? '(none)'} (${pullError}) nor the offline cache ${cacheDir} (no ${cacheCandidates(spec).join(' or ')})`,
    );
  }
  const path = join(cacheDir, file);
  const expected = sha256sums(cacheDir).get(file);
  const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (expected && expected !== actual) throw new ChartUnavailableError(`${path}: sha256 ${actual} is not the ${expected} SHA256SUMS lists`);
  const shown = await helm(['show', 'chart', path], workDir);
  const meta = parse(shown.stdout) as { name?: string; version?: string } | null;
  if (shown.status !== 0 || meta?.name !== spec.chart || String(meta?.version).replace(/^v/, '') !== spec.version.replace(/^v/, '')) {
    throw new ChartUnavailableError(`${path} holds chart ${meta?.name} ${meta?.version}, not ${spec.chart} ${spec.version}`);
  }
  return { path, source: 'cache' };
}

/** A Kubernetes object as a chart renders it (any fields). */
export type RenderedKubeObject = Json & { apiVersion: string; kind: string; metadata?: Json };

/** One object of a rendered chart, with the template it came from and its Helm hooks. */
export interface RenderedObject {
  readonly object: RenderedKubeObject;
  readonly release: HelmRelease;
  /** `chart/templates/...` from Helm's `# Source:` comment. */
  readonly source: string;
  /** Values of the `helm.sh/hook` annotation (test, pre-install, ...); empty for ordinary objects. */
  readonly hooks: string[];
}

export interface RenderOptions {
  /** `--kube-version`: the environment's `aks.kubernetesVersion`. */
  readonly kubeVersion: string;
  /** `--api-versions`: the custom resources the environment serves (from the charts' own CRDs). */
  readonly apiVersions?: readonly string[];
  readonly workDir: string;
}

/** `helm template` of one release: every object it renders, hooks and tests included. */
export async function renderRelease(release: HelmRelease, archive: string, options: RenderOptions): Promise<RenderedObject[]> {
  const dir = mkdtempSync(join(options.workDir, 'values-'));
  const files = release.values.map((text, i) => {
    const file = join(dir, `values-${i}.yaml`);
    writeFileSync(file, text);
    return file;
  });
  const set = (entries: readonly SetEntry[]) => entries.flatMap((s) => [s.type === 'string' ? '--set-string' : '--set', `${s.name}=${s.value}`]);
  const args = [
    'template',
    release.name,
    archive,
    '--namespace',
    release.namespace,
    '--kube-version',
    options.kubeVersion,
    ...(release.includeCrds ? ['--include-crds'] : []),
    ...(options.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
    ...files.flatMap((f) => ['--values', f]),
    ...set(release.set),
    ...release.setList.flatMap((s) => ['--set', `${s.name}={${s.value.join(',')}}`]),
    ...set(release.setSensitive),
  ];
  const res = await helm(args, options.workDir);
  if (res.status !== 0) throw new Error(`helm template ${release.name} (${release.chart} ${release.version}) failed: ${res.stderr.trim().slice(0, 2000)}`);
  return res.stdout.split(/^---\s*$/m).flatMap((chunk) => {
    const object = parse(chunk) as RenderedKubeObject | null;
    if (!object || typeof object !== 'object') return [];
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1] ?? '?';
    const hook = object.metadata?.annotations?.['helm.sh/hook'];
    return [{ object, release, source, hooks: hook ? String(hook).split(',').map((h) => h.trim()) : [] }];
  });
}

/** Built-in kinds that are not namespaced (custom kinds are read from their CRDs). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'PriorityClass', 'StorageClass', 'CSIDriver', 'CSINode',
  'VolumeAttachment', 'IngressClass', 'RuntimeClass', 'FlowSchema', 'PriorityLevelConfiguration', 'CertificateSigningRequest',
]);

export interface EnvironmentRender {
  readonly releases: HelmRelease[];
  readonly objects: RenderedObject[];
  /** Release address -> why it could not be rendered. */
  readonly failures: Map<string, string>;
  /** Release address -> where its chart archive came from. */
  readonly archives: Map<string, ChartArchive>;
  readonly apiVersions: string[];
}

/** The group/version and group/version/Kind of every custom resource the rendered CRDs serve. */
export function servedApiVersions(objects: readonly RenderedObject[]): string[] {
  const out = new Set<string>();
  for (const { object } of objects) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    const spec = object.spec as Json;
    for (const v of (spec.versions ?? []) as Json[]) {
      if (v.served === false) continue;
      out.add(`${spec.group}/${v.name}`);
      out.add(`${spec.group}/${v.name}/${spec.names.kind}`);
    }
  }
  return [...out].sort();
}

/**
 * Renders the releases of an environment's stacks. Two passes: the first finds the CRDs the
 * charts install, the second renders with those APIs served, as on every upgrade after the first
 * install (charts switch ServiceMonitors and similar on with `.Capabilities.APIVersions`).
 */
export async function renderStacks(app: Pick<Synthed, 'stack'>, stackNames: string[], kubeVersion: string): Promise<EnvironmentRender> {
  const workDir = mkdtempSync(join(tmpdir(), 'chart-render-'));
  mkdirSync(join(workDir, 'cache'), { recursive: true });
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const releases = stackNames.flatMap((s) => helmReleases(app, app.stack(s)));
  const archives = new Map<string, ChartArchive>();
  const archiveFailures = new Map<string, string>();
  await Promise.all(
    releases.map(async (r) => {
      try {
        archives.set(r.address, await chartArchive(r, workDir));
      } catch (err) {
        archiveFailures.set(r.address, (err as Error).message);
      }
    }),
  );
  const pass = async (apiVersions: string[], failures: Map<string, string>) =>
    (
      await Promise.all(
        releases.map(async (r) => {
          const archive = archives.get(r.address);
          if (!archive) return [];
          try {
            return await renderRelease(r, archive.path, { kubeVersion, apiVersions, workDir });
          } catch (err) {
            failures.set(r.address, (err as Error).message);
            return [];
          }
        }),
      )
    ).flat();
  const apiVersions = servedApiVersions(await pass([], new Map()));
  const failures = new Map(archiveFailures);
  const objects = withNamespaces(await pass(apiVersions, failures));
  return { releases, objects, failures, archives, apiVersions };
}

/** Namespaced objects without a namespace land in their release's namespace, as Helm installs them. */
function withNamespaces(objects: RenderedObject[]): RenderedObject[] {
  const scopes = new Map<string, string>();
  for (const { object } of objects) {
    if (object.kind === 'CustomResourceDefinition') scopes.set(`${(object.spec as Json).group}/${(object.spec as Json).names.kind}`, (object.spec as Json).scope);
  }
  return objects.map((o) => {
    const { object } = o;
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    const clusterScoped = CLUSTER_SCOPED.has(object.kind) || scopes.get(`${group}/${object.kind}`) === 'Cluster';
    if (clusterScoped || object.metadata?.namespace) return o;
    return { ...o, object: { ...object, metadata: { ...object.metadata, namespace: o.release.namespace } } };
  });
}

/** `Kind namespace/name (chart template)` for messages. */
export function describeObject(o: RenderedObject): string {
  const m = o.object.metadata ?? {};
  return `${o.object.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? '?'} (${o.source})`;
}

/** Container flags that name an image an operator or controller starts later (the ACME solver, the config reloader, the Thanos sidecar). */
const IMAGE_FLAG = /^--([a-z0-9-]*image|prometheus-config-reloader)=(.+)$/;

/**
 * Every image an object names, with where: any `image` string (containers, init containers, and
 * custom resources such as Prometheus and Alertmanager), and the image flags in container args.
 * CRDs are skipped: their schemas describe `image` fields, they name none.
 */
export function imageReferences(object: Json): { path: string; image: string }[] {
  if (object.kind === 'CustomResourceDefinition') return [];
  const out: { path: string; image: string }[] = [];
  const walk = (value: unknown, path: string, key: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, key));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, k);
    else if (typeof value === 'string') {
      if (key === 'image') out.push({ path, image: value });
      else if (key === 'args' || key === 'command') {
        const flag = IMAGE_FLAG.exec(value);
        if (flag) out.push({ path: `${path} (--${flag[1]})`, image: flag[2] });
      }
    }
  };
  walk(object, '', '');
  return out;
}
