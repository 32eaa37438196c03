/**
 * `<env>-data`: PostgreSQL (router keys and budgets, audit), Redis (cross-replica limits) and
 * Storage (artifacts, immutable audit logs). Every service authenticates with Entra ID; where an
 * environment opts PostgreSQL into password logins as well (for the LLM router), the admin
 * password comes from Key Vault at apply time and is never in plan or state.
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { DataAzurermKeyVault } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { PostgresqlFlexibleServerActiveDirectoryAdministrator } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-active-directory-administrator';
import { RedisCacheAccessPolicyAssignment } from '@cdktf/provider-azurerm/lib/redis-cache-access-policy-assignment';
import { ROUTER_CLIENT_ID_SECRET, ROUTER_NAME } from '../charts/workloads/names';
import { N8N_DATABASE, N8N_SECRETS } from '../catalog/n8n';
import { MCP_HUB_NAMESPACE, MCP_TOOL_SERVERS } from '../catalog/mcp-tools';
import { AUDIT_DATABASE, AUDIT_IDENTITIES } from '../catalog/audit';
import { WorkloadIdentity } from '../constructs/addons/identity';
import { TEMPORAL_DATABASES } from '../catalog/temporal';
import { RETRIEVAL_DATABASE, RETRIEVAL_MIGRATOR } from '../catalog/retrieval';
import { ArtifactStorage } from '../constructs/data/storage';
import { Postgres } from '../constructs/data/postgres';
import { Redis } from '../constructs/data/redis';
import { ContentSafety } from '../constructs/azure-openai/content-safety';
import { AzureOpenAI } from '../constructs/azure-openai';
import { AZURE_OPENAI_ACCOUNT, CONTENT_SAFETY_ACCOUNT } from '../catalog/data-boundary';
import type { CloudModels } from '../config/cloud-models';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { NetworkStack } from './network-stack';
import type { PlatformStack } from './platform-stack';
import type { EnvironmentConfig } from '../config/schema';
import { LEDGER_DATABASE, LEDGER_IDENTITIES } from '../catalog/ledger';
import { MLFLOW_DATABASE, MLFLOW_IDENTITIES, MLFLOW_SERVER } from '../catalog/mlflow';

export interface DataStackProps extends EnvironmentStackProps {
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
  /** The environment's cloud models (config/cloud-models.ts); none: no Azure OpenAI account. */
  readonly cloudModels?: CloudModels;
}

export const DATABASES = ['router', AUDIT_DATABASE, TEMPORAL_DATABASES.default, TEMPORAL_DATABASES.visibility, N8N_DATABASE, LEDGER_DATABASE, MLFLOW_DATABASE];

/** The databases of one environment: DATABASES, and the tenant vector stores' where configured (docs/retrieval.md). */
export function environmentDatabases(env: Pick<EnvironmentConfig, 'data'>): string[] {
  return env.data.retrieval ? [...DATABASES, RETRIEVAL_DATABASE] : DATABASES;
}

export class DataStack extends EnvironmentStack {
  readonly postgres: Postgres;
  readonly redis: Redis;
  /** n8n's Bull queue: its own cache with access keys (ADR 0007); the platform cache stays Entra-only. */
  readonly n8nRedis: Redis;
  readonly storage: ArtifactStorage;
  readonly openAI?: AzureOpenAI;
  readonly contentSafety?: ContentSafety;

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
      ...(env.data.postgres.passwordLogin ? { adminPassword: this.ephemeralVaultSecret(props.platform, env.data.postgres.passwordLogin.adminSecretName) } : {}),
      ...common,
      name: this.naming.name('postgresqlFlexibleServer'),
      privateEndpointName: this.naming.name('privateEndpoint', 'psql'),
      tenantId: client.tenantId,
      config: env.data.postgres,
      databases: environmentDatabases(env),
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
    this.n8nRedis = new Redis(this, 'n8n-redis', {
      ...common,
      name: this.naming.name('redisCache', 'n8n'),
      privateEndpointName: this.naming.name('privateEndpoint', 'redis-n8n'),
      capacity: env.data.redis.capacity,
      zones: env.data.redis.zones,
      privateDnsZoneId: net.privateDnsZones.redis.id,
      accessKeys: { reason: "n8n's queue (Bull on ioredis) takes a static password and cannot refresh Entra ID tokens" },
    });
    // The key reaches n8n and KEDA only through Key Vault and an ExternalSecret; rotate with `az redis regenerate-keys`, then re-apply.
    new KeyVaultSecret(this, 'n8n-redis-access-key', {
      name: N8N_SECRETS.redisAccessKey,
      keyVaultId: props.platform.vault.vault.id,
      value: this.n8nRedis.cache.primaryAccessKey,
      contentType: 'redis-access-key',
    });
    this.storage = new ArtifactStorage(this, 'storage', {
      ...common,
      name: this.naming.name('storageAccount'),
      privateEndpointName: this.naming.name('privateEndpoint', 'blob'),
      config: env.data.storage,
      lockAudit: env.tier === 'production',
      privateDnsZoneId: net.privateDnsZones.blob.id,
    });

