/**
 * Storage for artifacts and audit logs: Entra ID only (no shared keys), TLS 1.2, private
 * endpoint only, versioning and soft delete, and an immutability policy on the audit container
 * so audit records cannot be changed or deleted before their retention ends.
 */
import { Construct } from 'constructs';
import type { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageContainerImmutabilityPolicy } from '@cdktf/provider-azurerm/lib/storage-container-immutability-policy';
import type { EnvironmentConfig } from '../../config/schema';
import type { PrivateServiceProps } from '../private-service';
import { privateContainer, secureBlobAccount } from '../storage';
import { MLFLOW_CONTAINER } from '../../catalog/mlflow';

export interface ArtifactStorageProps extends PrivateServiceProps {
  readonly config: EnvironmentConfig['data']['storage'];
  /**
   * Lock the audit container's immutability policy: write-once-read-many for good. Irreversible:
   * a locked policy can be extended but never shortened or removed (production only).
   */
  readonly lockAudit: boolean;
}

export class ArtifactStorage extends Construct {
  readonly account: StorageAccount;
  readonly containers: Record<'artifacts' | 'audit' | 'mlflow', StorageContainer>;

  constructor(scope: Construct, id: string, props: ArtifactStorageProps) {
    super(scope, id);
    this.account = secureBlobAccount(this, { ...props, replication: props.config.replication, softDeleteDays: props.config.softDeleteDays });
    const container = (name: string) => privateContainer(this, this.account, name);
    // MLflow's artifacts have a container of their own, so its identity's role can be scoped to it.
    this.containers = { artifacts: container('artifacts'), audit: container('audit'), mlflow: container(MLFLOW_CONTAINER) };
    new StorageContainerImmutabilityPolicy(this, 'audit-immutability', {
      storageContainerResourceManagerId: this.containers.audit.id,
      immutabilityPeriodInDays: props.config.auditImmutabilityDays,
      // Appending is allowed (logs are written in blocks); changing or deleting is not.
      protectedAppendWritesEnabled: true,
      locked: props.lockAudit,
    });
  }
}
