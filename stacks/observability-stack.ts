/**
 * `<env>-observability`: kube-prometheus-stack (Prometheus with a Thanos sidecar, Alertmanager,
 * Grafana), Loki, Tempo, the OpenTelemetry Collector and its log agent as pinned Helm releases, their Blob
 * storage with retention per signal, and the workload identities that let them write to it
 * (and let the Thanos Store Gateway and Compactor read and compact it). Rules, dashboards, the
 * Alertmanager receiver secret and Thanos Query, Store Gateway and Compactor are rendered
 * (charts/observability) and synced by Argo CD.
 */
import { Construct } from 'constructs';
import { Fn, TerraformOutput, type ITerraformDependable } from 'cdktf';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ADDONS, type AddonName } from '../catalog/addons';
import type { AddonContext } from '../constructs/addons/context';
import { WorkloadIdentity } from '../constructs/addons/identity';
import { installAddon, type AddonReleases } from '../constructs/addons/release';
import { kubePrometheusStackChartValues, thanosObjectStoreConfig } from '../constructs/addons/values/kube-prometheus-stack';
import { PROMETHEUS_SERVICE_ACCOUNT, THANOS_OBJSTORE_SECRET } from '../catalog/cluster-names';
import { lokiChartValues } from '../constructs/addons/values/loki';
import { LOKI_SERVICE_ACCOUNT } from '../catalog/cluster-names';
import { otelCollectorChartValues } from '../constructs/addons/values/otel-collector';
import { otelLogAgentChartValues } from '../constructs/addons/values/otel-log-agent';
import { tempoChartValues } from '../constructs/addons/values/tempo';
import { blackboxExporterChartValues } from '../constructs/addons/values/blackbox-exporter';
import { TEMPO_SERVICE_ACCOUNT } from '../catalog/cluster-names';
import { THANOS, THANOS_BLOB_READERS } from '../catalog/thanos';
import { ClusterAccess } from '../constructs/cluster-access';
import { TelemetryStorage, type Signal } from '../constructs/observability/telemetry-storage';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { NetworkStack } from './network-stack';
import type { PlatformStack } from './platform-stack';

export interface ObservabilityStackProps extends EnvironmentStackProps {
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
}

const NAMESPACE = ADDONS.kubePrometheusStack.namespace;

export class ObservabilityStack extends EnvironmentStack {
  readonly storage: TelemetryStorage;
  readonly releases: AddonReleases = {};

  constructor(scope: Construct, props: ObservabilityStackProps) {
    super(scope, 'observability', props);
    const { env, platform } = props;
    const net = props.network.network;
    const cluster = platform.aks.cluster;
    new ClusterAccess(this, 'cluster-access', { clusterName: cluster.name, resourceGroupName: cluster.resourceGroupName, helm: true });
    const client = new DataAzurermClientConfig(this, 'client', {});
    const r = env.observability.retention;

    this.storage = new TelemetryStorage(this, 'storage', {
      name: this.naming.name('storageAccount', 'obs'),
      privateEndpointName: this.naming.name('privateEndpoint', 'obs-blob'),
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      privateEndpointSubnetId: net.subnets.privateEndpoints.id,
      privateDnsZoneId: net.privateDnsZones.blob.id,
      logAnalyticsWorkspaceId: platform.logs.workspace.id,
      replication: env.data.storage.replication,
      retentionDays: { thanos: r.metricsDays, loki: r.logsDays, tempo: r.tracesDays },
    });

    // Each writer may touch its own container only.
    const identity = (addon: AddonName, serviceAccount: string, signal: Signal) =>
      new WorkloadIdentity(this, `identity-${addon}`, {
        name: this.naming.name('userAssignedIdentity', ADDONS[addon].chart),
        resourceGroupName: this.resourceGroup.name,
        location: env.location,
        oidcIssuerUrl: platform.aks.oidcIssuerUrl,
        namespace: NAMESPACE,
        serviceAccount,
        roles: { 'Storage Blob Data Contributor': [this.storage.containers[signal].id] },
      });
    const ids = {
      kubePrometheusStack: identity('kubePrometheusStack', PROMETHEUS_SERVICE_ACCOUNT, 'thanos'),
      loki: identity('loki', LOKI_SERVICE_ACCOUNT, 'loki'),
      tempo: identity('tempo', TEMPO_SERVICE_ACCOUNT, 'tempo'),
    };
    this.thanosIdentities(props);
    const ctx: AddonContext = {
      env,
      highAvailability: env.addons.highAvailability,
      tenantId: client.tenantId,
      clusterName: cluster.name,
      clientIds: { kubePrometheusStack: ids.kubePrometheusStack.clientId, loki: ids.loki.clientId, tempo: ids.tempo.clientId },
      registryLoginServer: platform.registry.registry.loginServer,
    };
    const account = this.storage.account.name;
    const container = (s: Signal) => this.storage.containers[s].name;

    // Not a secret (account and container names only), but Prometheus reads it from one.
    const objstore = new Manifest(this, 'thanos-objstore', {
      manifest: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: THANOS_OBJSTORE_SECRET, namespace: NAMESPACE },
        type: 'Opaque',
        data: { 'objstore.yml': Fn.base64encode(thanosObjectStoreConfig({ storageAccountName: account, thanosContainer: container('thanos') })) },
      },
    });

    const install = (addon: AddonName, values: object, extra: ITerraformDependable[] = []) =>
      installAddon(this, this.releases, { addon, values: values as Record<string, unknown>, config: env.addons[addon], extra, timeoutSeconds: 900 });
    // Each writer starts only once its token exchange and its container role work.
    install('kubePrometheusStack', kubePrometheusStackChartValues(ctx), [objstore, ...ids.kubePrometheusStack.ready]);
    install('loki', lokiChartValues(ctx, { storageAccountName: account, container: container('loki') }), ids.loki.ready);
    install('tempo', tempoChartValues(ctx, { storageAccountName: account, container: container('tempo') }), ids.tempo.ready);
    install('otelCollector', otelCollectorChartValues(ctx));
    install('otelLogAgent', otelLogAgentChartValues(ctx));
    install('blackboxExporter', blackboxExporterChartValues(ctx));

    new TerraformOutput(this, 'telemetry_storage_account', { value: account });
  }

  /**
   * Thanos Store Gateway and Compactor (rendered by charts/observability) read the sidecar's
   * container with identities of their own: the Store Gateway may only read, the Compactor also
   * writes and deletes. Each is federated with its component's service account; the client ids
   * reach the pods through the platform vault (rendered manifests cannot know them).
   */
  private thanosIdentities(props: ObservabilityStackProps): void {
    const { env, platform } = props;
    for (const key of THANOS_BLOB_READERS) {
      const c = THANOS[key];
      const id = new WorkloadIdentity(this, `identity-${c.name}`, {
        name: this.naming.name('userAssignedIdentity', c.name),
        resourceGroupName: this.resourceGroup.name,
        location: env.location,
        oidcIssuerUrl: platform.aks.oidcIssuerUrl,
        namespace: NAMESPACE,
        serviceAccount: c.name,
        roles: { [c.blob.role]: [this.storage.containers.thanos.id] },
      });
      // A client id is an identifier, not a credential; the vault is only how it reaches the pod.
      new KeyVaultSecret(this, `${c.name}-client-id`, {
        name: c.blob.clientIdSecret,
        keyVaultId: platform.vault.vault.id,
        value: id.clientId,
        contentType: 'client-id',
      });
    }
  }
}
