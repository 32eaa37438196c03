/** External Secrets Operator chart values: workload identity to Key Vault, no static credentials. */
import { clientId, mirrorRepository, type AddonContext } from '../context';
import type { ExternalSecretsValues } from '../../../catalog/chart-values/external-secrets';
import { replicated, SMALL_CONTROLLER, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';

export function externalSecretsChartValues(ctx: AddonContext): ExternalSecretsValues {
  const component = replicated(ctx.highAvailability);
  // The chart's default oci.external-secrets.io is the project's vanity name (a redirecting
  // gateway) for ghcr.io/external-secrets; the mirror pulls from GitHub's registry itself.
  const image = { repository: mirrorRepository(ctx, 'ghcr.io', 'external-secrets/external-secrets') };
  return {
    installCRDs: true,
    image,
    ...component,
    leaderElect: ctx.highAvailability,
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'externalSecrets')) },
    resources: SMALL_CONTROLLER,
    webhook: { ...component, image, resources: SMALL_CONTROLLER },
    certController: { ...component, image, resources: SMALL_CONTROLLER },
  };
}
