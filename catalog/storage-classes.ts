/**
 * Storage classes: the ones the platform creates (the addons stack) and the ones AKS ships that
 * mount with the storage account's key and are therefore refused at admission. Workload
 * settings (config/workloads.yaml), the addons stack and the Gatekeeper rule all read this, so
 * a class a workload names is one the cluster has.
 */

import { AZURE_REGIONS } from './azure-regions';

/** The user and group every platform workload runs as (Pod Security restricted, non-root). */
export const WORKLOAD_UID = 10001;

export interface PlatformStorageClass {
  readonly name: string;
  readonly provisioner: 'file.csi.azure.com' | 'disk.csi.azure.com';
  /** Zone-redundant where the region offers it for this kind of storage, else locally redundant. */
  readonly sku: { readonly zoneRedundant: string; readonly local: string; readonly zoneRedundantWhere: 'zones' | 'premiumFilesZrs' };
  /** Parameters that do not depend on the environment; the network ones are added by the stack. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly mountOptions: readonly string[];
  readonly reclaimPolicy: 'Delete' | 'Retain';
  readonly volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
  /** The cluster's default class: claims without a class land here (AKS's own default is unset). */
  readonly default?: boolean;
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
    sku: { zoneRedundant: 'Premium_ZRS', local: 'Premium_LRS', zoneRedundantWhere: 'premiumFilesZrs' },
    parameters: {
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
    // Zone-redundant shares serve every zone, so nothing waits for the pod's placement.
    volumeBindingMode: 'Immediate',
    why: 'shared model weight caches (vLLM), ReadWriteMany, mounted with the kubelet managed identity',
  },
  /**
   * The default for claims that name no class: Premium SSD, zone-redundant where the region has
   * zones (a pod rescheduled to another zone keeps its disk), never exportable through a SAS URI
   * or reachable from the internet.
   */
  premiumDisks: {
    name: 'premium-ssd',
    provisioner: 'disk.csi.azure.com',
    sku: { zoneRedundant: 'Premium_ZRS', local: 'Premium_LRS', zoneRedundantWhere: 'zones' },
    parameters: { networkAccessPolicy: 'DenyAll', publicNetworkAccess: 'Disabled' },
    mountOptions: [],
    // Deleting a claim is its owner's decision; Retain would leave disks billed to nobody.
    reclaimPolicy: 'Delete',
    // A locally redundant disk must be created in the zone its pod lands in.
    volumeBindingMode: 'WaitForFirstConsumer',
    default: true,
    why: 'the default for claims without a class: Premium SSD, zone-redundant where the region allows',
  },
} as const satisfies Record<string, PlatformStorageClass>;

export type PlatformStorageClassName = (typeof PLATFORM_STORAGE_CLASSES)[keyof typeof PLATFORM_STORAGE_CLASSES]['name'];

export const PLATFORM_STORAGE_CLASS_NAMES: readonly PlatformStorageClassName[] = Object.values(PLATFORM_STORAGE_CLASSES).map((c) => c.name);

/** The platform's ReadWriteMany (Azure Files) classes: what a shared cache may name, and what admission suggests instead of a key-mounted class. */
export const FILE_STORAGE_CLASS_NAMES: readonly PlatformStorageClassName[] = Object.values(PLATFORM_STORAGE_CLASSES)
  .filter((c: PlatformStorageClass) => c.provisioner === 'file.csi.azure.com')
  .map((c) => c.name);

/** The SKU a class gets in a region (catalog/azure-regions.ts says what the region offers). */
export function storageClassSku(cls: PlatformStorageClass, location: string): string {
  const region = AZURE_REGIONS[location];
  const zrs = cls.sku.zoneRedundantWhere === 'zones' ? region?.zones : region?.premiumFilesZrs;
  return zrs ? cls.sku.zoneRedundant : cls.sku.local;
}

/** The class AKS marks as default in every cluster; the platform unsets it in favour of its own. */
export const AKS_DEFAULT_STORAGE_CLASS = 'default';

/**
 * The Azure Files classes AKS creates in every cluster: they mount with the account key (kept in
 * a Secret in the workload's namespace), against the platform's no-shared-key stance.
 */
export const KEY_MOUNTED_STORAGE_CLASSES = ['azurefile', 'azurefile-csi', 'azurefile-premium', 'azurefile-csi-premium'] as const;
