import { listOption, type Command } from '../command';
import { EXIT } from '../exit-codes';
import { DEFAULT_OUTDIR, synthesize } from '../lib/synth';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Validate the environment files and synthesize every stack to Terraform JSON',
  usage: '[--env <names>] [--out <dir>] [--local-backend]',
  help: {
    env: 'environments to synthesize, comma-separated (default: every config/environments/*.yaml)',
    out: `output folder (default: ${DEFAULT_OUTDIR})`,
    'local-backend': 'offline work: local state files instead of the azurerm backend (never for deploys)',
  },
  options: {
    env: { type: 'string', multiple: true },
    out: { type: 'string' },
    'local-backend': { type: 'boolean' },
  },
  run(values, _positionals, ctx) {
    const result = synthesize({
      envs: listOption(values.env),
      outdir: values.out as string | undefined,
      localBackend: Boolean(values['local-backend']),
      progress: ctx.progress,
    });
    ctx.stdout.write(`${result.stacks.join('\n')}\n`);
    return EXIT.OK;
  },
};
