/**
 * Ratify chart values: Notation signatures verified against the platform's signing certificate in
 * Key Vault, for images of the platform registry; registry and Key Vault reached with workload
 * identity, no stored credential; its own TLS rotated by itself (nothing in Terraform state).
 */
import { clientId, mirrorRepository, type AddonContext } from '../context';
import type { RatifyValues } from '../../../catalog/chart-values/ratify';
import { ADDONS } from '../../../catalog/addons';
import { workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { RATIFY_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';
import { SIGNING_CERTIFICATE_NAME } from '../../../catalog/supply-chain';
import { GATEKEEPER_WEBHOOK_TIMEOUT_SECONDS } from './gatekeeper';

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`Ratify needs ${what}, but the stack installing it passed none`);
  return value;
}

export function ratifyChartValues(ctx: AddonContext): RatifyValues {
  const registry = ctx.registryLoginServer;
  return {
    // The verifier and its CRD-upgrade hook image; the tag stays the chart's.
    image: { repository: mirrorRepository(ctx, 'ghcr.io', 'notaryproject/ratify'), crdRepository: mirrorRepository(ctx, 'ghcr.io', 'notaryproject/ratify-crds') },
    replicaCount: ctx.highAvailability ? 2 : 1,
    notation: {
      enabled: true,
      trustPolicies: [
        // Only the platform registry's images carry the platform signature; the constraint decides
        // which namespaces must run signed images (charts/policies/image-signatures.ts).
        { name: 'platform-registry', verificatonLevel: 'strict', registryScopes: [registry], trustedIdentities: ['*'], trustStores: ['ca:azurekeyvault'] },
      ],
    },
    cosign: { enabled: false },
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: null, memory: '512Mi' } },
    serviceAccount: { create: true, name: RATIFY_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'ratify')) },
    azureWorkloadIdentity: { clientId: clientId(ctx, 'ratify') },
    azurekeyvault: {
      enabled: true,
      vaultURI: required(ctx.vaultUri, "the platform Key Vault's URI"),
      tenantId: ctx.tenantId,
      // No version: the newest, so a renewed certificate is trusted without a deploy.
      certificates: [{ name: SIGNING_CERTIFICATE_NAME }],
      refreshInterval: '1h',
    },
    oras: { authProviders: { azureWorkloadIdentityEnabled: true, azureContainerRegistryEndpoints: [registry] } },
    // Gatekeeper's webhook gives up after its own timeout; Ratify answers a second before it, so
    // Gatekeeper can still deny with Ratify's reason instead of the API server timing out.
    provider: { timeout: { validationTimeoutSeconds: GATEKEEPER_WEBHOOK_TIMEOUT_SECONDS - 1, mutationTimeoutSeconds: 1 }, enableMutation: false },
    crds: { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
    featureFlags: { RATIFY_CERT_ROTATION: true },
    gatekeeper: { version: ADDONS.gatekeeper.version, namespace: ADDONS.gatekeeper.namespace },
    logger: { formatter: 'json', level: 'info' },
  };
}
