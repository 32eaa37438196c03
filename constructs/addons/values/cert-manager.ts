/** cert-manager chart values: CRDs, HA in prod, workload identity for Azure DNS (DNS-01). */
import { clientId, mirrorRepository, type AddonContext } from '../context';
import type { CertManagerValues } from '../../../catalog/chart-values/cert-manager';
import { replicated, SMALL_CONTROLLER, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { CERT_MANAGER_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';

export function certManagerChartValues(ctx: AddonContext): CertManagerValues {
  const component = replicated(ctx.highAvailability);
  // Each component's image (and the ACME HTTP-01 solver the controller starts) through the mirror.
  const image = (name: string) => ({ repository: mirrorRepository(ctx, 'quay.io', `jetstack/cert-manager-${name}`) });
  return {
    image: image('controller'),
    crds: { enabled: true, keep: true },
    ...component,
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    serviceAccount: { create: true, name: CERT_MANAGER_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'certManager')), labels: { ...WORKLOAD_IDENTITY_LABEL } },
    resources: SMALL_CONTROLLER,
    // DNS-01 self-checks must ask public resolvers: the cluster's resolver may serve a private zone.
    extraArgs: ['--dns01-recursive-nameservers-only', '--dns01-recursive-nameservers=1.1.1.1:53,8.8.8.8:53'],
    webhook: { ...component, image: image('webhook'), resources: SMALL_CONTROLLER },
    cainjector: { ...component, image: image('cainjector'), resources: SMALL_CONTROLLER },
    acmesolver: { image: image('acmesolver') },
    startupapicheck: { image: image('startupapicheck') },
    prometheus: { enabled: true },
    // Certificates for the Gateway's HTTPS listeners (cert-manager.io/cluster-issuer on the Gateway).
    // The Gateway API CRDs must exist when the controller starts: the add-ons stack installs Envoy
    // Gateway, whose chart brings them, first.
    ...(ctx.env.addons.envoyGateway.enabled ? { config: { enableGatewayAPI: true } } : {}),
  };
}
