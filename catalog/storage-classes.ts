/**
 * Storage classes: the ones the platform creates (the addons stack) and the ones AKS ships that
 * mount with the storage account's key and are therefore refused at admission. Workload
 * settings (config/workloads.yaml), the addons stack and the Gatekeeper rule all read this, so
 * a class a workload names is one the cluster has.
 */

/** The user and group every platform workload runs as (Pod Security restricted, non-root). */
export const WORKLOAD_UID = 10001;

export interface PlatformStorageClass {
  readonly name: string;
  readonly provisioner: 'file.csi.azure.com' | 'disk.csi.azure.com';
  /** Parameters that do not depend on the environment's network; those are added by the stack. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly mountOptions: readonly string[];
  readonly reclaimPolicy: 'Delete' | 'Retain';
  readonly why: string;
}

export const PLATFORM_STORAGE_CLASSES = {
  /**
   * Shared (ReadWriteMany) model weights. SMB mounted with the kubelet's managed identity: the
   * driver creates the account with SMB OAuth and no public network access, reachable only
   * through a private endpoint in the private-endpoint subnet; no account key is stored in a
   * Secret or used to mount (AKS 1.34 and later).
   */
  sharedFiles: {
    name: 'azurefile-mi-premium',
    provisioner: 'file.csi.azure.com',
    parameters: {
      skuName: 'Premium_ZRS',
      protocol: 'smb',
      mountWithManagedIdentity: 'true',
      networkEndpointType: 'privateEndpoint',
      publicNetworkAccess: 'Disabled',
      allowSharedKeyAccess: 'false',
      allowBlobPublicAccess: 'false',
      requireInfraEncryption: 'true',
    },
    mountOptions: [
      `uid=${WORKLOAD_UID}`,
      `gid=${WORKLOAD_UID}`,
      'dir_mode=0770',
      'file_mode=0660',
      'mfsymlinks',
      'cache=strict',
      'nosharesock',
      'actimeo=30',
      'nobrl',
    ],
    // A cache can be downloaded again; keeping released shares would only cost money.
    reclaimPolicy: 'Delete',
    why: 'shared model weight caches (vLLM), ReadWriteMany, mounted with the kubelet managed identity',
  },
} as const satisfies Record<string, PlatformStorageClass>;

export type PlatformStorageClassName = (typeof PLATFORM_STORAGE_CLASSES)[keyof typeof PLATFORM_STORAGE_CLASSES]['name'];

export const PLATFORM_STORAGE_CLASS_NAMES: readonly PlatformStorageClassName[] = Object.values(PLATFORM_STORAGE_CLASSES).map((c) => c.name);

/**
 * The Azure Files classes AKS creates in every cluster: they mount with the account key (kept in
 * a Secret in the workload's namespace), against the platform's no-shared-key stance.
 */
export const KEY_MOUNTED_STORAGE_CLASSES = ['azurefile', 'azurefile-csi', 'azurefile-premium', 'azurefile-csi-premium'] as const;
