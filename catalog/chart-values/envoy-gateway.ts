/** Values schema (strict) — gateway-helm (Envoy Gateway) chart values: HA controller with a PDB, sized controller and certgen Job, CRDs on first install. */
import { z } from 'zod';
import { resources, stringMap } from './common';

const fullImage = z.strictObject({ image: z.string() });

export const envoyGatewayValues = z.strictObject({
  /** Full image references (registry, path and tag) of the controller, the rate limiter and the Envoy proxies it creates. */
  global: z.strictObject({ images: z.strictObject({ envoyGateway: fullImage, ratelimit: fullImage, envoyProxy: fullImage }).partial() }).optional(),
  crds: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  deployment: z
    .strictObject({
      replicas: z.number().int().min(1).optional(),
      envoyGateway: z.strictObject({ resources: resources.optional() }).optional(),
      pod: z
        .strictObject({
          labels: stringMap.optional(),
          topologySpreadConstraints: z.array(z.record(z.string(), z.unknown())).optional(),
        })
        .optional(),
    })
    .optional(),
  podDisruptionBudget: z.strictObject({ minAvailable: z.number().int().min(0).optional() }).optional(),
  certgen: z
    .strictObject({
      job: z.strictObject({ resources: resources.optional(), ttlSecondsAfterFinished: z.number().int().min(0).optional() }).optional(),
    })
    .optional(),
  config: z
    .strictObject({
      envoyGateway: z
        .strictObject({
          gateway: z.strictObject({ controllerName: z.string().optional() }).optional(),
          provider: z.strictObject({ type: z.literal('Kubernetes').optional() }).optional(),
          logging: z.strictObject({ level: z.strictObject({ default: z.enum(['debug', 'info', 'error', 'warn']).optional() }).optional() }).optional(),
          extensionApis: z.record(z.string(), z.unknown()).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type EnvoyGatewayValues = z.input<typeof envoyGatewayValues>;
