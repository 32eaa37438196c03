/**
 * One plan review, start to end: tools checked before any work, base and head synthesized at
 * once, the stacks diffed with the provider facts, the rendered apps diffed and checked for
 * drift, new policy results, risks, cost and tenants. Returns the Review; printing and exit
 * codes are the command's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadImageLock } from '../../../config/image-lock';
import type { Progress } from '../../progress';
import { renderEnvironments, RENDERED_DIR } from '../render';
import { synthesizesAllInWorkers } from '../cache/cold';
import { SynthCache } from '../cache/store';
import { validatedInputs } from '../cache/validated';
import { PARALLEL_MIN_STACKS, prestartWorkers, synthesizeParallel } from '../synth';
import { REPO } from '../tools';
import type { CheckovSession } from '../checkov-session';
import { PolicySession } from './policy-session';
import { costDelta } from './cost';
import { changedStacks, diffSynthOutputs, readSynthOutput, type SynthOutput } from './diff';
import { newViolations } from './gator-delta';
import { diffRendered, gitopsFindings, readRendered, renderedDrift, type GitOpsReview } from './gitops';
import { affectedStacks, environmentOrder, envOf, type EnvironmentInfo, type Finding, type Review, type SynthesisSummary } from './model';
import { policyDelta } from './policy-delta';
import { checkPrerequisites } from './prerequisites';
import { riskFindings } from './risk';
import { imagePromotions } from './images';
import { baseLockText, headCommit, pipelineRunUrl, resolveCommit, ReviewInputError, synthesizeRef, type RefSynth } from './synth-ref';
import { baseTree, type BaseTree } from './base-tree';
import { plannedSide, synthesizeInMemory } from './memory-synth';
import { loadInputs, type Inputs } from '../../../config/inputs';
import { formatProblem, ValidationError } from '../../../config/yaml-validate';
import { planStack } from './terraform-plan';

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
  /** A checkov session the caller started earlier (and closes); without one the review starts and closes its own. */
  readonly checkov?: CheckovSession;
}

/**
 * With a cache, the head is synthesized first when it has this many stacks or more to
 * synthesize (a cold cache): the base then copies every stack the pull request does not change
 * from what the head just wrote. Below it, both sides start at once.
 */
export const BASE_AFTER_HEAD_FROM = 50;

export const APPROVE_DESTROY_LABEL = 'approve-destroy';

function approve(findings: Finding[], approved: boolean): Finding[] {
  if (!approved) return findings;
  return findings.map((f) => (f.rule === 'tenant-retirement' && f.level === 'error' ? { ...f, level: 'note', approved: `the ${APPROVE_DESTROY_LABEL} label` } : f));
}

