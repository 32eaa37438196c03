import { loadInputs } from '../../config/inputs';
import { listOption, type Command } from '../command';
import { EXIT } from '../exit-codes';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Validate environment files, the model catalogue and tenant files without writing anything',
  usage: '[--env <names>]',
  help: { env: 'environments to report on, comma-separated (tenants are checked against all)' },
  options: { env: { type: 'string', multiple: true } },
  run(values, _positionals, ctx) {
    const inputs = ctx.progress.step('validate environments, models and tenants', () => loadInputs({ envs: listOption(values.env) }));
    ctx.stdout.write(`${inputs.environments.map((e) => `${e.name}: ok`).join('\n')}\n`);
    ctx.stdout.write(`models: ${inputs.models.models.length} ok\ntenants: ${inputs.tenants.length} ok\n`);
    return EXIT.OK;
  },
};
