/**
 * A tenant's Azure identity and secrets: a user-assigned identity federated with the tenant's
 * workload service account, and a Key Vault of its own, so that access to secrets is scoped by
 * the vault boundary rather than by naming conventions inside a shared vault.
 */
import { Construct } from 'constructs';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import type { Tenant } from '../../config/tenant-schema';
import { grantRole, ManagedIdentity } from '../identity';
import { Vault } from '../key-vault';
import type { Naming } from '../../catalog/naming';
import { WORKLOAD_SERVICE_ACCOUNT } from './labels';

export interface TenantIdentityProps {
  readonly tenant: Tenant;
  readonly naming: Naming;
  readonly namespace: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tenantId: string;
  readonly oidcIssuerUrl: string;
  readonly clusterId: string;
  readonly privateEndpointSubnetId: string;
  readonly keyVaultPrivateDnsZoneId: string;
  readonly logAnalyticsWorkspaceId: string;
  readonly softDeleteRetentionDays: number;
  readonly publicNetworkAccess: boolean;
}

export class TenantIdentity extends Construct {
  readonly identity: ManagedIdentity;
  readonly vault: Vault;

  constructor(scope: Construct, id: string, props: TenantIdentityProps) {
    super(scope, id);
    const name = props.tenant.metadata.name;
    const owners = props.tenant.spec.owners.entraGroupObjectId;

    this.identity = new ManagedIdentity(this, 'workload-identity', {
      name: props.naming.name('userAssignedIdentity', name, 'workload'),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    new FederatedIdentityCredential(this, 'federation', {
      name: `${name}-${WORKLOAD_SERVICE_ACCOUNT}`,
      resourceGroupName: props.resourceGroupName,
      parentId: this.identity.id,
      audience: ['api://AzureADTokenExchange'],
      issuer: props.oidcIssuerUrl,
      subject: `system:serviceaccount:${props.namespace}:${WORKLOAD_SERVICE_ACCOUNT}`,
    });

    this.vault = new Vault(this, 'key-vault', {
      name: props.naming.name('keyVault', name),
      privateEndpointName: props.naming.name('privateEndpoint', name, 'kv'),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      softDeleteRetentionDays: props.softDeleteRetentionDays,
      publicNetworkAccess: props.publicNetworkAccess,
      privateEndpointSubnetId: props.privateEndpointSubnetId,
      privateDnsZoneId: props.keyVaultPrivateDnsZoneId,
      logAnalyticsWorkspaceId: props.logAnalyticsWorkspaceId,
    });
    const vaultId = this.vault.vault.id;
    this.identity.grant('vault-secrets-user', 'Key Vault Secrets User', vaultId);
    grantRole(this, 'owners-vault-secrets-officer', { principalId: owners, role: 'Key Vault Secrets Officer', scope: vaultId, principalType: 'Group' });
    // Lets the owners fetch a kubeconfig; what they may do inside is the namespace Role.
    grantRole(this, 'owners-cluster-user', { principalId: owners, role: 'Azure Kubernetes Service Cluster User Role', scope: props.clusterId, principalType: 'Group' });
  }
}
