/** Gatekeeper chart values: audit on, fail-closed admission with the exemptions that keep the cluster repairable. */
import { z } from 'zod';
import { resources } from './common';
import type { AddonContext } from '../context';

export const gatekeeperValues = z.strictObject({
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

/** Exempt from Gatekeeper: what must keep working when Gatekeeper itself is down. */
export const GATEKEEPER_EXEMPT_NAMESPACES = ['kube-system', 'gatekeeper-system'];

export function gatekeeperChartValues(ctx: AddonContext): GatekeeperValues {
  const ha = ctx.highAvailability;
  return {
    replicas: ha ? 3 : 1,
    auditInterval: 60,
    constraintViolationsLimit: 100,
    auditFromCache: false,
    // Fail closed: an outage of the webhook must not let unchecked workloads in. kube-system and
    // gatekeeper-system are exempt so the cluster and Gatekeeper can always be repaired, and
    // the short timeout bounds what an outage costs the API server (ADR 0002).
    validatingWebhookFailurePolicy: ctx.env.addons.gatekeeper.failurePolicy,
    validatingWebhookTimeoutSeconds: 3,
    // The webhook's namespaceSelector skips the release namespace by itself; kube-system has to
    // be excluded here (exemptNamespaces below only allows the ignore label in them).
    validatingWebhookExemptNamespacesLabels: { 'kubernetes.io/metadata.name': GATEKEEPER_EXEMPT_NAMESPACES.filter((n) => n !== 'gatekeeper-system') },
    mutatingWebhookFailurePolicy: 'Ignore',
    emitAdmissionEvents: true,
    emitAuditEvents: true,
    logDenies: true,
    enableExternalData: false,
    controllerManager: { exemptNamespaces: GATEKEEPER_EXEMPT_NAMESPACES, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
    audit: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
    pdb: { controllerManager: { minAvailable: ha ? 2 : 0 } },
  };
}
