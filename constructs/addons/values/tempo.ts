/** Tempo chart values: traces on Blob storage through workload identity, retention from config. */
import { z } from 'zod';
import { containerSecurityContext, podSecurityContext, resources, RESTRICTED_CONTAINER, restrictedPod, serviceAccount, stringMap, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from './common';
import { clientId, type AddonContext } from '../context';

export const tempoValues = z.strictObject({
  replicas: z.number().int().min(1).optional(),
  podLabels: stringMap.optional(),
  serviceAccount: serviceAccount.optional(),
  securityContext: podSecurityContext.optional(),
  tempo: z
    .strictObject({
      securityContext: containerSecurityContext.optional(),
      retention: z.string().optional(),
      resources: resources.optional(),
      storage: z.strictObject({ trace: z.record(z.string(), z.unknown()) }).optional(),
      metricsGenerator: z.strictObject({ enabled: z.boolean().optional(), remoteWriteUrl: z.string().optional() }).optional(),
    })
    .optional(),
});
export type TempoValues = z.input<typeof tempoValues>;

export const TEMPO_SERVICE_ACCOUNT = 'tempo';

export function tempoChartValues(ctx: AddonContext, storage: { storageAccountName: string; container: string }): TempoValues {
  return {
    replicas: 1,
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    serviceAccount: { create: true, name: TEMPO_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'tempo')) },
    // The chart ships no seccomp profile and an empty container context; the namespace is restricted.
    securityContext: restrictedPod(10001),
    tempo: {
      securityContext: RESTRICTED_CONTAINER,
      retention: `${ctx.env.observability.retention.tracesDays * 24}h`,
      resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '4Gi' } },
      storage: { trace: { backend: 'azure', azure: { container_name: storage.container, storage_account_name: storage.storageAccountName, use_federated_token: true } } },
      // Span metrics (RED per service) go to Prometheus, which the SLO dashboards read.
      metricsGenerator: { enabled: true, remoteWriteUrl: 'http://prometheus-operated.observability.svc:9090/api/v1/write' },
    },
  };
}
