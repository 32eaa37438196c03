/**
 * An add-on's Azure identity: a user-assigned identity federated with the add-on's Kubernetes
 * service account (workload identity), holding only the roles listed for it. No client secret
 * or key exists anywhere.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { ManagedIdentity } from '../identity';

export interface WorkloadIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly oidcIssuerUrl: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Role name -> scopes it is granted on. */
  readonly roles: Record<string, string[]>;
}

export class WorkloadIdentity extends Construct {
  readonly identity: ManagedIdentity;
  /** What must exist before a pod can use the identity: the federation and the role assignments. */
  readonly ready: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    this.identity = new ManagedIdentity(this, 'identity', { name: props.name, resourceGroupName: props.resourceGroupName, location: props.location });
    const federation = new FederatedIdentityCredential(this, 'federation', {
      name: `${props.namespace}-${props.serviceAccount}`,
      resourceGroupName: props.resourceGroupName,
      parentId: this.identity.id,
      audience: ['api://AzureADTokenExchange'],
      issuer: props.oidcIssuerUrl,
      subject: `system:serviceaccount:${props.namespace}:${props.serviceAccount}`,
    });
    this.ready.push(federation);
    for (const [role, scopes] of Object.entries(props.roles)) {
      scopes.forEach((s, i) => this.ready.push(this.identity.grant(`role-${role.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${i}`, role, s)));
    }
  }

  get clientId(): string {
    return this.identity.clientId;
  }
}
