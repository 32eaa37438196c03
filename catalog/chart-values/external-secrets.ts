/** Values schema (strict) — External Secrets Operator chart values: workload identity to Key Vault, no static credentials. */
import { z } from 'zod';
import { imageRepository, pdb, resources, serviceAccount, stringMap } from './common';

const component = z.strictObject({ image: imageRepository.optional(), replicaCount: z.number().int().min(1).optional(), podDisruptionBudget: pdb.optional(), resources: resources.optional() });

export const externalSecretsValues = z.strictObject({
  installCRDs: z.boolean().optional(),
  image: imageRepository.optional(),
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
