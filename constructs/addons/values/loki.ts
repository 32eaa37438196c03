/** Loki chart values: logs on Blob storage through workload identity, retention from config. */
import { clientId, mirror, mirrorRepository, type AddonContext } from '../context';
import type { LokiValues } from '../../../catalog/chart-values/loki';
import { HELPER_CONTAINER, RUNTIME_DEFAULT_SECCOMP, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { LOKI_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';
import { TENANT_LABEL } from '../../tenant/labels';

export function lokiChartValues(ctx: AddonContext, storage: { storageAccountName: string; container: string }): LokiValues {
  const ha = ctx.highAvailability;
  // Every image is on Docker Hub; the caches' images are named short (memcached is an official image: library/).
  const dockerHub = mirror(ctx, 'docker.io');
  return {
    deploymentMode: ha ? 'SimpleScalable' : 'SingleBinary',
    loki: {
      // One tenant: the platform; tenants are told apart by the namespace label on each stream.
      auth_enabled: false,
      // One ingester in single-binary mode cannot satisfy the chart's default of three copies.
      commonConfig: { replication_factor: ha ? 3 : 1 },
      image: { registry: dockerHub },
      podLabels: { ...WORKLOAD_IDENTITY_LABEL },
      // The chart's pod contexts lack only a seccomp profile, which restricted requires; Helm
      // merges this into its defaults (non-root uid, dropped capabilities stay as shipped).
      podSecurityContext: RUNTIME_DEFAULT_SECCOMP,
      storage: {
        type: 'azure',
        bucketNames: { chunks: storage.container, ruler: storage.container, admin: storage.container },
        azure: { accountName: storage.storageAccountName, useFederatedToken: true },
      },
      schemaConfig: { configs: [{ from: '2025-01-01', store: 'tsdb', object_store: 'azure', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }] },
      limits_config: {
        retention_period: `${ctx.env.observability.retention.logsDays * 24}h`,
        allow_structured_metadata: true,
        // Besides Loki's default index labels (namespace, workload, container, cluster, ...), the
        // log agent's tenant attribute: one stream set per tenant, as small as the namespaces.
        otlp_config: { resource_attributes: { attributes_config: [{ action: 'index_label', attributes: [TENANT_LABEL] }] } },
      },
      compactor: { retention_enabled: true, delete_request_store: 'azure' },
    },
    serviceAccount: { create: true, name: LOKI_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'loki')) },
    // Sized explicitly: without resources the namespace LimitRange's 256 Mi default would apply.
    singleBinary: { replicas: ha ? 0 : 1, resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } } },
    read: { replicas: ha ? 3 : 0, resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } } },
    write: { replicas: ha ? 3 : 0, resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } } },
    backend: { replicas: ha ? 3 : 0, resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } } },
    gateway: { image: { registry: dockerHub }, podSecurityContext: RUNTIME_DEFAULT_SECCOMP, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
    // The rules sidecar of the backend (or single binary) and the caches' metrics exporters.
    sidecar: { image: { repository: mirrorRepository(ctx, 'docker.io', 'kiwigrid/k8s-sidecar') }, resources: HELPER_CONTAINER },
    memcachedExporter: { image: { repository: mirrorRepository(ctx, 'docker.io', 'prom/memcached-exporter') }, resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } } },
    memcached: { image: { repository: mirrorRepository(ctx, 'docker.io', 'library/memcached') }, podSecurityContext: RUNTIME_DEFAULT_SECCOMP },
    minio: { enabled: false },
    chunksCache: { enabled: ha },
    resultsCache: { enabled: ha },
    lokiCanary: { enabled: false },
    test: { enabled: false },
  };
}
