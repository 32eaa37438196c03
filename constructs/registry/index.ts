/**
 * The platform's container registry: Premium (private link, geo-replication, zone redundancy,
 * retention), no admin user, no anonymous pull, reachable through a private endpoint, and
 * readable by the cluster's kubelet identity only.
 */
import { Construct } from 'constructs';
import { ContainerRegistry } from '@cdktf/provider-azurerm/lib/container-registry';
import { ManagedIdentity } from '../identity';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface RegistryProps extends PrivateServiceProps {
  readonly publicNetworkAccess: boolean;
  readonly geoReplicationLocations: string[];
  readonly untaggedRetentionDays: number;
  /** Identities that pull images (the AKS kubelet identity). */
  readonly pullers: { id: string; identity: ManagedIdentity }[];
}

export class Registry extends Construct {
  readonly registry: ContainerRegistry;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    this.registry = new ContainerRegistry(this, 'registry', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'Premium',
      adminEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccessEnabled: props.publicNetworkAccess,
      networkRuleBypassOption: 'AzureServices',
      // Export would let images leave through a path that bypasses private networking.
      exportPolicyEnabled: props.publicNetworkAccess,
      dataEndpointEnabled: true,
      zoneRedundancyEnabled: true,
      quarantinePolicyEnabled: false,
      retentionPolicyInDays: props.untaggedRetentionDays,
      trustPolicyEnabled: false,
      georeplications: props.geoReplicationLocations.map((location) => ({ location, zoneRedundancyEnabled: true })),
    });

    for (const puller of props.pullers) puller.identity.grant(`acr-pull-${puller.id}`, 'AcrPull', this.registry.id);
    connectPrivately(this, props, this.registry.id, 'registry');
  }
}
