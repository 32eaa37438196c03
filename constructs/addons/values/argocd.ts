/** argo-cd chart values the platform sets: HA in prod, Entra ID SSO, read-only by default. */
import { stringify } from 'yaml';
import type { AddonContext } from '../context';
import { ACME_ISSUER } from '../../../catalog/cluster-names';
import { INGRESS_CLASS } from '../../../catalog/cluster-names';
import type { ArgocdValues } from '../../../catalog/chart-values/argocd';
import { HELPER_CONTAINER, SMALL_CONTROLLER, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { ARGOCD_SERVER_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';

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
  return {
    global: { domain: `argocd.${ctx.env.dns.zoneName}`, logging: { format: 'json' } },
    crds: { install: true, keep: true },
    configs: {
      cm: {
        'admin.enabled': false,
        'exec.enabled': false,
        'users.anonymous.enabled': false,
        'oidc.config': stringify(oidc, { lineWidth: 0 }),
        'timeout.reconciliation': '180s',
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH,
      },
      rbac: {
        // Everyone who can log in may look; only the platform admins may change anything.
        'policy.default': 'role:readonly',
        'policy.csv': admins.map((g) => `g, ${g}, role:admin`).join('\n'),
        scopes: '[groups]',
      },
      // TLS ends at the ingress controller (cert-manager certificate); the server speaks HTTP behind it.
      params: { 'controller.diff.server.side': true, 'server.insecure': true },
    },
    controller: { replicas: replicas(2), pdb: { enabled: ha, minAvailable: 1 }, resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } } },
    server: {
      // The UI and the SSO callback (https://argocd.<zone>/auth/callback) through the ingress controller.
      ingress: { enabled: true, ingressClassName: INGRESS_CLASS, annotations: { 'cert-manager.io/cluster-issuer': ACME_ISSUER }, tls: true },
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
    'redis-ha': {
      enabled: ha,
      redis: { resources: REDIS },
      sentinel: { resources: HELPER_CONTAINER },
      haproxy: { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } }, init: { resources: HELPER_CONTAINER } },
      init: { resources: HELPER_CONTAINER },
      splitBrainDetection: { resources: HELPER_CONTAINER },
    },
    redis: { enabled: !ha, resources: REDIS },
  };
}
