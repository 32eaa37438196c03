/** What a plan review reports, independent of how it is printed. */

export type Action = 'create' | 'update' | 'replace' | 'delete';

export interface AttributeChange {
  /** Dotted path inside the resource, e.g. `default_node_pool.vm_size`. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Shown as (sensitive): the name looks like a secret. */
  readonly sensitive: boolean;
  /** Changing it makes Azure/Terraform destroy and recreate the resource. */
  readonly forcesReplacement: boolean;
}

export interface ResourceChange {
  readonly stack: string;
  readonly type: string;
  readonly id: string;
  /** Construct path, what a reviewer recognises. */
  readonly path: string;
  readonly action: Action;
  readonly attributes: AttributeChange[];
  /** Stateful or prevent_destroy: deleting or replacing it loses data. */
  readonly protected: boolean;
  /** A create that looks like a renamed construct of this deleted resource. */
  readonly renamedFrom?: { id: string; path: string };
}

export interface StackSummary {
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly dependsOn: string[];
}

export interface TenantChange {
  readonly tenant: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly environments: string[];
  readonly details: string[];
}

export interface Finding {
  readonly level: 'error' | 'warning' | 'note';
  readonly rule: string;
  readonly message: string;
  readonly stack?: string;
  readonly path?: string;
}

import type { CostDelta } from './cost';
import type { PlanSummary } from './terraform-plan';

export interface Review {
  readonly base: string;
  readonly head: string;
  /** In deploy order. */
  readonly stacks: StackSummary[];
  readonly resources: ResourceChange[];
  readonly tenants: TenantChange[];
  readonly findings: Finding[];
  /** Monthly estimate from config/prices.yaml, when computed. */
  readonly cost?: CostDelta;
  /** Real `terraform plan` summaries (`--plan`), in deploy order. */
  readonly plans?: PlanSummary[];
}

export function blocking(review: Review): boolean {
  return review.findings.some((f) => f.level === 'error');
}
