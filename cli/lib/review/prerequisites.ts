/**
 * What a review needs before any work, in a module light enough to load first: a review that
 * cannot finish should fail in seconds, saying what to install, and the policy tools are known
 * present before checkov is started ahead of the rest.
 */
import { assertTools, type ToolName } from '../tools';
import { planPrerequisites } from './terraform-plan';

export const POLICY_TOOLS: ToolName[] = ['conftest', 'checkov', 'gator'];

export interface Prerequisites {
  /** conftest, checkov and gator on what changed. */
  readonly policy: boolean;
  readonly plan: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export function checkPrerequisites(o: Prerequisites): void {
  if (o.policy) assertTools(POLICY_TOOLS, 'the review\'s policy step (or pass --no-policy)');
  if (o.plan) planPrerequisites(o.env);
}
