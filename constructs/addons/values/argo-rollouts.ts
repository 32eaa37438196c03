/**
 * argo-rollouts chart values: two controllers (leader election) in HA, a memory-limited controller,
 * its metrics Service for the platform's ServiceMonitor (catalog/addon-monitors.ts), the Gateway API
 * traffic-router plugin copied from its mirrored image by an init container (no download at start:
 * the cluster has no route to GitHub), only the Gateway API provider's RBAC, and no dashboard (it has
 * no sign-in of its own; `kubectl argo rollouts` and Argo CD show the same state, docs/rollouts.md).
 */
import { mirror, mirrorRepository, type AddonContext } from '../context';
import type { ArgoRolloutsValues } from '../../../catalog/chart-values/argo-rollouts';
import { HELPER_CONTAINER, readOnlyContainer } from '../../../catalog/chart-values/common';
import { GATEWAY_API_PLUGIN, GATEWAY_API_PLUGIN_LOCATION } from '../../../catalog/rollouts';

/** The plugin image's user (its Dockerfile: USER 999). */
const PLUGIN_UID = 999;
const PLUGIN_VOLUME = 'gateway-api-plugin';

export function argoRolloutsChartValues(ctx: AddonContext): ArgoRolloutsValues {
  const ha = ctx.highAvailability;
  const mount = { name: PLUGIN_VOLUME, mountPath: GATEWAY_API_PLUGIN.mountPath };
  return {
    installCRDs: true,
    // Deleting the release must not delete every Rollout and AnalysisRun with their CRDs.
    keepCRDs: true,
    controller: {
      replicas: ha ? 2 : 1,
      image: { registry: mirror(ctx, 'quay.io') },
      // The chart sets no resources of its own: memory limited, CPU not (the platform's rule).
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      pdb: { enabled: ha, minAvailable: 1 },
      logging: { format: 'json' },
      // The Service only; the ServiceMonitor is the platform's, in the observability namespace.
      metrics: { enabled: true, serviceMonitor: { enabled: false } },
      initContainers: [
        {
          name: 'copy-gateway-api-plugin',
          image: `${mirrorRepository(ctx, GATEWAY_API_PLUGIN.upstream, GATEWAY_API_PLUGIN.repository)}:${GATEWAY_API_PLUGIN.tag}`,
          imagePullPolicy: 'IfNotPresent',
          command: ['cp', GATEWAY_API_PLUGIN.binary, `${GATEWAY_API_PLUGIN.mountPath}/`],
          resources: HELPER_CONTAINER,
          securityContext: readOnlyContainer(PLUGIN_UID),
          volumeMounts: [mount],
        },
      ],
      // The binary is ~40 MB; the controller copies it once more into its own plugin-bin.
      volumes: [{ name: PLUGIN_VOLUME, emptyDir: { sizeLimit: '128Mi' } }],
      volumeMounts: [{ ...mount, readOnly: true }],
      trafficRouterPlugins: [{ name: GATEWAY_API_PLUGIN.name, location: GATEWAY_API_PLUGIN_LOCATION }],
      topologySpreadConstraints: ha ? [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }] : [],
    },
    dashboard: { enabled: false },
    // Only the provider the platform uses: the chart grants every mesh's and ingress' API by default.
    providerRBAC: {
      enabled: true,
      providers: { istio: false, smi: false, ambassador: false, awsLoadBalancerController: false, awsAppMesh: false, traefik: false, apisix: false, contour: false, glooPlatform: false, gatewayAPI: true },
    },
  };
}