export async function runReview(o: ReviewOptions): Promise<Review> {
  checkPrerequisites(o);
  const head = { ...headCommit(o.repo), ...(pipelineRunUrl(o.env) ? { runUrl: pipelineRunUrl(o.env) } : {}) };
  const work = mkdtempSync(join(tmpdir(), 'review-'));
  let checkov: PolicySession | undefined;
  let stackPolicy: Promise<Finding[]> | undefined;
  let policyRun: Promise<unknown> | undefined;
  try {
    const cache = SynthCache.forCommand(o.cache === false, (m) => o.progress.info(m));
    // Importing checkov takes seconds of CPU, spent while the sides are synthesized; a head that
    // worker processes will synthesize in full has it set aside from the start (PolicySession).
    checkov = new PolicySession(o.policy, o.checkov, synthesizesAllInWorkers(cache?.startedEmpty));
    const commit = resolveCommit(o.repo, o.base);
    // This checkout's code synthesizes the base only when the repository reviewed is this checkout.
    const tree = cache && resolve(o.repo) === REPO ? baseTree(o.repo, commit, join(work, 'base-tree')) : undefined;
    const sides = tree?.sameCode ? await synthesizeSameCode(o, cache!, tree, work, checkov) : await synthesizeApart(o, cache, work, checkov);
    const { inputs, before, after, baseResult } = sides;
    const changed = changedStacks(before, after);
    const baseDir = sides.baseDir ?? materialize(before, join(work, 'base'), changed);
    const headDir = sides.headDir ?? materialize(after, join(work, 'head'), o.plan ? Object.keys(after.stacks) : changed);
    // conftest and checkov need only the stacks: started now, they run while the rest is compared
    // (and, when the base was synthesized here, while the head is rendered).
    stackPolicy = o.policy ? policyDelta(baseDir, headDir, changed, checkov.current) : undefined;
    // Awaited below; on a failure before that, awaited in `finally` so no tool outlives the folder it reads.
    stackPolicy?.catch(() => undefined);
    const { rendered, renderReport } = sides.render ?? renderHead(o, inputs, cache);
    cache?.finish();
    const synthesis = synthesisSummary(Boolean(cache), sides.headStats, baseResult, renderReport, tree && !tree.sameCode ? tree.reason : undefined);

    const environments: EnvironmentInfo[] = inputs.allEnvironments.map((e) => ({ name: e.name, tier: e.tier }));
    const known = new Set(environments.map((e) => e.name));
    // An environment only the base has is treated as production: its removal must not pass quietly.
    for (const name of Object.keys(before.stacks).map(envOf)) if (!known.has(name)) (known.add(name), environments.push({ name, tier: 'production' }));
    environments.sort((a, b) => environmentOrder(environments)(a.name, b.name));

    const diff = o.progress.step('compare the stacks', () => diffSynthOutputs(before, after, environments));
    const skipped: string[] = [];
    let gitops: GitOpsReview | undefined;
    if (rendered) {
      gitops = o.progress.step('compare the rendered apps', () => ({
        ...diffRendered(baseResult.rendered, rendered),
        drift: renderedDrift(readRendered(RENDERED_DIR), rendered, inputs.allEnvironments.map((e) => e.name)),
      }));
    } else skipped.push('the rendered apps (not needed for the list of affected stacks)');
    let policy: Finding[] = [];
    const stacksChecked = stackPolicy;
    const policyChecks = stacksChecked
      ? o.progress.stepAsync('policy results new in the head (conftest, checkov, gator)', () => Promise.all([
          stacksChecked,
          rendered ? newViolations({ rendered: baseResult.rendered, synth: before }, { rendered, synth: after }, changed) : Promise.resolve(undefined),
        ]))
      : undefined;
    // Awaited below, after the work that needs no policy result: done while checkov scans, that
    // work is off the review's critical path (the scan ends last). On a failure before the await,
    // `finally` settles it, so no tool outlives the folder it reads.
    policyRun = policyChecks;
    policyChecks?.catch(() => undefined);
    // The rendered objects are those of the comparison above; gator's results only add to them.
    const risks = riskFindings({ base: before, head: after, environments }, diff.resources, gitops?.objects ?? []);
    const images = imagePromotions(baseLockText(o.repo, baseResult.commit), loadImageLock());
    const cost = costDelta(before, after, undefined, environmentOrder(environments));
    if (policyChecks) {
      const [found, violations] = await policyChecks;
      policy = found;
      if (gitops && violations) gitops = { ...gitops, newViolations: violations };
    } else skipped.push('policy checks (conftest, checkov, gator): --no-policy');
    const toPlan = affectedStacks(diff);
    const plans = o.plan ? toPlan.map((s) => o.progress.step(`terraform plan ${s}`, () => planStack(headDir, s))) : undefined;
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
      images,
      cost,
      ...(plans ? { plans } : {}),
      skipped,
      synthesis,
    };
  } finally {
    await stackPolicy?.catch(() => undefined);
    await policyRun?.catch(() => undefined);
    checkov?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

interface Sides {
  readonly inputs: Inputs;
  readonly before: SynthOutput;
  readonly after: SynthOutput;
  readonly baseResult: RefSynth;
  readonly headStats: HeadStats;
  /** The head's rendered apps, where they were rendered while the base was synthesized. */
  readonly render?: Rendered;
  /** Folders holding each side's whole synth output, where one was written. */
  readonly baseDir?: string;
  readonly headDir?: string;
}

interface HeadStats {
  readonly stacks: number;
  readonly cache?: { reused: number; built: number };
}

interface Rendered {
  readonly rendered?: Map<string, string>;
  readonly renderReport?: { reused: number; rendered: number };
}

function renderHead(o: ReviewOptions, inputs: Inputs, cache: SynthCache | undefined): Rendered {
  let renderReport: Rendered['renderReport'];
  const rendered = o.gitops
    ? o.progress.step('render the working tree', () =>
        renderEnvironments(inputs.allEnvironments, inputs, { cache, onReport: (r) => (renderReport = { reused: r.reused.length, rendered: r.built.length }) }),
      )
    : undefined;
  return { rendered, renderReport };
}

/**
 * Base and head differ only in tenant files: one process, the head's code for both sides, each
 * side in memory with its unchanged stacks from the cache. With a cold cache (many stacks to
 * synthesize) the head is synthesized by worker processes into a folder first.
 */
async function synthesizeSameCode(o: ReviewOptions, cache: SynthCache, tree: Extract<BaseTree, { sameCode: true }>, work: string, checkov: PolicySession): Promise<Sides> {
  // Validated tenant and environment files from the cache: the base shares all but the changed ones with the head.
  const memos = validatedInputs(cache, REPO);
  const validated = { tenantMemo: memos.tenantMemo, environmentMemo: memos.environmentMemo };
  const headDir = join(work, 'head');
  // An empty cache and many stacks: the head will be synthesized by workers, which load cdktf while the inputs are validated.
  const prestarted = prestartWorkers({ outdir: headDir, cache });
  let head;
  try {
    head = o.progress.step('synthesize the working tree', () => {
      const inputs = loadInputs(validated);
      const planned = plannedSide(inputs, cache, join(work, 'head-build'));
      return { inputs, side: planned.firstLevelMisses() >= PARALLEL_MIN_STACKS ? undefined : synthesizeInMemory(planned, 'the working tree') };
    });
  } catch (err) {
    prestarted?.close();
    throw err;
  }
  const { inputs } = head;
  let after: SynthOutput;
  let headStats: HeadStats;
  if (head.side) {
    prestarted?.close();
    // Set aside for workers that were not needed after all.
    checkov.resume();
    after = head.side.output;
    headStats = { stacks: Object.keys(after.stacks).length, cache: { reused: head.side.report.reused.length, built: head.side.report.built.length } };
  } else {
    checkov.pause();
    // The inputs validated above: a cold cache is no reason to validate every file twice.
    const result = await o.progress.stepAsync(`synthesize the working tree (cold cache: worker processes${prestarted ? ', started while the inputs were validated' : ''})`, () =>
      synthesizeParallel({ outdir: headDir, cache, inputs, prestarted }),
    );
    checkov.resume();
    after = readSynthOutput(headDir);
    headStats = { stacks: result.stacks.length, ...(result.cache ? { cache: { reused: result.cache.reused, built: result.cache.built } } : {}) };
  }
  const base = o.progress.step(`synthesize base ${o.base} (only tenant files differ: this code, the base's tenants)`, () => {
    let baseInputs: Inputs;
    try {
      // Only tenant files differ: the model catalogue is the head's file, validated above, not read and validated again.
      baseInputs = loadInputs({ ...validated, tenantFiles: tree.tenantFiles, models: inputs.models });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ReviewInputError(`base ${o.base} (${tree.commit.slice(0, 12)}) does not synthesize:\n${err.problems.map(formatProblem).join('\n')}`);
    }
    return synthesizeInMemory(plannedSide(baseInputs, cache, join(work, 'base-build')), `base ${o.base}`);
  });
  const baseResult: RefSynth = { commit: tree.commit, rendered: tree.rendered, stats: { stacks: Object.keys(base.output.stacks).length, reused: base.report.reused.length, built: base.report.built.length } };
  return { inputs, before: base.output, after, baseResult, headStats, headDir: head.side ? undefined : headDir };
}

/** The base in its own worktree and process, with its own code, while this process synthesizes and renders the head. */
async function synthesizeApart(o: ReviewOptions, cache: SynthCache | undefined, work: string, checkov: PolicySession): Promise<Sides> {
  const statsFile = join(work, 'base-stats.json');
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
      ...(cache
        ? {
            cache,
            onPlan: (toSynthesize: number) => {
              if (toSynthesize >= PARALLEL_MIN_STACKS) checkov.pause();
              if (toSynthesize < BASE_AFTER_HEAD_FROM) startBase();
            },
          }
        : { jobs: 1 }),
    }),
  );
  checkov.resume();
  startBase();
  // Rendered while the base is synthesized in its own process.
  const render = renderHead(o, headResult.inputs, cache);
  const baseResult = await basePromise!;
  return {
    inputs: headResult.inputs,
    before: readSynthOutput(join(work, 'base')),
    after: readSynthOutput(join(work, 'head')),
    baseResult,
    headStats: { stacks: headResult.stacks.length, ...(headResult.cache ? { cache: { reused: headResult.cache.reused, built: headResult.cache.built } } : {}) },
    baseDir: join(work, 'base'),
    headDir: join(work, 'head'),
    render,
  };
}