    const router = this.routerIdentity(props);
    if (props.cloudModels && props.cloudModels.models.length > 0) {
      this.openAI = new AzureOpenAI(this, 'azure-openai', {
        ...common,
        name: this.naming.name('cognitiveAccount', AZURE_OPENAI_ACCOUNT),
        privateEndpointName: this.naming.name('privateEndpoint', AZURE_OPENAI_ACCOUNT),
        privateDnsZoneId: net.privateDnsZones.openAI.id,
        accountLocation: props.cloudModels.location,
        deployments: props.cloudModels.models.map((m) => ({ name: m.id, model: m.model, sku: m.deployment.sku, capacity: m.deployment.capacity })),
        // The router is the only caller: tenants reach cloud models through it, within their boundary.
        users: { [ROUTER_NAME]: router.identity.principalId },
      });
      new TerraformOutput(this, 'azure_openai_endpoint', { value: this.openAI.endpoint });
      // Every cloud route is moderated (charts/workloads/guardrails.ts): its account comes with the first one.
      this.contentSafety = new ContentSafety(this, 'content-safety', {
        ...common,
        name: this.naming.name('cognitiveAccount', CONTENT_SAFETY_ACCOUNT),
        privateEndpointName: this.naming.name('privateEndpoint', CONTENT_SAFETY_ACCOUNT),
        privateDnsZoneId: net.privateDnsZones.cognitiveServices.id,
        accountLocation: props.cloudModels.location,
        users: { [ROUTER_NAME]: router.identity.principalId },
      });
    }
    if (env.mcpHub && env.addons.aiGateway.enabled) this.mcpToolServerIdentity(props);
    this.auditIdentities(props, client.tenantId);
    if (env.data.retrieval) this.retrievalMigrator(props, client.tenantId);
    this.ledgerIdentities(props, client.tenantId);
    this.mlflowIdentities(props, client.tenantId);

