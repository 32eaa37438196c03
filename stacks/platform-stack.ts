/**
 * `<env>-platform`: AKS with its node pools, the registry, Key Vault, Log Analytics, the
 * identities that tie them together, and the environment's public DNS zone.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { DnsZone } from '@cdktf/provider-azurerm/lib/dns-zone';
import { SecurityCenterSubscriptionPricing } from '@cdktf/provider-azurerm/lib/security-center-subscription-pricing';
import { AksCluster } from '../constructs/aks';
import { FileDriverAccess } from '../constructs/aks/file-driver-access';
import { grantRole, ManagedIdentity } from '../constructs/identity';
import { Vault } from '../constructs/key-vault';
import { Diagnostics, Workspace } from '../constructs/monitoring';
import { GPU_TAINTS, gpuPoolLabels, NodePool } from '../constructs/node-pool';
import { Registry } from '../constructs/registry';
import { RegistryMirror } from '../constructs/registry/mirror';
import { UPSTREAM_REGISTRIES } from '../catalog/registry-mirrors';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { NetworkStack } from './network-stack';

/** The Defender for Containers features the plan turns on. */
export const DEFENDER_CONTAINERS_EXTENSIONS = ['ContainerRegistriesVulnerabilityAssessments', 'AgentlessDiscoveryForKubernetes', 'ContainerSensor'];

export interface PlatformStackProps extends EnvironmentStackProps {
  readonly network: NetworkStack;
}

