/**
 * Values schema (strict) of the opentelemetry-collector chart, for both of its releases: the
 * gateway (deployment mode: OTLP in; metrics to Prometheus, logs to Loki, traces to Tempo) and the
 * log agent (daemonset mode: container logs from the node to Loki).
 */
import { z } from 'zod';
import { autoscaling, containerSecurityContext, podSecurityContext, quantity, resources } from './common';

const toggle = z.strictObject({ enabled: z.boolean() });

/** The contrib distribution (Docker Hub), which has the receivers and exporters both releases use; the chart has no default image. */
export const COLLECTOR_IMAGE = 'otel/opentelemetry-collector-contrib';

/** The chart's container ports (receivers and the collector's own metrics). */
export const COLLECTOR_PORTS = ['otlp', 'otlp-http', 'jaeger-compact', 'jaeger-thrift', 'jaeger-grpc', 'zipkin', 'metrics'] as const;

/** The volumes the log agent adds: the node's pod logs (read through hostPath) and scratch space. */
const extraVolume = z.union([
  z.strictObject({ name: z.string(), hostPath: z.strictObject({ path: z.string().startsWith('/'), type: z.enum(['Directory', 'File']) }) }),
  z.strictObject({ name: z.string(), emptyDir: z.strictObject({ sizeLimit: quantity.optional() }) }),
]);

export const otelCollectorValues = z.strictObject({
  mode: z.enum(['deployment', 'daemonset', 'statefulset']).optional(),
  fullnameOverride: z.string().optional(),
  image: z.strictObject({ repository: z.string() }).optional(),
  replicaCount: z.number().int().min(1).optional(),
  autoscaling: autoscaling.optional(),
  podDisruptionBudget: z.strictObject({ enabled: z.boolean().optional(), minAvailable: z.number().int().optional() }).optional(),
  resources: resources.optional(),
  presets: z.strictObject({ kubernetesAttributes: toggle.optional() }).optional(),
  /** The chart's receiver ports (otlp, otlp-http, jaeger-*, zipkin, metrics), each on or off. */
  ports: z
    .strictObject(Object.fromEntries(COLLECTOR_PORTS.map((p) => [p, toggle.optional()])) as Record<(typeof COLLECTOR_PORTS)[number], z.ZodOptional<typeof toggle>>)
    .optional(),
  podSecurityContext: podSecurityContext.optional(),
  securityContext: containerSecurityContext.optional(),
  priorityClassName: z.string().optional(),
  /** `operator: Exists` without a key tolerates every taint: a node agent belongs on every node. */
  tolerations: z.array(z.strictObject({ operator: z.literal('Exists') })).optional(),
  extraVolumes: z.array(extraVolume).optional(),
  extraVolumeMounts: z.array(z.strictObject({ name: z.string(), mountPath: z.string().startsWith('/'), readOnly: z.boolean().optional() })).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type OtelCollectorValues = z.input<typeof otelCollectorValues>;
