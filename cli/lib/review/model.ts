/** What a plan review reports, independent of how it is printed. */
import type { ImagePromotion } from './images';
import type { CostDelta } from './cost';
import type { GitOpsReview } from './gitops';
import type { PlanSummary } from './terraform-plan';

/** `rotate`: the provider changes a node pool in place by rotating it through a temporary pool. */
export type Action = 'create' | 'update' | 'rotate' | 'replace' | 'delete';

/** What the provider does with one attribute change (from catalog/provider-facts). */
export type Effect = 'in-place' | 'rotation' | 'replace' | 'may-replace' | 'fails';

export interface AttributeChange {
  /** Dotted path inside the resource, e.g. `default_node_pool.vm_size`. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Shown as (sensitive): the provider marks it sensitive or the name looks like a secret. */
  readonly sensitive: boolean;
  readonly effect: Effect;
  /** Why, for every effect but in-place: the provider rule and its source. */
  readonly reason?: string;
}

export interface ResourceChange {
  readonly stack: string;
  readonly env: string;
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
  readonly env: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly create: number;
  readonly update: number;
  readonly rotate: number;
  readonly replace: number;
  readonly delete: number;
  readonly dependsOn: string[];
}

export interface TenantChange {
  readonly tenant: string;
  readonly status: 'added' | 'removed' | 'changed' | 'retired';
  readonly environments: string[];
  /** Facts per environment, for a new tenant, or the changed facts. */
  readonly details: string[];
}

export type Level = 'error' | 'warning' | 'note';

export interface Finding {
  readonly level: Level;
  readonly rule: string;
  readonly message: string;
  readonly env?: string;
  readonly stack?: string;
  readonly path?: string;
  /** Set when an approval (the approve-destroy label) turned an error into a note. */
  readonly approved?: string;
}

export interface EnvironmentInfo {
  readonly name: string;
  readonly tier: 'production' | 'non-production';
}

/** How one side's stacks were obtained. */
export interface SideSynthesis {
  readonly stacks: number;
  /** Copied from the synth cache (their fingerprints were there). */
  readonly reused: number;
  readonly synthesized: number;
}

/** What the review reused instead of synthesizing (cli/lib/cache/). */
export interface SynthesisSummary {
  /** False with `--no-cache`: both sides were synthesized in full. */
  readonly cache: boolean;
  /** Stacks of both sides taken from the cache. */
  readonly reused: number;
  readonly synthesized: number;
  readonly head: SideSynthesis;
  /** Absent when the base's own code predates the cache (it then synthesized every stack). */
  readonly base?: SideSynthesis;
  /** Rendered apps of the head taken from the cache, of all rendered. */
  readonly renderedApps?: { readonly reused: number; readonly rendered: number };
  /**
   * Why the base was synthesized by its own code in a worktree; absent when only tenant files and
   * rendered/ differ and this code synthesized it in the same process.
   */
  readonly baseApart?: string;
}

export interface Review {
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly commit: string; readonly dirty: boolean; readonly runUrl?: string };
  /** Production first: the order of every per-environment section. */
  readonly environments: EnvironmentInfo[];
  /** In deploy order. */
  readonly stacks: StackSummary[];
  readonly resources: ResourceChange[];
  readonly tenants: TenantChange[];
  /** Security-relevant changes: the risk section. */
  readonly risks: Finding[];
  /** Everything else worth saying: destroys, renames, policy results, drift. */
  readonly findings: Finding[];
  /** Rendered apps (what Argo CD syncs), when reviewed. */
  readonly gitops?: GitOpsReview;
  /** Image lock changes: what each environment runs after the merge (cli/lib/review/images.ts). */
  readonly images?: ImagePromotion[];
  /** Monthly estimate from config/prices.yaml, when computed. */
  readonly cost?: CostDelta;
  /** Real `terraform plan` summaries (`--plan`), in deploy order. */
  readonly plans?: PlanSummary[];
  /** Steps that did not run, each with why (shown in the report). */
  readonly skipped: string[];
  /** How many stacks were reused from the synth cache rather than synthesized. */
  readonly synthesis?: SynthesisSummary;
}

export function blocking(review: Pick<Review, 'findings' | 'risks'>): boolean {
  return [...review.findings, ...review.risks].some((f) => f.level === 'error');
}

/** The environment of a stack (`prod-tenant-x` -> prod). */
export function envOf(stack: string): string {
  return stack.split('-')[0];
}

/** Production environments first, then the rest by name; unknown environments count as production. */
export function environmentOrder(envs: EnvironmentInfo[]): (a: string, b: string) => number {
  const rank = (name: string) => (envs.find((e) => e.name === name)?.tier === 'non-production' ? 1 : 0);
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

export function isProduction(envs: EnvironmentInfo[], name: string): boolean {
  return envs.find((e) => e.name === name)?.tier !== 'non-production';
}

/** The stacks a merge deploys, in deploy order: added and changed ones (retired tenants' included). */
export function affectedStacks(review: Pick<Review, 'stacks'>): string[] {
  return review.stacks.filter((s) => s.status === 'added' || s.status === 'changed').map((s) => s.name);
}
