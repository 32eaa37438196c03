/**
 * The `edge` app (rendered/<env>/edge): what runs behind and around the platform Gateway of the
 * cluster-config stack: an HTTPRoute and a BackendTrafficPolicy per platform host, in the host's
 * backend namespace; a Probe per host, the probe alerts and the green/red dashboard (observability).
 * Synced by Argo CD after the workloads.
 */
import { Chart, ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { PLATFORM_ROUTE_LIST } from '../../catalog/routes';
import { platformRoute, routeTrafficPolicy, type RouteContracts } from './routes';
import { signInClientSecret, signInPolicy, type GatewaySignIn } from './sign-in';
import { edgeDashboard, edgeRuleGroups, routeProbe } from './probes';
import { OBSERVABILITY_NAMESPACE } from '../../catalog/namespaces';

export interface EdgeChartProps {
  readonly env: string;
  readonly zone: string;
  /** Probes, probe alerts and the dashboard: only where the blackbox exporter and Prometheus run. */
  readonly probes: boolean;
  /** Argo Rollouts is installed: routes with a canary Service carry it (charts/edge/routes.ts). */
  readonly canaries?: boolean;
  /** The operations of the hosts whose backend has an OpenAPI contract (config/gateway-contract.ts). */
  readonly contracts: RouteContracts;
  /** Entra ID sign-in for the routes that ask for it (network.edge.signIn, groups resolved). */
  readonly signIn?: GatewaySignIn;
}

export const EDGE_LABELS = { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/component': 'edge', 'app.kubernetes.io/managed-by': 'platform-render' };

export class EdgeChart extends Chart {
  constructor(scope: Construct, id: string, props: EdgeChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const add = (o: Record<string, any>) => new ApiObject(this, `${o.kind}-${o.metadata.namespace}-${o.metadata.name}`, o as any);
    for (const r of PLATFORM_ROUTE_LIST) {
      add(platformRoute(r, props.zone, EDGE_LABELS, props.contracts, props.canaries ?? false));
      add(routeTrafficPolicy(r, EDGE_LABELS, props.contracts));
      if (r.signIn) {
        // Validation requires network.edge.signIn for these; never serve such a route open.
        if (!props.signIn) throw new Error(`route ${r.host} signs in at the Gateway, but no sign-in is configured (network.edge.signIn)`);
        add(signInClientSecret(r, props.signIn, EDGE_LABELS));
        add(signInPolicy(r, props.zone, props.signIn, EDGE_LABELS));
      }
      if (props.probes) add(routeProbe(r, props.zone, EDGE_LABELS));
    }
    if (!props.probes) return;
    add({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'platform-edge', namespace: OBSERVABILITY_NAMESPACE, labels: EDGE_LABELS }, spec: { groups: edgeRuleGroups() } });
    const board = edgeDashboard();
    add({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      // The Grafana sidecar loads ConfigMaps with this label from the observability namespace.
      metadata: { name: `dashboard-${board.name}`, namespace: OBSERVABILITY_NAMESPACE, labels: { ...EDGE_LABELS, grafana_dashboard: '1' }, annotations: { grafana_folder: 'Platform' } },
      data: { [`${board.name}.json`]: board.json },
    });
  }
}
