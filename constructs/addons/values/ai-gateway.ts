/**
 * Envoy AI Gateway chart values: the CRDs chart as it comes, and the controller highly available,
 * sized, with a read-only root file system, its images and the external processor's through the
 * ACR mirror, and the pod mutator's certificate from cert-manager instead of one generated into the
 * release (upstream: "not recommended for production"). The MCP session-encryption seed is not
 * here: the addons stack sets it write-only from Key Vault.
 */
import { readOnlyContainer } from '../../../catalog/chart-values/common';
import { mirrorRepository, type AddonContext } from '../context';
import { ADDONS } from '../../../catalog/addons';
import { AI_GATEWAY_CONTROLLER_LABELS } from '../../../catalog/ai-gateway';
import { GATEWAY_NAMESPACE } from '../../../catalog/edge';
import type { AiGatewayCrdsValues, AiGatewayValues } from '../../../catalog/chart-values/ai-gateway';

/** The images run at the chart's version (its appVersion). */
const TAG = ADDONS.aiGateway.version;

/** The chart's own non-root user (values.yaml controller.securityContext), with the root file system read-only. */
const NON_ROOT = 65532;

export function aiGatewayCrdsChartValues(_ctx: AddonContext): AiGatewayCrdsValues {
  return {};
}

export function aiGatewayChartValues(ctx: AddonContext): AiGatewayValues {
  const ha = ctx.highAvailability;
  const image = (name: string) => ({ repository: mirrorRepository(ctx, 'docker.io', `envoyproxy/${name}`), tag: TAG });
  return {
    extProc: { image: image('ai-gateway-extproc'), logFormat: 'json' },
    controller: {
      image: image('ai-gateway-controller'),
      logFormat: 'json',
      replicaCount: ha ? 2 : 1,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      podDisruptionBudget: { enabled: ha, minAvailable: 1 },
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...AI_GATEWAY_CONTROLLER_LABELS } } },
      ],
      securityContext: readOnlyContainer(NON_ROOT),
      mutatingWebhook: { certManager: { enable: true } },
    },
    envoyGateway: { namespace: GATEWAY_NAMESPACE },
  };
}
