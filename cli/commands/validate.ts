import { loadEnvironments } from '../../config/load';
import { listOption, type Command } from '../command';
import { EXIT } from '../exit-codes';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Validate the environment files without writing anything',
  usage: '[--env <names>]',
  help: { env: 'environments to validate, comma-separated (default: all)' },
  options: { env: { type: 'string', multiple: true } },
  run(values, _positionals, ctx) {
    const envs = ctx.progress.step('validate environment files', () => loadEnvironments(listOption(values.env)));
    ctx.stdout.write(`${envs.map((e) => `${e.name}: ok`).join('\n')}\n`);
    return EXIT.OK;
  },
};
