/** Labels and names every in-cluster object of a tenant carries. */
import type { Tenant } from '../../config/tenant-schema';

export const TENANT_LABEL = 'tenant';
export const COST_CENTER_LABEL = 'cost-center';
/** The service account whose pods get the tenant's workload identity. */
export const WORKLOAD_SERVICE_ACCOUNT = 'workload';

export function tenantNamespace(t: Tenant): string {
  return t.metadata.name;
}

/** Kubernetes label values allow fewer characters than tags; cost centers already fit. */
export function tenantLabels(t: Tenant): Record<string, string> {
  return {
    [TENANT_LABEL]: t.metadata.name,
    [COST_CENTER_LABEL]: t.spec.costCenter,
    'app.kubernetes.io/managed-by': 'cdktf',
    'app.kubernetes.io/part-of': 'ai-agent-platform',
  };
}

/** Pod Security Admission `restricted`, enforced, audited and warned at the latest version. */
export const RESTRICTED_POD_SECURITY: Record<string, string> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};
