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
import { DataAzurermKeyVault } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault';
import { MCP_SESSION_SEED_SECRET } from '../catalog/ai-gateway';
import { ADDONS, releaseName, type AddonName } from '../catalog/addons';
import type { AddonContext } from '../constructs/addons/context';
import { WorkloadIdentity } from '../constructs/addons/identity';
import { PLATFORM_NAMESPACES } from '../catalog/namespaces';
import { maxNodeCount } from '../catalog/node-pools';
import { PlatformNamespaces } from '../constructs/addons/namespaces';
import { PlatformStorageClasses } from '../constructs/addons/storage-classes';
import { installAddon, type AddonReleases } from '../constructs/addons/release';
import { argocdChartValues } from '../constructs/addons/values/argocd';
import { certManagerChartValues } from '../constructs/addons/values/cert-manager';
import { CERT_MANAGER_SERVICE_ACCOUNT, RATIFY_SERVICE_ACCOUNT } from '../catalog/cluster-names';
import { SIGNING_CERTIFICATE_NAME } from '../catalog/supply-chain';
import { externalSecretsChartValues } from '../constructs/addons/values/external-secrets';
import { EXTERNAL_SECRETS_SERVICE_ACCOUNT } from '../catalog/cluster-names';
import { gatekeeperChartValues } from '../constructs/addons/values/gatekeeper';
import { envoyGatewayChartValues } from '../constructs/addons/values/envoy-gateway';
import { aiGatewayChartValues, aiGatewayCrdsChartValues } from '../constructs/addons/values/ai-gateway';
import { externalDnsAzureConfig, externalDnsChartValues, externalDnsPrivateChartValues } from '../constructs/addons/values/external-dns';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { externalDnsConfigMap } from '../catalog/cluster-names';
import { kedaChartValues } from '../constructs/addons/values/keda';
import { argoRolloutsChartValues } from '../constructs/addons/values/argo-rollouts';
import { ratifyChartValues } from '../constructs/addons/values/ratify';
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
  // Before cert-manager: its chart brings the Gateway API CRDs cert-manager's Gateway support needs at start.
  envoyGateway: envoyGatewayChartValues,
  ratify: ratifyChartValues,
  certManager: certManagerChartValues,
  // After Envoy Gateway (whose extension server it is) and cert-manager (its webhook's certificate).
  aiGatewayCrds: aiGatewayCrdsChartValues,
  aiGateway: aiGatewayChartValues,
  externalDns: externalDnsChartValues,
  externalDnsPrivate: externalDnsPrivateChartValues,
  externalSecrets: externalSecretsChartValues,
  keda: kedaChartValues,
  // After Envoy Gateway: the plugin patches HTTPRoutes, whose CRDs its chart brings.
  argoRollouts: argoRolloutsChartValues,
  nvidiaDevicePlugin: nvidiaDevicePluginChartValues,
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
        name: this.naming.name('userAssignedIdentity', releaseName(addon)),
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

    // Pulls signatures from the platform registry and reads the signing certificate, that one only.
    const vaultId = platform.vault.vault.id;
    const ratify = identity('ratify', RATIFY_SERVICE_ACCOUNT, {
      AcrPull: [platform.registry.registry.id],
      'Key Vault Certificate User': [`${vaultId}/certificates/${SIGNING_CERTIFICATE_NAME}`],
      'Key Vault Secrets User': [`${vaultId}/secrets/${SIGNING_CERTIFICATE_NAME}`],
    });

    // Route hosts into the environment's zones: each release may write its own zone, and nothing else.
    const externalDns = identity('externalDns', releaseName('externalDns'), { 'DNS Zone Contributor': [platform.dnsZone.id] });
    const privateZone = net.platformPrivateDnsZone;
    const externalDnsPrivate = identity('externalDnsPrivate', releaseName('externalDnsPrivate'), { 'Private DNS Zone Contributor': [privateZone.id] });
    // azure.json per release (no secret in it: workload identity), before the release that mounts it.
    const dnsConfig = (addon: 'externalDns' | 'externalDnsPrivate', resourceGroup: string) =>
      new Manifest(this, `${releaseName(addon)}-azure-config`, {
        manifest: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: externalDnsConfigMap(releaseName(addon)), namespace: ADDONS[addon].namespace, labels: { 'app.kubernetes.io/part-of': 'platform' } },
          data: { 'azure.json': externalDnsAzureConfig({ tenantId: client.tenantId, subscriptionId: client.subscriptionId, resourceGroup }) },
        },
        dependsOn: this.namespaces.ready[ADDONS[addon].namespace],
      });
    const configs: Partial<Record<AddonName, Manifest>> = {
      externalDns: dnsConfig('externalDns', platform.dnsZone.resourceGroupName),
      externalDnsPrivate: dnsConfig('externalDnsPrivate', privateZone.resourceGroupName),
    };

    const identities: Partial<Record<AddonName, WorkloadIdentity>> = { certManager, externalSecrets, ratify, externalDns, externalDnsPrivate };
    const ctx: AddonContext = {
      env,
      highAvailability: env.addons.highAvailability,
      tenantId: client.tenantId,
      clusterName: cluster.name,
      clientIds: {
        certManager: certManager.clientId,
        externalSecrets: externalSecrets.clientId,
        ratify: ratify.clientId,
        externalDns: externalDns.clientId,
        externalDnsPrivate: externalDnsPrivate.clientId,
      },
      vaultUri: platform.vault.vault.vaultUri,
      registryLoginServer: platform.registry.registry.loginServer,
    };

    for (const addon of ORDER) {
      const gatekeeper = addon !== 'gatekeeper' && this.releases.gatekeeper ? [this.releases.gatekeeper.release] : [];
      // cert-manager with Gateway API support starts only once the Gateway API CRDs exist.
      const gatewayCrds = addon === 'certManager' && this.releases.envoyGateway ? [this.releases.envoyGateway.release] : [];
      installAddon(this, this.releases, {
        addon,
        values: CHARTS[addon](ctx) as Record<string, unknown>,
        config: env.addons[addon],
        extra: [...this.namespaces.ready[ADDONS[addon].namespace], ...gatekeeper, ...gatewayCrds, ...(identities[addon]?.ready ?? []), ...(configs[addon] ? [configs[addon]] : [])],
        // Argo CD's HA redis and Gatekeeper's webhook readiness take longer than the rest.
        timeoutSeconds: addon === 'argocd' || addon === 'gatekeeper' ? 900 : 600,
        ...(addon === 'aiGateway'
          ? { writeOnly: { values: { 'controller.mcp.sessionEncryption.seed': this.ephemeralVaultSecret(platform, MCP_SESSION_SEED_SECRET) }, revision: env.addons.aiGateway.sessionSeedRevision } }
          : {}),
      });
    }

    new TerraformOutput(this, 'cert_manager_client_id', { value: certManager.clientId });
    new TerraformOutput(this, 'external_secrets_client_id', { value: externalSecrets.clientId });
  }

  /**
   * A secret of the platform vault as a Terraform expression, read at apply time through an
   * ephemeral resource (Terraform 1.10+) for write-only arguments: never stored in the state.
   * cdktf 0.21 has no ephemeral blocks, so it is added as a raw override (as the data stack does).
   */
  private ephemeralVaultSecret(platform: PlatformStack, secretName: string): string {
    const vault = new DataAzurermKeyVault(this, 'platform-vault', { name: platform.vault.vault.name, resourceGroupName: platform.vault.vault.resourceGroupName });
    const id = secretName.replace(/-/g, '_');
    this.addOverride(`ephemeral.azurerm_key_vault_secret.${id}`, { name: secretName, key_vault_id: `\${data.azurerm_key_vault.${vault.friendlyUniqueId}.id}` });
    return `\${ephemeral.azurerm_key_vault_secret.${id}.value}`;
  }
}
