/**
 * One plan review, start to end: tools checked before any work, base and head synthesized at
 * once, the stacks diffed with the provider facts, the rendered apps diffed and checked for
 * drift, new policy results, risks, cost and tenants. Returns the Review; printing and exit
 * codes are the command's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImageLock } from '../../../config/image-lock';
import type { Progress } from '../../progress';
import { renderEnvironments, RENDERED_DIR } from '../render';
import { SynthCache } from '../cache/store';
import { synthesizeParallel } from '../synth';
import { assertTools, type ToolName } from '../tools';
import { costDelta } from './cost';
import { changedStacks, diffSynthOutputs, readSynthOutput } from './diff';
import { newViolations } from './gator-delta';
import { diffRendered, gitopsFindings, readRendered, renderedDrift, type GitOpsReview } from './gitops';
import { environmentOrder, envOf, type EnvironmentInfo, type Finding, type Review, type SynthesisSummary } from './model';
import { policyDelta } from './policy-delta';
import { riskFindings } from './risk';
import { imagePromotions } from './images';
import { baseLockText, headCommit, pipelineRunUrl, synthesizeRef, type RefSynth } from './synth-ref';
import { planPrerequisites, planStack } from './terraform-plan';

export interface ReviewOptions {
  readonly repo: string;
  readonly base: string;
  /** conftest, checkov and gator on what changed. */
  readonly policy: boolean;
  /** The rendered apps (off for `--format affected`, which only needs the stacks). */
  readonly gitops: boolean;
  readonly plan: boolean;
  /** The pull request carries the approve-destroy label: a tenant retirement may destroy. */
  readonly approveDestroy: boolean;
  readonly progress: Progress;
  readonly env?: NodeJS.ProcessEnv;
  /** Reuse unchanged stacks and apps from the synth cache (default true; `--no-cache` turns it off). */
  readonly cache?: boolean;
}

/**
 * With a cache, the head is synthesized first when it has this many stacks or more to
 * synthesize (a cold cache): the base then copies every stack the pull request does not change
 * from what the head just wrote. Below it, both sides start at once.
 */
export const BASE_AFTER_HEAD_FROM = 50;

export const POLICY_TOOLS: ToolName[] = ['conftest', 'checkov', 'gator'];
export const APPROVE_DESTROY_LABEL = 'approve-destroy';

/** Before anything is synthesized: a review that cannot finish should fail in seconds, saying what to install. */
export function checkPrerequisites(o: Pick<ReviewOptions, 'policy' | 'plan' | 'env'>): void {
  if (o.policy) assertTools(POLICY_TOOLS, 'the review\'s policy step (or pass --no-policy)');
  if (o.plan) planPrerequisites(o.env);
}

function approve(findings: Finding[], approved: boolean): Finding[] {
  if (!approved) return findings;
  return findings.map((f) => (f.rule === 'tenant-retirement' && f.level === 'error' ? { ...f, level: 'note', approved: `the ${APPROVE_DESTROY_LABEL} label` } : f));
}

