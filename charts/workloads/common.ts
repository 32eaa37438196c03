/**
 * Building blocks every workload chart shares: labels, the restricted security contexts, the
 * custom resources the platform's add-ons define (External Secrets, KEDA, Prometheus operator) as
 * typed ApiObjects, and NetworkPolicy peers. Defaults are the secure ones; charts opt out
 * explicitly where a workload needs something else.
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { parseQuantity } from '../../config/quantity';
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE } from '../../catalog/edge';
import { PLATFORM_SECRET_STORE } from '../../catalog/cluster-names';
import { POOL_LABEL } from '../../catalog/node-pools';

export const PART_OF = 'ai-agent-platform';
export const MANAGED_BY = 'platform-render';
/** Namespaces the add-ons stack creates (Pod Security restricted, default-deny). */
export { PLATFORM_NAMESPACE, SERVING_NAMESPACE } from './names';
export const OBSERVABILITY_NAMESPACE = 'observability';
/** The ClusterSecretStore on the platform vault (cluster-config stack). */
export const CLUSTER_SECRET_STORE = PLATFORM_SECRET_STORE;
export const PROMETHEUS_URL = 'http://prometheus-operated.observability.svc:9090';
export const OTLP_GRPC_ENDPOINT = 'http://otel-collector.observability.svc:4317';
export const OTLP_GRPC_PORT = 4317;
/** Label the tenant stack puts on every tenant namespace. */
export const TENANT_NAMESPACE_LABEL = 'tenant';

export interface ComponentLabels {
  readonly name: string;
  readonly component: string;
  readonly version: string;
}

/** Labels on every object and pod; the selector uses only the stable `name` and `instance`. */
export function labelsFor(c: ComponentLabels): Record<string, string> {
  return {
    'app.kubernetes.io/name': c.name,
    'app.kubernetes.io/instance': c.name,
    'app.kubernetes.io/component': c.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    // Label values allow 63 characters of [A-Za-z0-9._-]; digests and long tags are cut.
    'app.kubernetes.io/version': c.version.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63).replace(/[^A-Za-z0-9]+$/, ''),
  };
}

/**
 * Replicas spread over zones and nodes. Best effort on both by default: a zone or node short of
 * room must not block a rollout; `nodes: 'DoNotSchedule'` where two replicas on one node would
 * share a failure the design relies on them not sharing.
 */
export function spreadOverZonesAndNodes(selector: Record<string, string>, nodes: 'ScheduleAnyway' | 'DoNotSchedule' = 'ScheduleAnyway'): k8s.TopologySpreadConstraint[] {
  return [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: nodes, labelSelector: { matchLabels: selector } },
  ];
}

/**
 * What every platform pod on the workload pool starts from: no service-account token (none of
 * them calls the Kubernetes API), no service-link variables, Pod Security restricted.
 */
export function workloadPod(serviceAccountName: string) {
  return {
    serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: RESTRICTED_POD,
    nodeSelector: { [POOL_LABEL]: 'workload' },
  };
}

/**
 * An Argo CD hook Job (`hook`: its hook and sync-wave annotations): the previous run is deleted
 * before the next is created, and a run gets three retries within 15 minutes.
 */
export function hookJob(
  scope: Construct,
  props: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string>; readonly podLabels?: Record<string, string>; readonly hook: Record<string, string>; readonly pod: k8s.PodSpec },
): k8s.KubeJob {
  return new k8s.KubeJob(scope, props.name, {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: { ...props.hook, 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' } },
    spec: { backoffLimit: 3, activeDeadlineSeconds: 900, template: { metadata: { labels: props.podLabels ?? props.labels }, spec: { restartPolicy: 'Never', ...props.pod } } },
  });
}

/** The policy of a pod nobody calls (a Job): no ingress, only `egress`, selected by its name label. */
export function egressOnlyPolicy(
  scope: Construct,
  props: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string>; readonly annotations?: Record<string, string>; readonly egress: k8s.NetworkPolicyEgressRule[] },
): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, `${props.name}-netpol`, {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, ...(props.annotations ? { annotations: props.annotations } : {}) },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': props.name } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: props.egress },
  });
}

export function selectorFor(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
}

/** Pod Security restricted, with the numeric user the platform's images run as. */
export const RESTRICTED_POD: k8s.PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  fsGroupChangePolicy: 'OnRootMismatch',
  seccompProfile: { type: 'RuntimeDefault' },
};

export const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export const q = (v: string | number) => (typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(v));
export const port = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));

export interface Resources {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memory: string;
  /** Extended resources (nvidia.com/gpu): requested exactly as limited. */
  readonly extended?: Record<string, number>;
  /** Node disk for the container's emptyDirs and logs (its root filesystem is read-only). */
  readonly ephemeralStorage: EphemeralStorage;
}

export interface EphemeralStorage {
  readonly request: string;
  readonly limit: string;
}

/**
 * A container whose only scratch space is a /tmp emptyDir of `tmpSize`: the limit holds that and
 * the logs the kubelet keeps (5 files of 10Mi by default) with headroom, so a runaway writer is
 * evicted on its own instead of filling the node's disk and getting its neighbours evicted.
 */
export function scratchStorage(tmpSize: string, request = '256Mi'): EphemeralStorage {
  const tmp = parseQuantity(tmpSize);
  if (tmp === undefined) throw new Error(`not a quantity: ${tmpSize}`);
  return { request, limit: `${Math.ceil(tmp / 2 ** 30) + 1}Gi` };
}

