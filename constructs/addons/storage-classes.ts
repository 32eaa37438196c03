/**
 * The platform's storage classes (catalog/storage-classes.ts) with the environment's network
 * filled in: the Azure Files driver puts each account's private endpoint into the
 * private-endpoint subnet and its record into the platform's `privatelink.file` zone, found
 * through the link the network stack created, so the driver never creates zones or links.
 */
import { Construct } from 'constructs';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { PLATFORM_STORAGE_CLASSES } from '../../catalog/storage-classes';

export interface PlatformStorageClassesProps {
  readonly networkResourceGroupName: string;
  readonly vnetName: string;
  readonly privateEndpointSubnetName: string;
  readonly fileDnsZoneLinkName: string;
}

export class PlatformStorageClasses extends Construct {
  readonly classes: StorageClassV1[];

  constructor(scope: Construct, id: string, props: PlatformStorageClassesProps) {
    super(scope, id);
    this.classes = Object.entries(PLATFORM_STORAGE_CLASSES).map(
      ([key, c]) =>
        new StorageClassV1(this, key, {
          metadata: { name: c.name, labels: { 'app.kubernetes.io/managed-by': 'platform' }, annotations: { 'platform.example.org/why': c.why } },
          storageProvisioner: c.provisioner,
          parameters: {
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
          // Zone-redundant shares serve every zone, so nothing waits for the pod's placement.
          volumeBindingMode: 'Immediate',
        }),
    );
  }
}
