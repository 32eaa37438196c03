/** Tempo chart values: traces on Blob storage through workload identity, retention from config. */
import { clientId, mirrorRepository, type AddonContext } from '../context';
import type { TempoValues } from '../../../catalog/chart-values/tempo';
import { RESTRICTED_CONTAINER, restrictedPod, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { TEMPO_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';

export function tempoChartValues(ctx: AddonContext, storage: { storageAccountName: string; container: string }): TempoValues {
  return {
    replicas: 1,
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    serviceAccount: { create: true, name: TEMPO_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'tempo')) },
    // The chart ships no seccomp profile and an empty container context; the namespace is restricted.
    securityContext: restrictedPod(10001),
    tempo: {
      // The chart names it short (grafana/tempo: Docker Hub).
      repository: mirrorRepository(ctx, 'docker.io', 'grafana/tempo'),
      securityContext: RESTRICTED_CONTAINER,
      retention: `${ctx.env.observability.retention.tracesDays * 24}h`,
      resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '4Gi' } },
      storage: { trace: { backend: 'azure', azure: { container_name: storage.container, storage_account_name: storage.storageAccountName, use_federated_token: true } } },
      // Span metrics (RED per service) go to Prometheus, which the SLO dashboards read.
      metricsGenerator: { enabled: true, remoteWriteUrl: 'http://prometheus-operated.observability.svc:9090/api/v1/write' },
    },
  };
}
