/**
 * Thanos beside kube-prometheus-stack's sidecars (no Thanos chart is pinned, so they are rendered
 * here): Query, which answers PromQL over the sidecars (recent data) and the Store Gateway
 * (history in Blob storage) and deduplicates the Prometheus replicas on `prometheus_replica`;
 * the Store Gateway, which serves the blocks in the sidecar's Blob container; and the Compactor,
 * the one process that compacts, downsamples and applies retention per resolution there.
 *
 * Store Gateway and Compactor read the bucket configuration the sidecar uploads with (the
 * `thanos-objstore` Secret the observability stack writes) and authenticate with workload
 * identities of their own (catalog/thanos.ts): the client id comes from Key Vault through an
 * ExternalSecret, since rendered manifests cannot know it. Names and ports: catalog/thanos.ts.
 *
 * Pods are restricted (non-root, read-only root, no capabilities, RuntimeDefault seccomp), with
 * CPU requests and memory requests and limits but no CPU limit, as the add-ons. The namespace's
 * own policies (catalog/namespaces.ts) already admit what they need: traffic within the namespace
 * (Grafana to Query, Query to the sidecars and the Store Gateway), Blob storage on the private
 * endpoints, and Entra ID on 443.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { THANOS_OBJSTORE_SECRET } from '../../catalog/cluster-names';
import { OBSERVABILITY_NAMESPACE } from '../../catalog/namespaces';
import { PLATFORM_STORAGE_CLASSES } from '../../catalog/storage-classes';
import {
  grpcEndpoint, PROMETHEUS_REPLICA_LABEL, SIDECAR_DISCOVERY_SERVICE, THANOS, thanosImage, THANOS_PORTS, THANOS_VERSION, thanosRetentionDays, type ThanosComponent, type ThanosComponentKey,
} from '../../catalog/thanos';
import { ExternalSecret, labelsFor, RESTRICTED_CONTAINER, RESTRICTED_POD, selectorFor, ServiceMonitor, spreadOverZonesAndNodes } from '../workloads/common';

export interface ThanosProps {
  /** Two Query and Store Gateway replicas with a PDB each (the Compactor is always one). */
  readonly highAvailability: boolean;
  /** The environment's metric retention in Blob storage (`observability.retention.metricsDays`). */
  readonly metricsDays: number;
  /** One Prometheus replica's volume: the Compactor's scratch disk is as large. */
  readonly prometheusVolumeGi: number;
  /** The environment's ACR login server: the image comes through its mirror of the upstream registry. */
  readonly registryLoginServer: string;
}

/** Sizes per component: CPU and memory requests, memory limit (no CPU limit). */
export interface ThanosSize {
  readonly cpu: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

export const THANOS_SIZES: Record<ThanosComponentKey, ThanosSize> = {
  query: { cpu: '100m', memoryRequest: '256Mi', memoryLimit: '1Gi' },
  // The chunk pool (512MB) and the index cache (256MB) below fit the limit with room for requests.
  store: { cpu: '100m', memoryRequest: '512Mi', memoryLimit: '2Gi' },
  // Compaction holds one block group's index in memory.
  compactor: { cpu: '200m', memoryRequest: '512Mi', memoryLimit: '2Gi' },
};

/** Where the bucket configuration is mounted, and where data lives. */
const OBJSTORE_DIR = '/etc/thanos/objstore';
const OBJSTORE_FILE = `${OBJSTORE_DIR}/objstore.yml`;
const DATA_DIR = '/var/thanos';
/** Name of the Secret (and ExternalSecret) carrying a component's client id. */
export const identitySecretName = (c: ThanosComponent) => `${c.name}-identity`;

const http = THANOS_PORTS.http;
const grpc = THANOS_PORTS.grpc;

export class Thanos extends Construct {
  private readonly image: string;

  constructor(scope: Construct, id: string, props: ThanosProps) {
    super(scope, id);
    this.image = thanosImage(props.registryLoginServer);
    const replicas = props.highAvailability ? 2 : 1;
    const retention = thanosRetentionDays(props.metricsDays);
    const storeVolumeGi = Math.max(10, Math.ceil(props.prometheusVolumeGi / 4));

    this.component('query', {
      kind: 'Deployment',
      replicas,
      args: [
        'query',
        '--log.format=logfmt',
        `--http-address=0.0.0.0:${http.port}`,
        `--grpc-address=0.0.0.0:${grpc.port}`,
        // Series of the two Prometheus replicas differ only in this label: Query merges them.
        `--query.replica-label=${PROMETHEUS_REPLICA_LABEL}`,
        // Long ranges read the 5m and 1h downsampled blocks the Compactor writes.
        '--query.auto-downsampling',
        // Every sidecar (recent blocks) and every Store Gateway replica (Blob storage).
        `--endpoint=${grpcEndpoint(SIDECAR_DISCOVERY_SERVICE.name, SIDECAR_DISCOVERY_SERVICE.portName)}`,
        `--endpoint=${grpcEndpoint(THANOS.store.name)}`,
      ],
      grpc: true,
      headless: false,
    });
    this.component('store', {
      kind: 'StatefulSet',
      replicas,
      args: [
        'store',
        '--log.format=logfmt',
        `--http-address=0.0.0.0:${http.port}`,
        `--grpc-address=0.0.0.0:${grpc.port}`,
        `--data-dir=${DATA_DIR}/store`,
        `--objstore.config-file=${OBJSTORE_FILE}`,
        '--index-cache-size=256MB',
        '--chunk-pool-size=512MB',
      ],
      grpc: true,
      // Query resolves every replica through the headless Service's SRV records.
      headless: true,
      volumeGi: storeVolumeGi,
    });
    this.component('compactor', {
      kind: 'StatefulSet',
      // Two compactors on one bucket corrupt it: always exactly one.
      replicas: 1,
      args: [
        'compact',
        '--log.format=logfmt',
        '--wait',
        '--wait-interval=5m',
        `--http-address=0.0.0.0:${http.port}`,
        `--data-dir=${DATA_DIR}/compact`,
        `--objstore.config-file=${OBJSTORE_FILE}`,
        // Downsampling is on (no --downsampling.disable): 5m and 1h resolutions outlive raw blocks.
        `--retention.resolution-raw=${retention.raw}d`,
        `--retention.resolution-5m=${retention.fiveMinutes}d`,
        `--retention.resolution-1h=${retention.oneHour}d`,
        // Blocks marked for deletion stay this long, so Store Gateways stop reading them first.
        '--delete-delay=48h',
        '--compact.concurrency=1',
        '--downsample.concurrency=1',
      ],
      grpc: false,
      headless: false,
      volumeGi: props.prometheusVolumeGi,
    });
  }

