/** OpenTelemetry Collector (gateway mode): OTLP in; metrics to Prometheus, logs to Loki, traces to Tempo. */
import { mirrorRepository, type AddonContext } from '../context';
import { COLLECTOR_IMAGE, type OtelCollectorValues } from '../../../catalog/chart-values/otel-collector';
import { RESTRICTED_CONTAINER, restrictedPod } from '../../../catalog/chart-values/common';
import { LOKI_OTLP_ENDPOINT, OTEL_COLLECTOR_NAME } from '../../../catalog/cluster-names';

/** The collector pipeline: what every signal goes through and where it ends up. */
export function otelCollectorConfig(): Record<string, unknown> {
  return {
    receivers: { otlp: { protocols: { grpc: { endpoint: '${env:MY_POD_IP}:4317' }, http: { endpoint: '${env:MY_POD_IP}:4318' } } } },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
      batch: { send_batch_size: 8192, timeout: '5s' },
    },
    exporters: {
      prometheusremotewrite: { endpoint: 'http://prometheus-operated.observability.svc:9090/api/v1/write', resource_to_telemetry_conversion: { enabled: true } },
      'otlphttp/loki': { endpoint: LOKI_OTLP_ENDPOINT },
      'otlp/tempo': { endpoint: 'tempo.observability.svc:4317', tls: { insecure: true } },
    },
    extensions: { health_check: { endpoint: '${env:MY_POD_IP}:13133' } },
    service: {
      extensions: ['health_check'],
      pipelines: {
        metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['prometheusremotewrite'] },
        logs: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlphttp/loki'] },
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/tempo'] },
      },
    },
  };
}

export function otelCollectorChartValues(ctx: AddonContext): OtelCollectorValues {
  const ha = ctx.highAvailability;
  return {
    mode: 'deployment',
    fullnameOverride: OTEL_COLLECTOR_NAME,
    image: { repository: mirrorRepository(ctx, 'docker.io', COLLECTOR_IMAGE) },
    replicaCount: ha ? 2 : 1,
    autoscaling: { enabled: ha, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 },
    podDisruptionBudget: { enabled: ha, minAvailable: 1 },
    resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '2Gi' } },
    presets: { kubernetesAttributes: { enabled: true } },
    // The chart's security contexts are empty; the namespace enforces Pod Security restricted.
    podSecurityContext: restrictedPod(10001),
    securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
    config: otelCollectorConfig(),
  };
}
