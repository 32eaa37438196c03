/**
 * `<env>-data`: PostgreSQL (router keys and budgets, audit), Redis (cross-replica limits) and
 * Storage (artifacts, immutable audit logs). Every service authenticates with Entra ID only, so
 * no password or key is generated, stored in state, or put into Key Vault.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { ArtifactStorage } from '../constructs/data/storage';
import { Postgres } from '../constructs/data/postgres';
import { Redis } from '../constructs/data/redis';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { NetworkStack } from './network-stack';
import type { PlatformStack } from './platform-stack';

export interface DataStackProps extends EnvironmentStackProps {
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
}

export const DATABASES = ['router', 'audit'];

export class DataStack extends EnvironmentStack {
  readonly postgres: Postgres;
  readonly redis: Redis;
  readonly storage: ArtifactStorage;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, 'data', props);
    const { env } = props;
    const net = props.network.network;
    const common = {
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      privateEndpointSubnetId: net.subnets.privateEndpoints.id,
      logAnalyticsWorkspaceId: props.platform.logs.workspace.id,
    };
    const client = new DataAzurermClientConfig(this, 'client', {});

    this.postgres = new Postgres(this, 'postgres', {
      ...common,
      name: this.naming.name('postgresqlFlexibleServer'),
      privateEndpointName: this.naming.name('privateEndpoint', 'psql'),
      tenantId: client.tenantId,
      config: env.data.postgres,
      databases: DATABASES,
      privateDnsZoneId: net.privateDnsZones.postgres.id,
    });
    this.redis = new Redis(this, 'redis', {
      ...common,
      name: this.naming.name('redisCache'),
      privateEndpointName: this.naming.name('privateEndpoint', 'redis'),
      capacity: env.data.redis.capacity,
      zones: env.data.redis.zones,
      privateDnsZoneId: net.privateDnsZones.redis.id,
    });
    this.storage = new ArtifactStorage(this, 'storage', {
      ...common,
      name: this.naming.name('storageAccount'),
      privateEndpointName: this.naming.name('privateEndpoint', 'blob'),
      config: env.data.storage,
      privateDnsZoneId: net.privateDnsZones.blob.id,
    });

    new TerraformOutput(this, 'postgres_fqdn', { value: this.postgres.server.fqdn });
    new TerraformOutput(this, 'redis_hostname', { value: this.redis.cache.hostname });
    new TerraformOutput(this, 'storage_blob_endpoint', { value: this.storage.account.primaryBlobEndpoint });
  }
}
