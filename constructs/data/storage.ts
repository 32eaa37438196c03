/**
 * Storage for artifacts and audit logs: Entra ID only (no shared keys), TLS 1.2, private
 * endpoint only, versioning and soft delete, and an immutability policy on the audit container
 * so audit records cannot be changed or deleted before their retention ends.
 */
import { Construct } from 'constructs';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageContainerImmutabilityPolicy } from '@cdktf/provider-azurerm/lib/storage-container-immutability-policy';
import type { EnvironmentConfig } from '../../config/schema';
import { Diagnostics } from '../monitoring';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface ArtifactStorageProps extends PrivateServiceProps {
  readonly config: EnvironmentConfig['data']['storage'];
}

export class ArtifactStorage extends Construct {
  readonly account: StorageAccount;
  readonly containers: Record<'artifacts' | 'audit', StorageContainer>;

  constructor(scope: Construct, id: string, props: ArtifactStorageProps) {
    super(scope, id);
    const days = props.config.softDeleteDays;
    this.account = new StorageAccount(this, 'account', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: props.config.replication,
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      publicNetworkAccessEnabled: false,
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      infrastructureEncryptionEnabled: true,
      networkRules: { defaultAction: 'Deny', bypass: ['AzureServices'] },
      blobProperties: {
        versioningEnabled: true,
        changeFeedEnabled: true,
        deleteRetentionPolicy: { days },
        containerDeleteRetentionPolicy: { days },
      },
      sasPolicy: { expirationPeriod: '00.01:00:00', expirationAction: 'Block' },
    });
    const container = (name: 'artifacts' | 'audit') =>
      new StorageContainer(this, `container-${name}`, { name, storageAccountId: this.account.id, containerAccessType: 'private' });
    this.containers = { artifacts: container('artifacts'), audit: container('audit') };
    new StorageContainerImmutabilityPolicy(this, 'audit-immutability', {
      storageContainerResourceManagerId: this.containers.audit.id,
      immutabilityPeriodInDays: props.config.auditImmutabilityDays,
      // Appending is allowed (logs are written in blocks); changing or deleting is not.
      protectedAppendWritesEnabled: true,
    });
    // Storage logs live on the blob service; the account itself only has metrics.
    new Diagnostics(this, 'blob-diagnostics', {
      name: 'diag-blob-to-log-analytics',
      targetResourceId: `${this.account.id}/blobServices/default`,
      workspaceId: props.logAnalyticsWorkspaceId,
      categoryGroups: ['allLogs'],
    });
    connectPrivately(this, props, this.account.id, 'blob', { logs: false });
  }
}
