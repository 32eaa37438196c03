/**
 * One stateless platform service: Deployment (restricted, probed, resourced), Service, PDB,
 * autoscaling (CPU HPA or KEDA on a Prometheus query) or a fixed replica count, NetworkPolicy
 * admitting only its declared callers, ServiceMonitor, ConfigMap and Key Vault secrets through an
 * ExternalSecret. The agent services, the LLM router and its spend exporter are all built from it;
 * names and ports come from catalog/services.ts, where the observability app reads them too.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { PlatformServiceName } from '../../catalog/services';
import {
  DEPLOYMENT_TARGET, ExternalSecret, labelsFor, metricsIngress, otelEnv, port, resources, RESTRICTED_CONTAINER, ScaledObject, scratchStorage, selectorFor, ServiceMonitor,
  type PrometheusTrigger, type Resources, type ScaleTarget,
  spreadOverZonesAndNodes,
  workloadPod,
} from './common';
import type { ImageRef } from './plan';

export type Scaling =
  | { readonly kind: 'cpu'; readonly minReplicas: number; readonly maxReplicas: number; readonly targetUtilization: number }
  | { readonly kind: 'keda'; readonly minReplicas: number; readonly maxReplicas: number; readonly trigger: PrometheusTrigger }
  /** For a service whose load does not grow with traffic (an exporter): no autoscaler, so the Deployment owns the count. */
  | { readonly kind: 'fixed'; readonly replicas: number };

export interface HealthPaths {
  readonly live: string;
  readonly ready: string;
  /** Defaults to the liveness path. */
  readonly startup?: string;
}

export interface PlatformServiceProps {
  /** Name, namespace, component and ports, from catalog/services.ts. */
  readonly service: PlatformServiceName;
  readonly environment: string;
  readonly image: ImageRef;
  readonly health: HealthPaths;
  /** CPU and memory; node disk follows from the service's /tmp (TMP_SIZE). */
  readonly resources: Omit<Resources, 'ephemeralStorage'>;
  readonly scaling: Scaling;
  /** Who may call the HTTP port. Nobody else can. */
  readonly callers: k8s.NetworkPolicyPeer[];
  /** Everything the service may reach besides DNS (which the namespace allows). */
  readonly egress: k8s.NetworkPolicyEgressRule[];
  /** Non-secret settings, mounted as environment variables from a ConfigMap. */
  readonly config?: Record<string, string>;
  /** Environment variable -> Key Vault secret name. */
  readonly secrets?: Record<string, string>;
  /** A certificate's Secret (tls.crt, tls.key, ca.crt) mounted read-only at `mountPath`: a client certificate for mutual TLS. */
  readonly tls?: { readonly secretName: string; readonly mountPath: string };
  /** Files mounted read-only at `mountPath` from the ConfigMap `<name>-files`. */
  readonly files?: { readonly mountPath: string; readonly data: Record<string, string> };
  readonly command?: string[];
  readonly args?: string[];
  readonly extraEnv?: k8s.EnvVar[];
  readonly podLabels?: Record<string, string>;
  readonly serviceAccountAnnotations?: Record<string, string>;
  /** Seconds between SIGTERM and SIGKILL: in-flight requests finish in this time. */
  readonly terminationGraceSeconds?: number;
  readonly annotations?: Record<string, string>;
  /** false for an image that serves no /metrics: no ServiceMonitor, no scrape path in its policy. */
  readonly monitored?: boolean;
  /** Annotations on what the pods depend on (ServiceAccount, ConfigMaps, ExternalSecret), e.g. an earlier Argo CD sync wave. */
  readonly dependencyAnnotations?: Record<string, string>;
  /** What the autoscaler scales, when a Rollout took the Deployment over (same name). */
  readonly scaleTarget?: ScaleTarget;
}

/** The only writable path of a platform service (its root filesystem is read-only). */
export const TMP_SIZE = '1Gi';

const sha = (data: unknown) => createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);

