/**
 * A Blob storage account the platform's way: Entra ID only (no shared keys, short SAS), TLS 1.2,
 * private endpoint only, infrastructure encryption, versioning and soft delete, blob logs to
 * Log Analytics. Data (artifacts, audit) and observability (metrics, logs, traces) both use it.
 */
import type { Construct } from 'constructs';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Diagnostics } from '../monitoring';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface SecureBlobAccountProps extends PrivateServiceProps {
  readonly replication: 'LRS' | 'ZRS' | 'GZRS' | 'RAGZRS';
  readonly softDeleteDays: number;
  /** Blob versions and the change feed (audit trails); off where data is rewritten constantly. */
  readonly versioning?: boolean;
}

export function secureBlobAccount(scope: Construct, props: SecureBlobAccountProps): StorageAccount {
  const days = props.softDeleteDays;
  const versioning = props.versioning ?? true;
  const account = new StorageAccount(scope, 'account', {
    name: props.name,
    resourceGroupName: props.resourceGroupName,
    location: props.location,
    accountKind: 'StorageV2',
    accountTier: 'Standard',
    accountReplicationType: props.replication,
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
      versioningEnabled: versioning,
      changeFeedEnabled: versioning,
      deleteRetentionPolicy: { days },
      containerDeleteRetentionPolicy: { days },
    },
    sasPolicy: { expirationPeriod: '00.01:00:00', expirationAction: 'Block' },
  });
  // Storage logs live on the blob service; the account itself only has metrics.
  new Diagnostics(scope, 'blob-diagnostics', {
    name: 'diag-blob-to-log-analytics',
    targetResourceId: `${account.id}/blobServices/default`,
    workspaceId: props.logAnalyticsWorkspaceId,
    categoryGroups: ['allLogs'],
  });
  connectPrivately(scope, props, account.id, 'blob', { logs: false });
  return account;
}

export function privateContainer(scope: Construct, account: StorageAccount, name: string): StorageContainer {
  return new StorageContainer(scope, `container-${name}`, { name, storageAccountId: account.id, containerAccessType: 'private' });
}
