import { listOption, type Command } from '../command';
import { EXIT, UsageError } from '../exit-codes';
import { SynthCache } from '../lib/cache/store';
import { DEFAULT_OUTDIR, synthesizeParallel } from '../lib/synth';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Validate the environment files and synthesize every stack to Terraform JSON',
  usage: '[--env <names>] [--out <dir>] [--local-backend] [--jobs <n>] [--no-cache]',
  help: {
    env: 'environments to synthesize, comma-separated (default: every config/environments/*.yaml)',
    out: `output folder (default: ${DEFAULT_OUTDIR})`,
    'local-backend': 'offline work: local state files instead of the azurerm backend (never for deploys)',
    jobs: 'worker processes (default: one per environment up to the CPU count, for large runs)',
    'no-cache': 'synthesize every stack instead of copying unchanged ones from the cache (.cache/synth, or $PLATFORM_SYNTH_CACHE)',
  },
  options: {
    env: { type: 'string', multiple: true },
    out: { type: 'string' },
    'local-backend': { type: 'boolean' },
    jobs: { type: 'string' },
    'no-cache': { type: 'boolean' },
  },
  async run(values, _positionals, ctx) {
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError('--jobs must be a positive integer');
    const result = await synthesizeParallel({
      jobs,
      envs: listOption(values.env),
      outdir: values.out as string | undefined,
      localBackend: Boolean(values['local-backend']),
      progress: ctx.progress,
      cache: SynthCache.forCommand(Boolean(values['no-cache']), (m) => ctx.stderr.write(`${m}\n`)),
    });
    ctx.stdout.write(`${result.stacks.join('\n')}\n`);
    return EXIT.OK;
  },
};
