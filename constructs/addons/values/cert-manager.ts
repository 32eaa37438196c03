/** cert-manager chart values: CRDs, HA in prod, workload identity for Azure DNS (DNS-01). */
import { clientId, type AddonContext } from '../context';
import type { CertManagerValues } from '../../../catalog/chart-values/cert-manager';
import { replicated, SMALL_CONTROLLER, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { CERT_MANAGER_SERVICE_ACCOUNT } from '../../../catalog/cluster-names';

export function certManagerChartValues(ctx: AddonContext): CertManagerValues {
  const component = replicated(ctx.highAvailability);
  return {
    crds: { enabled: true, keep: true },
    ...component,
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    serviceAccount: { create: true, name: CERT_MANAGER_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'certManager')), labels: { ...WORKLOAD_IDENTITY_LABEL } },
    resources: SMALL_CONTROLLER,
    // DNS-01 self-checks must ask public resolvers: the cluster's resolver may serve a private zone.
    extraArgs: ['--dns01-recursive-nameservers-only', '--dns01-recursive-nameservers=1.1.1.1:53,8.8.8.8:53'],
    webhook: { ...component, resources: SMALL_CONTROLLER },
    cainjector: { ...component, resources: SMALL_CONTROLLER },
    prometheus: { enabled: true },
  };
}
