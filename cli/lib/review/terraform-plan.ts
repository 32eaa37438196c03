/**
 * `platform review --plan`: a real `terraform plan` per changed stack when Azure credentials
 * and Terraform exist, summarised from `terraform show -json`: every resource change with its
 * full actions array (a replace is ["delete","create"] or ["create","delete"]), and drift (what
 * changed outside Terraform) listed apart from what this change does.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MissingToolError } from '../../exit-codes';
import { ReviewInputError } from './synth-ref';

export interface PlannedChange {
  readonly address: string;
  readonly actions: string[];
  readonly replace: boolean;
}

export interface PlanSummary {
  readonly stack: string;
  readonly changes: PlannedChange[];
  readonly drift: PlannedChange[];
}

interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[] } }[];
  resource_drift?: { address: string; change: { actions: string[] } }[];
}

const material = (rc: { change: { actions: string[] } }) => !(rc.change.actions.length === 1 && ['no-op', 'read'].includes(rc.change.actions[0]));

function toChange(rc: { address: string; change: { actions: string[] } }): PlannedChange {
  const a = rc.change.actions;
  return { address: rc.address, actions: a, replace: a.includes('delete') && a.includes('create') };
}

export function summarizePlan(stack: string, plan: PlanJson): PlanSummary {
  return {
    stack,
    changes: (plan.resource_changes ?? []).filter(material).map(toChange),
    drift: (plan.resource_drift ?? []).filter(material).map(toChange),
  };
}

/** What must be present before planning; named so the pipeline log says what to fix. */
export function planPrerequisites(env: NodeJS.ProcessEnv = process.env): void {
  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (terraform.error || terraform.status !== 0) throw new MissingToolError('terraform', 'Install Terraform 1.9+ to use --plan.');
  const missing = ['ARM_CLIENT_ID', 'ARM_TENANT_ID', 'ARM_SUBSCRIPTION_ID'].filter((v) => !env[v]);
  if (missing.length) throw new ReviewInputError(`--plan needs Azure workload-identity credentials; missing ${missing.join(', ')} (with ARM_USE_OIDC=true)`);
}

export function planStack(outdir: string, stack: string): PlanSummary {
  const cwd = join(outdir, 'stacks', stack);
  const tf = (args: string[]) => {
    const res = spawnSync('terraform', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
    if (res.status !== 0 && !(args[0] === 'plan' && res.status === 2)) throw new ReviewInputError(`terraform ${args[0]} failed for ${stack}:\n${res.stderr.trim().split('\n').slice(-15).join('\n')}`);
    return res.stdout;
  };
  tf(['init', '-input=false', '-no-color']);
  tf(['plan', '-input=false', '-lock=false', '-no-color', '-detailed-exitcode', '-out=review.tfplan']);
  return summarizePlan(stack, JSON.parse(tf(['show', '-json', 'review.tfplan'])) as PlanJson);
}
