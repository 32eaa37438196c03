/**
 * One n8n process kind (main, webhook or worker) as a Deployment with its Service, PDB,
 * ServiceMonitor and NetworkPolicy. All kinds run the same image with the same settings
 * (ConfigMap `n8n-config`) and secret files (Secret `n8n-secrets`); they differ in the command,
 * the callers, the egress and how they scale. The root filesystem is read-only: n8n writes only
 * to its user folder's `.n8n` and /tmp, both emptyDirs.
 */
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { N8N_HEALTH } from '../../catalog/n8n';
import type { PlatformServiceName } from '../../catalog/services';
import { labelsFor, metricsIngress, port, q, resources, RESTRICTED_CONTAINER, scratchStorage, selectorFor, ServiceMonitor, spreadOverZonesAndNodes, workloadPod, type Resources } from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { SECRET_DIR, USER_FOLDER } from './n8n-settings';

export const N8N_SERVICE_ACCOUNT = 'n8n';
export const N8N_CONFIG = 'n8n-config';
export const N8N_SECRET = 'n8n-secrets';
/** emptyDirs: n8n's folder (settings file, binary data in default mode, the task runner) and /tmp. */
export const SCRATCH = { userFolder: '1Gi', tmp: '512Mi' } as const;

/** The volumes and mounts every n8n container needs. */
export function n8nVolumes(): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  return {
    volumes: [
      { name: 'n8n-folder', emptyDir: { sizeLimit: q(SCRATCH.userFolder) } },
      { name: 'tmp', emptyDir: { sizeLimit: q(SCRATCH.tmp) } },
      // Group-readable: the files belong to the pod's fsGroup, the process runs with it.
      { name: 'secrets', secret: { secretName: N8N_SECRET, defaultMode: 0o440 } },
    ],
    mounts: [
      { name: 'n8n-folder', mountPath: `${USER_FOLDER}/.n8n` },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'secrets', mountPath: SECRET_DIR, readOnly: true },
    ],
  };
}

/** Node disk for the emptyDirs and the logs (scratchStorage rounds up and adds a GiB). */
export const N8N_EPHEMERAL = scratchStorage('1536Mi');

export interface N8nProcessProps {
  readonly service: PlatformServiceName;
  readonly image: ImageRef;
  /** `n8n <args>`: `start`, `webhook`, `worker --concurrency=N`. */
  readonly args: string[];
  readonly resources: Omit<Resources, 'ephemeralStorage'>;
  /** A fixed count (main: exactly one, n8n's leader work must not run twice) or undefined under an autoscaler. */
  readonly replicas?: number;
  /** Who may call the HTTP port besides Prometheus (on the same port). */
  readonly callers: k8s.NetworkPolicyPeer[];
  readonly egress: k8s.NetworkPolicyEgressRule[];
  readonly shutdownSeconds: number;
  /** Settings only this kind gets, on top of the shared ConfigMap. */
  readonly env?: Record<string, string>;
  /** Annotations that roll the pods when the shared settings change. */
  readonly podAnnotations: Record<string, string>;
  /** Startup budget: the first main start runs the database migrations. */
  readonly startupSeconds: number;
}

export class N8nProcess extends Construct {
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: N8nProcessProps) {
    super(scope, id);
    const { name, namespace, component, httpPort } = props.service;
    this.labels = labelsFor({ name, component, version: props.image.version });
    this.selector = selectorFor(name);
    const meta = { name, namespace, labels: this.labels };
    const { volumes, mounts } = n8nVolumes();
    const probe = (path: string, periodSeconds: number, failureThreshold: number): k8s.Probe => ({ httpGet: { path, port: port('http') }, timeoutSeconds: 3, periodSeconds, failureThreshold });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta,
      spec: {
        ...(props.replicas !== undefined ? { replicas: props.replicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        // A single main is never doubled (schedules and pruning would run twice); the others surge.
        strategy: props.replicas === 1 ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: port(0), maxSurge: port('25%') } },
        template: {
          metadata: { labels: this.labels, annotations: props.podAnnotations },
          spec: {
            ...workloadPod(N8N_SERVICE_ACCOUNT),
            terminationGracePeriodSeconds: props.shutdownSeconds + 15,
            topologySpreadConstraints: spreadOverZonesAndNodes(this.selector),
            containers: [
              {
                name: component,
                image: props.image.ref,
                imagePullPolicy: 'IfNotPresent',
                command: ['n8n'],
                args: props.args,
                ports: [{ name: 'http', containerPort: httpPort, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name: N8N_CONFIG } }],
                env: Object.entries({ ...props.env, N8N_GRACEFUL_SHUTDOWN_TIMEOUT: String(props.shutdownSeconds) }).map(([k, value]) => ({ name: k, value })),
                resources: resources({ ...props.resources, ephemeralStorage: N8N_EPHEMERAL }),
                securityContext: RESTRICTED_CONTAINER,
                startupProbe: probe(N8N_HEALTH.live, 5, Math.ceil(props.startupSeconds / 5)),
                livenessProbe: probe(N8N_HEALTH.live, 10, 3),
                // Ready once the database is migrated and Redis is connected.
                readinessProbe: probe(N8N_HEALTH.ready, 5, 2),
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata: meta,
      spec: { type: 'ClusterIP', selector: this.selector, ports: [{ name: 'http', port: httpPort, targetPort: port('http'), protocol: 'TCP' }] },
    });

    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: meta,
      spec: { maxUnavailable: port(1), selector: { matchLabels: this.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });

    new k8s.KubeNetworkPolicy(this, 'netpol', {
      metadata: meta,
      spec: {
        podSelector: { matchLabels: this.selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [...(props.callers.length ? [{ from: props.callers, ports: [{ protocol: 'TCP', port: port(httpPort) }] }] : []), metricsIngress(httpPort)],
        egress: props.egress,
      },
    });

    new ServiceMonitor(this, 'servicemonitor', { metadata: meta, selector: this.selector, port: 'http' });
  }
}
