/**
 * PostgreSQL Flexible Server for the router and audit data: Entra ID authentication (password
 * logins only where an environment opts out, with a reason), private endpoint only, TLS 1.2+, zone-redundant HA and geo-redundant
 * backups where configured, pgvector allow-listed, and logs to Log Analytics.
 */
import { Construct } from 'constructs';
import { PostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import { PostgresqlFlexibleServerActiveDirectoryAdministrator } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-active-directory-administrator';
import { PostgresqlFlexibleServerConfiguration } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-configuration';
import { PostgresqlFlexibleServerDatabase } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-database';
import type { EnvironmentConfig } from '../../config/schema';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface PostgresProps extends PrivateServiceProps {
  readonly tenantId: string;
  readonly config: EnvironmentConfig['data']['postgres'];
  readonly databases: string[];
  /**
   * Only with `config.passwordLogin`: a Terraform expression for the admin password (an
   * ephemeral value), written write-only so it never reaches plan or state.
   */
  readonly adminPassword?: string;
}

export const POSTGRES_ADMIN_LOGIN = 'psqladmin';

/** Server parameters the platform sets; `azure.extensions` is the extension allow-list. */
export const POSTGRES_PARAMETERS: Record<string, string> = {
  'azure.extensions': 'VECTOR,PG_STAT_STATEMENTS',
  ssl_min_protocol_version: 'TLSv1.2',
  require_secure_transport: 'on',
  log_connections: 'on',
  log_disconnections: 'on',
  log_checkpoints: 'on',
  connection_throttle: 'on',
};

export class Postgres extends Construct {
  readonly server: PostgresqlFlexibleServer;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const c = props.config;
    if (Boolean(c.passwordLogin) !== Boolean(props.adminPassword)) throw new Error('postgres: passwordLogin and adminPassword go together');
    const passwords = c.passwordLogin && props.adminPassword
      ? { administratorLogin: POSTGRES_ADMIN_LOGIN, administratorPasswordWo: props.adminPassword, administratorPasswordWoVersion: c.passwordLogin.adminPasswordVersion }
      : {};
    this.server = new PostgresqlFlexibleServer(this, 'server', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      version: c.version,
      skuName: c.skuName,
      storageMb: c.storageMb,
      autoGrowEnabled: true,
      backupRetentionDays: c.backupRetentionDays,
      geoRedundantBackupEnabled: c.geoRedundantBackup,
      publicNetworkAccessEnabled: false,
      zone: '1',
      ...(c.highAvailability ? { highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: '2' } } : {}),
      authentication: { activeDirectoryAuthEnabled: true, passwordAuthEnabled: Boolean(c.passwordLogin), tenantId: props.tenantId },
      ...passwords,
      maintenanceWindow: { dayOfWeek: 0, startHour: 2, startMinute: 0 },
      // After a failover Azure swaps the primary and standby zones; that is not drift.
      lifecycle: { ignoreChanges: ['zone', 'high_availability[0].standby_availability_zone'] },
    });
    const serverId = this.server.id;

    new PostgresqlFlexibleServerActiveDirectoryAdministrator(this, 'entra-admin', {
      serverName: this.server.name,
      resourceGroupName: props.resourceGroupName,
      tenantId: props.tenantId,
      objectId: c.entraAdmin.objectId,
      principalName: c.entraAdmin.principalName,
      principalType: 'Group',
    });
    for (const [name, value] of Object.entries(POSTGRES_PARAMETERS)) {
      new PostgresqlFlexibleServerConfiguration(this, `param-${name}`, { name, serverId, value });
    }
    for (const db of props.databases) {
      new PostgresqlFlexibleServerDatabase(this, `db-${db}`, { name: db, serverId, charset: 'UTF8', collation: 'en_US.utf8' });
    }
    connectPrivately(this, props, serverId, 'postgresqlServer');
  }
}