  private component(
    key: ThanosComponentKey,
    spec: { kind: 'Deployment' | 'StatefulSet'; replicas: number; args: string[]; grpc: boolean; headless: boolean; volumeGi?: number },
  ): void {
    const c: ThanosComponent = THANOS[key];
    const size = THANOS_SIZES[key];
    const labels = labelsFor({ name: c.name, component: c.component, version: THANOS_VERSION });
    const selector = selectorFor(c.name);
    const meta = (name = c.name) => ({ name, namespace: OBSERVABILITY_NAMESPACE, labels });
    const ports = [http, ...(spec.grpc ? [grpc] : [])];

    // Query discovers its endpoints through DNS; none of them talks to the Kubernetes API.
    new ApiObject(this, `${key}-sa`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), automountServiceAccountToken: false });
    if (c.blob) new ExternalSecret(this, `${key}-identity`, { metadata: meta(identitySecretName(c)), data: { AZURE_CLIENT_ID: c.blob.clientIdSecret } });

    const volumes: Record<string, unknown>[] = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
    const mounts: Record<string, unknown>[] = [{ name: 'tmp', mountPath: '/tmp' }];
    if (c.blob) {
      volumes.push({ name: 'objstore', secret: { secretName: THANOS_OBJSTORE_SECRET, items: [{ key: 'objstore.yml', path: 'objstore.yml' }] } });
      mounts.push({ name: 'objstore', mountPath: OBJSTORE_DIR, readOnly: true });
    }
    if (spec.volumeGi) mounts.push({ name: 'data', mountPath: DATA_DIR });

    const probe = (path: string, failureThreshold: number) => ({ httpGet: { path, port: http.name }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold });
    const podTemplate = {
      metadata: { labels: { ...labels, ...(c.blob ? { 'azure.workload.identity/use': 'true' } : {}) } },
      spec: {
        serviceAccountName: c.name,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: RESTRICTED_POD,
        terminationGracePeriodSeconds: 120,
        ...(spec.replicas > 1
          ? {
              topologySpreadConstraints: spreadOverZonesAndNodes(selector, 'DoNotSchedule'),
            }
          : {}),
        containers: [
          {
            name: 'thanos',
            image: this.image,
            imagePullPolicy: 'IfNotPresent',
            args: spec.args,
            // The workload identity webhook adds the token file, tenant and authority; the client id is this identity's.
            ...(c.blob ? { env: [{ name: 'AZURE_CLIENT_ID', valueFrom: { secretKeyRef: { name: identitySecretName(c), key: 'AZURE_CLIENT_ID' } } }] } : {}),
            ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
            // Store Gateway and Compactor are ready after the first sync of the bucket's metadata, which grows with history.
            startupProbe: probe('/-/ready', 60),
            readinessProbe: probe('/-/ready', 3),
            livenessProbe: probe('/-/healthy', 6),
            resources: {
              requests: { cpu: size.cpu, memory: size.memoryRequest, 'ephemeral-storage': '64Mi' },
              limits: { memory: size.memoryLimit, 'ephemeral-storage': '512Mi' },
            },
            securityContext: RESTRICTED_CONTAINER,
            volumeMounts: mounts,
          },
        ],
        volumes,
      },
    };

    const claim = spec.volumeGi
      ? {
          volumeClaimTemplates: [
            {
              metadata: { name: 'data', labels },
              spec: { accessModes: ['ReadWriteOnce'], storageClassName: PLATFORM_STORAGE_CLASSES.premiumDisks.name, resources: { requests: { storage: `${spec.volumeGi}Gi` } } },
            },
          ],
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
        }
      : {};
    new ApiObject(this, key, {
      apiVersion: 'apps/v1',
      kind: spec.kind,
      metadata: meta(),
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: selector },
        ...(spec.kind === 'StatefulSet' ? { serviceName: c.name, podManagementPolicy: 'Parallel', ...claim } : { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }),
        template: podTemplate,
      },
    });
    new ApiObject(this, `${key}-svc`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: {
        type: 'ClusterIP',
        ...(spec.headless ? { clusterIP: 'None' } : {}),
        selector,
        ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP' })),
      },
    });
    if (spec.replicas > 1) {
      new ApiObject(this, `${key}-pdb`, {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(),
        spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }
    new ServiceMonitor(this, `${key}-monitor`, { metadata: meta(), selector, port: http.name });
  }
}