export class PlatformStack extends EnvironmentStack {
  readonly aks: AksCluster;
  readonly registry: Registry;
  readonly vault: Vault;
  readonly logs: Workspace;
  readonly kubeletIdentity: ManagedIdentity;
  readonly dnsZone: DnsZone;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, 'platform', props);
    const { env } = props;
    const { naming } = this;
    const net = props.network.network;
    const rg = this.resourceGroup.name;
    const location = env.location;
    const client = new DataAzurermClientConfig(this, 'client', {});

    this.logs = new Workspace(this, 'log-analytics', {
      name: naming.name('logAnalyticsWorkspace'),
      resourceGroupName: rg,
      location,
      retentionDays: env.logAnalytics.retentionDays,
      dailyQuotaGb: env.logAnalytics.dailyQuotaGb,
    });
    const workspaceId = this.logs.workspace.id;

    const controlPlane = new ManagedIdentity(this, 'aks-control-plane-identity', {
      name: naming.name('userAssignedIdentity', 'aks-control-plane'),
      resourceGroupName: rg,
      location,
    });
    this.kubeletIdentity = new ManagedIdentity(this, 'aks-kubelet-identity', {
      name: naming.name('userAssignedIdentity', 'aks-kubelet'),
      resourceGroupName: rg,
      location,
    });

    this.aks = new AksCluster(this, 'aks', {
      name: naming.name('kubernetesCluster'),
      dnsPrefix: `${env.project}-${env.name}`,
      nodeResourceGroup: naming.name('resourceGroup', 'aks-nodes'),
      resourceGroupName: rg,
      location,
      config: env.aks,
      nodesSubnetId: net.subnets.nodes.id,
      apiServerSubnetId: net.subnets.apiServer.id,
      networkScopes: {
        nodes: net.subnets.nodes.id,
        apiserver: net.subnets.apiServer.id,
        ...(props.network.firewall ? { routes: props.network.firewall.routeTable.id } : {}),
      },
      outboundType: props.network.firewall ? 'userDefinedRouting' : 'loadBalancer',
      privateDnsZoneId: net.aksPrivateDnsZone?.id,
      logAnalyticsWorkspaceId: workspaceId,
      controlPlaneIdentity: controlPlane,
      kubeletIdentity: this.kubeletIdentity,
      tenantId: client.tenantId,
    });

    new FileDriverAccess(this, 'file-driver-access', {
      roleName: `${env.project}-${env.name} private endpoints of the Azure Files driver`,
      networkResourceGroupId: props.network.resourceGroup.id,
      privateEndpointSubnetId: net.subnets.privateEndpoints.id,
      fileDnsZoneId: net.privateDnsZones.file.id,
      nodeResourceGroupId: this.aks.cluster.nodeResourceGroupId,
      controlPlaneIdentity: controlPlane,
      kubeletIdentity: this.kubeletIdentity,
    });

    const pools = env.aks.nodePools;
    new NodePool(this, 'workload-pool', {
      name: 'workload',
      clusterId: this.aks.id,
      subnetId: net.subnets.nodes.id,
      config: pools.workload,
    });
    if (pools.gpu.enabled) {
      new NodePool(this, 'gpu-pool', {
        name: 'gpu',
        clusterId: this.aks.id,
        subnetId: net.subnets.nodes.id,
        config: pools.gpu,
        labels: gpuPoolLabels(pools.gpu),
        taints: [...GPU_TAINTS],
        gpuDriver: 'Install',
        ...(pools.gpu.spot.enabled ? { spot: { maxPrice: pools.gpu.spot.maxPrice } } : {}),
      });
    }

    this.registry = new Registry(this, 'container-registry', {
      name: naming.name('containerRegistry'),
      privateEndpointName: naming.name('privateEndpoint', 'acr'),
      resourceGroupName: rg,
      location,
      publicNetworkAccess: env.publicNetworkAccess,
      geoReplicationLocations: env.containerRegistry.geoReplicationLocations,
      untaggedRetentionDays: env.containerRegistry.untaggedRetentionDays,
      privateEndpointSubnetId: net.subnets.privateEndpoints.id,
      privateDnsZoneId: net.privateDnsZones.containerRegistry.id,
      logAnalyticsWorkspaceId: workspaceId,
      pullers: [{ id: 'kubelet', identity: this.kubeletIdentity }],
    });

    this.vault = new Vault(this, 'key-vault', {
      name: naming.name('keyVault'),
      privateEndpointName: naming.name('privateEndpoint', 'kv'),
      resourceGroupName: rg,
      location,
      tenantId: client.tenantId,
      softDeleteRetentionDays: env.keyVault.softDeleteRetentionDays,
      publicNetworkAccess: env.publicNetworkAccess,
      privateEndpointSubnetId: net.subnets.privateEndpoints.id,
      privateDnsZoneId: net.privateDnsZones.keyVault.id,
      logAnalyticsWorkspaceId: workspaceId,
    });

    // Every upstream image is pulled through ACR; nodes never reach a public registry.
    new RegistryMirror(this, 'registry-mirror', {
      registryId: this.registry.registry.id,
      vaultId: this.vault.vault.id,
      vaultUri: this.vault.vault.vaultUri,
      upstreams: UPSTREAM_REGISTRIES,
    });

    // The identity that runs `cdktf deploy` installs add-ons into the cluster (Entra ID, no
    // local accounts) and writes generated secrets into the vault in later stacks.
    grantRole(this, 'deployer-aks-admin', {
      principalId: client.objectId,
      role: 'Azure Kubernetes Service RBAC Cluster Admin',
      scope: this.aks.id,
      description: 'cdktf deployer installs cluster add-ons',
    });
    grantRole(this, 'deployer-kv-secrets', {
      principalId: client.objectId,
      role: 'Key Vault Secrets Officer',
      scope: this.vault.vault.id,
      description: 'cdktf deployer writes generated secrets',
    });

    this.dnsZone = new DnsZone(this, 'dns-zone', { name: env.dns.zoneName, resourceGroupName: rg });

    // Defender for Containers on the subscription: registry image scanning, runtime threat
    // detection on the nodes (the cluster's Defender profile sends to it), agentless discovery.
    if (env.security.defenderForContainers === 'manage') {
      new SecurityCenterSubscriptionPricing(this, 'defender-containers', {
        tier: 'Standard',
        resourceType: 'Containers',
        extension: DEFENDER_CONTAINERS_EXTENSIONS.map((name) => ({ name })),
      });
    } else {
      // Read by the conftest rule that requires the plan, so an owner elsewhere is explicit.
      new TerraformOutput(this, 'defender_for_containers_owner', { value: env.security.externalOwner ?? '', description: 'who manages the Defender for Containers plan of this subscription' });
    }

    // The firewall's decisions (resource-specific tables: application, network and DNS rules).
    if (props.network.firewall) {
      new Diagnostics(this, 'firewall-diagnostics', {
        name: 'diag-to-log-analytics',
        targetResourceId: props.network.firewall.firewall.id,
        workspaceId,
        categoryGroups: ['allLogs'],
      });
    }

    const out = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    out('aks_cluster_name', this.aks.cluster.name, 'AKS cluster name (az aks get-credentials)');
    out('aks_oidc_issuer_url', this.aks.oidcIssuerUrl, 'OIDC issuer trusted by workload identity federation');
    out('acr_login_server', this.registry.registry.loginServer, 'Registry login server');
    out('key_vault_uri', this.vault.vault.vaultUri, 'Key Vault URI');
    new TerraformOutput(this, 'dns_name_servers', { value: this.dnsZone.nameServers, description: 'Delegate the zone to these name servers' });
  }
}
