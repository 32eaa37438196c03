/** A private endpoint for one sub-resource, registered in its private DNS zone. */
import { Construct } from 'constructs';
import { PrivateEndpoint as AzPrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';

export interface PrivateEndpointProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly subnetId: string;
  /** The resource the endpoint connects to (registry, vault, ...). */
  readonly targetResourceId: string;
  /** Its sub-resource, e.g. `registry` or `vault`. */
  readonly subresource: string;
  readonly privateDnsZoneId: string;
}

export class PrivateEndpoint extends Construct {
  readonly endpoint: AzPrivateEndpoint;

  constructor(scope: Construct, id: string, props: PrivateEndpointProps) {
    super(scope, id);
    this.endpoint = new AzPrivateEndpoint(this, 'endpoint', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      subnetId: props.subnetId,
      customNetworkInterfaceName: `${props.name}-nic`,
      privateServiceConnection: {
        name: `${props.name}-connection`,
        privateConnectionResourceId: props.targetResourceId,
        subresourceNames: [props.subresource],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: [props.privateDnsZoneId] },
    });
  }
}
