/** argo-cd chart values the platform sets: HA in prod, Entra ID SSO, read-only by default. */
import { stringify } from 'yaml';
import { mirrorRepository, type AddonContext } from '../context';
import type { ArgocdValues } from '../../../catalog/chart-values/argocd';
import { HELPER_CONTAINER, SMALL_CONTROLLER, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { ARGOCD_SERVER_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';
import { GATEWAY_API_PLUGIN } from '../../../catalog/rollouts';

/**
 * Argo CD stopped assessing child Applications' health (1.8); without this check the sync waves
 * of the app-of-apps would not wait for policies before workloads.
 */
const APPLICATION_HEALTH = `hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then hs.message = obj.status.health.message end
end
return hs
`;

/** The rules of a route whose weights the plugin is shifting (its in-progress label is set). */
export const CANARY_ROUTE_RULES = `select(.metadata.labels["${GATEWAY_API_PLUGIN.inProgressLabel}"] == "in-progress") | .spec.rules`;

const REDIS = { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } };

export function argocdChartValues(ctx: AddonContext): ArgocdValues {
  const sso = ctx.env.addons.argocd.sso;
  const admins = sso.adminGroupObjectIds.length > 0 ? sso.adminGroupObjectIds : ctx.env.aks.adminGroupObjectIds;
  const ha = ctx.highAvailability;
  // Entra ID login through workload identity: the app registration trusts argocd-server's
  // service account, so there is no client secret to store or rotate.
  const oidc = {
    name: 'Entra ID',
    issuer: `https://login.microsoftonline.com/${ctx.tenantId}/v2.0`,
    clientID: sso.clientId,
    azure: { useWorkloadIdentity: true },
    requestedIDTokenClaims: { groups: { essential: true } },
    requestedScopes: ['openid', 'profile', 'email'],
  };
  const replicas = (n: number) => (ha ? n : 1);
  const redis = mirrorRepository(ctx, 'docker.io', 'library/redis');
  return {
    // Every Argo CD component runs the global image; the chart's tags stay as pinned.
    global: { domain: `argocd.${ctx.env.dns.zoneName}`, logging: { format: 'json' }, image: { repository: mirrorRepository(ctx, 'quay.io', 'argoproj/argocd') } },
    crds: { install: true, keep: true },
    configs: {
      cm: {
        'admin.enabled': false,
        'exec.enabled': false,
        'users.anonymous.enabled': false,
        'oidc.config': stringify(oidc, { lineWidth: 0 }),
        'timeout.reconciliation': '180s',
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
        // While a canary runs, Argo Rollouts' Gateway API plugin owns the route's backend weights and
        // labels the route; Argo CD must neither report nor undo them (docs/rollouts.md).
        'resource.customizations.ignoreDifferences.gateway.networking.k8s.io_HTTPRoute': stringify({ jqPathExpressions: [CANARY_ROUTE_RULES] }, { lineWidth: 0 }),
      },
      rbac: {
        // Everyone who can log in may look; only the platform admins may change anything.
        'policy.default': 'role:readonly',
        'policy.csv': admins.map((g) => `g, ${g}, role:admin`).join('\n'),
        scopes: '[groups]',
      },
      // TLS ends at the platform Gateway (cert-manager certificate); the server speaks HTTP behind it.
      params: { 'controller.diff.server.side': true, 'server.insecure': true },
    },
    controller: { replicas: replicas(2), pdb: { enabled: ha, minAvailable: 1 }, resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } } },
    server: {
      // The UI and the SSO callback (https://argocd.<zone>/auth/callback) through the platform Gateway's
      // HTTPRoute (charts/edge); the chart's Ingress stays off.
      ingress: { enabled: false },
      autoscaling: { enabled: ha, minReplicas: 2, maxReplicas: 5 },
      pdb: { enabled: ha, minAvailable: 1 },
      podLabels: { ...WORKLOAD_IDENTITY_LABEL },
      serviceAccount: { create: true, name: ARGOCD_SERVER_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(sso.clientId) },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    },
    repoServer: {
      autoscaling: { enabled: ha, minReplicas: 2, maxReplicas: 5 },
      pdb: { enabled: ha, minAvailable: 1 },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    },
    applicationSet: { replicas: replicas(2), pdb: { enabled: ha, minAvailable: 1 }, resources: SMALL_CONTROLLER },
    notifications: { enabled: true, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
    dex: { enabled: false },
    // Redis holds only Argo CD's cache (manifests, app state): it is rebuilt from Git when lost.
    // The chart pulls Redis and HAProxy from the Docker Hub official images' copy on ECR Public;
    // the same images come through the Docker Hub mirror (library/...), at the chart's tags.
    'redis-ha': {
      enabled: ha,
      image: { repository: redis },
      redis: { resources: REDIS },
      sentinel: { resources: HELPER_CONTAINER },
      haproxy: { image: { repository: mirrorRepository(ctx, 'docker.io', 'library/haproxy') }, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } }, init: { resources: HELPER_CONTAINER } },
      init: { resources: HELPER_CONTAINER },
      splitBrainDetection: { resources: HELPER_CONTAINER },
      // Its `helm test` pod (shellcheck of the config), should anyone run one.
      configmapTest: { image: { repository: mirrorRepository(ctx, 'docker.io', 'koalaman/shellcheck') } },
    },
    redis: { enabled: !ha, image: { repository: redis }, resources: REDIS },
  };
}
