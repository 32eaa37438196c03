/**
 * Azure AI Content Safety for the moderation step of every cloud route (charts/workloads/guardrails.ts,
 * docs/compliance/dpia.md): a private account of kind ContentSafety whose text:analyze API only the
 * given identities may call, with their Entra ID tokens. It holds no data; it follows the cloud
 * models in and out like the Azure OpenAI account.
 */
import { Construct } from 'constructs';
import type { CognitiveAccount } from '@cdktf/provider-azurerm/lib/cognitive-account';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { CONTENT_SAFETY_USER_ROLE } from '../../catalog/data-boundary';
import { grantUsers, privateCognitiveAccount, type PrivateCognitiveAccountProps } from './account';

export interface ContentSafetyProps extends Omit<PrivateCognitiveAccountProps, 'kind'> {
  /** Principals (workload identities) that may call the moderation API, by a stable key. */
  readonly users: Readonly<Record<string, string>>;
}

export class ContentSafety extends Construct {
  readonly account: CognitiveAccount;
  readonly roleAssignments: RoleAssignment[];

  constructor(scope: Construct, id: string, props: ContentSafetyProps) {
    super(scope, id);
    this.account = privateCognitiveAccount(this, { ...props, kind: 'ContentSafety' });
    this.roleAssignments = grantUsers(this, 'content-safety-user', this.account, CONTENT_SAFETY_USER_ROLE, props.users);
  }
}
