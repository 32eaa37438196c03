/**
 * What the pods of rendered charts ask of their namespaces at maximum scale, against the
 * namespaces' ResourceQuotas: replicas (or an HPA's maxReplicas), DaemonSets on every node the
 * pools can scale to, and the pods an operator builds from a custom resource (Prometheus,
 * Alertmanager). Helm hooks (install jobs, tests) are transient and left out.
 *
 * Container sizes follow admission: a missing request takes the limit, else the LimitRange's
 * default request; a missing limit takes the LimitRange's default (and is reported, since the
 * platform sizes every container it runs on purpose).
 */
import { parseQuantity } from '../../config/quantity';
import { describeObject, type RenderedObject } from './chart-render';

type Json = Record<string, any>;

export const POD_CONTROLLERS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;

/** A pod template of a rendered object: a controller's, or one an operator builds from a custom resource. */
export interface PodSource {
  readonly owner: RenderedObject;
  readonly namespace: string;
  readonly spec: Json;
  readonly annotations: Record<string, string>;
  /** Set when the containers are modelled after what an operator creates (their security contexts are the operator's). */
  readonly modelledBy?: string;
}

/** The prometheus-operator's `--config-reloader-*` flags in a release ("0" or absent: not set). */
function reloaderResources(objects: readonly RenderedObject[], release: string): Json {
  const operator = objects.find((o) => o.release.name === release && o.object.kind === 'Deployment' && (o.object.spec as Json).template.spec.containers.some((c: Json) => (c.args ?? []).some((a: string) => a.startsWith('--prometheus-config-reloader='))));
  const args: string[] = operator ? (operator.object.spec as Json).template.spec.containers.flatMap((c: Json) => c.args ?? []) : [];
  const flag = (name: string) => {
    const v = args.find((a) => a.startsWith(`--config-reloader-${name}=`))?.split('=')[1];
    return v && v !== '0' ? v : undefined;
  };
  const pick = (cpu?: string, memory?: string) => ({ ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) });
  return { requests: pick(flag('cpu-request'), flag('memory-request')), limits: pick(flag('cpu-limit'), flag('memory-limit')) };
}

/** Every pod template in the rendered objects, hooks included. */
export function podSources(objects: readonly RenderedObject[]): PodSource[] {
  return objects.flatMap((o): PodSource[] => {
    const obj = o.object as Json;
    const namespace = obj.metadata?.namespace ?? o.release.namespace;
    const spec = obj.spec as Json;
    const from = (template: Json | undefined): PodSource[] =>
      template?.spec ? [{ owner: o, namespace, spec: template.spec, annotations: template.metadata?.annotations ?? {} }] : [];
    switch (obj.kind) {
      case 'Pod':
        return [{ owner: o, namespace, spec, annotations: obj.metadata?.annotations ?? {} }];
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job':
        return from(spec.template);
      case 'CronJob':
        return from(spec.jobTemplate?.spec?.template);
      case 'Prometheus':
      case 'Alertmanager': {
        if (obj.apiVersion !== 'monitoring.coreos.com/v1') return [];
        const reloader = reloaderResources(objects, o.release.name);
        const main = obj.kind === 'Prometheus' ? 'prometheus' : 'alertmanager';
        const containers = [
          { name: main, resources: spec.resources ?? {} },
          { name: 'config-reloader', resources: reloader },
          ...(obj.kind === 'Prometheus' && spec.thanos ? [{ name: 'thanos-sidecar', resources: spec.thanos.resources ?? {} }] : []),
        ];
        return [{ owner: o, namespace, spec: { securityContext: spec.securityContext, initContainers: [{ name: 'init-config-reloader', resources: reloader }], containers }, annotations: spec.podMetadata?.annotations ?? {}, modelledBy: 'prometheus-operator' }];
      }
      default:
        return [];
    }
  });
}

export interface LimitDefaults {
  readonly defaultRequest: { readonly cpu?: string; readonly memory?: string };
  readonly default: { readonly cpu?: string; readonly memory?: string };
}

