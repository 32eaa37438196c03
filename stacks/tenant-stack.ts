/**
 * `<env>-tenant-<name>`: everything one tenant gets in one environment. Cluster, network and
 * workspace come from the platform and network stacks by reference; nothing is copied.
 */
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE } from '../catalog/edge';
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { RETRIEVAL_DATABASE, tenantStoreNames } from '../catalog/retrieval';
import { POSTGRES_PORT } from '../catalog/data-services';
import type { Tenant } from '../config/tenant-schema';
import { TenantBudget } from '../constructs/budget';
import { ClusterAccess } from '../constructs/cluster-access';
import { routerEntitlement } from '../config/entitlements';
import { TenantGitOps } from '../constructs/tenant/gitops';
import { TenantIdentity } from '../constructs/tenant/identity';
import { TENANT_LABEL } from '../constructs/tenant/labels';
import { TenantNamespace } from '../constructs/tenant/namespace';
import { TenantNetworkPolicies } from '../constructs/tenant/network-policies';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { NetworkStack } from './network-stack';
import type { PlatformStack } from './platform-stack';

/** Output that marks the stack of a retired tenant; the review reads it to treat its deletes as the retirement they are. */
export const RETIRED_TENANT_OUTPUT = 'tenant_retired';

export interface TenantStackProps extends Omit<EnvironmentStackProps, 'tenant' | 'costCenter'> {
  readonly tenant: Tenant;
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
}

export class TenantStack extends EnvironmentStack {
  constructor(scope: Construct, props: TenantStackProps) {
    const t = props.tenant;
    super(scope, `tenant-${t.metadata.name}`, { ...props, tenant: t.metadata.name, costCenter: t.spec.costCenter });
    const { env } = props;
    const { platform } = props;
    const net = props.network.network;

    // The stack's only Kubernetes provider: every in-cluster resource below goes through it.
    new ClusterAccess(this, 'cluster-access', {
      clusterName: platform.aks.cluster.name,
      resourceGroupName: platform.aks.cluster.resourceGroupName,
    });
    const client = new DataAzurermClientConfig(this, 'client', {});

    const identity = new TenantIdentity(this, 'identity', {
      tenant: t,
      naming: this.naming,
      namespace: t.metadata.name,
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      tenantId: client.tenantId,
      oidcIssuerUrl: platform.aks.oidcIssuerUrl,
      clusterId: platform.aks.id,
      privateEndpointSubnetId: net.subnets.privateEndpoints.id,
      keyVaultPrivateDnsZoneId: net.privateDnsZones.keyVault.id,
      logAnalyticsWorkspaceId: platform.logs.workspace.id,
      softDeleteRetentionDays: env.keyVault.softDeleteRetentionDays,
      publicNetworkAccess: env.publicNetworkAccess,
    });

    const ns = new TenantNamespace(this, 'namespace', { tenant: t, workloadIdentityClientId: identity.identity.clientId });
    new TenantNetworkPolicies(this, 'network-policies', {
      tenant: t,
      namespace: ns.name,
      gateway: { namespace: GATEWAY_NAMESPACE, pods: ENVOY_PROXY_POD_LABELS },
      monitoringNamespace: env.tenancy.monitoringNamespace,
      routerNamespace: env.tenancy.routerNamespace,
      ...(t.spec.retrieval && env.data.retrieval ? { retrievalStore: { cidr: env.network.subnets.privateEndpoints, port: POSTGRES_PORT } } : {}),
    });
    new TenantGitOps(this, 'gitops', { tenant: t, namespace: ns.name, argocdNamespace: env.tenancy.argocdNamespace });

    new TenantBudget(this, 'budget', {
      name: this.naming.name('consumptionBudget', t.metadata.name),
      subscriptionId: `/subscriptions/${client.subscriptionId}`,
      amount: t.spec.budget.monthly,
      thresholds: t.spec.budget.alertThresholds,
      contactEmails: t.spec.owners.contacts,
      tag: { name: TENANT_LABEL, value: t.metadata.name },
    });

    // The tenant's vector store (docs/retrieval.md): its workload identity becomes its PostgreSQL
    // role. The retrieval migration Job (platform namespace) maps the object id to an Entra role,
    // so it goes where that Job's ExternalSecret reads: the platform vault. Retiring the tenant
    // destroys the identity and this secret; the Job then revokes the role's access.
    if (t.spec.retrieval && env.data.retrieval) {
      const store = tenantStoreNames(t.metadata.name);
      new KeyVaultSecret(this, 'retrieval-object-id', { name: store.objectIdSecret, keyVaultId: platform.vault.vault.id, value: identity.identity.principalId, contentType: 'object-id' });
      new TerraformOutput(this, 'retrieval', { value: { database: RETRIEVAL_DATABASE, schema: store.schema, user: store.loginRole }, description: 'PostgreSQL database, schema and user of the tenant vector store (docs/retrieval.md)' });
    }

    new TerraformOutput(this, 'tenant_namespace', { value: ns.name });
    new TerraformOutput(this, 'workload_identity_client_id', { value: identity.identity.clientId, description: 'annotate service accounts with it' });
    new TerraformOutput(this, 'key_vault_uri', { value: identity.vault.vault.vaultUri });
    // No `llm` block means no router access at all, so there is nothing to export.
    const entitlement = routerEntitlement(t);
    if (entitlement) {
      new TerraformOutput(this, 'router_entitlements', {
        value: entitlement,
        description: 'models, TPM/RPM and monthly budget the LLM router enforces for this tenant',
      });
    }
  }
}

/**
 * A retired tenant (`retired: true`): the stack keeps its backend and providers but declares no
 * resources, so the next deploy destroys everything the tenant had (the review lists it and asks
 * for the approve-destroy label). Once that deploy ran, the tenant file can be deleted.
 */
export class RetiredTenantStack extends EnvironmentStack {
  constructor(scope: Construct, props: TenantStackProps) {
    const t = props.tenant;
    super(scope, `tenant-${t.metadata.name}`, { ...props, tenant: t.metadata.name, costCenter: t.spec.costCenter });
    // Destroying the namespace and its objects needs the Kubernetes provider configured.
    new ClusterAccess(this, 'cluster-access', {
      clusterName: props.platform.aks.cluster.name,
      resourceGroupName: props.platform.aks.cluster.resourceGroupName,
    });
    new TerraformOutput(this, RETIRED_TENANT_OUTPUT, { value: true, description: 'the tenant is retired; delete tenants/<name>.yaml after this stack was deployed' });
  }
}
