/**
 * What the Azure Files CSI driver needs for the platform's managed-identity storage classes, and
 * nothing wider: its controller (the cluster's control-plane identity) creates the account in the
 * node resource group, where AKS already gives it rights, then a private endpoint for it in the
 * private-endpoint subnet and that endpoint's record in the platform's `privatelink.file` zone;
 * the kubelet identity mounts the shares over SMB with an Entra token.
 *
 * Private endpoints live in the network's resource group, so the controller gets a role there
 * that covers private endpoints only (not Network Contributor, which would reach the VNet).
 */
import { Construct } from 'constructs';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { grantRole, type ManagedIdentity } from '../identity';

export interface FileDriverAccessProps {
  /** Unique in the Entra tenant, e.g. `aip-prod private endpoints (Azure Files driver)`. */
  readonly roleName: string;
  readonly networkResourceGroupId: string;
  readonly privateEndpointSubnetId: string;
  readonly fileDnsZoneId: string;
  readonly nodeResourceGroupId: string;
  readonly controlPlaneIdentity: ManagedIdentity;
  readonly kubeletIdentity: ManagedIdentity;
}

/** Create, read and delete private endpoints and their DNS zone groups; nothing else in the network. */
export const PRIVATE_ENDPOINT_WRITER_ACTIONS = [
  'Microsoft.Network/privateEndpoints/read',
  'Microsoft.Network/privateEndpoints/write',
  'Microsoft.Network/privateEndpoints/delete',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/delete',
] as const;

export class FileDriverAccess extends Construct {
  readonly grants: RoleAssignment[];

  constructor(scope: Construct, id: string, props: FileDriverAccessProps) {
    super(scope, id);
    const role = new RoleDefinition(this, 'private-endpoint-writer', {
      name: props.roleName,
      scope: props.networkResourceGroupId,
      description: 'Lets the AKS Azure Files CSI driver create private endpoints for the storage accounts it creates',
      permissions: [{ actions: [...PRIVATE_ENDPOINT_WRITER_ACTIONS], notActions: [] }],
      assignableScopes: [props.networkResourceGroupId],
    });
    const grant = (id: string, who: ManagedIdentity, r: string | RoleDefinition, scope: string) =>
      grantRole(this, id, { principalId: who.principalId, role: r, scope, principalType: 'ServicePrincipal' });
    const cp = props.controlPlaneIdentity;
    this.grants = [
      grant('cp-private-endpoints', cp, role, props.networkResourceGroupId),
      // Joining the endpoint to the subnet; the driver reads the subnet's endpoint policies.
      grant('cp-network-private-endpoints', cp, 'Network Contributor', props.privateEndpointSubnetId),
      // The zone group writes the account's A record; the driver reads the zone and its VNet link.
      grant('cp-file-dns', cp, 'Private DNS Zone Contributor', props.fileDnsZoneId),
      // SMB with the kubelet's Entra token instead of the account key.
      grant('kubelet-files-smb', props.kubeletIdentity, 'Storage File Data SMB MI Admin', props.nodeResourceGroupId),
    ];
  }
}
