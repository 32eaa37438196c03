import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatProblem, ValidationError } from '../../config/yaml-validate';
import type { Command, CommandContext } from '../command';
import { EXIT, MissingToolError, UsageError, type ExitCode } from '../exit-codes';
import { REPO_ROOT } from '../lib/codeowners';
import { affectedStacks, blocking, type Review } from '../lib/review/model';
import { renderFailureMarkdown, renderJson, renderMarkdown, renderSarif } from '../lib/review/render';
import type { runReview as RunReview } from '../lib/review/run';
import { headCommit, pipelineRunUrl, ReviewInputError } from '../lib/review/synth-ref';
import { checkPrerequisites } from '../lib/review/prerequisites';
import { startCheckov, type CheckovSession } from '../lib/checkov-session';
import { setAsideAtStart, takeEarlyCheckov } from '../lib/review/early-checkov';

const FORMATS = ['markdown', 'json', 'sarif', 'affected'] as const;
type Format = (typeof FORMATS)[number];

/** The same three files for every outcome, so a pipeline always has a comment and an artifact to publish. */
function writeReports(dir: string | undefined, files: { markdown: string; json: string; sarif: string }): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'review.md'), files.markdown);
  writeFileSync(join(dir, 'review.json'), files.json);
  writeFileSync(join(dir, 'review.sarif'), files.sarif);
}

/** A review that could not be made: one line on stderr, the reason in every report, and its own exit code. */
function cannotReview(ctx: CommandContext, base: string, format: Format, reportDir: string | undefined, reason: string, code: ExitCode): ExitCode {
  const head = { ...headCommit(REPO_ROOT), ...(pipelineRunUrl() ? { runUrl: pipelineRunUrl() } : {}) };
  const finding = { level: 'error' as const, rule: 'cannot-review', message: reason };
  const files = {
    markdown: renderFailureMarkdown(base, head, reason),
    json: `${JSON.stringify({ error: reason, exitCode: code, base: { ref: base }, head, blocking: true }, null, 2)}\n`,
    sarif: renderSarif({ findings: [finding], risks: [] }),
  };
  writeReports(reportDir, files);
  ctx.stderr.write(`platform review: cannot review: ${reason.split('\n')[0]}\n`);
  ctx.stdout.write(format === 'markdown' ? files.markdown : format === 'affected' ? '' : files.json);
  return code;
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'Compare the synthesized stacks and rendered apps of a base ref with the working tree (offline plan review)',
  usage: '--base <git-ref> [--format markdown|json|sarif|affected] [--report-dir <dir>] [--no-policy] [--approve-destroy] [--plan] [--no-cache]',
  help: {
    base: 'git ref to compare against, e.g. origin/main (required)',
    format: 'what to print on stdout (default markdown; affected: the stacks to deploy, in order, one per line)',
    'report-dir': 'also write review.md, review.json and review.sarif there, whatever the outcome',
    'no-policy': 'skip conftest, checkov and gator (the report says so); --format affected never runs them',
    'approve-destroy': 'the pull request carries the approve-destroy label: a retired tenant may be destroyed',
    plan: 'also run terraform plan for every changed stack (needs Terraform and ARM_* workload-identity credentials)',
    'no-cache': 'synthesize every stack of both sides instead of reusing unchanged ones from the cache (.cache/synth, or $PLATFORM_SYNTH_CACHE)',
  },
  options: {
    base: { type: 'string' },
    format: { type: 'string', default: 'markdown' },
    'report-dir': { type: 'string' },
    'no-policy': { type: 'boolean' },
    'approve-destroy': { type: 'boolean' },
    plan: { type: 'boolean' },
    'no-cache': { type: 'boolean' },
  },
  async run(values, _positionals, ctx) {
    // Started by cli/bin.js for this command line (early-checkov.ts): this command's from now on, used by the policy checks or ended.
    const early = takeEarlyCheckov();
    try {
      return await reviewCommandLine(values, ctx, early);
    } finally {
      early?.close();
    }
  },
};

/** The command proper; `early`: a checkov session started for it, or none. */
async function reviewCommandLine(values: Record<string, unknown>, ctx: CommandContext, early: CheckovSession | undefined): Promise<ExitCode> {
  const base = (values.base as string | undefined) ?? '';
  const format = values.format as Format;
  const reportDir = values['report-dir'] ? resolve(ctx.cwd, String(values['report-dir'])) : undefined;
  if (!FORMATS.includes(format)) return cannotReview(ctx, base, 'markdown', reportDir, `unknown --format ${format}; use one of ${FORMATS.join(', ')}`, EXIT.USAGE);
  if (!base) return cannotReview(ctx, base, format, reportDir, '--base is required (e.g. --base origin/main)', EXIT.USAGE);
  let review: Review;
  // The list of stacks to deploy never depends on the policy tools.
  const policy = !values['no-policy'] && format !== 'affected';
  let checkov: CheckovSession | undefined;
  try {
    // The policy tools before checkov starts here (the review checks the rest, --plan's included); a session cli/bin.js started is ended if one is missing.
    checkPrerequisites({ policy, plan: false });
    // Importing checkov takes seconds: started before the review's own modules load (or by cli/bin.js, before the command line's), it is ready about when the sides are synthesized.
    // Not for a review that sets it aside until worker processes have synthesized every stack (early-checkov.ts): the review starts it then.
    if (policy) checkov = early ?? (setAsideAtStart(Boolean(values['no-cache'])) ? undefined : startCheckov());
    else early?.close();
    // Loaded with the command: synth, render and the charts are not every command's cost.
    const { runReview } = require('../lib/review/run') as { runReview: typeof RunReview };
    review = await runReview({
      repo: REPO_ROOT,
      base,
      policy,
      checkov,
      gitops: format !== 'affected',
      plan: Boolean(values.plan),
      approveDestroy: Boolean(values['approve-destroy']),
      cache: !values['no-cache'],
      progress: ctx.progress,
    });
  } catch (err) {
    if (err instanceof MissingToolError) return cannotReview(ctx, base, format, reportDir, err.message, EXIT.MISSING_TOOL);
    if (err instanceof ValidationError) {
      const n = err.problems.length;
      return cannotReview(ctx, base, format, reportDir, `the working tree has invalid input (${n} problem${n === 1 ? '' : 's'}): ${err.problems.map(formatProblem).join('\n')}`, EXIT.CANNOT_REVIEW);
    }
    if (err instanceof ReviewInputError || err instanceof UsageError) return cannotReview(ctx, base, format, reportDir, err.message, EXIT.CANNOT_REVIEW);
    // A bug still leaves a report behind, then surfaces as an internal error with its stack.
    cannotReview(ctx, base, format, reportDir, `internal error: ${(err as Error)?.message ?? String(err)}`, EXIT.INTERNAL);
    throw err;
  } finally {
    checkov?.close();
  }
  const outputs = { markdown: renderMarkdown(review), json: renderJson(review), sarif: renderSarif(review), affected: affectedStacks(review).map((s) => `${s}\n`).join('') };
  writeReports(reportDir, outputs);
  ctx.stdout.write(outputs[format]);
  if (format === 'affected') return EXIT.OK;
  return blocking(review) ? EXIT.INVALID_INPUT : EXIT.OK;
}
