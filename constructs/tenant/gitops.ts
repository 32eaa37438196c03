/**
 * The tenant's Argo CD project and application. The project confines the tenant to its own
 * namespace, its declared repositories and a list of namespaced kinds: no cluster-scoped
 * resources, and none of the guardrail kinds (quota, limits, network policy) the platform owns.
 */
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { Tenant } from '../../config/tenant-schema';
import { tenantLabels } from './labels';

export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Kinds a tenant may deploy through Argo CD. */
export const TENANT_ALLOWED_KINDS: { group: string; kind: string }[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Secret' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'PersistentVolumeClaim' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'batch', kind: 'Job' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
  { group: 'keda.sh', kind: 'ScaledObject' },
  { group: 'keda.sh', kind: 'TriggerAuthentication' },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor' },
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule' },
  { group: 'external-secrets.io', kind: 'ExternalSecret' },
];

export interface TenantGitOpsProps {
  readonly tenant: Tenant;
  readonly namespace: string;
  readonly argocdNamespace: string;
}

export class TenantGitOps extends Construct {
  readonly project: Manifest;
  readonly application: Manifest;

  constructor(scope: Construct, id: string, props: TenantGitOpsProps) {
    super(scope, id);
    const t = props.tenant;
    const name = t.metadata.name;
    const labels = tenantLabels(t);
    const { gitops } = t.spec;

    this.project = new Manifest(this, 'app-project', {
      manifest: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name, namespace: props.argocdNamespace, labels },
        spec: {
          description: `${t.spec.displayName} (tenant ${name})`,
          sourceRepos: gitops.repoURLs,
          destinations: [{ server: IN_CLUSTER, namespace: props.namespace }],
          clusterResourceWhitelist: [],
          namespaceResourceWhitelist: TENANT_ALLOWED_KINDS,
          roles: [
            {
              name: 'owners',
              description: 'Tenant owners: sync and inspect their applications',
              groups: [t.spec.owners.entraGroupObjectId],
              policies: [
                `p, proj:${name}:owners, applications, get, ${name}/*, allow`,
                `p, proj:${name}:owners, applications, sync, ${name}/*, allow`,
                `p, proj:${name}:owners, logs, get, ${name}/*, allow`,
              ],
            },
          ],
        },
      },
    });

    this.application = new Manifest(this, 'application', {
      manifest: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name, namespace: props.argocdNamespace, labels, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
        spec: {
          project: name,
          source: { repoURL: gitops.repoURLs[0], path: gitops.path, targetRevision: gitops.targetRevision },
          destination: { server: IN_CLUSTER, namespace: props.namespace },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // The namespace belongs to the platform; Argo CD must never create or own it.
            syncOptions: ['CreateNamespace=false', 'ServerSideApply=true'],
          },
        },
      },
      dependsOn: [this.project],
    });
  }
}
