/** Values schema (strict) — KEDA chart values: operator and metrics server sized per environment, no pod identity providers. */
import { z } from 'zod';
import { imageRegistry, resources } from './common';

export const kedaValues = z.strictObject({
  image: z.strictObject({ keda: imageRegistry.optional(), metricsApiServer: imageRegistry.optional(), webhooks: imageRegistry.optional() }).optional(),
  operator: z.strictObject({ replicaCount: z.number().int().min(1).optional() }).optional(),
  metricsServer: z.strictObject({ replicaCount: z.number().int().min(1).optional() }).optional(),
  podDisruptionBudget: z.strictObject({ operator: z.strictObject({ minAvailable: z.number().int().optional() }).optional(), metricServer: z.strictObject({ minAvailable: z.number().int().optional() }).optional() }).optional(),
  resources: z.strictObject({ operator: resources.optional(), metricServer: resources.optional(), webhooks: resources.optional() }).optional(),
  prometheus: z.strictObject({ operator: z.strictObject({ enabled: z.boolean().optional() }).optional(), metricServer: z.strictObject({ enabled: z.boolean().optional() }).optional() }).optional(),
});
export type KedaValues = z.input<typeof kedaValues>;
