import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ValidationError, formatProblem } from '../../config/yaml-validate';
import type { Command } from '../command';
import { EXIT, UsageError } from '../exit-codes';
import { costDelta } from '../lib/review/cost';
import { changedStacks, diffSynthOutputs, readSynthOutput } from '../lib/review/diff';
import { blocking, type Review } from '../lib/review/model';
import { policyDelta } from '../lib/review/policy-delta';
import { COMMENT_MARKER, renderJson, renderMarkdown, renderSarif } from '../lib/review/render';
import { ReviewInputError, synthesizeRef } from '../lib/review/synth-ref';
import { planPrerequisites, planStack } from '../lib/review/terraform-plan';
import { synthesizeParallel } from '../lib/synth';
import { REPO_ROOT } from '../lib/codeowners';

const FORMATS = ['markdown', 'json', 'sarif', 'affected'] as const;

/** A review that could not be made still answers the pull request, plainly. */
function failureMarkdown(base: string, message: string): string {
  return `${COMMENT_MARKER}\n## Platform review: 🛑 cannot review\n\nBase \`${base}\` → head \`working tree\`.\n\n\`\`\`\n${message}\n\`\`\`\n`;
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'Compare the synthesized stacks of a base ref with the working tree (offline plan review)',
  usage: '--base <git-ref> [--format markdown|json|sarif|affected] [--report-dir <dir>] [--plan]',
  help: {
    base: 'git ref to compare against, e.g. origin/main (required)',
    format: 'what to print on stdout (default markdown; affected: the stacks to deploy, in order)',
    'report-dir': 'also write review.md, review.json and review.sarif there',
    plan: 'also run terraform plan for every changed stack (needs Terraform and ARM_* workload-identity credentials)',
  },
  options: { base: { type: 'string' }, format: { type: 'string', default: 'markdown' }, 'report-dir': { type: 'string' }, plan: { type: 'boolean' } },
  async run(values, _positionals, ctx) {
    const base = values.base as string | undefined;
    if (!base) throw new UsageError('--base is required');
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`unknown --format ${format}; use one of ${FORMATS.join(', ')}`);
    const work = mkdtempSync(join(tmpdir(), 'review-'));
    let review: Review;
    try {
      if (values.plan) planPrerequisites();
      ctx.progress.info(`- synthesize base ${base} and the working tree ...`);
      // Both sides at once: the base in its worktree process, the head here.
      const [baseResult, headResult] = await Promise.allSettled([synthesizeRef(REPO_ROOT, base, join(work, 'base')), synthesizeParallel({ outdir: join(work, 'head'), jobs: 1 })]);
      if (baseResult.status === 'rejected') throw baseResult.reason;
      if (headResult.status === 'rejected') throw headResult.reason;
      const commit = baseResult.value;
      const [before, after] = [readSynthOutput(join(work, 'base')), readSynthOutput(join(work, 'head'))];
      const diff = diffSynthOutputs(before, after, { base: `${base} (${commit.slice(0, 12)})`, head: 'working tree' });
      const changed = changedStacks(before, after);
      const introduced = ctx.progress.step('policy results new in the head (conftest, checkov)', () => policyDelta(join(work, 'base'), join(work, 'head'), changed));
      const toPlan = diff.stacks.filter((s) => s.status === 'added' || s.status === 'changed').map((s) => s.name);
      const plans = values.plan ? toPlan.map((s) => ctx.progress.step(`terraform plan ${s}`, () => planStack(join(work, 'head'), s))) : undefined;
      review = { ...diff, findings: [...diff.findings, ...introduced], cost: costDelta(before, after), ...(plans ? { plans } : {}) };
    } catch (err) {
      if (!(err instanceof ReviewInputError || err instanceof ValidationError)) throw err;
      const message = err instanceof ValidationError ? `the working tree has invalid input:\n${err.problems.map(formatProblem).join('\n')}` : err.message;
      ctx.stdout.write(format === 'markdown' ? failureMarkdown(base, message) : `${JSON.stringify({ error: message }, null, 2)}\n`);
      return EXIT.INVALID_INPUT;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const affected = review.stacks.filter((s) => s.status === 'added' || s.status === 'changed').map((s) => `${s.name}\n`).join('');
    const outputs = { markdown: renderMarkdown(review), json: renderJson(review), sarif: renderSarif(review), affected };
    if (values['report-dir']) {
      const dir = resolve(ctx.cwd, String(values['report-dir']));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'review.md'), outputs.markdown);
      writeFileSync(join(dir, 'review.json'), outputs.json);
      writeFileSync(join(dir, 'review.sarif'), outputs.sarif);
    }
    ctx.stdout.write(outputs[format]);
    return blocking(review) ? EXIT.INVALID_INPUT : EXIT.OK;
  },
};
