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
import { aiGatewayExtensionServer } from '../../../catalog/ai-gateway';
import { GATEWAY_CONTROLLER } from '../../../catalog/edge';

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
    ...(ctx.env.addons.aiGateway.enabled ? { config: aiGatewayExtension() } : {}),
    // The chart renders a PDB only when minAvailable is at least 1.
    podDisruptionBudget: { minAvailable: ha ? 1 : 0 },
    certgen: { job: { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } } } },
  };
}

/**
 * What Envoy AI Gateway v1.1.0 needs from Envoy Gateway (upstream manifests/envoy-gateway-values.yaml):
 * the Backend API (the MCP proxy and tool servers are Backends), EnvoyPatchPolicy, and the AI
 * gateway controller as extension server with every listener, route, cluster and secret passed to
 * its post-translation hooks. The rest of `config.envoyGateway` restates the chart's defaults,
 * because Helm replaces nothing it is not given but the platform wants the whole block reviewed.
 */
function aiGatewayExtension(): NonNullable<EnvoyGatewayValues['config']> {
  return {
    envoyGateway: {
      gateway: { controllerName: GATEWAY_CONTROLLER },
      provider: { type: 'Kubernetes' },
      logging: { level: { default: 'info' } },
      extensionApis: { enableEnvoyPatchPolicy: true, enableBackend: true },
      extensionManager: {
        hooks: {
          xdsTranslator: {
            translation: { listener: { includeAll: true }, route: { includeAll: true }, cluster: { includeAll: true }, secret: { includeAll: true } },
            post: ['Translation', 'Cluster', 'Route'],
          },
        },
        service: { fqdn: aiGatewayExtensionServer() },
      },
    },
  };
}
