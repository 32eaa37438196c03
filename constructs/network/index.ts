/**
 * The environment's network: one VNet with a subnet for AKS nodes, one delegated to the AKS
 * API server (VNet integration) and one for private endpoints, each behind its own NSG, plus
 * the private DNS zones that private endpoints and a private API server resolve through.
 */
import { Construct } from 'constructs';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import type { Naming } from '../../catalog/naming';
import { AZURE_OPENAI_PRIVATE_DNS_ZONE, CONTENT_SAFETY_PRIVATE_DNS_ZONE } from '../../catalog/data-boundary';

export type SubnetRole = 'nodes' | 'apiServer' | 'privateEndpoints';

export interface PlatformNetworkProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly addressSpace: string;
  readonly subnets: Record<SubnetRole, string> & { firewall?: string };
  /** Allow 80/443 from the internet to the node subnet (a public ingress load balancer). */
  readonly publicIngress: boolean;
  /** Create the private DNS zone a private AKS API server registers in. */
  readonly privateApiServer: boolean;
  /**
   * The environment's DNS zone: a private zone of the same name is linked to the VNet (split
   * horizon), where external-dns writes the Gateway's hosts for clients inside the network.
   */
  readonly platformZoneName: string;
}

/** Private DNS zones for Private Link, by service. */
export const PRIVATE_DNS_ZONES = {
  containerRegistry: 'privatelink.azurecr.io',
  keyVault: 'privatelink.vaultcore.azure.net',
  postgres: 'privatelink.postgres.database.azure.com',
  redis: 'privatelink.redis.cache.windows.net',
  blob: 'privatelink.blob.core.windows.net',
  /** Azure Files accounts the file CSI driver creates; the driver finds this zone and link and only adds records. */
  file: 'privatelink.file.core.windows.net',
  /** Azure OpenAI (catalog/data-boundary.ts); in every environment, so the zone never follows entitlements in and out. */
  openAI: AZURE_OPENAI_PRIVATE_DNS_ZONE,
  /** Azure AI Content Safety, the cloud routes' moderation (catalog/data-boundary.ts); in every environment like openAI. */
  cognitiveServices: CONTENT_SAFETY_PRIVATE_DNS_ZONE,
} as const;

export function aksPrivateDnsZone(location: string): string {
  return `privatelink.${location}.azmk8s.io`;
}

const SUBNET_NAMES: Record<SubnetRole, string> = { nodes: 'aks-nodes', apiServer: 'aks-apiserver', privateEndpoints: 'private-endpoints' };

export class PlatformNetwork extends Construct {
  readonly vnet: VirtualNetwork;
  readonly subnets: Record<SubnetRole, Subnet>;
  readonly securityGroups: Record<SubnetRole, NetworkSecurityGroup>;
  readonly privateDnsZones: Record<keyof typeof PRIVATE_DNS_ZONES, PrivateDnsZone>;
  /** Each zone's link to the VNet, by the zone's key (`file`: the name the Azure Files driver is told). */
  readonly privateDnsZoneLinks: Record<string, PrivateDnsZoneVirtualNetworkLink> = {};
  readonly aksPrivateDnsZone?: PrivateDnsZone;
  /** The private twin of the environment's public zone (external-dns, release external-dns-private). */
  readonly platformPrivateDnsZone: PrivateDnsZone;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);
    const { naming, resourceGroupName, location } = props;

    this.vnet = new VirtualNetwork(this, 'vnet', {
      name: naming.name('virtualNetwork'),
      resourceGroupName,
      location,
      addressSpace: [props.addressSpace],
    });

    const roles: SubnetRole[] = ['nodes', 'apiServer', 'privateEndpoints'];
    this.securityGroups = {} as Record<SubnetRole, NetworkSecurityGroup>;
    this.subnets = {} as Record<SubnetRole, Subnet>;
    for (const role of roles) {
      const nsg = new NetworkSecurityGroup(this, `nsg-${role}`, {
        name: naming.name('networkSecurityGroup', SUBNET_NAMES[role]),
        resourceGroupName,
        location,
        securityRule: securityRules(role, props.publicIngress),
      });
      const subnet = new Subnet(this, `subnet-${role}`, {
        name: naming.name('subnet', SUBNET_NAMES[role]),
        resourceGroupName,
        virtualNetworkName: this.vnet.name,
        addressPrefixes: [props.subnets[role]],
        // No implicit outbound SNAT: egress goes through the cluster's load balancer (or a
        // firewall), never an undocumented Azure default.
        defaultOutboundAccessEnabled: false,
        ...(role === 'privateEndpoints' ? { privateEndpointNetworkPolicies: 'Enabled' } : {}),
        // The Private Link service AKS creates for the Gateway's internal load balancer (the WAF
        // edge's origin) takes its NAT addresses from the node subnet, which Azure allows only with
        // these policies off.
        ...(role === 'nodes' ? { privateLinkServiceNetworkPoliciesEnabled: false } : {}),
        ...(role === 'apiServer'
          ? {
              delegation: [
                {
                  name: 'aks-apiserver',
                  serviceDelegation: {
                    name: 'Microsoft.ContainerService/managedClusters',
                    actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'],
                  },
                },
              ],
            }
          : {}),
      });
      new SubnetNetworkSecurityGroupAssociation(this, `nsg-assoc-${role}`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
      this.securityGroups[role] = nsg;
      this.subnets[role] = subnet;
    }

    const zone = (key: string, name: string) => {
      const z = new PrivateDnsZone(this, `dns-${key}`, { name, resourceGroupName });
      this.privateDnsZoneLinks[key] = new PrivateDnsZoneVirtualNetworkLink(this, `dns-link-${key}`, {
        name: naming.name('privateDnsZoneLink', key),
        resourceGroupName,
        privateDnsZoneName: z.name,
        virtualNetworkId: this.vnet.id,
        registrationEnabled: false,
      });
      return z;
    };
    this.privateDnsZones = {
      containerRegistry: zone('acr', PRIVATE_DNS_ZONES.containerRegistry),
      keyVault: zone('kv', PRIVATE_DNS_ZONES.keyVault),
      postgres: zone('psql', PRIVATE_DNS_ZONES.postgres),
      redis: zone('redis', PRIVATE_DNS_ZONES.redis),
      blob: zone('blob', PRIVATE_DNS_ZONES.blob),
      file: zone('file', PRIVATE_DNS_ZONES.file),
      openAI: zone('openai', PRIVATE_DNS_ZONES.openAI),
      cognitiveServices: zone('cognitiveservices', PRIVATE_DNS_ZONES.cognitiveServices),
    };
    if (props.privateApiServer) this.aksPrivateDnsZone = zone('aks', aksPrivateDnsZone(location));
    this.platformPrivateDnsZone = zone('platform', props.platformZoneName);
  }
}

type Rule = NonNullable<ConstructorParameters<typeof NetworkSecurityGroup>[2]['securityRule']>;

function securityRules(role: SubnetRole, publicIngress: boolean): Rule {
  const denyInternet = {
    name: 'deny-internet-inbound',
    description: 'Nothing on this subnet is reachable from the internet.',
    priority: 4096,
    direction: 'Inbound',
    access: 'Deny',
    protocol: '*',
    sourceAddressPrefix: 'Internet',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  };
  if (role === 'nodes' && publicIngress) {
    return [
      {
        name: 'allow-https-ingress',
        description: 'Public ingress load balancer (network.publicIngress: true).',
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: 'Internet',
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRanges: ['80', '443'],
      },
      denyInternet,
    ];
  }
  return [denyInternet];
}