/** Memory request = limit: a pod is never OOM-killed for using what it was promised. */
export function resources(r: Resources): k8s.ResourceRequirements {
  const extended = Object.fromEntries(Object.entries(r.extended ?? {}).map(([k, v]) => [k, q(v)]));
  return {
    requests: { cpu: q(r.cpuRequest), memory: q(r.memory), 'ephemeral-storage': q(r.ephemeralStorage.request), ...extended },
    limits: { cpu: q(r.cpuLimit), memory: q(r.memory), 'ephemeral-storage': q(r.ephemeralStorage.limit), ...extended },
  };
}

/** OpenTelemetry SDK settings every instrumented service reads. */
export function otelEnv(service: string, namespace: string, environment: string): k8s.EnvVar[] {
  return [
    { name: 'OTEL_SERVICE_NAME', value: service },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: OTLP_GRPC_ENDPOINT },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' },
    { name: 'OTEL_RESOURCE_ATTRIBUTES', value: `service.namespace=${namespace},deployment.environment=${environment}` },
    { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
    { name: 'OTEL_TRACES_SAMPLER_ARG', value: environment === 'prod' ? '0.1' : '1' },
  ];
}

// ---- NetworkPolicy peers -------------------------------------------------------------

export const namespacePeer = (namespace: string, podLabels?: Record<string, string>): k8s.NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
});

/** The platform Gateway's Envoy proxies (the pods Envoy Gateway creates for it): callers of every routed service. */
export const GATEWAY_PROXY_PEER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NAMESPACE } },
  podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } },
};

export const podPeer = (name: string): k8s.NetworkPolicyPeer => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } });

/** `CIDR:port` -> one egress rule. */
export function cidrEgress(target: string): k8s.NetworkPolicyEgressRule {
  const at = target.lastIndexOf(':');
  return { to: [{ ipBlock: { cidr: target.slice(0, at) } }], ports: [{ protocol: 'TCP', port: port(Number(target.slice(at + 1))) }] };
}

export const tcp = (...ports: number[]): k8s.NetworkPolicyPort[] => ports.map((p) => ({ protocol: 'TCP', port: port(p) }));

/** Namespace-wide on the OTLP port: the collector's pod labels belong to the observability stack's chart. */
export const otelEgress: k8s.NetworkPolicyEgressRule = { to: [namespacePeer(OBSERVABILITY_NAMESPACE)], ports: tcp(OTLP_GRPC_PORT) };

export const metricsIngress = (metricsPort: number): k8s.NetworkPolicyIngressRule => ({ from: [namespacePeer(OBSERVABILITY_NAMESPACE)], ports: tcp(metricsPort) });

// ---- Custom resources of the platform add-ons ------------------------------------------

export interface ExternalSecretProps {
  readonly metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  /** Secret key -> Key Vault secret name. */
  readonly data: Record<string, string>;
  readonly refreshInterval?: string;
}

/** A Secret synced from the environment's Key Vault: the only way secrets reach a workload. */
export class ExternalSecret extends ApiObject {
  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id, {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: props.metadata,
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: CLUSTER_SECRET_STORE },
        // Owner: deleting the ExternalSecret deletes the Secret; Argo CD never owns secret data.
        target: { name: props.metadata.name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: Object.entries(props.data)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([secretKey, key]) => ({ secretKey, remoteRef: { key } })),
      },
    });
  }
}

export interface PrometheusTrigger {
  readonly query: string;
  /** Value per replica KEDA scales towards. */
  readonly threshold: number;
  /** Below this the workload is not activated from zero (ignored when minReplicas > 0). */
  readonly activationThreshold?: number;
}

/** The kind an autoscaler scales through its scale subresource. */
export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
}
export const DEPLOYMENT_TARGET: ScaleTarget = { apiVersion: 'apps/v1', kind: 'Deployment' };

export interface ScaledObjectProps {
  readonly metadata: { name: string; namespace: string; labels: Record<string, string> };
  readonly deployment: string;
  /** What is scaled, when not the Deployment: a Rollout that took it over (charts/workloads/rollout.ts). */
  readonly target?: ScaleTarget;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly trigger: PrometheusTrigger;
  /** Seconds to wait after the last active trigger before scaling down. */
  readonly cooldownSeconds?: number;
  /** Scale-down stabilization (seconds): slow for workloads that are expensive to start. */
  readonly scaleDownStabilizationSeconds?: number;
}

export class ScaledObject extends ApiObject {
  constructor(scope: Construct, id: string, props: ScaledObjectProps) {
    super(scope, id, {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: props.metadata,
      spec: {
        scaleTargetRef: { ...(props.target ?? DEPLOYMENT_TARGET), name: props.deployment },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: 15,
        cooldownPeriod: props.cooldownSeconds ?? 300,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleDown: { stabilizationWindowSeconds: props.scaleDownStabilizationSeconds ?? 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
          },
        },
        triggers: [
          {
            type: 'prometheus',
            metadata: {
              serverAddress: PROMETHEUS_URL,
              query: props.trigger.query,
              threshold: String(props.trigger.threshold),
              ...(props.trigger.activationThreshold !== undefined ? { activationThreshold: String(props.trigger.activationThreshold) } : {}),
            },
          },
        ],
      },
    });
  }
}

export interface ServiceMonitorProps {
  readonly metadata: { name: string; namespace: string; labels: Record<string, string> };
  readonly selector: Record<string, string>;
  /** Name of the Service port that serves metrics. */
  readonly port: string;
  readonly path?: string;
  readonly interval?: string;
}

export class ServiceMonitor extends ApiObject {
  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: props.metadata,
      spec: {
        selector: { matchLabels: props.selector },
        namespaceSelector: { matchNames: [props.metadata.namespace] },
        endpoints: [{ port: props.port, path: props.path ?? '/metrics', interval: props.interval ?? '30s', scheme: 'http' }],
      },
    });
  }
}
