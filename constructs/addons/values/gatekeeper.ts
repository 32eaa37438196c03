/** Gatekeeper chart values: audit on, fail-closed admission with the exemptions that keep the cluster repairable. */
import { mirrorRepository, type AddonContext } from '../context';
import type { GatekeeperValues } from '../../../catalog/chart-values/gatekeeper';
import { GATEKEEPER_EXEMPT_NAMESPACES } from '../../../catalog/cluster-names';

/** How long the API server waits for Gatekeeper (and Gatekeeper for Ratify's external data). */
export const GATEKEEPER_WEBHOOK_TIMEOUT_SECONDS = 3;

export function gatekeeperChartValues(ctx: AddonContext): GatekeeperValues {
  const ha = ctx.highAvailability;
  const crds = mirrorRepository(ctx, 'docker.io', 'openpolicyagent/gatekeeper-crds');
  return {
    // The controller and audit image, and the CRD image its install and upgrade hooks run.
    image: { repository: mirrorRepository(ctx, 'docker.io', 'openpolicyagent/gatekeeper'), crdRepository: crds },
    // The hooks: namespace labelling and the webhook probe after install (on by default), the
    // label refresh after upgrade and the webhook clean-up before uninstall (off, but mirrored too).
    postInstall: { labelNamespace: { image: { repository: crds } }, probeWebhook: { image: { repository: mirrorRepository(ctx, 'docker.io', 'curlimages/curl') } } },
    postUpgrade: { labelNamespace: { image: { repository: crds } } },
    preUninstall: { deleteWebhookConfigurations: { image: { repository: crds } } },
    replicas: ha ? 3 : 1,
    auditInterval: 60,
    constraintViolationsLimit: 100,
    auditFromCache: false,
    // Fail closed: an outage of the webhook must not let unchecked workloads in. kube-system and
    // gatekeeper-system are exempt so the cluster and Gatekeeper can always be repaired, and
    // the short timeout bounds what an outage costs the API server (ADR 0002).
    validatingWebhookFailurePolicy: ctx.env.addons.gatekeeper.failurePolicy,
    validatingWebhookTimeoutSeconds: GATEKEEPER_WEBHOOK_TIMEOUT_SECONDS,
    // The webhook's namespaceSelector skips the release namespace by itself; kube-system has to
    // be excluded here (exemptNamespaces below only allows the ignore label in them).
    validatingWebhookExemptNamespacesLabels: { 'kubernetes.io/metadata.name': GATEKEEPER_EXEMPT_NAMESPACES.filter((n) => n !== 'gatekeeper-system') },
    mutatingWebhookFailurePolicy: 'Ignore',
    emitAdmissionEvents: true,
    emitAuditEvents: true,
    logDenies: true,
    // Ratify's signature verification is an external-data provider.
    enableExternalData: ctx.env.addons.ratify.enabled,
    controllerManager: { exemptNamespaces: GATEKEEPER_EXEMPT_NAMESPACES, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
    audit: { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
    pdb: { controllerManager: { minAvailable: ha ? 2 : 0 } },
  };
}
