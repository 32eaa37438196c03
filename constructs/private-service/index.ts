/**
 * What every private PaaS resource of the platform shares: where it lives, a private endpoint
 * registered in its private DNS zone, and a diagnostic setting to Log Analytics.
 */
import { Construct } from 'constructs';
import { Diagnostics } from '../monitoring';
import { PrivateEndpoint } from '../private-endpoint';

export interface PrivateServiceProps {
  readonly name: string;
  readonly privateEndpointName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly privateEndpointSubnetId: string;
  readonly privateDnsZoneId: string;
  readonly logAnalyticsWorkspaceId: string;
}

/**
 * Adds the private endpoint for `subresource` of `targetResourceId` and its diagnostic setting
 * (all logs and metrics; `logs: false` where the resource only has metrics, e.g. a storage account).
 */
export function connectPrivately(scope: Construct, props: PrivateServiceProps, targetResourceId: string, subresource: string, options: { logs?: boolean } = {}): void {
  new PrivateEndpoint(scope, 'private-endpoint', {
    name: props.privateEndpointName,
    resourceGroupName: props.resourceGroupName,
    location: props.location,
    subnetId: props.privateEndpointSubnetId,
    targetResourceId,
    subresource,
    privateDnsZoneId: props.privateDnsZoneId,
  });
  new Diagnostics(scope, 'diagnostics', {
    name: 'diag-to-log-analytics',
    targetResourceId,
    workspaceId: props.logAnalyticsWorkspaceId,
    ...(options.logs === false ? {} : { categoryGroups: ['allLogs'] }),
  });
}
