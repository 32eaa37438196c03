/**
 * An AKS cluster with the platform's secure defaults (see docs/adr/0002-aks-secure-defaults.md).
 * Every default is on unless the environment file turns it off; the only switches are the ones
 * that legitimately differ per environment (private API server, sizes, windows).
 */
import { Construct } from 'constructs';
import { KubernetesCluster, type KubernetesClusterConfig } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import type { EnvironmentConfig } from '../../config/schema';
import { Diagnostics } from '../monitoring';
import { ManagedIdentity } from '../identity';
import { assertValidName } from '../../catalog/naming';
import { temporaryPoolName } from '../node-pool';

type AksConfig = EnvironmentConfig['aks'];

export interface AksClusterProps {
  readonly name: string;
  readonly dnsPrefix: string;
  readonly nodeResourceGroup: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly config: AksConfig;
  readonly nodesSubnetId: string;
  readonly apiServerSubnetId: string;
  /**
   * What the control-plane identity manages in the network (Network Contributor on each): the
   * node and API-server subnets (NICs, internal load balancers) and, with the egress firewall,
   * the node subnet's route table. Never the whole VNet.
   */
  readonly networkScopes: Record<string, string>;
  /** `userDefinedRouting` when the node subnet's default route points at the egress firewall. */
  readonly outboundType: 'loadBalancer' | 'userDefinedRouting';
  /** Required when `config.privateCluster` is true. */
  readonly privateDnsZoneId?: string;
  readonly logAnalyticsWorkspaceId: string;
  readonly controlPlaneIdentity: ManagedIdentity;
  readonly kubeletIdentity: ManagedIdentity;
  readonly tenantId: string;
}

/**
 * Control-plane logs kept. `kube-audit-admin` rather than `kube-audit`: it drops get/list
 * reads, which are most of the volume and rarely needed for forensics.
 */
export const AKS_LOG_CATEGORIES = [
  'kube-apiserver',
  'kube-audit-admin',
  'kube-controller-manager',
  'kube-scheduler',
  'cluster-autoscaler',
  'cloud-controller-manager',
  'guard',
  'csi-azuredisk-controller',
  'csi-azurefile-controller',
  'csi-snapshot-controller',
] as const;

export const SYSTEM_POOL_NAME = 'system';

export class AksCluster extends Construct {
  readonly cluster: KubernetesCluster;