    new TerraformOutput(this, 'postgres_fqdn', { value: this.postgres.server.fqdn });
    new TerraformOutput(this, 'redis_hostname', { value: this.redis.cache.hostname });
    new TerraformOutput(this, 'n8n_redis_hostname', { value: this.n8nRedis.cache.hostname });
    new TerraformOutput(this, 'storage_blob_endpoint', { value: this.storage.account.primaryBlobEndpoint });
  }

  /**
   * The LLM router's workload identity: federated with its service account, a data contributor
   * on Redis (Entra ID; the cache has no access keys), and its client id in the platform vault,
   * where the router's ExternalSecret picks it up (rendered manifests cannot know it).
   */
  private routerIdentity(props: DataStackProps): WorkloadIdentity {
    const { env, platform } = props;
    const router = new WorkloadIdentity(this, 'router-identity', {
      name: this.naming.name('userAssignedIdentity', ROUTER_NAME),
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      oidcIssuerUrl: platform.aks.oidcIssuerUrl,
      namespace: env.tenancy.routerNamespace,
      serviceAccount: ROUTER_NAME,
      roles: {},
    });
    new RedisCacheAccessPolicyAssignment(this, 'router-redis-access', {
      name: ROUTER_NAME,
      redisCacheId: this.redis.cache.id,
      accessPolicyName: 'Data Contributor',
      objectId: router.identity.principalId,
      objectIdAlias: ROUTER_NAME,
    });
    // A client id is an identifier, not a credential; the vault is only how it reaches the pod.
    new KeyVaultSecret(this, 'router-client-id', {
      name: ROUTER_CLIENT_ID_SECRET,
      keyVaultId: platform.vault.vault.id,
      value: router.clientId,
      contentType: 'client-id',
    });
    return router;
  }

  /**
   * The MCP hub's Azure DevOps tool server: a workload identity federated with its service account,
   * with no Azure role (Azure DevOps grants it access once it is added to the organisation as a
   * user: docs/mcp-hub.md), and its client id in the platform vault for the server's ExternalSecret.
   */
  private mcpToolServerIdentity(props: DataStackProps): void {
    const { env, platform } = props;
    const { service: server, clientIdSecret } = MCP_TOOL_SERVERS['azure-devops'];
    const identity = new WorkloadIdentity(this, 'azure-devops-mcp-identity', {
      name: this.naming.name('userAssignedIdentity', server),
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      oidcIssuerUrl: platform.aks.oidcIssuerUrl,
      namespace: MCP_HUB_NAMESPACE,
      serviceAccount: server,
      roles: {},
    });
    new KeyVaultSecret(this, 'azure-devops-mcp-client-id', {
      name: clientIdSecret,
      keyVaultId: platform.vault.vault.id,
      value: identity.clientId,
      contentType: 'client-id',
    });
    new TerraformOutput(this, 'azure_devops_mcp_principal_id', { value: identity.identity.principalId, description: 'add this identity to the Azure DevOps organisation (docs/mcp-hub.md)' });
  }

  /**
   * The audit trail's identities (catalog/audit.ts), each federated with its service account:
   * the writers (agent gateway, MCP hub) and the archiver become PostgreSQL roles through the
   * migration Job, which runs as the migrator, an Entra admin of the server (the only principals
   * that may create Entra roles); the archiver may write blobs to the immutable audit container
   * only. Client and object ids go to the vault for the rendered manifests.
   */
  private auditIdentities(props: DataStackProps, tenantId: string): void {
    for (const [key, a] of Object.entries(AUDIT_IDENTITIES)) {
      this.databaseIdentity(props, tenantId, { ...a, entraAdmin: a.role === 'entra-admin', roles: key === 'archiver' ? { 'Storage Blob Data Contributor': [this.storage.containers.audit.id] } : {} });
    }
  }

  /**
   * The retrieval migration Job's identity (catalog/retrieval.ts): an Entra admin of the server,
   * because only those create the tenants' Entra roles (pgaadauth_create_principal_with_oid), and
   * a member of azure_pg_admin, which may create the allow-listed pgvector extension. Its client
   * id goes to the vault for the Job's ExternalSecret; the tenants' object ids come from the
   * tenant stacks (stacks/tenant-stack.ts).
   */
  private retrievalMigrator(props: DataStackProps, tenantId: string): void {
    this.databaseIdentity(props, tenantId, { ...RETRIEVAL_MIGRATOR, entraAdmin: true });
  }

  /**
   * A Terraform expression for a secret of the platform vault, read at apply time through an
   * ephemeral resource (Terraform 1.10+): usable in write-only arguments, never stored.
   * cdktf 0.21 has no ephemeral blocks, so it is added as a raw override.
   */
  private ephemeralVaultSecret(platform: PlatformStack, secretName: string): string {
    const vault = new DataAzurermKeyVault(this, 'platform-vault', { name: platform.vault.vault.name, resourceGroupName: platform.vault.vault.resourceGroupName });
    const id = 'postgres_admin_password';
    this.addOverride(`ephemeral.azurerm_key_vault_secret.${id}`, { name: secretName, key_vault_id: `\${data.azurerm_key_vault.${vault.friendlyUniqueId}.id}` });
    return `\${ephemeral.azurerm_key_vault_secret.${id}.value}`;
  }

  /**
   * The cost ledger's identities (catalog/ledger.ts), each federated with its service account: the
   * loader and the API (PostgREST's login) become PostgreSQL roles through the ledger's migration
   * Job, which runs as the ledger's migrator, an Entra admin of the server. None has an Azure role.
   */
  private ledgerIdentities(props: DataStackProps, tenantId: string): void {
    for (const a of Object.values(LEDGER_IDENTITIES)) this.databaseIdentity(props, tenantId, { ...a, entraAdmin: a.role === 'entra-admin' });
  }

  /**
   * MLflow's identities (catalog/mlflow.ts), each federated with its service account in the
   * platform namespace: the server may read and write blobs in the mlflow container only; the
   * bootstrap identity is an Entra admin of the server, because only Entra admins may create the
   * server's Entra role (charts/mlflow). Client and object ids go to the vault for the manifests.
   */
  private mlflowIdentities(props: DataStackProps, tenantId: string): void {
    for (const [key, m] of Object.entries(MLFLOW_IDENTITIES)) {
      this.databaseIdentity(props, tenantId, {
        ...m,
        namespace: MLFLOW_SERVER.namespace,
        entraAdmin: key === 'bootstrap',
        roles: key === 'server' ? { 'Storage Blob Data Contributor': [this.storage.containers.mlflow.id] } : {},
      });
    }
  }

  /**
   * A workload identity the platform PostgreSQL knows: federated with its service account, its
   * client id (and its object id, where a migration Job creates its role from it) in the platform
   * vault for the pods' ExternalSecrets, and an Entra admin of the server where it creates Entra
   * roles itself (only admins may).
   */
  private databaseIdentity(
    props: DataStackProps,
    tenantId: string,
    spec: { name: string; namespace: string; serviceAccount: string; clientIdSecret: string; objectIdSecret?: string; entraAdmin: boolean; roles?: Record<string, string[]> },
  ): void {
    const { env, platform } = props;
    const name = this.naming.name('userAssignedIdentity', spec.name);
    const identity = new WorkloadIdentity(this, `${spec.name}-identity`, {
      name,
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      oidcIssuerUrl: platform.aks.oidcIssuerUrl,
      namespace: spec.namespace,
      serviceAccount: spec.serviceAccount,
      roles: spec.roles ?? {},
    });
    const vaultSecret = (secret: string, value: string, contentType: string) =>
      new KeyVaultSecret(this, secret, { name: secret, keyVaultId: platform.vault.vault.id, value, contentType });
    vaultSecret(spec.clientIdSecret, identity.clientId, 'client-id');
    if (spec.objectIdSecret) vaultSecret(spec.objectIdSecret, identity.identity.principalId, 'object-id');
    if (spec.entraAdmin) {
      new PostgresqlFlexibleServerActiveDirectoryAdministrator(this, `${spec.name}-postgres-admin`, {
        serverName: this.postgres.server.name,
        resourceGroupName: this.resourceGroup.name,
        tenantId,
        objectId: identity.identity.principalId,
        principalName: name,
        principalType: 'ServicePrincipal',
      });
    }
  }
}
