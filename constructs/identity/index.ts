/** User-assigned managed identities and the role assignments that give them access. */
import { Construct } from 'constructs';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';

export interface ManagedIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
}

export class ManagedIdentity extends Construct {
  readonly identity: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: ManagedIdentityProps) {
    super(scope, id);
    this.identity = new UserAssignedIdentity(this, 'identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
  }

  get id(): string {
    return this.identity.id;
  }

  get principalId(): string {
    return this.identity.principalId;
  }

  get clientId(): string {
    return this.identity.clientId;
  }

  /** Grants `role` (a built-in role's name or a custom definition) on `scope` to this identity. */
  grant(id: string, role: string | RoleDefinition, scope: string): RoleAssignment {
    return grantRole(this, id, { principalId: this.principalId, role, scope, principalType: 'ServicePrincipal' });
  }
}

export interface GrantProps {
  readonly principalId: string;
  readonly role: string | RoleDefinition;
  readonly scope: string;
  /** Omit when unknown (the deployer may be a person locally and a workload identity in CI). */
  readonly principalType?: 'ServicePrincipal' | 'Group' | 'User';
  readonly description?: string;
}

export function grantRole(scope: Construct, id: string, props: GrantProps): RoleAssignment {
  return new RoleAssignment(scope, id, {
    principalId: props.principalId,
    ...(typeof props.role === 'string' ? { roleDefinitionName: props.role } : { roleDefinitionId: props.role.roleDefinitionResourceId }),
    scope: props.scope,
    ...(props.principalType ? { principalType: props.principalType } : {}),
    // A new identity takes a while to replicate in Entra ID; skipping the check avoids a
    // spurious "principal not found" on first deploy.
    skipServicePrincipalAadCheck: props.principalType === 'ServicePrincipal',
    ...(props.description ? { description: props.description } : {}),
  });
}
