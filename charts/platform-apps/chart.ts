/**
 * rendered/<env>/apps: one Argo CD Application per rendered app, which the root Application of
 * the cluster-config stack syncs (app-of-apps). Sync waves order them: policies first, so later
 * apps are admitted under them, then observability, then the workloads.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { PLATFORM_PROJECT } from '../../catalog/cluster-names';
import { ADDONS } from '../../catalog/addons';

export interface RenderedApp {
  readonly name: string;
  /** Namespace for objects that name none (every rendered object names one). */
  readonly namespace: string;
  readonly wave: number;
}

export interface PlatformAppsProps {
  readonly env: string;
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly apps: readonly RenderedApp[];
}

/**
 * Objects whose CRDs arrive in the same sync (constraints after their templates) or from a later
 * stack (ServiceMonitors with kube-prometheus-stack) fail Argo CD's dry run until the CRD exists;
 * skipping that dry run and retrying without limit lets every app converge on a first deploy.
 */
export const APP_SYNC_POLICY = {
  automated: { prune: true, selfHeal: true },
  // RespectIgnoreDifferences: a sync leaves what ignoreDifferences covers as it is in the cluster (the
  // canary weights Argo Rollouts sets on a route), instead of resetting it to Git's.
  syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'SkipDryRunOnMissingResource=true', 'RespectIgnoreDifferences=true'],
  retry: { limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
};

export class PlatformAppsChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformAppsProps) {
    super(scope, id);
    for (const app of props.apps) {
      new ApiObject(this, app.name, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: app.name,
          namespace: ADDONS.argocd.namespace,
          annotations: { 'argocd.argoproj.io/sync-wave': String(app.wave) },
          labels: { 'app.kubernetes.io/part-of': 'platform' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: PLATFORM_PROJECT,
          source: { repoURL: props.repoURL, targetRevision: props.targetRevision, path: `rendered/${props.env}/${app.name}` },
          destination: { server: 'https://kubernetes.default.svc', namespace: app.namespace },
          syncPolicy: APP_SYNC_POLICY,
        },
      });
    }
  }
}