  constructor(scope: Construct, id: string, props: AksClusterProps) {
    super(scope, id);
    const { config } = props;
    if (config.privateCluster && !props.privateDnsZoneId) {
      throw new Error('a private AKS cluster needs privateDnsZoneId (the network stack creates it)');
    }
    assertValidName('nodePool', SYSTEM_POOL_NAME);

    // The control plane identity must be able to join subnets, assign the kubelet identity and
    // register the API server's private DNS record before the cluster exists.
    const prerequisites = [
      ...Object.entries(props.networkScopes).map(([key, scope]) => props.controlPlaneIdentity.grant(`cp-network-${key}`, 'Network Contributor', scope)),
      props.controlPlaneIdentity.grant('cp-identity-operator', 'Managed Identity Operator', props.kubeletIdentity.id),
      ...(config.privateCluster && props.privateDnsZoneId
        ? [props.controlPlaneIdentity.grant('cp-private-dns', 'Private DNS Zone Contributor', props.privateDnsZoneId)]
        : []),
    ];

    const system = config.nodePools.system;
    const window = config.upgrade.maintenanceWindow;
    const maintenance = {
      frequency: 'Weekly',
      interval: 1,
      dayOfWeek: window.dayOfWeek,
      startTime: window.startTime,
      utcOffset: window.utcOffset,
      duration: window.durationHours,
    };

    const clusterConfig: KubernetesClusterConfig = {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      dnsPrefix: props.dnsPrefix,
      nodeResourceGroup: props.nodeResourceGroup,
      kubernetesVersion: config.kubernetesVersion,
      skuTier: 'Standard',
      supportPlan: 'KubernetesOfficial',

      identity: { type: 'UserAssigned', identityIds: [props.controlPlaneIdentity.id] },
      kubeletIdentity: {
        userAssignedIdentityId: props.kubeletIdentity.id,
        clientId: props.kubeletIdentity.clientId,
        objectId: props.kubeletIdentity.principalId,
      },
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,

      // Entra ID is the only way in: no static kubeconfig credentials, Azure RBAC for authz.
      localAccountDisabled: true,
      roleBasedAccessControlEnabled: true,
      azureActiveDirectoryRoleBasedAccessControl: {
        azureRbacEnabled: true,
        tenantId: props.tenantId,
        adminGroupObjectIds: config.adminGroupObjectIds,
      },
      runCommandEnabled: false,

      privateClusterEnabled: config.privateCluster,
      privateClusterPublicFqdnEnabled: false,
      ...(config.privateCluster ? { privateDnsZoneId: props.privateDnsZoneId } : {}),
      apiServerAccessProfile: {
        virtualNetworkIntegrationEnabled: true,
        subnetId: props.apiServerSubnetId,
        ...(config.privateCluster ? {} : { authorizedIpRanges: config.authorizedIpRanges.map(asCidr) }),
      },

      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkDataPlane: 'cilium',
        networkPolicy: 'cilium',
        podCidr: config.podCidr,
        serviceCidr: config.serviceCidr,
        dnsServiceIp: config.dnsServiceIp,
        loadBalancerSku: 'standard',
        outboundType: props.outboundType,
        // FQDN-based egress policies; without it tenants' host allow-lists fail closed.
        ...(config.fqdnEgressFiltering ? { advancedNetworking: { securityEnabled: true, observabilityEnabled: false } } : {}),
      },
      costAnalysisEnabled: true,

      defaultNodePool: {
        name: SYSTEM_POOL_NAME,
        // Only kube-system's critical add-ons run here; everything else goes to user pools.
        onlyCriticalAddonsEnabled: true,
        vmSize: system.vmSize,
        zones: system.zones,
        autoScalingEnabled: true,
        minCount: system.minCount,
        maxCount: system.maxCount,
        maxPods: system.maxPods,
        osSku: 'AzureLinux',
        osDiskType: system.osDiskType,
        osDiskSizeGb: system.osDiskSizeGb,
        hostEncryptionEnabled: system.hostEncryption,
        nodePublicIpEnabled: false,
        vnetSubnetId: props.nodesSubnetId,
        temporaryNameForRotation: temporaryPoolName(SYSTEM_POOL_NAME),
        nodeLabels: { 'platform.example.org/pool': SYSTEM_POOL_NAME },
        upgradeSettings: { maxSurge: '33%', drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 },
      },

      automaticUpgradeChannel: config.upgrade.automaticChannel,
      nodeOsUpgradeChannel: config.upgrade.nodeOsChannel,
      maintenanceWindowAutoUpgrade: maintenance,
      maintenanceWindowNodeOs: maintenance,

      azurePolicyEnabled: config.azurePolicyAddon,
      imageCleanerEnabled: true,
      imageCleanerIntervalHours: 48,
      keyVaultSecretsProvider: { secretRotationEnabled: true, secretRotationInterval: '2m' },
      microsoftDefender: { logAnalyticsWorkspaceId: props.logAnalyticsWorkspaceId },
      omsAgent: { logAnalyticsWorkspaceId: props.logAnalyticsWorkspaceId, msiAuthForMonitoringEnabled: true },
      // Only the drivers the platform uses: disks (Prometheus and other PVs) and Azure Files for
      // shared model caches over NFS (no account keys; the SMB classes mount with keys and a
      // Gatekeeper rule refuses them). No blob driver, no snapshots.
      storageProfile: { blobDriverEnabled: false, diskDriverEnabled: true, fileDriverEnabled: true, snapshotControllerEnabled: false },

      dependsOn: prerequisites,
      lifecycle: {
        // The autoscaler owns the node count. The version is a minor alias ("1.35"), so the
        // patch auto-upgrade channel does not show up as drift.
        ignoreChanges: ['default_node_pool[0].node_count'],
      },
    };
    this.cluster = new KubernetesCluster(this, 'cluster', clusterConfig);

    new Diagnostics(this, 'diagnostics', {
      name: 'diag-to-log-analytics',
      targetResourceId: this.cluster.id,
      workspaceId: props.logAnalyticsWorkspaceId,
      categories: [...AKS_LOG_CATEGORIES],
    });
  }

  get id(): string {
    return this.cluster.id;
  }

  /** The OIDC issuer that federated credentials of workload identities trust. */
  get oidcIssuerUrl(): string {
    return this.cluster.oidcIssuerUrl;
  }
}

function asCidr(ipOrCidr: string): string {
  return ipOrCidr.includes('/') ? ipOrCidr : `${ipOrCidr}/32`;
}
