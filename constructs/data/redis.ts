/**
 * Azure Cache for Redis: TLS only, private endpoint, Entra ID auth by default. `accessKeys` is the
 * opt-out for a client that cannot refresh Entra tokens (n8n's Bull queue, ADR 0007): that cache
 * accepts its access keys and nothing else, and serves only that client.
 */
import { Construct } from 'constructs';
import { RedisCache } from '@cdktf/provider-azurerm/lib/redis-cache';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface RedisProps extends PrivateServiceProps {
  readonly capacity: number;
  readonly zones: string[];
  /** Access keys instead of Entra ID (default false): only for a client that cannot use tokens, with the reason. */
  readonly accessKeys?: { readonly reason: string };
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
      // Entra ID tokens only, so no shared access keys exist to leak; unless the one client cannot use tokens.
      accessKeysAuthenticationEnabled: Boolean(props.accessKeys),
      redisConfiguration: { activeDirectoryAuthenticationEnabled: !props.accessKeys },
      patchSchedule: [{ dayOfWeek: 'Sunday', startHourUtc: 2, maintenanceWindow: 'PT5H' }],
    });
    connectPrivately(this, props, this.cache.id, 'redisCache');
  }
}
