/** Values schema (strict) — ingress-nginx chart values: internal load balancer unless public ingress is enabled, hardened config. */
import { z } from 'zod';
import { autoscaling, resources, stringMap } from './common';

export const ingressNginxValues = z.strictObject({
  controller: z
    .strictObject({
      replicaCount: z.number().int().min(1).optional(),
      autoscaling: autoscaling.optional(),
      minAvailable: z.number().int().min(0).optional(),
      resources: resources.optional(),
      ingressClassResource: z.strictObject({ name: z.string().optional(), default: z.boolean().optional() }).optional(),
      allowSnippetAnnotations: z.boolean().optional(),
      config: stringMap.optional(),
      service: z.strictObject({ annotations: stringMap.optional(), externalTrafficPolicy: z.enum(['Local', 'Cluster']).optional() }).optional(),
      metrics: z.strictObject({ enabled: z.boolean().optional() }).optional(),
      admissionWebhooks: z.strictObject({ enabled: z.boolean().optional() }).optional(),
      topologySpreadConstraints: z.array(z.record(z.string(), z.unknown())).optional(),
    })
    .optional(),
});
export type IngressNginxValues = z.input<typeof ingressNginxValues>;