export interface Quota {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

export interface CapacityInput {
  readonly objects: readonly RenderedObject[];
  /** Namespace -> its ResourceQuota (requests.cpu, limits.memory, pods). */
  readonly quotas: ReadonlyMap<string, Quota>;
  /** Namespace -> its LimitRange container defaults. */
  readonly limitRanges: ReadonlyMap<string, LimitDefaults>;
  /** Nodes the pools can scale to, together: every DaemonSet may run one pod on each. */
  readonly maxNodes: number;
}

export interface PodGroup {
  readonly source: PodSource;
  readonly pods: number;
  /** Why that many: replicas, an HPA's maximum, the node count. */
  readonly scale: string;
  /** Per pod, in cores and bytes, as admission computes it (init containers included). */
  readonly cpuRequest: number;
  readonly memoryLimit: number;
}

export interface NamespaceUsage {
  readonly namespace: string;
  readonly quota?: Quota;
  readonly cpuRequest: number;
  readonly memoryLimit: number;
  readonly pods: number;
  readonly groups: PodGroup[];
}

export interface CapacityReport {
  readonly usage: NamespaceUsage[];
  /** Quotas exceeded and namespaces without one, one line each. */
  readonly overQuota: string[];
  /** Containers whose memory request or limit is left to the LimitRange. */
  readonly unsized: string[];
  /** Containers with a CPU limit (the platform limits memory only: a throttled controller misses its health checks). */
  readonly cpuLimited: string[];
}

const q = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : parseQuantity(v as string));

/** `pods` of a source at maximum scale, or undefined for hooks (not counted). */
function scale(source: PodSource, objects: readonly RenderedObject[], maxNodes: number): { pods: number; why: string } | undefined {
  const { owner } = source;
  if (owner.hooks.length > 0) return undefined;
  const obj = owner.object as Json;
  const spec = obj.spec as Json;
  switch (obj.kind) {
    case 'DaemonSet':
      return { pods: maxNodes, why: `one per node, ${maxNodes} nodes` };
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const hpa = objects.find(
        (o) =>
          o.object.kind === 'HorizontalPodAutoscaler' &&
          (o.object.metadata?.namespace ?? o.release.namespace) === source.namespace &&
          (o.object.spec as Json).scaleTargetRef?.kind === obj.kind &&
          (o.object.spec as Json).scaleTargetRef?.name === obj.metadata.name,
      );
      if (hpa) return { pods: (hpa.object.spec as Json).maxReplicas, why: `HPA maxReplicas ${(hpa.object.spec as Json).maxReplicas}` };
      return { pods: spec.replicas ?? 1, why: `replicas ${spec.replicas ?? '1 (default)'}` };
    }
    case 'Job':
      return { pods: spec.parallelism ?? 1, why: `parallelism ${spec.parallelism ?? 1}` };
    case 'CronJob':
      return { pods: spec.jobTemplate?.spec?.parallelism ?? 1, why: 'one job at a time' };
    case 'Prometheus':
      return { pods: (spec.replicas ?? 1) * (spec.shards ?? 1), why: `replicas ${spec.replicas ?? 1} x shards ${spec.shards ?? 1}` };
    case 'Alertmanager':
      return { pods: spec.replicas ?? 1, why: `replicas ${spec.replicas ?? 1}` };
    default:
      return { pods: 1, why: 'a bare pod' };
  }
}

interface Sized {
  readonly cpuRequest: number;
  readonly memoryLimit: number;
}

function sizeContainer(c: Json, defaults: LimitDefaults | undefined): Sized {
  const r = (c.resources ?? {}) as Json;
  const memoryLimit = q(r.limits?.memory) ?? q(defaults?.default.memory) ?? 0;
  const cpuRequest = q(r.requests?.cpu) ?? q(r.limits?.cpu) ?? q(defaults?.defaultRequest.cpu) ?? 0;
  return { cpuRequest, memoryLimit };
}

/**
 * A pod's effective size as the scheduler and quota see it: its containers and restartable init
 * containers (sidecars) together, or the largest ordinary init container with the sidecars started
 * before it, whichever is more.
 */
