/**
 * Thanos beside kube-prometheus-stack, as data every layer reads: the observability stack
 * federates the Store Gateway's and the Compactor's identities with these service accounts and
 * writes their client ids to Key Vault under these names; the observability app renders the
 * components under these names and ports; Grafana's Prometheus data source is `THANOS_QUERY_URL`.
 */
import { OBSERVABILITY_NAMESPACE } from './namespaces';
import { mirrorRegistry } from './registry-mirrors';

/**
 * The image kube-prometheus-stack 79.5.0 gives the sidecar (`prometheusOperator.thanosImage.tag`):
 * Query, Store Gateway and Compactor read the blocks that sidecar writes, so they run the same
 * release (the chart-render test compares it with the rendered operator's `--thanos-default-base-image`).
 * Newer releases exist (v0.42.5); move all four together, through the chart's
 * `prometheusOperator.thanosImage` and this constant.
 */
export const THANOS_VERSION = 'v0.40.1';
/** Query, Store Gateway and Compactor pull it through the environment's ACR mirror of quay.io, as the operator does the sidecar's. */
export const thanosImage = (loginServer: string): string => `${mirrorRegistry(loginServer, 'quay.io')}/thanos/thanos:${THANOS_VERSION}`;

/** Every Thanos component's ports, by the names its Services and ServiceMonitors use. */
export const THANOS_PORTS = { grpc: { name: 'grpc', port: 10901 }, http: { name: 'http', port: 10902 } } as const;

/** The external label the Prometheus operator puts on each replica's series; Query deduplicates on it. */
export const PROMETHEUS_REPLICA_LABEL = 'prometheus_replica';

/**
 * The sidecars' discovery Service kube-prometheus-stack renders with `prometheus.thanosService.enabled`
 * (`<fullname>-thanos-discovery`, headless, gRPC port `grpc`); the chart-render test resolves it in the rendered chart.
 */
export const SIDECAR_DISCOVERY_SERVICE = { name: 'kube-prometheus-stack-thanos-discovery', portName: 'grpc' } as const;

export interface ThanosComponent {
  /** StatefulSet or Deployment, Service and ServiceAccount name. */
  readonly name: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /**
   * The component's own Azure identity on the Thanos container: its role, and the Key Vault secret
   * that carries the identity's client id to the pod (rendered manifests cannot know it). Query
   * reads no bucket and has none.
   */
  readonly blob?: { readonly role: 'Storage Blob Data Reader' | 'Storage Blob Data Contributor'; readonly clientIdSecret: string };
}

export const THANOS = {
  query: { name: 'thanos-query', component: 'query' },
  // Reads blocks, never writes them.
  store: { name: 'thanos-store', component: 'store-gateway', blob: { role: 'Storage Blob Data Reader', clientIdSecret: 'thanos-store-client-id' } },
  // Compacts, downsamples and deletes blocks past their retention: the only writer besides the sidecar.
  compactor: { name: 'thanos-compactor', component: 'compactor', blob: { role: 'Storage Blob Data Contributor', clientIdSecret: 'thanos-compactor-client-id' } },
} as const satisfies Record<string, ThanosComponent>;

export type ThanosComponentKey = keyof typeof THANOS;

/** Thanos components that read the bucket with an identity of their own. */
export const THANOS_BLOB_READERS = ['store', 'compactor'] as const satisfies readonly ThanosComponentKey[];

/** Grafana's Prometheus data source: Query's HTTP API, which answers PromQL over every replica and Blob storage. */
export const THANOS_QUERY_URL = `http://${THANOS.query.name}.${OBSERVABILITY_NAMESPACE}.svc:${THANOS_PORTS.http.port}`;

/** `dnssrv+` endpoint of a headless Service's named gRPC port: one endpoint per ready pod. */
export function grpcEndpoint(service: string, portName: string = THANOS_PORTS.grpc.name): string {
  return `dnssrv+_${portName}._tcp.${service}.${OBSERVABILITY_NAMESPACE}.svc.cluster.local`;
}

/**
 * Retention per resolution (days), capped at the environment's metric retention, which the Blob
 * lifecycle rule enforces as a backstop: raw blocks for a month (the 5m downsampling needs raw
 * blocks of 40 hours, the 1h one 5m blocks of 10 days), 5-minute resolution for half a year, 1-hour
 * resolution for the whole retention.
 */
export function thanosRetentionDays(metricsDays: number): { raw: number; fiveMinutes: number; oneHour: number } {
  return { raw: Math.min(30, metricsDays), fiveMinutes: Math.min(180, metricsDays), oneHour: metricsDays };
}
