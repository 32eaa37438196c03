/** Values schema (strict) — external-dns chart values: Azure public or private DNS with workload identity, Gateway API routes as the source, TXT ownership per environment. */
import { z } from 'zod';
import { resources, serviceAccount, stringMap, imageRepository } from './common';

export const externalDnsValues = z.strictObject({
  image: imageRepository.optional(),
  fullnameOverride: z.string().optional(),
  provider: z.strictObject({ name: z.enum(['azure', 'azure-private-dns']) }).optional(),
  sources: z.array(z.enum(['gateway-httproute', 'gateway-grpcroute', 'gateway-tlsroute'])).optional(),
  gatewayNamespace: z.string().optional(),
  domainFilters: z.array(z.string()).optional(),
  excludeDomains: z.array(z.string()).optional(),
  txtOwnerId: z.string().optional(),
  txtPrefix: z.string().optional(),
  policy: z.enum(['sync', 'upsert-only', 'create-only']).optional(),
  registry: z.literal('txt').optional(),
  interval: z.string().regex(/^\d+[smh]$/).optional(),
  triggerLoopOnEvent: z.boolean().optional(),
  logFormat: z.enum(['text', 'json']).optional(),
  managedRecordTypes: z.array(z.enum(['A', 'AAAA', 'CNAME', 'TXT'])).optional(),
  extraArgs: z.record(z.string(), z.string()).optional(),
  serviceAccount: serviceAccount.extend({ automountServiceAccountToken: z.boolean().optional() }).optional(),
  podLabels: stringMap.optional(),
  resources: resources.optional(),
  extraVolumes: z.array(z.strictObject({ name: z.string(), configMap: z.strictObject({ name: z.string() }) })).optional(),
  extraVolumeMounts: z.array(z.strictObject({ name: z.string(), mountPath: z.string(), readOnly: z.boolean() })).optional(),
});
export type ExternalDnsValues = z.input<typeof externalDnsValues>;
