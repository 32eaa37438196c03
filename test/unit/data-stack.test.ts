/** `<env>-data`: PostgreSQL, Redis and Storage, asserted on the synthesized JSON. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadEnvironment } from '../../config/load';
import { POSTGRES_PARAMETERS } from '../../constructs/data/postgres';
import { DATABASES } from '../../stacks/data-stack';
import { refId, synthApp } from '../helpers/synth';

const app = synthApp();

for (const envName of ['dev', 'prod']) {
  const env = loadEnvironment(envName);
  const data = app.stack(`${envName}-data`);
  const pe = (sub: string) => data.of('azurerm_private_endpoint').find((p) => p.config.private_service_connection.subresource_names[0] === sub)!;
  const diagnosed = (target: string) => data.of('azurerm_monitor_diagnostic_setting').some((d) => d.config.target_resource_id === target);

  describe(`${envName}-data`, () => {
    const pg = data.one('azurerm_postgresql_flexible_server');

    it('PostgreSQL: Entra ID only, private, HA and backups as configured, after network and platform', () => {
      assert.deepEqual(pg.config.authentication, { active_directory_auth_enabled: true, password_auth_enabled: false, tenant_id: pg.config.authentication.tenant_id });
      assert.equal(pg.config.administrator_password, undefined);
      assert.equal(pg.config.public_network_access_enabled, false);
      assert.equal(pg.config.backup_retention_days, env.data.postgres.backupRetentionDays);
      assert.equal(pg.config.geo_redundant_backup_enabled, env.data.postgres.geoRedundantBackup);
      assert.equal(pg.config.high_availability?.mode, env.data.postgres.highAvailability ? 'ZoneRedundant' : undefined);
      assert.equal(pe('postgresqlServer').config.private_service_connection.private_connection_resource_id, refId(pg));
      assert.ok(diagnosed(refId(pg)));
      assert.deepEqual(app.manifest.stacks[`${envName}-data`].dependencies.sort(), [`${envName}-network`, `${envName}-platform`]);
    });

    it('PostgreSQL: TLS 1.2+, pgvector allow-listed, router and audit databases, an Entra admin group', () => {
      const params = Object.fromEntries(data.of('azurerm_postgresql_flexible_server_configuration').map((c) => [c.config.name, c.config.value]));
      assert.deepEqual(params, POSTGRES_PARAMETERS);
      assert.match(params['azure.extensions'], /VECTOR/);
      assert.deepEqual(data.of('azurerm_postgresql_flexible_server_database').map((d) => d.config.name).sort(), [...DATABASES].sort());
      const admin = data.one('azurerm_postgresql_flexible_server_active_directory_administrator');
      assert.equal(admin.config.object_id, env.data.postgres.entraAdmin.objectId);
      assert.equal(admin.config.principal_type, 'Group');
    });

    it('Redis: TLS 1.2 only, no access keys, private endpoint', () => {
      const redis = data.one('azurerm_redis_cache');
      assert.equal(redis.config.minimum_tls_version, '1.2');
      assert.equal(redis.config.non_ssl_port_enabled, false);
      assert.equal(redis.config.access_keys_authentication_enabled, false);
      assert.equal(redis.config.redis_configuration.active_directory_authentication_enabled, true);
      assert.equal(redis.config.public_network_access_enabled, false);
      assert.equal(pe('redisCache').config.private_service_connection.private_connection_resource_id, refId(redis));
    });

    it('Storage: no shared keys, TLS 1.2, versioning and soft delete, immutable audit container', () => {
      const st = data.one('azurerm_storage_account');
      assert.equal(st.config.shared_access_key_enabled, false);
      assert.equal(st.config.min_tls_version, 'TLS1_2');
      assert.equal(st.config.public_network_access_enabled, false);
      assert.equal(st.config.allow_nested_items_to_be_public, false);
      assert.equal(st.config.account_replication_type, env.data.storage.replication);
      assert.equal(st.config.blob_properties.versioning_enabled, true);
      assert.equal(st.config.blob_properties.delete_retention_policy.days, env.data.storage.softDeleteDays);
      const audit = data.of('azurerm_storage_container').find((c) => c.config.name === 'audit')!;
      const policy = data.one('azurerm_storage_container_immutability_policy');
      assert.equal(policy.config.storage_container_resource_manager_id, refId(audit));
      assert.equal(policy.config.immutability_period_in_days, env.data.storage.auditImmutabilityDays);
      assert.ok(audit.config.lifecycle.prevent_destroy);
      assert.ok(diagnosed(`${refId(st)}/blobServices/default`));
    });

    it('no password, key or connection string is an output', () => {
      const outputs = JSON.stringify(data.json.output);
      assert.doesNotMatch(outputs, /password|access_key|connection_string|primary_key/i);
    });
  });
}
