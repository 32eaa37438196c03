/**
 * The platform's storage classes (catalog/storage-classes.ts) with the environment filled in:
 * the SKU the region offers, and for the Azure Files class the network the driver puts each
 * account's private endpoint in (the private-endpoint subnet, the platform's `privatelink.file`
 * zone and its existing link, so the driver never creates zones or links). The platform's disk
 * class becomes the default and AKS's own default class is unset, so a claim without a class
 * lands on Premium SSD.
 */
import { Construct } from 'constructs';
import { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { AKS_DEFAULT_STORAGE_CLASS, PLATFORM_STORAGE_CLASSES, storageClassSku, type PlatformStorageClass } from '../../catalog/storage-classes';

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export interface PlatformStorageClassesProps {
  readonly location: string;
  readonly networkResourceGroupName: string;
  readonly vnetName: string;
  readonly privateEndpointSubnetName: string;
  readonly fileDnsZoneLinkName: string;
}

export class PlatformStorageClasses extends Construct {
  readonly classes: StorageClassV1[];

  constructor(scope: Construct, id: string, props: PlatformStorageClassesProps) {
    super(scope, id);
    const all: PlatformStorageClass[] = Object.values(PLATFORM_STORAGE_CLASSES);
    this.classes = Object.entries(PLATFORM_STORAGE_CLASSES).map(([key, c]: [string, PlatformStorageClass]) =>
      new StorageClassV1(this, key, {
        metadata: {
          name: c.name,
          labels: { 'app.kubernetes.io/managed-by': 'platform' },
          annotations: { 'platform.example.org/why': c.why, ...(c.default ? { [DEFAULT_CLASS_ANNOTATION]: 'true' } : {}) },
        },
        storageProvisioner: c.provisioner,
        parameters: {
          skuName: storageClassSku(c, props.location),
          ...c.parameters,
          ...(c.parameters.networkEndpointType === 'privateEndpoint'
            ? {
                vnetResourceGroup: props.networkResourceGroupName,
                vnetName: props.vnetName,
                subnetName: props.privateEndpointSubnetName,
                privateDNSZoneResourceGroup: props.networkResourceGroupName,
                vnetLinkName: props.fileDnsZoneLinkName,
              }
            : {}),
        },
        mountOptions: [...c.mountOptions],
        reclaimPolicy: c.reclaimPolicy,
        allowVolumeExpansion: true,
        volumeBindingMode: c.volumeBindingMode,
      }),
    );
    if (all.some((c) => c.default)) {
      // Two default classes make the API server pick the newest; AKS's own must step aside.
      // `force` takes the field over from AKS's manager; the class itself stays AKS's.
      new Annotations(this, 'aks-default-unset', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: AKS_DEFAULT_STORAGE_CLASS },
        annotations: { [DEFAULT_CLASS_ANNOTATION]: 'false' },
        force: true,
      });
    }
  }
}