export async function runReview(o: ReviewOptions): Promise<Review> {
  checkPrerequisites(o);
  const head = { ...headCommit(o.repo), ...(pipelineRunUrl(o.env) ? { runUrl: pipelineRunUrl(o.env) } : {}) };
  const work = mkdtempSync(join(tmpdir(), 'review-'));
  try {
    const cache = SynthCache.forCommand(o.cache === false, (m) => o.progress.info(m));
    const statsFile = join(work, 'base-stats.json');
    // The base synthesizes in its own worktree and process while this one synthesizes or renders the head.
    let basePromise: Promise<RefSynth> | undefined;
    const startBase = () => {
      basePromise ??= o.progress.stepAsync(`synthesize base ${o.base}`, () => synthesizeRef(o.repo, o.base, join(work, 'base'), { cacheDir: cache?.dir, statsFile }));
      basePromise.catch(() => undefined);
    };
    if (!cache) startBase();
    const headResult = await o.progress.stepAsync('synthesize the working tree', () =>
      synthesizeParallel({
        outdir: join(work, 'head'),
        // Without a cache, one process per side: more workers would only compete for the cores.
        ...(cache ? { cache, onPlan: (toSynthesize: number) => toSynthesize < BASE_AFTER_HEAD_FROM && startBase() } : { jobs: 1 }),
      }),
    );
    const { inputs } = headResult;
    startBase();
    let renderReport: { reused: number; rendered: number } | undefined;
    const rendered = o.gitops
      ? o.progress.step('render the working tree', () =>
          renderEnvironments(inputs.allEnvironments, inputs, { cache, onReport: (r) => (renderReport = { reused: r.reused.length, rendered: r.built.length }) }),
        )
      : undefined;
    const baseResult = await basePromise!;
    cache?.finish();
    const synthesis = synthesisSummary(Boolean(cache), headResult, baseResult, renderReport);

    const environments: EnvironmentInfo[] = inputs.allEnvironments.map((e) => ({ name: e.name, tier: e.tier }));
    const before = readSynthOutput(join(work, 'base'));
    const after = readSynthOutput(join(work, 'head'));
    const known = new Set(environments.map((e) => e.name));
    // An environment only the base has is treated as production: its removal must not pass quietly.
    for (const name of Object.keys(before.stacks).map(envOf)) if (!known.has(name)) (known.add(name), environments.push({ name, tier: 'production' }));
    environments.sort((a, b) => environmentOrder(environments)(a.name, b.name));

    const diff = o.progress.step('compare the stacks', () => diffSynthOutputs(before, after, environments));
    const changed = changedStacks(before, after);
    const skipped: string[] = [];
    let gitops: GitOpsReview | undefined;
    if (rendered) {
      gitops = o.progress.step('compare the rendered apps', () => ({
        ...diffRendered(baseResult.rendered, rendered),
        drift: renderedDrift(readRendered(RENDERED_DIR), rendered, inputs.allEnvironments.map((e) => e.name)),
      }));
    } else skipped.push('the rendered apps (not needed for the list of affected stacks)');
    let policy: Finding[] = [];
    if (o.policy) {
      const [found, violations] = await o.progress.stepAsync('policy results new in the head (conftest, checkov, gator)', () => Promise.all([
        policyDelta(join(work, 'base'), join(work, 'head'), changed),
        rendered ? newViolations({ rendered: baseResult.rendered, synth: before }, { rendered, synth: after }, changed) : Promise.resolve(undefined),
      ]));
      policy = found;
      if (gitops && violations) gitops = { ...gitops, newViolations: violations };
    } else skipped.push('policy checks (conftest, checkov, gator): --no-policy');
    const risks = riskFindings({ base: before, head: after, environments }, diff.resources, gitops?.objects ?? []);
    const toPlan = diff.stacks.filter((s) => s.status === 'added' || s.status === 'changed').map((s) => s.name);
    const plans = o.plan ? toPlan.map((s) => o.progress.step(`terraform plan ${s}`, () => planStack(join(work, 'head'), s))) : undefined;
    return {
      base: { ref: o.base, commit: baseResult.commit },
      head,
      environments,
      stacks: diff.stacks,
      resources: diff.resources,
      tenants: diff.tenants,
      risks,
      findings: approve([...diff.findings, ...(gitops ? gitopsFindings(gitops) : []), ...policy], o.approveDestroy),
      ...(gitops ? { gitops } : {}),
      images: imagePromotions(baseLockText(o.repo, baseResult.commit), loadImageLock()),
      cost: costDelta(before, after, undefined, environmentOrder(environments)),
      ...(plans ? { plans } : {}),
      skipped,
      synthesis,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function synthesisSummary(cache: boolean, head: { stacks: string[]; cache?: { reused: number; built: number } }, base: RefSynth, apps: SynthesisSummary['renderedApps']): SynthesisSummary {
  const headSide = { stacks: head.stacks.length, reused: head.cache?.reused ?? 0, synthesized: head.cache?.built ?? head.stacks.length };
  const baseSide = base.stats ? { stacks: base.stats.stacks, reused: base.stats.reused, synthesized: base.stats.built } : undefined;
  return {
    cache,
    reused: headSide.reused + (baseSide?.reused ?? 0),
    synthesized: headSide.synthesized + (baseSide?.synthesized ?? 0),
    head: headSide,
    ...(baseSide ? { base: baseSide } : {}),
    ...(apps ? { renderedApps: apps } : {}),
  };
}

/** The stacks a merge deploys, in deploy order: added and changed ones (retired tenants' included). */
export function affectedStacks(review: Pick<Review, 'stacks'>): string[] {
  return review.stacks.filter((s) => s.status === 'added' || s.status === 'changed').map((s) => s.name);
}
