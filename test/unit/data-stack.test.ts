/** `<env>-data`: PostgreSQL, Redis and Storage, asserted on the synthesized JSON. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadEnvironment } from '../../config/load';
import { Testing, TerraformStack } from 'cdktf';
import { Postgres, POSTGRES_PARAMETERS } from '../../constructs/data/postgres';
import { DATABASES, environmentDatabases } from '../../stacks/data-stack';
import { RETRIEVAL_DATABASE } from '../../catalog/retrieval';
import { N8N_DATABASE, N8N_SECRETS } from '../../catalog/n8n';
import { AUDIT_CONTAINER, AUDIT_IDENTITIES } from '../../catalog/audit';
import { MLFLOW_CONTAINER, MLFLOW_DATABASE, MLFLOW_IDENTITIES, MLFLOW_SERVER } from '../../catalog/mlflow';
import { refId, synthApp } from '../helpers/synth';
import { drillPlan } from '../../scripts/restore-drill-plan';
import { MCP_HUB_NAMESPACE, MCP_TOOL_SERVERS } from '../../catalog/mcp-tools';

const app = synthApp();

for (const envName of ['dev', 'prod']) {
  const env = loadEnvironment(envName);
  const data = app.stack(`${envName}-data`);
  const pe = (sub: string) => data.of('azurerm_private_endpoint').find((p) => p.config.private_service_connection.subresource_names[0] === sub)!;
  // The platform's cache is the Entra-only one; n8n's has access keys (ADR 0007).
  const platformCache = () => data.of('azurerm_redis_cache').find((c) => c.config.access_keys_authentication_enabled === false)!;
  const peOf = (target: { id: string }) => data.of('azurerm_private_endpoint').find((p) => p.config.private_service_connection.private_connection_resource_id === refId(target as any));
  const diagnosed = (target: string) => data.of('azurerm_monitor_diagnostic_setting').some((d) => d.config.target_resource_id === target);

  describe(`${envName}-data`, () => {
    const pg = data.one('azurerm_postgresql_flexible_server');

    it('PostgreSQL: Entra ID, private, HA and backups as configured, after network and platform', () => {
      const passwords = Boolean(env.data.postgres.passwordLogin);
      assert.deepEqual(pg.config.authentication, { active_directory_auth_enabled: true, password_auth_enabled: passwords, tenant_id: pg.config.authentication.tenant_id });
      // Never a plain password argument: only the write-only one, fed by an ephemeral read.
      assert.equal(pg.config.administrator_password, undefined);
      assert.equal(pg.config.public_network_access_enabled, false);
      assert.equal(pg.config.backup_retention_days, env.data.postgres.backupRetentionDays);
      assert.equal(pg.config.geo_redundant_backup_enabled, env.data.postgres.geoRedundantBackup);
      assert.equal(pg.config.high_availability?.mode, env.data.postgres.highAvailability ? 'ZoneRedundant' : undefined);
      assert.equal(pe('postgresqlServer').config.private_service_connection.private_connection_resource_id, refId(pg));
      assert.ok(diagnosed(refId(pg)));
      assert.deepEqual(app.manifest.stacks[`${envName}-data`].dependencies.sort(), [`${envName}-network`, `${envName}-platform`]);
    });

    it('PostgreSQL password logins (an opt-out with a reason): the admin password is read from the platform vault at apply time, write-only', () => {
      const opt = env.data.postgres.passwordLogin;
      if (!opt) {
        assert.equal(pg.config.administrator_login, undefined);
        assert.equal(data.json.ephemeral, undefined);
        return;
      }
      assert.ok(opt.reason.length >= 30);
      assert.equal(pg.config.administrator_password_wo, '${ephemeral.azurerm_key_vault_secret.postgres_admin_password.value}');
      assert.equal(pg.config.administrator_password_wo_version, opt.adminPasswordVersion);
      const secret = data.json.ephemeral.azurerm_key_vault_secret.postgres_admin_password;
      assert.equal(secret.name, opt.adminSecretName);
      const vault = data.json.data.azurerm_key_vault[/^\$\{data\.azurerm_key_vault\.([^.]+)\.id\}$/.exec(secret.key_vault_id)![1]];
      assert.match(vault.name, /terraform_remote_state.*platform|\$\{/, 'the platform vault, by reference');
      assert.doesNotMatch(JSON.stringify(data.json.output ?? {}), /ephemeral/);
    });

    const federated = (ns: string, sa: string) => data.of('azurerm_federated_identity_credential').filter((f) => f.config.subject === `system:serviceaccount:${ns}:${sa}`);
    /** The identity a federated credential belongs to (`parent_id` references it). */
    const identityOf = (fed: { config: Record<string, any> }) => data.of('azurerm_user_assigned_identity').find((i) => fed.config.parent_id === `\${azurerm_user_assigned_identity.${i.id}.id}`)!;
    const vaultSecret = (name: string) => data.of('azurerm_key_vault_secret').find((k) => k.config.name === name);

    it('the LLM router identity: federated with its service account, Redis data contributor, client id in the platform vault', () => {
      const fed = federated(env.tenancy.routerNamespace, 'llm-router');
      assert.equal(fed.length, 1);
      const identity = identityOf(fed[0]);
      const access = data.one('azurerm_redis_cache_access_policy_assignment');
      assert.equal(access.config.access_policy_name, 'Data Contributor');
      assert.equal(access.config.object_id, `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`);
      assert.equal(access.config.redis_cache_id, refId(platformCache()));
      assert.equal(vaultSecret('llm-router-client-id')?.config.value, `\${azurerm_user_assigned_identity.${identity.id}.client_id}`);
      // No Azure role beyond the Redis data policy, except inference on the Azure OpenAI account and
      // moderation on the Content Safety account where there are cloud models (azure-openai.test.ts).
      const accounts = data.of('azurerm_cognitive_account');
      const expected = accounts.map((a) => `${a.config.kind === 'OpenAI' ? 'Cognitive Services OpenAI User' : 'Cognitive Services User'}@${refId(a)}`).sort();
      const roles = data.of('azurerm_role_assignment').filter((r) => r.config.principal_id.includes(`.${identity.id}.`));
      assert.deepEqual(roles.map((r) => `${r.config.role_definition_name}@${r.config.scope}`).sort(), expected, 'no Azure role beyond the Redis data policy, OpenAI inference and Content Safety moderation');
    });

    it('the audit identities: each federated with its service account, client and object id in the vault; only the archiver holds an Azure role (Blob Data Contributor on the audit container); the migrator administers PostgreSQL', () => {
      const audit = data.of('azurerm_storage_container').find((c) => c.config.name === AUDIT_CONTAINER)!;
      for (const [key, a] of Object.entries(AUDIT_IDENTITIES)) {
        const fed = federated(a.namespace, a.serviceAccount);
        assert.equal(fed.length, 1, `${a.name}: one federation with ${a.namespace}/${a.serviceAccount}`);
        const identity = identityOf(fed[0]);
        assert.ok(identity.config.name.endsWith(a.name), identity.config.name);
        assert.equal(vaultSecret(a.clientIdSecret)?.config.value, `\${azurerm_user_assigned_identity.${identity.id}.client_id}`);
        assert.equal(vaultSecret(a.objectIdSecret)?.config.value, `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`);
        const roles = data.of('azurerm_role_assignment').filter((r) => r.config.principal_id === `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`);
        assert.deepEqual(roles.map((r) => [r.config.role_definition_name, r.config.scope]), key === 'archiver' ? [['Storage Blob Data Contributor', refId(audit)]] : [], a.name);
        const admins = data.of('azurerm_postgresql_flexible_server_active_directory_administrator').filter((d) => d.config.object_id === `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`);
        assert.deepEqual(admins.map((d) => [d.config.principal_type, d.config.principal_name]), a.role === 'entra-admin' ? [['ServicePrincipal', identity.config.name]] : [], a.name);
      }
    });

    it('the MLflow identities: the server may write blobs in the mlflow container only; the bootstrap identity administers PostgreSQL and holds no Azure role', () => {
      const container = data.of('azurerm_storage_container').find((c) => c.config.name === MLFLOW_CONTAINER)!;
      assert.ok(container, 'a container of its own');
      assert.ok(data.of('azurerm_postgresql_flexible_server_database').some((d) => d.config.name === MLFLOW_DATABASE), 'database mlflow');
      for (const [key, m] of Object.entries(MLFLOW_IDENTITIES)) {
        const fed = federated(MLFLOW_SERVER.namespace, m.serviceAccount);
        assert.equal(fed.length, 1, m.name);
        const identity = identityOf(fed[0]);
        assert.equal(vaultSecret(m.clientIdSecret)?.config.value, `\${azurerm_user_assigned_identity.${identity.id}.client_id}`);
        assert.equal(vaultSecret(m.objectIdSecret)?.config.value, `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`);
        const roles = data.of('azurerm_role_assignment').filter((r) => r.config.principal_id === `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`);
        assert.deepEqual(roles.map((r) => [r.config.role_definition_name, r.config.scope]), key === 'server' ? [['Storage Blob Data Contributor', refId(container)]] : [], m.name);
        const admins = data.of('azurerm_postgresql_flexible_server_active_directory_administrator').filter((d) => d.config.object_id === `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`);
        assert.equal(admins.length, key === 'bootstrap' ? 1 : 0, m.name);
      }
    });

    it("the MCP hub's Azure DevOps tool server identity: federated with its service account in the hub's namespace, no Azure role, client id in the platform vault", () => {
      const server = MCP_TOOL_SERVERS['azure-devops'];
      const fed = data.of('azurerm_federated_identity_credential').find((f) => f.config.subject === `system:serviceaccount:${MCP_HUB_NAMESPACE}:${server.service}`);
      assert.ok(fed, 'federated with the tool server');
      const identity = data.of('azurerm_user_assigned_identity').find((i) => fed.config.parent_id === `\${azurerm_user_assigned_identity.${i.id}.id}`)!;
      const secret = data.of('azurerm_key_vault_secret').find((k) => k.config.name === server.clientIdSecret)!;
      assert.equal(secret.config.value, `\${azurerm_user_assigned_identity.${identity.id}.client_id}`);
      assert.ok(!data.of('azurerm_role_assignment').some((r) => r.config.principal_id === `\${azurerm_user_assigned_identity.${identity.id}.principal_id}`), 'no Azure role');
    });

    it('PostgreSQL: TLS 1.2+, pgvector allow-listed, router and audit databases, an Entra admin group', () => {
      const params = Object.fromEntries(data.of('azurerm_postgresql_flexible_server_configuration').map((c) => [c.config.name, c.config.value]));
      assert.deepEqual(params, POSTGRES_PARAMETERS);
      assert.match(params['azure.extensions'], /VECTOR/);
      assert.deepEqual(data.of('azurerm_postgresql_flexible_server_database').map((d) => d.config.name).sort(), [...environmentDatabases(env)].sort());
      assert.equal(environmentDatabases(env).includes(RETRIEVAL_DATABASE), Boolean(env.data.retrieval));
      // The restore drill checks every database the stack creates (scripts/restore-drill-plan.ts).
      assert.deepEqual(drillPlan(envName).DRILL_DATABASES.split(' ').sort(), data.of('azurerm_postgresql_flexible_server_database').map((d) => d.config.name).sort());
      const admin = data.of('azurerm_postgresql_flexible_server_active_directory_administrator').find((d) => d.config.principal_type === 'Group');
      assert.equal(admin?.config.object_id, env.data.postgres.entraAdmin.objectId);
    });

    it('Redis: TLS 1.2 only, no access keys, private endpoint', () => {
      const redis = platformCache();
      assert.equal(redis.config.minimum_tls_version, '1.2');
      assert.equal(redis.config.non_ssl_port_enabled, false);
      assert.equal(redis.config.access_keys_authentication_enabled, false);
      assert.equal(redis.config.redis_configuration.active_directory_authentication_enabled, true);
      assert.equal(redis.config.public_network_access_enabled, false);
      assert.ok(peOf(redis));
    });

    it("n8n's queue cache (ADR 0007): its own, access keys only, TLS 1.2, private endpoint, diagnosed; the key goes to the platform vault under the name the n8n app reads", () => {
      const caches = data.of('azurerm_redis_cache');
      assert.equal(caches.length, 2);
      const n8n = caches.find((c) => c !== platformCache())!;
      assert.match(n8n.config.name, /n8n/);
      assert.equal(n8n.config.access_keys_authentication_enabled, true);
      assert.equal(n8n.config.redis_configuration.active_directory_authentication_enabled, false);
      assert.equal(n8n.config.minimum_tls_version, '1.2');
      assert.equal(n8n.config.non_ssl_port_enabled, false);
      assert.equal(n8n.config.public_network_access_enabled, false);
      assert.ok(peOf(n8n));
      assert.ok(diagnosed(refId(n8n)));
      const key = data.of('azurerm_key_vault_secret').find((s) => s.config.name === N8N_SECRETS.redisAccessKey)!;
      assert.equal(key.config.value, `\${azurerm_redis_cache.${n8n.id}.primary_access_key}`);
      assert.ok(DATABASES.includes(N8N_DATABASE));
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

describe('PostgreSQL without the password opt-out', () => {
  it('accepts Entra ID only and has no admin login', () => {
    const config = { ...loadEnvironment('dev').data.postgres, passwordLogin: undefined };
    const stack = new TerraformStack(Testing.app(), 'pg');
    const props = { name: 'psql-x', privateEndpointName: 'pe-x', resourceGroupName: 'rg', location: 'westeurope', privateEndpointSubnetId: 's', privateDnsZoneId: 'z', logAnalyticsWorkspaceId: 'w', tenantId: 't', config, databases: ['router'] };
    new Postgres(stack, 'pg', props);
    const [server] = Object.values<any>(JSON.parse(Testing.synth(stack)).resource.azurerm_postgresql_flexible_server);
    assert.equal(server.authentication.password_auth_enabled, false);
    assert.equal(server.administrator_login, undefined);
    assert.throws(() => new Postgres(new TerraformStack(Testing.app(), 'pg2'), 'pg', { ...props, adminPassword: '${x}' }), /passwordLogin and adminPassword go together/);
  });
});
