/**
 * The platform Gateway's dashboard: traffic, errors and latency per route from the Envoy proxies
 * (Envoy Gateway names a route's upstream cluster `httproute/<namespace>/<name>/rule/<index>`), the
 * certificates Envoy serves, and the controller's xDS and status work. Jobs and metric names come
 * from catalog/addon-monitors.ts.
 */
import { monitorMatchers } from '../../catalog/addon-monitors';
import type { Dashboard } from './chart';
import { dashboard } from './dashboard-builder';

export function gatewayDashboard(): Dashboard {
  const proxy = monitorMatchers('envoy-proxy');
  const controller = monitorMatchers('envoy-gateway');
  const routes = `${proxy},envoy_cluster_name=~"httproute/.*"`;
  return dashboard({
    name: 'gateway',
    uid: 'platform-gateway',
    title: 'Platform / Gateway (Envoy Gateway)',
    tags: ['gateway', 'edge'],
    panels: [
      { title: 'Requests by route', unit: 'reqps', targets: [{ expr: `sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_total{${routes}}[5m]))`, legend: '{{envoy_cluster_name}}' }] },
      {
        title: 'Server error ratio by route',
        unit: 'percentunit',
        targets: [
          {
            expr: `sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{${routes},envoy_response_code_class="5"}[5m])) / sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_total{${routes}}[5m]))`,
            legend: '{{envoy_cluster_name}}',
          },
        ],
      },
      {
        title: 'Upstream latency p95 by route',
        unit: 'ms',
        targets: [{ expr: `histogram_quantile(0.95, sum by (le, envoy_cluster_name) (rate(envoy_cluster_upstream_rq_time_bucket{${routes}}[5m])))`, legend: '{{envoy_cluster_name}}' }],
      },
      { title: 'Active downstream connections by proxy', unit: 'short', targets: [{ expr: `sum by (pod) (envoy_http_downstream_cx_active{${proxy}})`, legend: '{{pod}}' }] },
      { title: 'Days until the first served certificate expires', unit: 'd', targets: [{ expr: `min by (pod) (envoy_server_days_until_first_cert_expiring{${proxy}})`, legend: '{{pod}}' }] },
      { title: 'Controller: xDS snapshot updates', unit: 'ops', targets: [{ expr: `sum by (nodeID) (rate(xds_snapshot_update_total{${controller}}[5m]))`, legend: '{{nodeID}}' }] },
      { title: 'Controller: status updates and applied proxy resources', unit: 'ops', targets: [{ expr: `sum(rate(status_update_total{${controller}}[5m]))`, legend: 'status updates' }, { expr: `sum(rate(resource_apply_total{${controller}}[5m]))`, legend: 'resources applied' }] },
    ],
  });
}
