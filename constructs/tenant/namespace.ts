/**
 * A tenant's namespace and its guardrails: restricted Pod Security, a quota (GPUs, pods and
 * storage included; no LoadBalancer or NodePort services), default container resources, a
 * namespace-scoped role for the owners' Entra group that cannot edit the guardrails, and the
 * workload service account bound to the tenant's managed identity.
 */
import { Construct } from 'constructs';
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { Tenant } from '../../config/tenant-schema';
import { RESTRICTED_POD_SECURITY, tenantLabels, tenantNamespace, WORKLOAD_SERVICE_ACCOUNT } from './labels';

export interface TenantNamespaceProps {
  readonly tenant: Tenant;
  /** Client id of the tenant's managed identity, for workload identity. */
  readonly workloadIdentityClientId: string;
}

const READ = ['get', 'list', 'watch'];
const WRITE = [...READ, 'create', 'update', 'patch', 'delete'];

/** What tenant owners may do in their namespace. Quotas, limits and network policies are read-only. */
export const TENANT_ROLE_RULES: { apiGroups: string[]; resources: string[]; verbs: string[] }[] = [
  { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'serviceaccounts'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods/log', 'pods/portforward', 'events', 'endpoints', 'resourcequotas', 'limitranges'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  // Routes on the shared Gateway only (no Gateways, no ReferenceGrants): Gatekeeper holds their hosts and parents.
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects', 'scaledjobs', 'triggerauthentications'], verbs: WRITE },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'prometheusrules'], verbs: WRITE },
  { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: WRITE },
  { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: READ },
];

export class TenantNamespace extends Construct {
  readonly namespace: NamespaceV1;
  readonly name: string;

  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    const t = props.tenant;
    const labels = tenantLabels(t);
    this.name = tenantNamespace(t);

    this.namespace = new NamespaceV1(this, 'namespace', {
      metadata: {
        name: this.name,
        labels: { ...labels, ...RESTRICTED_POD_SECURITY },
        annotations: { 'platform.example.org/display-name': t.spec.displayName, 'platform.example.org/contacts': t.spec.owners.contacts.join(',') },
      },
    });
    const metadata = (name: string) => ({ name, namespace: this.namespace.metadata.name, labels });

    const q = t.spec.quota;
    new ResourceQuotaV1(this, 'quota', {
      metadata: metadata('tenant-quota'),
      spec: {
        hard: {
          'requests.cpu': q.cpu,
          'limits.cpu': q.cpu,
          'requests.memory': q.memory,
          'limits.memory': q.memory,
          'requests.nvidia.com/gpu': String(q.gpu),
          pods: String(q.pods),
          'requests.storage': q.storage,
          // Exposure goes through the shared Gateway (an HTTPRoute), never a per-tenant LB or node port.
          'services.loadbalancers': '0',
          'services.nodeports': '0',
        },
      },
    });

    new LimitRangeV1(this, 'limits', {
      metadata: metadata('tenant-defaults'),
      spec: {
        limit: [
          {
            type: 'Container',
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            default: { cpu: '500m', memory: '512Mi' },
            max: { cpu: q.cpu, memory: q.memory },
          },
        ],
      },
    });

    const role = new RoleV1(this, 'owner-role', { metadata: metadata('tenant-owner'), rule: TENANT_ROLE_RULES });
    new RoleBindingV1(this, 'owner-binding', {
      metadata: metadata('tenant-owner'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      // With Entra ID integration, groups are named by their object id.
      subject: [{ kind: 'Group', name: t.spec.owners.entraGroupObjectId, apiGroup: 'rbac.authorization.k8s.io' }],
    });

    new ServiceAccountV1(this, 'workload-sa', {
      metadata: {
        ...metadata(WORKLOAD_SERVICE_ACCOUNT),
        annotations: { 'azure.workload.identity/client-id': props.workloadIdentityClientId },
        labels: { ...labels, 'azure.workload.identity/use': 'true' },
      },
      automountServiceAccountToken: false,
    });
  }
}
