/** Values schema (strict) — Loki chart values: logs on Blob storage through workload identity, retention from config. */
import { z } from 'zod';
import { imageRegistry, imageRepository, podSecurityContext, resources, serviceAccount, stringMap } from './common';

const json = z.record(z.string(), z.unknown());
const replicas = z.strictObject({ replicas: z.number().int().min(0).optional(), resources: resources.optional() });

export const lokiValues = z.strictObject({
  deploymentMode: z.enum(['SingleBinary', 'SimpleScalable']).optional(),
  loki: z
    .strictObject({
      auth_enabled: z.boolean().optional(),
      commonConfig: z.strictObject({ replication_factor: z.number().int().min(1).optional() }).optional(),
      image: imageRegistry.optional(),
      podLabels: stringMap.optional(),
      podSecurityContext: podSecurityContext.optional(),
      storage: json.optional(),
      schemaConfig: json.optional(),
      limits_config: json.optional(),
      compactor: json.optional(),
    })
    .optional(),
  serviceAccount: serviceAccount.optional(),
  singleBinary: replicas.optional(),
  read: replicas.optional(),
  write: replicas.optional(),
  backend: replicas.optional(),
  gateway: z.strictObject({ image: imageRegistry.optional(), podSecurityContext: podSecurityContext.optional(), resources: resources.optional() }).optional(),
  sidecar: z.strictObject({ image: imageRepository.optional(), resources: resources.optional() }).optional(),
  memcachedExporter: z.strictObject({ image: imageRepository.optional(), resources: resources.optional() }).optional(),
  memcached: z.strictObject({ image: imageRepository.optional(), podSecurityContext: podSecurityContext.optional() }).optional(),
  minio: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  chunksCache: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  resultsCache: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  lokiCanary: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  test: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});
export type LokiValues = z.input<typeof lokiValues>;
