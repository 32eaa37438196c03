/** Values schema (strict) — Tempo chart values: traces on Blob storage through workload identity, retention from config. */
import { z } from 'zod';
import { containerSecurityContext, podSecurityContext, resources, serviceAccount, stringMap } from './common';

export const tempoValues = z.strictObject({
  replicas: z.number().int().min(1).optional(),
  podLabels: stringMap.optional(),
  serviceAccount: serviceAccount.optional(),
  securityContext: podSecurityContext.optional(),
  tempo: z
    .strictObject({
      repository: z.string().optional(),
      securityContext: containerSecurityContext.optional(),
      retention: z.string().optional(),
      resources: resources.optional(),
      storage: z.strictObject({ trace: z.record(z.string(), z.unknown()) }).optional(),
      metricsGenerator: z.strictObject({ enabled: z.boolean().optional(), remoteWriteUrl: z.string().optional() }).optional(),
    })
    .optional(),
});
export type TempoValues = z.input<typeof tempoValues>;
