/**
 * A Cognitive Services account the platform reaches only privately: public network access and
 * local (key) auth off, so Entra ID tokens through the private endpoint are the only way in, and
 * outbound access restricted to nothing. Azure OpenAI and the cloud routes' Content Safety
 * moderation are both built on it.
 *
 * Provider behaviour (hashicorp/terraform-provider-azurerm v4.55.0, cognitive_account_resource.go):
 * `local_auth_enabled` and `public_network_access_enabled` default to true, so both are set;
 * `kind`, `location` and `name` replace the account, and a custom subdomain replaces it once set.
 */
import type { Construct } from 'constructs';
import { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { AZURE_OPENAI_SUBRESOURCE } from '../../catalog/data-boundary';
import { grantRole } from '../identity';
import { connectPrivately, type PrivateServiceProps } from '../private-service';

export interface PrivateCognitiveAccountProps extends PrivateServiceProps {
  readonly kind: 'OpenAI' | 'ContentSafety';
  /** Region of the account; may differ from the VNet's (`location`, where its private endpoint lives): not every service is offered everywhere. */
  readonly accountLocation: string;
}

/** The account, its private endpoint (`account` sub-resource) and its diagnostics (connectPrivately), in `scope`. */
export function privateCognitiveAccount(scope: Construct, props: PrivateCognitiveAccountProps): CognitiveAccount {
  const account = new CognitiveAccount(scope, 'account', {
    name: props.name,
    resourceGroupName: props.resourceGroupName,
    location: props.accountLocation,
    kind: props.kind,
    skuName: 'S0',
    // Entra ID needs a custom subdomain; Private Link resolves <subdomain>.<service domain>.
    customSubdomainName: props.name,
    localAuthEnabled: false,
    publicNetworkAccessEnabled: false,
    // The data plane calls nothing outside the account; no data-exfiltration path through it.
    outboundNetworkAccessRestricted: true,
    fqdns: [],
    networkAcls: { defaultAction: 'Deny' },
    identity: { type: 'SystemAssigned' },
  });
  connectPrivately(scope, props, account.id, AZURE_OPENAI_SUBRESOURCE);
  return account;
}

/** `role` on the account for each principal (by a stable key), and for nobody else. */
export function grantUsers(scope: Construct, prefix: string, account: CognitiveAccount, role: string, users: Readonly<Record<string, string>>): RoleAssignment[] {
  return Object.entries(users).map(([key, principalId]) => grantRole(scope, `${prefix}-${key}`, { principalId, role, scope: account.id, principalType: 'ServicePrincipal' }));
}
