/** Values schema (strict) — argo-rollouts chart values: HA controller, metrics Service, the Gateway API plugin from a mirrored image, no dashboard. */
import { z } from 'zod';
import { containerSecurityContext, imageRegistry, resources, RUNTIME_DEFAULT_SECCOMP, stringMap } from './common';

const volumeMount = z.strictObject({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() });

/** An init container as the chart passes it through (toYaml): only what the platform sets. */
const initContainer = z.strictObject({
  name: z.string(),
  image: z.string(),
  imagePullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).optional(),
  command: z.array(z.string()),
  resources,
  securityContext: containerSecurityContext.extend({
    runAsNonRoot: z.boolean().optional(),
    runAsUser: z.number().int().optional(),
    runAsGroup: z.number().int().optional(),
    privileged: z.boolean().optional(),
    seccompProfile: z.strictObject({ type: z.literal(RUNTIME_DEFAULT_SECCOMP.seccompProfile.type) }).optional(),
  }),
  volumeMounts: z.array(volumeMount),
});

export const argoRolloutsValues = z.strictObject({
  installCRDs: z.boolean().optional(),
  keepCRDs: z.boolean().optional(),
  controller: z
    .strictObject({
      replicas: z.number().int().min(1).optional(),
      image: imageRegistry.optional(),
      resources: resources.optional(),
      pdb: z.strictObject({ enabled: z.boolean().optional(), minAvailable: z.number().int().optional() }).optional(),
      logging: z.strictObject({ format: z.enum(['text', 'json']).optional() }).optional(),
      metrics: z.strictObject({ enabled: z.boolean().optional(), serviceMonitor: z.strictObject({ enabled: z.boolean().optional() }).optional() }).optional(),
      initContainers: z.array(initContainer).optional(),
      volumes: z.array(z.strictObject({ name: z.string(), emptyDir: z.strictObject({ sizeLimit: z.string().optional() }) })).optional(),
      volumeMounts: z.array(volumeMount).optional(),
      trafficRouterPlugins: z.array(z.strictObject({ name: z.string(), location: z.string().regex(/^(file|https):\/\//, 'a file:// or https:// location') })).optional(),
      topologySpreadConstraints: z.array(z.strictObject({ maxSkew: z.number().int(), topologyKey: z.string(), whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']) })).optional(),
    })
    .optional(),
  dashboard: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  notifications: z.strictObject({ configmap: z.strictObject({ create: z.boolean().optional() }).optional() }).optional(),
  providerRBAC: z
    .strictObject({
      enabled: z.boolean().optional(),
      providers: z.record(z.enum(['istio', 'smi', 'ambassador', 'awsLoadBalancerController', 'awsAppMesh', 'traefik', 'apisix', 'contour', 'glooPlatform', 'gatewayAPI']), z.boolean()).optional(),
    })
    .optional(),
  podLabels: stringMap.optional(),
});
export type ArgoRolloutsValues = z.input<typeof argoRolloutsValues>;
