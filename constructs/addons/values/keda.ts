/** KEDA chart values: operator and metrics server sized per environment, no pod identity providers. */
import type { AddonContext } from '../context';
import type { KedaValues } from '../../../catalog/chart-values/keda';

export function kedaChartValues(ctx: AddonContext): KedaValues {
  const ha = ctx.highAvailability;
  const replicas = ha ? 2 : 1;
  return {
    operator: { replicaCount: replicas },
    metricsServer: { replicaCount: replicas },
    podDisruptionBudget: ha ? { operator: { minAvailable: 1 }, metricServer: { minAvailable: 1 } } : {},
    resources: {
      operator: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
      metricServer: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
    },
    prometheus: { operator: { enabled: true }, metricServer: { enabled: true } },
  };
}
