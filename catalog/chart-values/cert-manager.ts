/** Values schema (strict) — cert-manager chart values: CRDs, HA in prod, workload identity for Azure DNS (DNS-01). */
import { z } from 'zod';
import { imageRepository, pdb, resources, serviceAccount, stringMap } from './common';

export const certManagerValues = z.strictObject({
  crds: z.strictObject({ enabled: z.boolean().optional(), keep: z.boolean().optional() }).optional(),
  image: imageRepository.optional(),
  replicaCount: z.number().int().min(1).optional(),
  podDisruptionBudget: pdb.optional(),
  podLabels: stringMap.optional(),
  serviceAccount: serviceAccount.optional(),
  resources: resources.optional(),
  extraArgs: z.array(z.string()).optional(),
  webhook: z.strictObject({ image: imageRepository.optional(), replicaCount: z.number().int().min(1).optional(), podDisruptionBudget: pdb.optional(), resources: resources.optional() }).optional(),
  cainjector: z.strictObject({ image: imageRepository.optional(), replicaCount: z.number().int().min(1).optional(), podDisruptionBudget: pdb.optional(), resources: resources.optional() }).optional(),
  acmesolver: z.strictObject({ image: imageRepository }).optional(),
  startupapicheck: z.strictObject({ image: imageRepository }).optional(),
  prometheus: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  /** The controller's ControllerConfiguration (the chart defaults apiVersion and kind). */
  config: z.strictObject({ enableGatewayAPI: z.boolean().optional() }).optional(),
});
export type CertManagerValues = z.input<typeof certManagerValues>;