export function podSize(spec: Json, defaults: LimitDefaults | undefined): Sized {
  const sum = (list: Sized[]) => list.reduce((a, b) => ({ cpuRequest: a.cpuRequest + b.cpuRequest, memoryLimit: a.memoryLimit + b.memoryLimit }), { cpuRequest: 0, memoryLimit: 0 });
  const sidecars: Sized[] = [];
  let initPeak: Sized = { cpuRequest: 0, memoryLimit: 0 };
  for (const c of (spec.initContainers ?? []) as Json[]) {
    const size = sizeContainer(c, defaults);
    if (c.restartPolicy === 'Always') {
      sidecars.push(size);
      continue;
    }
    const withSidecars = sum([size, ...sidecars]);
    initPeak = { cpuRequest: Math.max(initPeak.cpuRequest, withSidecars.cpuRequest), memoryLimit: Math.max(initPeak.memoryLimit, withSidecars.memoryLimit) };
  }
  const running = sum([...((spec.containers ?? []) as Json[]).map((c) => sizeContainer(c, defaults)), ...sidecars]);
  return { cpuRequest: Math.max(running.cpuRequest, initPeak.cpuRequest), memoryLimit: Math.max(running.memoryLimit, initPeak.memoryLimit) };
}

const gi = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)}Gi`;
const cores = (n: number) => `${Number(n.toFixed(3))}`;

export function capacityReport(input: CapacityInput): CapacityReport {
  const sources = podSources(input.objects);
  const byNamespace = new Map<string, PodGroup[]>();
  const unsized: string[] = [];
  const cpuLimited: string[] = [];
  for (const source of sources) {
    const s = scale(source, input.objects, input.maxNodes);
    if (!s) continue;
    for (const c of [...((source.spec.initContainers ?? []) as Json[]), ...((source.spec.containers ?? []) as Json[])]) {
      const r = (c.resources ?? {}) as Json;
      if (r.limits?.cpu !== undefined) cpuLimited.push(`${describeObject(source.owner)} container "${c.name}": limits.cpu ${r.limits.cpu}`);
      const missing = [r.requests?.memory === undefined && 'requests.memory', r.limits?.memory === undefined && 'limits.memory'].filter(Boolean);
      if (missing.length > 0) unsized.push(`${describeObject(source.owner)} container "${c.name}": no ${missing.join(' or ')}`);
    }
    const size = podSize(source.spec, input.limitRanges.get(source.namespace));
    const group: PodGroup = { source, pods: s.pods, scale: s.why, ...size };
    byNamespace.set(source.namespace, [...(byNamespace.get(source.namespace) ?? []), group]);
  }
  const usage: NamespaceUsage[] = [...byNamespace].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, groups]) => ({
    namespace,
    quota: input.quotas.get(namespace),
    cpuRequest: groups.reduce((n, g) => n + g.pods * g.cpuRequest, 0),
    memoryLimit: groups.reduce((n, g) => n + g.pods * g.memoryLimit, 0),
    pods: groups.reduce((n, g) => n + g.pods, 0),
    groups,
  }));
  const overQuota: string[] = [];
  for (const u of usage) {
    if (!u.quota) {
      overQuota.push(`${u.namespace}: ${u.pods} pods but no ResourceQuota`);
      continue;
    }
    const top = (key: 'cpuRequest' | 'memoryLimit', fmt: (n: number) => string) =>
      [...u.groups].sort((a, b) => b.pods * b[key] - a.pods * a[key]).slice(0, 4).map((g) => `${describeObject(g.source.owner)} ${g.pods} x ${fmt(g[key])} (${g.scale})`).join('; ');
    const cpu = parseQuantity(u.quota.cpu)!;
    const memory = parseQuantity(u.quota.memory)!;
    if (u.cpuRequest > cpu + 1e-9) overQuota.push(`${u.namespace}: requests.cpu ${cores(u.cpuRequest)} > quota ${u.quota.cpu}: ${top('cpuRequest', cores)}`);
    if (u.memoryLimit > memory) overQuota.push(`${u.namespace}: limits.memory ${gi(u.memoryLimit)} > quota ${u.quota.memory}: ${top('memoryLimit', gi)}`);
    if (u.pods > u.quota.pods) overQuota.push(`${u.namespace}: ${u.pods} pods > quota ${u.quota.pods}`);
  }
  return { usage, overQuota, unsized, cpuLimited };
}
