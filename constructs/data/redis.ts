/** Azure Cache for Redis for cross-replica rate limits: TLS only, Entra ID auth, private endpoint. */
import { Construct } from 'constructs';
import { RedisCache } from '@cdktf/provider-azurerm/lib/redis-cache';
import { Diagnostics } from '../monitoring';
import { PrivateEndpoint } from '../private-endpoint';

export interface RedisProps {
  readonly name: string;
  readonly privateEndpointName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly capacity: number;
  readonly zones: string[];
  readonly privateEndpointSubnetId: string;
  readonly privateDnsZoneId: string;
  readonly logAnalyticsWorkspaceId: string;
}

export class Redis extends Construct {
  readonly cache: RedisCache;

  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    this.cache = new RedisCache(this, 'cache', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      // Premium: zones and data persistence; Standard has neither.
      skuName: 'Premium',
      family: 'P',
      capacity: props.capacity,
      zones: props.zones,
      minimumTlsVersion: '1.2',
      nonSslPortEnabled: false,
      publicNetworkAccessEnabled: false,
      // Entra ID tokens only: no shared access keys exist to leak.
      accessKeysAuthenticationEnabled: false,
      redisConfiguration: { activeDirectoryAuthenticationEnabled: true },
      patchSchedule: [{ dayOfWeek: 'Sunday', startHourUtc: 2, maintenanceWindow: 'PT5H' }],
    });
    new PrivateEndpoint(this, 'private-endpoint', {
      name: props.privateEndpointName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      subnetId: props.privateEndpointSubnetId,
      targetResourceId: this.cache.id,
      subresource: 'redisCache',
      privateDnsZoneId: props.privateDnsZoneId,
    });
    new Diagnostics(this, 'diagnostics', { name: 'diag-to-log-analytics', targetResourceId: this.cache.id, workspaceId: props.logAnalyticsWorkspaceId, categoryGroups: ['allLogs'] });
  }
}
