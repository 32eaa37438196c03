/**
 * Azure OpenAI for the platform's cloud models: one account reachable only through a private
 * endpoint in the environment's VNet, accepting Entra ID tokens only, with one deployment per
 * catalogue model and the inference role for the identities that may call it.
 *
 * Provider behaviour (hashicorp/terraform-provider-azurerm v4.55.0,
 * internal/services/cognitive/cognitive_deployment_resource.go; the account's in ./account.ts):
 * a deployment's `model.format`/`model.name`/`sku.name` replace it, `model.version` and
 * `sku.capacity` update in place; `version_upgrade_option` defaults to
 * OnceNewDefaultVersionAvailable, which would swap the model under the router without a review.
 *
 * The account stores no tenant data (no files, no fine-tunes, no stored completions are used), so
 * it is not protected from destroy: it follows the entitlements, and the plan review shows it go.
 */
import { Construct } from 'constructs';
import type { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import { CognitiveDeployment } from '@cdktf/provider-azurerm/lib/cognitive-deployment';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { AZURE_OPENAI_USER_ROLE, type AzureOpenAISku } from '../../catalog/data-boundary';
import { grantUsers, privateCognitiveAccount, type PrivateCognitiveAccountProps } from './account';

export interface AzureOpenAIDeploymentProps {
  /** The deployment name, which the router calls (`azure/<name>`): the catalogue id. */
  readonly name: string;
  readonly model: { readonly format: string; readonly name: string; readonly version: string };
  readonly sku: AzureOpenAISku;
  /** Thousands of tokens per minute. */
  readonly capacity: number;
}

export interface AzureOpenAIProps extends Omit<PrivateCognitiveAccountProps, 'kind'> {
  readonly deployments: readonly AzureOpenAIDeploymentProps[];
  /** Principals (workload identities) that may call the inference API, by a stable key. */
  readonly users: Readonly<Record<string, string>>;
}

export class AzureOpenAI extends Construct {
  readonly account: CognitiveAccount;
  readonly deployments: CognitiveDeployment[];
  readonly roleAssignments: RoleAssignment[];

  constructor(scope: Construct, id: string, props: AzureOpenAIProps) {
    super(scope, id);
    this.account = privateCognitiveAccount(this, { ...props, kind: 'OpenAI' });

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

    this.roleAssignments = grantUsers(this, 'openai-user', this.account, AZURE_OPENAI_USER_ROLE, props.users);
  }

  get endpoint(): string {
    return this.account.endpoint;
  }
}
