/**
 * kube-prometheus-stack values: Prometheus with a Thanos sidecar shipping blocks to Blob storage,
 * Alertmanager routed by severity, Grafana with Entra ID login and dashboards from ConfigMaps.
 */
import { stringify } from 'yaml';
import { clientId, mirror, type AddonContext } from '../context';
import { platformHostname } from '../../../catalog/edge';
import type { KubePrometheusStackValues } from '../../../catalog/chart-values/kube-prometheus-stack';
import { agentResources, HELPER_CONTAINER, SMALL_CONTROLLER, WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { NODE_AGENTS } from '../../../catalog/namespaces';
import { PLATFORM_STORAGE_CLASSES } from '../../../catalog/storage-classes';
import { THANOS_QUERY_URL } from '../../../catalog/thanos';
import { alertmanagerSecretPath, ALERTMANAGER_RECEIVERS_SECRET, GRAFANA_SERVICE_ACCOUNT, NODE_EXPORTER_NAMESPACE, PROMETHEUS_SERVICE_ACCOUNT, THANOS_OBJSTORE_SECRET } from '../../../catalog/cluster-names';

export interface ObservabilityEndpoints {
  readonly storageAccountName: string;
  readonly thanosContainer: string;
}

/** The receiver of the Watchdog: an external heartbeat monitor that alerts when the pings stop. */
export const HEARTBEAT_RECEIVER = 'heartbeat';

/**
 * How often the Watchdog is sent to the heartbeat monitor. The monitor's own grace period
 * (docs/runbooks/dead-mans-switch.md) must be several of these, or one slow notification pages.
 */
export const HEARTBEAT_INTERVAL = '1m';

/**
 * Alertmanager routing: P1 pages (and posts to chat), P2 posts to chat, P3 opens a ticket, and the
 * Watchdog (always firing while Prometheus evaluates rules and Alertmanager delivers) pings the
 * external heartbeat monitor every minute: the dead-man's switch.
 */
export function alertmanagerConfig(): Record<string, unknown> {
  return {
    route: {
      receiver: 'ticket',
      group_by: ['alertname', 'namespace', 'severity'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [
        // First, and not continued: the Watchdog goes to the heartbeat monitor only, in a group of
        // its own, re-sent every minute. Nothing inhibits it (its severity is `none`).
        {
          receiver: HEARTBEAT_RECEIVER,
          matchers: ['alertname="Watchdog"'],
          group_by: ['alertname'],
          group_wait: '0s',
          group_interval: HEARTBEAT_INTERVAL,
          repeat_interval: HEARTBEAT_INTERVAL,
        },
        { receiver: 'null', matchers: ['alertname="InfoInhibitor"'] },
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
      { name: 'pager', pagerduty_configs: [{ routing_key_file: alertmanagerSecretPath('pagerduty'), send_resolved: true }] },
      { name: 'chat', msteamsv2_configs: [{ webhook_url_file: alertmanagerSecretPath('teams'), send_resolved: true }] },
      { name: 'ticket', webhook_configs: [{ url_file: alertmanagerSecretPath('ticket'), send_resolved: false }] },
      // A ping is all the monitor needs; a resolved Watchdog would only mean that it stopped.
      { name: HEARTBEAT_RECEIVER, webhook_configs: [{ url_file: alertmanagerSecretPath('heartbeat'), send_resolved: false, timeout: '10s' }] },
    ],
  };
}

export function kubePrometheusStackChartValues(ctx: AddonContext): KubePrometheusStackValues {
  const ha = ctx.highAvailability;
  const o = ctx.env.observability;
  const host = platformHostname('grafana', ctx.env.dns.zoneName);
  const grafanaSso = o.grafana.sso;
  // Each image's registry through its mirror; repositories and tags stay the chart's.
  const quay = { registry: mirror(ctx, 'quay.io') };
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
        image: quay,
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
        storageSpec: { volumeClaimTemplate: { spec: { storageClassName: PLATFORM_STORAGE_CLASSES.premiumDisks.name, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${o.prometheusVolumeGi}Gi` } } } } },
        thanos: {
          objectStorageConfig: { existingSecret: { name: THANOS_OBJSTORE_SECRET, key: 'objstore.yml' } },
          // The sidecar uploads finished blocks and answers store queries for the recent ones.
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
        },
      },
    },
    alertmanager: {
      config: alertmanagerConfig(),
      alertmanagerSpec: { image: quay, replicas: ha ? 3 : 1, secrets: [ALERTMANAGER_RECEIVERS_SECRET], retention: '120h', resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
    },
    grafana: {
      enabled: true,
      image: { registry: mirror(ctx, 'docker.io') },
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
      // Served through the platform Gateway's HTTPRoute (charts/edge); the chart's Ingress stays off.
      ingress: { enabled: false },
      sidecar: {
        image: quay,
        // Only the platform's rendered dashboards: a tenant cannot inject one by labelling a ConfigMap.
        dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', folderAnnotation: 'grafana_folder', provider: { foldersFromFilesStructure: true } },
        // The default Prometheus data source is Thanos Query: both replicas deduplicated, and the
        // history in Blob storage beyond Prometheus' local retention (rendered by charts/observability).
        datasources: { enabled: true, url: THANOS_QUERY_URL },
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
    prometheusOperator: {
      image: quay,
      resources: SMALL_CONTROLLER,
      // The operator adds these to the pods it creates: the config reloader, and the Thanos sidecar (catalog/thanos.ts).
      prometheusConfigReloader: { image: quay, resources: HELPER_CONTAINER },
      thanosImage: quay,
      // The hook Jobs that create and patch the admission webhook's certificate.
      admissionWebhooks: { patch: { image: { registry: mirror(ctx, 'registry.k8s.io') } } },
    },
    // Memory grows with the number of objects in the cluster (tenants' namespaces included).
    'kube-state-metrics': { image: { registry: mirror(ctx, 'registry.k8s.io') }, resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
    // The node-exporter namespace quota is this size times the node count (catalog/namespaces.ts).
    'prometheus-node-exporter': { image: quay, namespaceOverride: NODE_EXPORTER_NAMESPACE, resources: agentResources(NODE_AGENTS.nodeExporter) },
    thanosRuler: { enabled: false },
  };
}

/**
 * Thanos' object store: the Blob container, reached with the pod's workload identity (no key, no
 * `user_assigned_id`: the SDK's default credential reads AZURE_CLIENT_ID and the projected token).
 * The sidecar, the Store Gateway and the Compactor all read this one Secret. Terraform owns the
 * container, so Thanos does not probe for it or try to create it at start-up.
 */
export function thanosObjectStoreConfig(storage: ObservabilityEndpoints): string {
  return stringify({ type: 'AZURE', config: { storage_account: storage.storageAccountName, container: storage.thanosContainer, storage_create_container: false } }, { lineWidth: 0 });
}