/** The manifest and some stacks of an in-memory side, for the tools that read files (conftest, checkov, terraform). */
function materialize(output: SynthOutput, dir: string, stacks: string[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(output.manifest, null, 2));
  for (const name of stacks) {
    // A stack only the other side has (a tenant added or removed) is not in this one.
    const bytes = output.raw?.get(name);
    if (!bytes) continue;
    mkdirSync(join(dir, 'stacks', name), { recursive: true });
    writeFileSync(join(dir, output.manifest.stacks[name].synthesizedStackPath), bytes);
  }
  return dir;
}

function synthesisSummary(cache: boolean, head: HeadStats, base: RefSynth, apps: SynthesisSummary['renderedApps'], baseApart?: string): SynthesisSummary {
  const headSide = { stacks: head.stacks, reused: head.cache?.reused ?? 0, synthesized: head.cache?.built ?? head.stacks };
  const baseSide = base.stats ? { stacks: base.stats.stacks, reused: base.stats.reused, synthesized: base.stats.built } : undefined;
  return {
    cache,
    reused: headSide.reused + (baseSide?.reused ?? 0),
    synthesized: headSide.synthesized + (baseSide?.synthesized ?? 0),
    head: headSide,
    ...(baseSide ? { base: baseSide } : {}),
    ...(apps ? { renderedApps: apps } : {}),
    ...(baseApart ? { baseApart } : {}),
  };
}
