/** cert-manager chart values: CRDs, HA in prod, workload identity for Azure DNS (DNS-01). */
import { z } from 'zod';
import { pdb, replicated, resources, serviceAccount, SMALL_CONTROLLER, stringMap, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from './common';
import { clientId, type AddonContext } from '../context';

export const certManagerValues = z.strictObject({
  crds: z.strictObject({ enabled: z.boolean().optional(), keep: z.boolean().optional() }).optional(),
  replicaCount: z.number().int().min(1).optional(),
  podDisruptionBudget: pdb.optional(),
  podLabels: stringMap.optional(),
  serviceAccount: serviceAccount.optional(),
  resources: resources.optional(),
  extraArgs: z.array(z.string()).optional(),
  webhook: z.strictObject({ replicaCount: z.number().int().min(1).optional(), podDisruptionBudget: pdb.optional() }).optional(),
  cainjector: z.strictObject({ replicaCount: z.number().int().min(1).optional(), podDisruptionBudget: pdb.optional() }).optional(),
  prometheus: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});
export type CertManagerValues = z.input<typeof certManagerValues>;

export const CERT_MANAGER_SERVICE_ACCOUNT = 'cert-manager';

export function certManagerChartValues(ctx: AddonContext): CertManagerValues {
  const component = replicated(ctx.highAvailability);
  return {
    crds: { enabled: true, keep: true },
    ...component,
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    serviceAccount: { create: true, name: CERT_MANAGER_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'certManager')), labels: { ...WORKLOAD_IDENTITY_LABEL } },
    resources: SMALL_CONTROLLER,
    // DNS-01 self-checks must ask public resolvers: the cluster's resolver may serve a private zone.
    extraArgs: ['--dns01-recursive-nameservers-only', '--dns01-recursive-nameservers=1.1.1.1:53,8.8.8.8:53'],
    webhook: component,
    cainjector: component,
    prometheus: { enabled: true },
  };
}
