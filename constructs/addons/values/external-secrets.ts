/** External Secrets Operator chart values: workload identity to Key Vault, no static credentials. */
import { z } from 'zod';
import { pdb, replicated, resources, serviceAccount, SMALL_CONTROLLER, stringMap, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from './common';
import { clientId, type AddonContext } from '../context';

const component = z.strictObject({ replicaCount: z.number().int().min(1).optional(), podDisruptionBudget: pdb.optional(), resources: resources.optional() });

export const externalSecretsValues = z.strictObject({
  installCRDs: z.boolean().optional(),
  replicaCount: z.number().int().min(1).optional(),
  leaderElect: z.boolean().optional(),
  podDisruptionBudget: pdb.optional(),
  podLabels: stringMap.optional(),
  // This chart calls service-account labels `extraLabels`.
  serviceAccount: serviceAccount.omit({ labels: true }).extend({ extraLabels: z.record(z.string(), z.string()).optional() }).optional(),
  resources: resources.optional(),
  webhook: component.optional(),
  certController: component.optional(),
});
export type ExternalSecretsValues = z.input<typeof externalSecretsValues>;

export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = 'external-secrets';

export function externalSecretsChartValues(ctx: AddonContext): ExternalSecretsValues {
  const component = replicated(ctx.highAvailability);
  return {
    installCRDs: true,
    ...component,
    leaderElect: ctx.highAvailability,
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'externalSecrets')) },
    resources: SMALL_CONTROLLER,
    webhook: component,
    certController: component,
  };
}
