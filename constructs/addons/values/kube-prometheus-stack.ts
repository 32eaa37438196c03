/**
 * kube-prometheus-stack values: Prometheus with a Thanos sidecar shipping blocks to Blob storage,
 * Alertmanager routed by severity, Grafana with Entra ID login and dashboards from ConfigMaps.
 */
import { stringify } from 'yaml';
import { clientId, type AddonContext } from '../context';
import { ACME_ISSUER } from '../../../catalog/cluster-names';
import { INGRESS_CLASS } from '../../../catalog/cluster-names';
import type { KubePrometheusStackValues } from '../../../catalog/chart-values/kube-prometheus-stack';
import { agentResources, HELPER_CONTAINER, SMALL_CONTROLLER, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { NODE_AGENTS } from '../../../catalog/namespaces';
import { ALERTMANAGER_RECEIVERS_SECRET, GRAFANA_SERVICE_ACCOUNT, NODE_EXPORTER_NAMESPACE, PROMETHEUS_SERVICE_ACCOUNT, THANOS_OBJSTORE_SECRET } from '../../../catalog/cluster-names';

export interface ObservabilityEndpoints {
  readonly storageAccountName: string;
  readonly thanosContainer: string;
}

/** Alertmanager routing: P1 pages (and posts to chat), P2 posts to chat, P3 opens a ticket. */
export function alertmanagerConfig(): Record<string, unknown> {
  const secret = (key: string) => `/etc/alertmanager/secrets/${ALERTMANAGER_RECEIVERS_SECRET}/${key}`;
  return {
    route: {
      receiver: 'ticket',
      group_by: ['alertname', 'namespace', 'severity'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [
        { receiver: 'null', matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
        // The upstream rules say critical/warning/info; they follow the same ladder.
        { receiver: 'pager', matchers: ['severity=~"P1|critical"'], repeat_interval: '1h', continue: true },
        { receiver: 'chat', matchers: ['severity=~"P1|critical"'], repeat_interval: '1h' },
        { receiver: 'chat', matchers: ['severity=~"P2|warning"'], repeat_interval: '4h' },
        { receiver: 'ticket', matchers: ['severity=~"P3|info"'], repeat_interval: '24h' },
      ],
    },
    inhibit_rules: [
      // While something pages, the lesser alerts about the same thing are noise.
      { source_matchers: ['severity=~"P1|critical"'], target_matchers: ['severity=~"P2|P3|warning|info"'], equal: ['namespace', 'alertname'] },
      { source_matchers: ['severity=~"P2|warning"'], target_matchers: ['severity=~"P3|info"'], equal: ['namespace', 'alertname'] },
      { source_matchers: ['alertname="InfoInhibitor"'], target_matchers: ['severity="info"'], equal: ['namespace'] },
    ],
    receivers: [
      { name: 'null' },
      { name: 'pager', pagerduty_configs: [{ routing_key_file: secret('pagerduty-routing-key'), send_resolved: true }] },
      { name: 'chat', msteamsv2_configs: [{ webhook_url_file: secret('teams-webhook-url'), send_resolved: true }] },
      { name: 'ticket', webhook_configs: [{ url_file: secret('ticket-webhook-url'), send_resolved: false }] },
    ],
  };
}

export function kubePrometheusStackChartValues(ctx: AddonContext): KubePrometheusStackValues {
  const ha = ctx.highAvailability;
  const o = ctx.env.observability;
  const host = `grafana.${ctx.env.dns.zoneName}`;
  const grafanaSso = o.grafana.sso;
  return {
    crds: { enabled: true },
    // AKS runs the control plane (no scrapeable controller manager, scheduler or etcd) and Cilium
    // replaces kube-proxy: their targets would be down forever and page P1.
    defaultRules: { create: true, rules: { kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, etcd: false, kubeProxy: false } },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    prometheus: {
      serviceAccount: { create: true, name: PROMETHEUS_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(clientId(ctx, 'kubePrometheusStack')) },
      thanosService: { enabled: true },
      prometheusSpec: {
        replicas: ha ? 2 : 1,
        // Local retention covers queries and the Thanos upload window; history lives in Blob storage.
        retention: `${o.retention.metricsLocalDays}d`,
        externalLabels: { environment: ctx.env.name, cluster: ctx.clusterName },
        enableRemoteWriteReceiver: true,
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        podMetadata: { labels: { ...WORKLOAD_IDENTITY_LABEL } },
        resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '8Gi' } },
        storageSpec: { volumeClaimTemplate: { spec: { storageClassName: 'managed-csi-premium', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${o.prometheusVolumeGi}Gi` } } } } },
        thanos: {
          objectStorageConfig: { existingSecret: { name: THANOS_OBJSTORE_SECRET, key: 'objstore.yml' } },
          // The sidecar uploads finished blocks and answers store queries for the recent ones.
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
        },
      },
    },
    alertmanager: {
      config: alertmanagerConfig(),
      alertmanagerSpec: { replicas: ha ? 3 : 1, secrets: [ALERTMANAGER_RECEIVERS_SECRET], retention: '120h', resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
    },
    grafana: {
      enabled: true,
      // One replica: Grafana keeps sessions and state in a local SQLite file, so a second replica
      // would log users out on every load-balanced request. Dashboards are provisioned from Git.
      replicas: 1,
      // Read ConfigMaps and Secrets of its own namespace only, not every tenant's.
      rbac: { namespaced: true },
      podLabels: { ...WORKLOAD_IDENTITY_LABEL },
      serviceAccount: { create: true, name: GRAFANA_SERVICE_ACCOUNT, annotations: workloadIdentityAnnotation(grafanaSso.clientId) },
      'grafana.ini': {
        server: { root_url: `https://${host}` },
        auth: { disable_login_form: true },
        'auth.basic': { enabled: false },
        'auth.anonymous': { enabled: false },
        // Entra ID login; the app registration trusts Grafana's service account, so no client secret exists.
        'auth.azuread': {
          enabled: true,
          name: 'Entra ID',
          client_id: grafanaSso.clientId,
          client_authentication: 'workload_identity',
          workload_identity_token_file: '/var/run/secrets/azure/tokens/azure-identity-token',
          federated_credential_audience: 'api://AzureADTokenExchange',
          // Only accounts of this organisation's Entra tenant.
          allowed_organizations: ctx.tenantId,
          scopes: 'openid email profile',
          auth_url: `https://login.microsoftonline.com/${ctx.tenantId}/oauth2/v2.0/authorize`,
          token_url: `https://login.microsoftonline.com/${ctx.tenantId}/oauth2/v2.0/token`,
          allowed_groups: [...grafanaSso.viewerGroupObjectIds, ...grafanaSso.adminGroupObjectIds].join(' '),
          role_attribute_strict: true,
          allow_assign_grafana_admin: false,
          use_pkce: true,
        },
        users: { viewers_can_edit: false },
      },
      ingress: {
        enabled: true,
        ingressClassName: INGRESS_CLASS,
        annotations: { 'cert-manager.io/cluster-issuer': ACME_ISSUER },
        hosts: [host],
        tls: [{ secretName: 'grafana-tls', hosts: [host] }],
      },
      sidecar: {
        // Only the platform's rendered dashboards: a tenant cannot inject one by labelling a ConfigMap.
        dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', folderAnnotation: 'grafana_folder', provider: { foldersFromFilesStructure: true } },
        datasources: { enabled: true },
        resources: HELPER_CONTAINER,
      },
      // The chart's `helm test` pod runs as root without a seccomp profile, which the namespace's
      // Pod Security (restricted) refuses; releases are checked by Helm's wait and the rendered-chart test.
      testFramework: { enabled: false },
      additionalDataSources: [
        { name: 'Loki', uid: 'loki', type: 'loki', url: 'http://loki-gateway.observability.svc', access: 'proxy' },
        { name: 'Tempo', uid: 'tempo', type: 'tempo', url: 'http://tempo.observability.svc:3200', access: 'proxy', jsonData: { tracesToLogsV2: { datasourceUid: 'loki' }, serviceMap: { datasourceUid: 'prometheus' } } },
      ],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    },
    prometheusOperator: { resources: SMALL_CONTROLLER, prometheusConfigReloader: { resources: HELPER_CONTAINER } },
    // Memory grows with the number of objects in the cluster (tenants' namespaces included).
    'kube-state-metrics': { resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
    // The node-exporter namespace quota is this size times the node count (catalog/namespaces.ts).
    'prometheus-node-exporter': { namespaceOverride: NODE_EXPORTER_NAMESPACE, resources: agentResources(NODE_AGENTS.nodeExporter) },
    thanosRuler: { enabled: false },
  };
}

/** Thanos' object store: the Blob container, reached with the pod's workload identity. */
export function thanosObjectStoreConfig(storage: ObservabilityEndpoints): string {
  return stringify({ type: 'AZURE', config: { storage_account: storage.storageAccountName, container: storage.thanosContainer } }, { lineWidth: 0 });
}
