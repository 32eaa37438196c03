/**
 * Long-term telemetry in Blob storage: one container per signal (Thanos metric blocks, Loki
 * chunks, Tempo traces) and a lifecycle rule per container that deletes blobs past the
 * signal's retention, so retention is enforced by storage, not only by each tool's compactor.
 */
import { Construct } from 'constructs';
import type { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import type { PrivateServiceProps } from '../private-service';
import { privateContainer, secureBlobAccount } from '../storage';

export const SIGNALS = ['thanos', 'loki', 'tempo'] as const;
export type Signal = (typeof SIGNALS)[number];

export interface TelemetryStorageProps extends PrivateServiceProps {
  readonly retentionDays: Record<Signal, number>;
  readonly replication: 'LRS' | 'ZRS' | 'GZRS' | 'RAGZRS';
}

export class TelemetryStorage extends Construct {
  readonly account: StorageAccount;
  readonly containers: Record<Signal, StorageContainer>;

  constructor(scope: Construct, id: string, props: TelemetryStorageProps) {
    super(scope, id);
    // Telemetry is rewritten by compactors all day; versions would multiply the bill for nothing.
    this.account = secureBlobAccount(this, { ...props, softDeleteDays: 7, versioning: false });
    this.containers = Object.fromEntries(SIGNALS.map((s) => [s, privateContainer(this, this.account, s)])) as Record<Signal, StorageContainer>;
    new StorageManagementPolicy(this, 'retention', {
      storageAccountId: this.account.id,
      rule: SIGNALS.map((s) => ({
        name: `expire-${s}`,
        enabled: true,
        filters: { blobTypes: ['blockBlob'], prefixMatch: [`${s}/`] },
        actions: { baseBlob: { deleteAfterDaysSinceModificationGreaterThan: props.retentionDays[s] } },
      })),
    });
  }
}
