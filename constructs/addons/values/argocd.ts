/** argo-cd chart values the platform sets: HA in prod, Entra ID SSO, read-only by default. */
import { z } from 'zod';
import { stringify } from 'yaml';
import { autoscaling, pdb, resources, serviceAccount, stringMap, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from './common';
import type { AddonContext } from '../context';
import { ACME_ISSUER } from '../cluster-config';
import { INGRESS_CLASS } from './ingress-nginx';

const ingress = z.strictObject({
  enabled: z.boolean().optional(),
  ingressClassName: z.string().optional(),
  annotations: stringMap.optional(),
  tls: z.boolean().optional(),
});

const component = z.strictObject({
  ingress: ingress.optional(),
  replicas: z.number().int().min(1).optional(),
  autoscaling: autoscaling.optional(),
  pdb: pdb.optional(),
  resources: resources.optional(),
  podLabels: stringMap.optional(),
  serviceAccount: serviceAccount.optional(),
});

export const argocdValues = z.strictObject({
  global: z.strictObject({ domain: z.string().optional(), logging: z.strictObject({ format: z.enum(['text', 'json']).optional() }).optional() }).optional(),
  crds: z.strictObject({ install: z.boolean().optional(), keep: z.boolean().optional() }).optional(),
  configs: z
    .strictObject({
      cm: z
        .strictObject({
          'admin.enabled': z.boolean().optional(),
          'exec.enabled': z.boolean().optional(),
          'oidc.config': z.string().optional(),
          'users.anonymous.enabled': z.boolean().optional(),
          'timeout.reconciliation': z.string().optional(),
          'resource.customizations.health.argoproj.io_Application': z.string().optional(),
        })
        .optional(),
      rbac: z.strictObject({ 'policy.default': z.string().optional(), 'policy.csv': z.string().optional(), scopes: z.string().optional() }).optional(),
      params: z.strictObject({ 'server.insecure': z.boolean().optional(), 'controller.diff.server.side': z.boolean().optional() }).optional(),
    })
    .optional(),
  controller: component.optional(),
  server: component.optional(),
  repoServer: component.optional(),
  applicationSet: component.optional(),
  notifications: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  dex: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  'redis-ha': z.strictObject({ enabled: z.boolean().optional() }).optional(),
  redis: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});
export type ArgocdValues = z.input<typeof argocdValues>;

/** The service account Argo CD's SSO login runs as; the Entra app registration federates with it. */
export const ARGOCD_SERVER_SERVICE_ACCOUNT = 'argocd-server';

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
    applicationSet: { replicas: replicas(2), pdb: { enabled: ha, minAvailable: 1 } },
    notifications: { enabled: true },
    dex: { enabled: false },
    'redis-ha': { enabled: ha },
    redis: { enabled: !ha },
  };
}