export class PlatformService extends Construct {
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** In-cluster base URL of the HTTP port. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PlatformServiceProps) {
    super(scope, id);
    const { name, namespace, component, httpPort, metricsPort } = props.service;
    this.labels = labelsFor({ name, component, version: props.image.version });
    this.selector = selectorFor(name);
    this.url = `http://${name}.${namespace}.svc.cluster.local:${httpPort}`;
    const meta = (suffix = '') => ({ name: `${name}${suffix}`, namespace, labels: this.labels });
    const depMeta = (suffix = '') => ({ ...meta(suffix), ...(props.dependencyAnnotations ? { annotations: props.dependencyAnnotations } : {}) });

    new k8s.KubeServiceAccount(this, 'sa', {
      metadata: { ...meta(), ...(props.serviceAccountAnnotations || props.dependencyAnnotations ? { annotations: { ...props.dependencyAnnotations, ...props.serviceAccountAnnotations } } : {}) },
      // Only services that call the Kubernetes API get a token; none of these do.
      automountServiceAccountToken: false,
    });

    const envFrom: k8s.EnvFromSource[] = [];
    if (props.config) {
      new k8s.KubeConfigMap(this, 'config', { metadata: depMeta('-config'), data: props.config });
      envFrom.push({ configMapRef: { name: `${name}-config` } });
    }
    if (props.secrets && Object.keys(props.secrets).length > 0) {
      new ExternalSecret(this, 'secrets', { metadata: depMeta('-secrets'), data: props.secrets });
      envFrom.push({ secretRef: { name: `${name}-secrets` } });
    }
    const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: q(TMP_SIZE) } }];
    const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
    if (props.tls) {
      volumes.push({ name: 'tls', secret: { secretName: props.tls.secretName, defaultMode: 0o440 } });
      mounts.push({ name: 'tls', mountPath: props.tls.mountPath, readOnly: true });
    }
    if (props.files) {
      new k8s.KubeConfigMap(this, 'files', { metadata: depMeta('-files'), data: props.files.data });
      volumes.push({ name: 'files', configMap: { name: `${name}-files` } });
      mounts.push({ name: 'files', mountPath: props.files.mountPath, readOnly: true });
    }

    const env = [...(props.service.otlp ? otelEnv(name, namespace, props.environment) : []), ...(props.extraEnv ?? [])];
    const probe = (path: string, overrides: Partial<k8s.Probe>): k8s.Probe => ({ httpGet: { path, port: port('http') }, timeoutSeconds: 3, ...overrides });
    const ports: k8s.ContainerPort[] = [{ name: 'http', containerPort: httpPort, protocol: 'TCP' }];
    if (metricsPort !== httpPort) ports.push({ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { ...meta(), ...(props.annotations ? { annotations: props.annotations } : {}) },
      spec: {
        // No replicas under an autoscaler: it owns the count, and Argo CD would otherwise reset it on every sync.
        ...(props.scaling.kind === 'fixed' ? { replicas: props.scaling.replicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: port(0), maxSurge: port('25%') } },
        template: {
          metadata: {
            labels: { ...this.labels, ...(props.podLabels ?? {}) },
            // Config changes roll the pods; secret rotation is picked up by the app's reload.
            annotations: { 'checksum/config': sha([props.config, props.files?.data]) },
          },
          spec: {
            ...workloadPod(name),
            terminationGracePeriodSeconds: props.terminationGraceSeconds ?? 30,
            topologySpreadConstraints: spreadOverZonesAndNodes(this.selector),
            containers: [
              {
                name,
                image: props.image.ref,
                imagePullPolicy: 'IfNotPresent',
                ...(props.command ? { command: props.command } : {}),
                ...(props.args ? { args: props.args } : {}),
                ports,
                ...(env.length ? { env } : {}),
                ...(envFrom.length ? { envFrom } : {}),
                resources: resources({ ...props.resources, ephemeralStorage: scratchStorage(TMP_SIZE) }),
                securityContext: RESTRICTED_CONTAINER,
                startupProbe: probe(props.health.startup ?? props.health.live, { periodSeconds: 5, failureThreshold: 24 }),
                livenessProbe: probe(props.health.live, { periodSeconds: 10, failureThreshold: 3 }),
                readinessProbe: probe(props.health.ready, { periodSeconds: 5, failureThreshold: 2 }),
                // Endpoints are removed asynchronously: keep serving while load balancers catch up.
                lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    });

    const servicePorts: k8s.ServicePort[] = [{ name: 'http', port: httpPort, targetPort: port('http'), protocol: 'TCP' }];
    if (metricsPort !== httpPort) servicePorts.push({ name: 'metrics', port: metricsPort, targetPort: port('metrics'), protocol: 'TCP' });
    new k8s.KubeService(this, 'service', { metadata: meta(), spec: { type: 'ClusterIP', selector: this.selector, ports: servicePorts } });

    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: meta(),
      spec: { maxUnavailable: port(1), selector: { matchLabels: this.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });

    const scaling = props.scaling;
    if (scaling.kind === 'cpu') {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: meta(),
        spec: {
          scaleTargetRef: { ...(props.scaleTarget ?? DEPLOYMENT_TARGET), name },
          minReplicas: scaling.minReplicas,
          maxReplicas: scaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: scaling.targetUtilization } } }],
          behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
        },
      });
    } else if (scaling.kind === 'keda') {
      new ScaledObject(this, 'scaledobject', { metadata: meta(), deployment: name, ...(props.scaleTarget ? { target: props.scaleTarget } : {}), minReplicas: scaling.minReplicas, maxReplicas: scaling.maxReplicas, trigger: scaling.trigger });
    }

    new k8s.KubeNetworkPolicy(this, 'netpol', {
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: this.selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          ...(props.callers.length ? [{ from: props.callers, ports: [{ protocol: 'TCP', port: port(httpPort) }] }] : []),
          ...(props.monitored === false ? [] : [metricsIngress(metricsPort)]),
        ],
        egress: props.egress,
      },
    });

    if (props.monitored !== false) new ServiceMonitor(this, 'servicemonitor', { metadata: meta(), selector: this.selector, port: metricsPort !== httpPort ? 'metrics' : 'http' });
  }
}

const q = (v: string) => k8s.Quantity.fromString(v);
