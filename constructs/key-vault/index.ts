/**
 * The environment's Key Vault: Azure RBAC (no access policies), purge protection and soft
 * delete, default-deny network ACLs, a private endpoint, and audit logs to Log Analytics.
 */
import { Construct } from 'constructs';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface VaultProps extends PrivateServiceProps {
  readonly tenantId: string;
  readonly softDeleteRetentionDays: number;
  readonly publicNetworkAccess: boolean;
}

export class Vault extends Construct {
  readonly vault: KeyVault;

  constructor(scope: Construct, id: string, props: VaultProps) {
    super(scope, id);
    this.vault = new KeyVault(this, 'vault', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      // Premium: keys can be HSM-backed for the workloads that need them.
      skuName: 'premium',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: props.softDeleteRetentionDays,
      publicNetworkAccessEnabled: props.publicNetworkAccess,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
    });
    connectPrivately(this, props, this.vault.id, 'vault');
  }
}
