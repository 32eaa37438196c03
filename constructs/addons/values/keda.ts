/** KEDA chart values: operator and metrics server sized per environment, no pod identity providers. */
import { mirror, type AddonContext } from '../context';
import type { KedaValues } from '../../../catalog/chart-values/keda';

export function kedaChartValues(ctx: AddonContext): KedaValues {
  const ha = ctx.highAvailability;
  const replicas = ha ? 2 : 1;
  const registry = { registry: mirror(ctx, 'ghcr.io') };
  return {
    // The operator, metrics API server and admission webhook images (the chart splits registry and repository).
    image: { keda: registry, metricsApiServer: registry, webhooks: registry },
    operator: { replicaCount: replicas },
    metricsServer: { replicaCount: replicas },
    podDisruptionBudget: ha ? { operator: { minAvailable: 1 }, metricServer: { minAvailable: 1 } } : {},
    // The chart limits every component to 1 CPU and 1000Mi; `cpu: null` drops the CPU limit (the
    // platform limits memory only), and the admission webhook, which only validates ScaledObjects,
    // gets a size of its own instead of the chart's 1000Mi.
    resources: {
      operator: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: null, memory: '1Gi' } },
      metricServer: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: null, memory: '1Gi' } },
      webhooks: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: null, memory: '256Mi' } },
    },
    prometheus: { operator: { enabled: true }, metricServer: { enabled: true } },
  };
}
