/**
 * Azure OpenAI for the platform's cloud models: one account reachable only through a private
 * endpoint in the environment's VNet, accepting Entra ID tokens only, with one deployment per
 * catalogue model and the inference role for the identities that may call it.
 *
 * Provider behaviour (hashicorp/terraform-provider-azurerm v4.55.0,
 * internal/services/cognitive/cognitive_account_resource.go and cognitive_deployment_resource.go):
 * `local_auth_enabled` and `public_network_access_enabled` default to true, so both are set;
 * `kind`, `location` and `name` replace the account, a custom subdomain replaces it once set;
 * a deployment's `model.format`/`model.name`/`sku.name` replace it, `model.version` and
 * `sku.capacity` update in place; `version_upgrade_option` defaults to
 * OnceNewDefaultVersionAvailable, which would swap the model under the router without a review.
 *
 * The account stores no tenant data (no files, no fine-tunes, no stored completions are used), so
 * it is not protected from destroy: it follows the entitlements, and the plan review shows it go.
 */
import { Construct } from 'constructs';
import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { CognitiveDeployment } from '@cdktf/provider-azurerm/lib/cognitive-deployment';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { AZURE_OPENAI_SUBRESOURCE, AZURE_OPENAI_USER_ROLE, type AzureOpenAISku } from '../../catalog/data-boundary';
import { grantRole } from '../identity';
import { Diagnostics } from '../monitoring';
import { PrivateEndpoint } from '../private-endpoint';

export interface AzureOpenAIDeploymentProps {
  /** The deployment name, which the router calls (`azure/<name>`): the catalogue id. */
  readonly name: string;
  readonly model: { readonly format: string; readonly name: string; readonly version: string };
  readonly sku: AzureOpenAISku;
  /** Thousands of tokens per minute. */
  readonly capacity: number;
}

export interface AzureOpenAIProps {
  /** Account name, also its custom subdomain (<name>.openai.azure.com). */
  readonly name: string;
  readonly resourceGroupName: string;
  /** Region of the account; may differ from the VNet's (the models are not offered everywhere). */
  readonly location: string;
  readonly privateEndpoint: {
    readonly name: string;
    /** The VNet's region: a private endpoint lives next to its subnet. */
    readonly location: string;
    readonly subnetId: string;
    /** privatelink.openai.azure.com, linked to the VNet (network stack), so pods resolve the account privately. */
    readonly privateDnsZoneId: string;
  };
  readonly logAnalyticsWorkspaceId: string;
  readonly deployments: readonly AzureOpenAIDeploymentProps[];
  /** Principals (workload identities) that may call the inference API, by a stable key. */
  readonly users: Readonly<Record<string, string>>;
}

export class AzureOpenAI extends Construct {
  readonly account: CognitiveAccount;
  readonly deployments: CognitiveDeployment[];
  readonly roleAssignments: RoleAssignment[] = [];

  constructor(scope: Construct, id: string, props: AzureOpenAIProps) {
    super(scope, id);
    this.account = new CognitiveAccount(this, 'account', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      kind: 'OpenAI',
      skuName: 'S0',
      // Entra ID needs a custom subdomain; Private Link resolves <subdomain>.openai.azure.com.
      customSubdomainName: props.name,
      localAuthEnabled: false,
      publicNetworkAccessEnabled: false,
      // Inference calls nothing outside the account; no data-exfiltration path through it.
      outboundNetworkAccessRestricted: true,
      fqdns: [],
      networkAcls: { defaultAction: 'Deny' },
      identity: { type: 'SystemAssigned' },
    });

    new PrivateEndpoint(this, 'private-endpoint', {
      name: props.privateEndpoint.name,
      resourceGroupName: props.resourceGroupName,
      location: props.privateEndpoint.location,
      subnetId: props.privateEndpoint.subnetId,
      targetResourceId: this.account.id,
      subresource: AZURE_OPENAI_SUBRESOURCE,
      privateDnsZoneId: props.privateEndpoint.privateDnsZoneId,
    });
    new Diagnostics(this, 'diagnostics', {
      name: 'diag-to-log-analytics',
      targetResourceId: this.account.id,
      workspaceId: props.logAnalyticsWorkspaceId,
      categoryGroups: ['allLogs'],
    });

    // One at a time: Azure refuses concurrent deployment operations on one account.
    let previous: CognitiveDeployment | undefined;
    this.deployments = props.deployments.map((d) => {
      const deployment: CognitiveDeployment = new CognitiveDeployment(this, `deployment-${d.name}`, {
        name: d.name,
        cognitiveAccountId: this.account.id,
        model: { format: d.model.format, name: d.model.name, version: d.model.version },
        sku: { name: d.sku, capacity: d.capacity },
        // A new model version is a reviewed change of config/models.yaml, never Azure's choice.
        versionUpgradeOption: 'NoAutoUpgrade',
        ...(previous ? { dependsOn: [previous] } : {}),
      });
      previous = deployment;
      return deployment;
    });

    for (const [key, principalId] of Object.entries(props.users)) {
      this.roleAssignments.push(grantRole(this, `openai-user-${key}`, { principalId, role: AZURE_OPENAI_USER_ROLE, scope: this.account.id, principalType: 'ServicePrincipal' }));
    }
  }

  get endpoint(): string {
    return this.account.endpoint;
  }
}
