/** Azure Cache for Redis for cross-replica rate limits: TLS only, Entra ID auth, private endpoint. */
import { Construct } from 'constructs';
import { RedisCache } from '@cdktf/provider-azurerm/lib/redis-cache';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface RedisProps extends PrivateServiceProps {
  readonly capacity: number;
  readonly zones: string[];
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
    connectPrivately(this, props, this.cache.id, 'redisCache');
  }
}
