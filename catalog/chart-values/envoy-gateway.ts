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
          extensionApis: z.strictObject({ enableEnvoyPatchPolicy: z.boolean().optional(), enableBackend: z.boolean().optional() }).optional(),
          /** An extension server that rewrites the xDS Envoy Gateway generates (Envoy AI Gateway). */
          extensionManager: z
            .strictObject({
              hooks: z.strictObject({
                xdsTranslator: z.strictObject({
                  translation: z.strictObject(
                    Object.fromEntries(['listener', 'route', 'cluster', 'secret'].map((k) => [k, z.strictObject({ includeAll: z.boolean() }).optional()])) as Record<
                      'listener' | 'route' | 'cluster' | 'secret',
                      z.ZodOptional<z.ZodObject<{ includeAll: z.ZodBoolean }, z.core.$strict>>
                    >,
                  ),
                  post: z.array(z.enum(['Translation', 'Cluster', 'Route', 'VirtualHost', 'HTTPListener'])),
                }),
              }),
              service: z.strictObject({ fqdn: z.strictObject({ hostname: z.string(), port: z.number().int() }) }),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});
export type EnvoyGatewayValues = z.input<typeof envoyGatewayValues>;
