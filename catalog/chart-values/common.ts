/**
 * Building blocks of the typed chart values. Every values schema is strict: a key the platform
 * does not know is an error at compile time (object literals) and at synth time (environment
 * overrides), instead of a value Helm silently ignores.
 */
import { z } from 'zod';

export const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/, 'a Kubernetes quantity such as 500m or 1Gi'), z.number()]);

export const resources = z.strictObject({
  requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  // `cpu: null` removes a chart's default CPU limit (Helm drops a value set to null): the platform
  // limits memory only, since a throttled controller misses its health checks and leader leases.
  limits: z.strictObject({ cpu: quantity.nullable().optional(), memory: quantity.optional() }).optional(),
});
export type Resources = z.input<typeof resources>;

export const stringMap = z.record(z.string(), z.string());

/**
 * An image re-pointed to the ACR mirror: the repository only (registry and path in one), or the
 * registry only, for charts that split them. Tags stay the chart's own.
 */
export const imageRepository = z.strictObject({ repository: z.string() });
export const imageRegistry = z.strictObject({ registry: z.string() });

export const toleration = z.strictObject({
  key: z.string(),
  operator: z.enum(['Equal', 'Exists']),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

export const serviceAccount = z.strictObject({
  create: z.boolean().optional(),
  name: z.string().optional(),
  annotations: stringMap.optional(),
  labels: stringMap.optional(),
});

/** Pod labels and service-account annotation that opt a pod into Azure workload identity. */
export const WORKLOAD_IDENTITY_LABEL = { 'azure.workload.identity/use': 'true' } as const;
export const workloadIdentityAnnotation = (clientId: string) => ({ 'azure.workload.identity/client-id': clientId });

export const pdb = z.strictObject({ enabled: z.boolean().optional(), minAvailable: z.union([z.number(), z.string()]).optional() });

export const autoscaling = z.strictObject({
  enabled: z.boolean().optional(),
  minReplicas: z.number().int().min(1).optional(),
  maxReplicas: z.number().int().min(1).optional(),
  targetCPUUtilizationPercentage: z.number().int().optional(),
});

/** Replicas and disruption budget of one controller component: two and a PDB when highly available. */
export const replicated = (ha: boolean) => ({ replicaCount: ha ? 2 : 1, podDisruptionBudget: { enabled: ha, minAvailable: 1 } });

/** A small controller's requests and memory limit. */
export const SMALL_CONTROLLER: Resources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } };

/** A node agent's container resources from its plain-number size (catalog/namespaces.ts NODE_AGENTS). */
export const agentResources = (size: { readonly cpuMillis: number; readonly memoryRequestMi: number; readonly memoryLimitMi: number }): Resources => ({
  requests: { cpu: `${size.cpuMillis}m`, memory: `${size.memoryRequestMi}Mi` },
  limits: { memory: `${size.memoryLimitMi}Mi` },
});

/** A sidecar or init container that copies files or watches ConfigMaps (config reloaders, k8s-sidecar, script runners). */
export const HELPER_CONTAINER: Resources = { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } };

/** Pod and container security contexts for Pod Security `restricted`, for charts that ship none. */
export const podSecurityContext = z.strictObject({
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.number().int().optional(),
  runAsGroup: z.number().int().optional(),
  fsGroup: z.number().int().optional(),
  supplementalGroups: z.array(z.number().int()).optional(),
  seccompProfile: z.strictObject({ type: z.enum(['RuntimeDefault', 'Localhost']) }).optional(),
});
export const containerSecurityContext = z.strictObject({
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  capabilities: z.strictObject({ drop: z.array(z.string()) }).optional(),
});
export const RUNTIME_DEFAULT_SECCOMP = { seccompProfile: { type: 'RuntimeDefault' as const } };
/** A restricted container with a read-only root file system, running as `uid` (Pod Security restricted). */
export const readOnlyContainer = (uid: number) => ({
  allowPrivilegeEscalation: false as const,
  capabilities: { drop: ['ALL'] },
  privileged: false as const,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true as const,
  runAsUser: uid,
  runAsGroup: uid,
  ...RUNTIME_DEFAULT_SECCOMP,
});
export const restrictedPod = (uid: number) => ({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, ...RUNTIME_DEFAULT_SECCOMP });
export const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
