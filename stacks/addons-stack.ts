/**
 * `<env>-addons`: the cluster add-ons as pinned Helm releases, the platform namespaces they run
 * in (Pod Security, quotas, default-deny network policies) and the workload identities of the
 * add-ons that call Azure. Custom resources of these add-ons (ClusterIssuers, the
 * ClusterSecretStore, Argo CD's root Application) live in `<env>-cluster-config`, because
 * `kubernetes_manifest` needs a CRD to exist when it plans.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { ADDONS, type AddonName } from '../catalog/addons';
import type { AddonContext } from '../constructs/addons/context';
import { WorkloadIdentity } from '../constructs/addons/identity';
import { PLATFORM_NAMESPACES } from '../catalog/namespaces';
import { maxNodeCount } from '../catalog/node-pools';
import { PlatformNamespaces } from '../constructs/addons/namespaces';
import { PlatformStorageClasses } from '../constructs/addons/storage-classes';
import { installAddon, type AddonReleases } from '../constructs/addons/release';
import { argocdChartValues } from '../constructs/addons/values/argocd';
import { certManagerChartValues } from '../constructs/addons/values/cert-manager';
import { CERT_MANAGER_SERVICE_ACCOUNT } from '../catalog/cluster-names';
import { externalSecretsChartValues } from '../constructs/addons/values/external-secrets';
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT } from '../catalog/cluster-names';
import { gatekeeperChartValues } from '../constructs/addons/values/gatekeeper';
import { ingressNginxChartValues } from '../constructs/addons/values/ingress-nginx';
import { kedaChartValues } from '../constructs/addons/values/keda';
import { nvidiaDevicePluginChartValues } from '../constructs/addons/values/nvidia-device-plugin';
import { ClusterAccess } from '../constructs/cluster-access';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { NetworkStack } from './network-stack';
import type { PlatformStack } from './platform-stack';

export interface AddonsStackProps extends EnvironmentStackProps {
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
}

/** Add-on -> the platform's values for its chart. */
const CHARTS = {
  gatekeeper: gatekeeperChartValues,
  certManager: certManagerChartValues,
  externalSecrets: externalSecretsChartValues,
  keda: kedaChartValues,
  nvidiaDevicePlugin: nvidiaDevicePluginChartValues,
  ingressNginx: ingressNginxChartValues,
  argocd: argocdChartValues,
} satisfies Partial<Record<AddonName, (ctx: AddonContext) => object>>;

/**
 * Install order within the stack; the catalogue's dependencies are added as explicit edges, and
 * everything waits for Gatekeeper: its fail-closed webhook is registered before its pods are
 * ready, and would reject what other charts create in that window.
 */
const ORDER = Object.keys(CHARTS) as (keyof typeof CHARTS)[];

export class AddonsStack extends EnvironmentStack {
  readonly releases: AddonReleases = {};
  readonly namespaces: PlatformNamespaces;

  constructor(scope: Construct, props: AddonsStackProps) {
    super(scope, 'addons', props);
    const { env, platform } = props;
    const cluster = platform.aks.cluster;
    new ClusterAccess(this, 'cluster-access', { clusterName: cluster.name, resourceGroupName: cluster.resourceGroupName, helm: true });
    const client = new DataAzurermClientConfig(this, 'client', {});

    this.namespaces = new PlatformNamespaces(this, 'namespaces', {
      namespaces: PLATFORM_NAMESPACES,
      subnets: env.network.subnets,
      privateCidrs: [env.aks.podCidr, env.aks.serviceCidr, env.network.addressSpace],
      maxNodes: maxNodeCount(env.aks.nodePools),
    });

    const net = props.network.network;
    new PlatformStorageClasses(this, 'storage-classes', {
      location: env.location,
      networkResourceGroupName: props.network.resourceGroup.name,
      vnetName: net.vnet.name,
      privateEndpointSubnetName: net.subnets.privateEndpoints.name,
      fileDnsZoneLinkName: net.privateDnsZoneLinks.file.name,
    });

    const identity = (addon: AddonName, serviceAccount: string, roles: Record<string, string[]>) =>
      new WorkloadIdentity(this, `identity-${addon}`, {
        name: this.naming.name('userAssignedIdentity', ADDONS[addon].chart),
        resourceGroupName: this.resourceGroup.name,
        location: env.location,
        oidcIssuerUrl: platform.aks.oidcIssuerUrl,
        namespace: ADDONS[addon].namespace,
        serviceAccount,
        roles,
      });
    // DNS-01 challenges write TXT records in the environment's zone, and nothing else.
    const certManager = identity('certManager', CERT_MANAGER_SERVICE_ACCOUNT, { 'DNS Zone Contributor': [platform.dnsZone.id] });
    // Reads secrets of the platform vault; tenants' vaults are theirs.
    const externalSecrets = identity('externalSecrets', EXTERNAL_SECRETS_SERVICE_ACCOUNT, { 'Key Vault Secrets User': [platform.vault.vault.id] });

    const identities: Partial<Record<AddonName, WorkloadIdentity>> = { certManager, externalSecrets };
    const ctx: AddonContext = {
      env,
      highAvailability: env.addons.highAvailability,
      tenantId: client.tenantId,
      clusterName: cluster.name,
      clientIds: {
        certManager: certManager.clientId,
        externalSecrets: externalSecrets.clientId,
      },
    };

    for (const addon of ORDER) {
      const gatekeeper = addon !== 'gatekeeper' && this.releases.gatekeeper ? [this.releases.gatekeeper.release] : [];
      installAddon(this, this.releases, {
        addon,
        values: CHARTS[addon](ctx) as Record<string, unknown>,
        config: env.addons[addon],
        extra: [...this.namespaces.ready[ADDONS[addon].namespace], ...gatekeeper, ...(identities[addon]?.ready ?? [])],
        // Argo CD's HA redis and Gatekeeper's webhook readiness take longer than the rest.
        timeoutSeconds: addon === 'argocd' || addon === 'gatekeeper' ? 900 : 600,
      });
    }

    new TerraformOutput(this, 'cert_manager_client_id', { value: certManager.clientId });
    new TerraformOutput(this, 'external_secrets_client_id', { value: externalSecrets.clientId });
  }
}
