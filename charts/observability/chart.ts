/**
 * rendered/<env>/observability: the PrometheusRules (SLOs, agent operations, tenant LLM budgets),
 * the Grafana dashboards as ConfigMaps the Grafana sidecar loads, the ServiceMonitors and
 * PodMonitors that scrape the add-ons, the ExternalSecret with Alertmanager's receiver keys
 * from Key Vault, and Thanos Query, Store Gateway and Compactor (./thanos.ts).
 *
 * The monitors live here rather than in the add-ons stack: their CRDs arrive with
 * kube-prometheus-stack in the observability stack, and Argo CD applies this app after that.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { MONITOR_NAMESPACE, monitorNamespace, type AddonMonitor } from '../../catalog/addon-monitors';
import { PLATFORM_SECRET_STORE } from '../../catalog/cluster-names';
import { ALERTMANAGER_RECEIVER_SECRETS, ALERTMANAGER_RECEIVERS_SECRET } from '../../catalog/cluster-names';
import { OBSERVABILITY_NAMESPACE } from '../../catalog/namespaces';
import type { RuleGroup } from './slo';
import { Thanos, type ThanosProps } from './thanos';

/** Key Vault secret -> key in the receivers Secret (mounted under /etc/alertmanager/secrets/). */
export const RECEIVER_SECRETS: Record<string, string> = Object.fromEntries(Object.values(ALERTMANAGER_RECEIVER_SECRETS).map((s) => [s.vault, s.key]));

export interface Dashboard {
  /** File name without .json, also the ConfigMap's suffix. */
  readonly name: string;
  readonly json: string;
  /** The Grafana folder (the sidecar's folder annotation); default `Platform`. */
  readonly folder?: string;
}

export interface ObservabilityChartProps {
  readonly ruleSets: Record<string, RuleGroup[]>;
  readonly dashboards: readonly Dashboard[];
  /** Scrape configuration for the add-ons enabled in the environment. */
  readonly monitors: readonly AddonMonitor[];
  /** Thanos Query, Store Gateway and Compactor on the sidecar's Blob container. */
  readonly thanos: ThanosProps;
}

/** Every scrape of an add-on, as often as the platform's own services are scraped. */
const SCRAPE_INTERVAL = '30s';

const labels = { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/name': 'observability' };

export class ObservabilityChart extends Chart {
  constructor(scope: Construct, id: string, props: ObservabilityChartProps) {
    super(scope, id, { namespace: OBSERVABILITY_NAMESPACE });
    for (const [name, groups] of Object.entries(props.ruleSets)) {
      if (groups.length === 0) continue;
      new ApiObject(this, `rules-${name}`, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name, labels },
        spec: { groups },
      });
    }
    for (const d of props.dashboards) {
      new ApiObject(this, `dashboard-${d.name}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `dashboard-${d.name}`, labels: { ...labels, grafana_dashboard: '1' }, annotations: { grafana_folder: d.folder ?? 'Platform' } },
        data: { [`${d.name}.json`]: d.json },
      });
    }
    for (const m of props.monitors) {
      const endpoint = { port: m.port, path: m.path, interval: SCRAPE_INTERVAL, scheme: 'http' };
      new ApiObject(this, `monitor-${m.name}`, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: m.kind,
        metadata: { name: m.name, namespace: MONITOR_NAMESPACE, labels },
        spec: {
          selector: { matchLabels: m.selector },
          namespaceSelector: { matchNames: [monitorNamespace(m)] },
          ...(m.kind === 'ServiceMonitor' ? { endpoints: [endpoint] } : { podMetricsEndpoints: [endpoint] }),
        },
      });
    }
    new ApiObject(this, 'receivers', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: ALERTMANAGER_RECEIVERS_SECRET, labels },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE },
        target: { name: ALERTMANAGER_RECEIVERS_SECRET, creationPolicy: 'Owner' },
        data: Object.entries(RECEIVER_SECRETS).map(([remote, key]) => ({ secretKey: key, remoteRef: { key: remote } })),
      },
    });
    new Thanos(this, 'thanos', props.thanos);
  }
}
