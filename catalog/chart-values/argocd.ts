/** Values schema (strict) — argo-cd chart values the platform sets: HA in prod, Entra ID SSO, read-only by default. */
import { z } from 'zod';
import { autoscaling, imageRepository, pdb, resources, serviceAccount, stringMap } from './common';

const ingress = z.strictObject({
  enabled: z.boolean().optional(),
  ingressClassName: z.string().optional(),
  annotations: stringMap.optional(),
  tls: z.boolean().optional(),
});

const sized = z.strictObject({ resources: resources.optional() });

const component = z.strictObject({
  ingress: ingress.optional(),
  replicas: z.number().int().min(1).optional(),
  autoscaling: autoscaling.optional(),
  pdb: pdb.optional(),
  resources: resources.optional(),
  podLabels: stringMap.optional(),
  serviceAccount: serviceAccount.optional(),
});

export const argocdValues = z.strictObject({
  global: z.strictObject({ domain: z.string().optional(), logging: z.strictObject({ format: z.enum(['text', 'json']).optional() }).optional(), image: imageRepository.optional() }).optional(),
  crds: z.strictObject({ install: z.boolean().optional(), keep: z.boolean().optional() }).optional(),
  configs: z
    .strictObject({
      cm: z
        .strictObject({
          'admin.enabled': z.boolean().optional(),
          'exec.enabled': z.boolean().optional(),
          'oidc.config': z.string().optional(),
          'users.anonymous.enabled': z.boolean().optional(),
          'timeout.reconciliation': z.string().optional(),
          'resource.customizations.health.argoproj.io_Application': z.string().optional(),
          'resource.customizations.ignoreDifferences.gateway.networking.k8s.io_HTTPRoute': z.string().optional(),
        })
        .optional(),
      rbac: z.strictObject({ 'policy.default': z.string().optional(), 'policy.csv': z.string().optional(), scopes: z.string().optional() }).optional(),
      params: z.strictObject({ 'server.insecure': z.boolean().optional(), 'controller.diff.server.side': z.boolean().optional() }).optional(),
    })
    .optional(),
  controller: component.optional(),
  server: component.optional(),
  repoServer: component.optional(),
  applicationSet: component.optional(),
  notifications: z.strictObject({ enabled: z.boolean().optional(), resources: resources.optional() }).optional(),
  dex: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  'redis-ha': z
    .strictObject({
      enabled: z.boolean().optional(),
      image: imageRepository.optional(),
      redis: sized.optional(),
      sentinel: sized.optional(),
      haproxy: z.strictObject({ image: imageRepository.optional(), resources: resources.optional(), init: sized.optional() }).optional(),
      // The config-init container of the redis pods.
      init: sized.optional(),
      splitBrainDetection: sized.optional(),
      configmapTest: z.strictObject({ image: imageRepository }).optional(),
    })
    .optional(),
  redis: z.strictObject({ enabled: z.boolean().optional(), image: imageRepository.optional(), resources: resources.optional() }).optional(),
});
export type ArgocdValues = z.input<typeof argocdValues>;
