/**
 * gateway-helm (Envoy Gateway) chart values: the controller highly available with a PDB and spread
 * over zones, sized explicitly (the chart ships no CPU limit, as the platform wants, and no
 * resources at all for its certgen hook), CRDs from the chart's crds/ folder on the first install.
 * The data plane (Envoy proxies, their Service and load balancer) is shaped by the EnvoyProxy of
 * the cluster-config stack (constructs/edge/gateway.ts), not by these values.
 */
import type { AddonContext } from '../context';
import type { EnvoyGatewayValues } from '../../../catalog/chart-values/envoy-gateway';

/** The controller pods' label (the chart's selector). */
export const ENVOY_GATEWAY_CONTROLLER_LABELS = { 'control-plane': 'envoy-gateway' } as const;

export function envoyGatewayChartValues(ctx: AddonContext): EnvoyGatewayValues {
  const ha = ctx.highAvailability;
  return {
    // Helm installs crds/ on the first install only; upgrades of the CRDs are a runbook step (docs/runbooks/cluster-upgrade.md).
    crds: { enabled: true },
    deployment: {
      replicas: ha ? 2 : 1,
      envoyGateway: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
      pod: {
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...ENVOY_GATEWAY_CONTROLLER_LABELS } } },
        ],
      },
    },
    // The chart renders a PDB only when minAvailable is at least 1.
    podDisruptionBudget: { minAvailable: ha ? 1 : 0 },
    certgen: { job: { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } } } },
  };
}
