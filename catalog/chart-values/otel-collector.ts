/** Values schema (strict) — OpenTelemetry Collector (gateway mode): OTLP in; metrics to Prometheus, logs to Loki, traces to Tempo. */
import { z } from 'zod';
import { autoscaling, containerSecurityContext, podSecurityContext, resources } from './common';

export const otelCollectorValues = z.strictObject({
  mode: z.enum(['deployment', 'daemonset', 'statefulset']).optional(),
  fullnameOverride: z.string().optional(),
  image: z.strictObject({ repository: z.string() }).optional(),
  replicaCount: z.number().int().min(1).optional(),
  autoscaling: autoscaling.optional(),
  podDisruptionBudget: z.strictObject({ enabled: z.boolean().optional(), minAvailable: z.number().int().optional() }).optional(),
  resources: resources.optional(),
  presets: z.strictObject({ kubernetesAttributes: z.strictObject({ enabled: z.boolean() }).optional() }).optional(),
  podSecurityContext: podSecurityContext.optional(),
  securityContext: containerSecurityContext.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type OtelCollectorValues = z.input<typeof otelCollectorValues>;
