/** Values schema (strict) — Ratify chart values: Notation verification against the Key Vault signing certificate, workload identity, no static credentials. */
import { z } from 'zod';
import { resources, serviceAccount } from './common';

const trustPolicy = z.strictObject({
  name: z.string(),
  // The chart spells it this way.
  verificatonLevel: z.enum(['strict', 'permissive', 'audit', 'skip']),
  registryScopes: z.array(z.string()).min(1),
  trustedIdentities: z.array(z.string()).min(1),
  trustStores: z.array(z.string()).min(1),
});

export const ratifyValues = z.strictObject({
  image: z.strictObject({ repository: z.string(), crdRepository: z.string() }).optional(),
  replicaCount: z.number().int().min(1).optional(),
  notation: z.strictObject({ enabled: z.boolean(), trustPolicies: z.array(trustPolicy).min(1) }).optional(),
  cosign: z.strictObject({ enabled: z.boolean() }).optional(),
  resources: resources.optional(),
  serviceAccount: serviceAccount.omit({ labels: true }).optional(),
  azureWorkloadIdentity: z.strictObject({ clientId: z.string() }).optional(),
  azurekeyvault: z
    .strictObject({
      enabled: z.boolean(),
      vaultURI: z.string(),
      tenantId: z.string(),
      certificates: z.array(z.strictObject({ name: z.string(), version: z.string().optional() })).optional(),
      refreshInterval: z.string().optional(),
    })
    .optional(),
  oras: z
    .strictObject({
      authProviders: z.strictObject({ azureWorkloadIdentityEnabled: z.boolean(), azureContainerRegistryEndpoints: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
  provider: z
    .strictObject({
      timeout: z.strictObject({ validationTimeoutSeconds: z.number().int().min(1), mutationTimeoutSeconds: z.number().int().min(1) }).optional(),
      enableMutation: z.boolean().optional(),
    })
    .optional(),
  crds: z.strictObject({ resources: resources.optional() }).optional(),
  featureFlags: z.strictObject({ RATIFY_CERT_ROTATION: z.boolean().optional() }).optional(),
  gatekeeper: z.strictObject({ version: z.string().optional(), namespace: z.string().optional() }).optional(),
  logger: z.strictObject({ formatter: z.enum(['text', 'json', 'logstash']).optional(), level: z.string().optional() }).optional(),
});
export type RatifyValues = z.input<typeof ratifyValues>;
