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
import { Diagnostics } from '../monitoring';
import { PrivateEndpoint } from '../private-endpoint';

export interface PrivateCognitiveAccountProps {
  /** Account name, also its custom subdomain. */
  readonly name: string;
  readonly kind: 'OpenAI' | 'ContentSafety';
  readonly resourceGroupName: string;
  /** Region of the account; may differ from the VNet's (not every service is offered everywhere). */
  readonly location: string;
  readonly privateEndpoint: {
    readonly name: string;
    /** The VNet's region: a private endpoint lives next to its subnet. */
    readonly location: string;
    readonly subnetId: string;
    /** The service's privatelink zone, linked to the VNet (network stack), so pods resolve the account privately. */
    readonly privateDnsZoneId: string;
  };
  readonly logAnalyticsWorkspaceId: string;
}

/** The account, its private endpoint (`account` sub-resource) and its diagnostics, in `scope`. */
export function privateCognitiveAccount(scope: Construct, props: PrivateCognitiveAccountProps): CognitiveAccount {
  const account = new CognitiveAccount(scope, 'account', {
    name: props.name,
    resourceGroupName: props.resourceGroupName,
    location: props.location,
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
  new PrivateEndpoint(scope, 'private-endpoint', {
    name: props.privateEndpoint.name,
    resourceGroupName: props.resourceGroupName,
    location: props.privateEndpoint.location,
    subnetId: props.privateEndpoint.subnetId,
    targetResourceId: account.id,
    subresource: AZURE_OPENAI_SUBRESOURCE,
    privateDnsZoneId: props.privateEndpoint.privateDnsZoneId,
  });
  new Diagnostics(scope, 'diagnostics', {
    name: 'diag-to-log-analytics',
    targetResourceId: account.id,
    workspaceId: props.logAnalyticsWorkspaceId,
    categoryGroups: ['allLogs'],
  });
  return account;
}

/** `role` on the account for each principal (by a stable key), and for nobody else. */
export function grantUsers(scope: Construct, prefix: string, account: CognitiveAccount, role: string, users: Readonly<Record<string, string>>): RoleAssignment[] {
  return Object.entries(users).map(([key, principalId]) => grantRole(scope, `${prefix}-${key}`, { principalId, role, scope: account.id, principalType: 'ServicePrincipal' }));
}
