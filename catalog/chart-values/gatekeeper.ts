/** Values schema (strict) — Gatekeeper chart values: audit on, fail-closed admission with the exemptions that keep the cluster repairable. */
import { z } from 'zod';
import { imageRepository, resources } from './common';

const hookImage = z.strictObject({ image: imageRepository });

export const gatekeeperValues = z.strictObject({
  image: z.strictObject({ repository: z.string(), crdRepository: z.string() }).optional(),
  postInstall: z.strictObject({ labelNamespace: hookImage.optional(), probeWebhook: hookImage.optional() }).optional(),
  postUpgrade: z.strictObject({ labelNamespace: hookImage.optional() }).optional(),
  preUninstall: z.strictObject({ deleteWebhookConfigurations: hookImage.optional() }).optional(),
  replicas: z.number().int().min(1).optional(),
  auditInterval: z.number().int().min(10).optional(),
  constraintViolationsLimit: z.number().int().min(1).optional(),
  auditFromCache: z.boolean().optional(),
  validatingWebhookFailurePolicy: z.enum(['Fail', 'Ignore']).optional(),
  validatingWebhookTimeoutSeconds: z.number().int().min(1).max(30).optional(),
  validatingWebhookExemptNamespacesLabels: z.record(z.string(), z.array(z.string())).optional(),
  mutatingWebhookFailurePolicy: z.enum(['Fail', 'Ignore']).optional(),
  emitAdmissionEvents: z.boolean().optional(),
  emitAuditEvents: z.boolean().optional(),
  logDenies: z.boolean().optional(),
  enableExternalData: z.boolean().optional(),
  controllerManager: z.strictObject({ exemptNamespaces: z.array(z.string()).optional(), resources: resources.optional() }).optional(),
  audit: z.strictObject({ resources: resources.optional() }).optional(),
  pdb: z.strictObject({ controllerManager: z.strictObject({ minAvailable: z.number().int().min(0).optional() }).optional() }).optional(),
});
export type GatekeeperValues = z.input<typeof gatekeeperValues>;
