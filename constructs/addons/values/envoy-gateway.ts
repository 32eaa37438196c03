/**
 * gateway-helm (Envoy Gateway) chart values: the controller highly available with a PDB and spread
 * over zones, sized explicitly (the chart ships no CPU limit, as the platform wants, and no
 * resources at all for its certgen hook), CRDs from the chart's crds/ folder on the first install.
 * The data plane (Envoy proxies, their Service and load balancer) is shaped by the EnvoyProxy of
 * the cluster-config stack (constructs/edge/gateway.ts), not by these values.
 */
import { mirrorRepository, type AddonContext } from '../context';
import { ADDONS } from '../../../catalog/addons';
import type { EnvoyGatewayValues } from '../../../catalog/chart-values/envoy-gateway';

/** The controller pods' label (the chart's selector). */
export const ENVOY_GATEWAY_CONTROLLER_LABELS = { 'control-plane': 'envoy-gateway' } as const;

/**
 * The images gateway-helm v1.9.0 runs: its own controller at the chart's version, and the
 * rate limiter and Envoy proxy it pins (the chart's values and the controller's built-in default,
 * per the release's compatibility matrix). Set in full so that each pulls through the ACR mirror.
 */
const RATELIMIT_TAG = '17b1956c';
const ENVOY_PROXY_TAG = 'distroless-v1.39.0';

export function envoyGatewayChartValues(ctx: AddonContext): EnvoyGatewayValues {
  const ha = ctx.highAvailability;
  const envoyproxy = (name: string, tag: string) => ({ image: `${mirrorRepository(ctx, 'docker.io', `envoyproxy/${name}`)}:${tag}` });
  return {
    global: {
      images: {
        envoyGateway: envoyproxy('gateway', ADDONS.envoyGateway.version),
        ratelimit: envoyproxy('ratelimit', RATELIMIT_TAG),
        envoyProxy: envoyproxy('envoy', ENVOY_PROXY_TAG),
      },
    },
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
