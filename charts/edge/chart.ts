/**
 * The `edge` app (rendered/<env>/edge): what runs behind and around the platform Gateway of the
 * cluster-config stack: an HTTPRoute and a BackendTrafficPolicy per platform host, in the host's
 * backend namespace. Synced by Argo CD after the workloads.
 */
import { Chart, ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { PLATFORM_ROUTE_LIST } from '../../catalog/routes';
import { platformRoute, routeTrafficPolicy } from './routes';

export const EDGE_APP = 'edge';

export interface EdgeChartProps {
  readonly env: string;
  readonly zone: string;
}

export const EDGE_LABELS = { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/component': 'edge', 'app.kubernetes.io/managed-by': 'platform-render' };

export class EdgeChart extends Chart {
  constructor(scope: Construct, id: string, props: EdgeChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const add = (o: Record<string, any>) => new ApiObject(this, `${o.kind}-${o.metadata.namespace}-${o.metadata.name}`, o as any);
    for (const r of PLATFORM_ROUTE_LIST) {
      add(platformRoute(r, props.zone, EDGE_LABELS));
      add(routeTrafficPolicy(r, EDGE_LABELS));
    }
  }
}
