import { loadInputs } from '../../config/inputs';
import { listOption, type Command } from '../command';
import { EXIT } from '../exit-codes';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Validate environment files, the model catalogue, tenant files and the workload config without writing anything',
  usage: '[--env <names>]',
  help: { env: 'environments to report on, comma-separated (tenants are checked against all)' },
  options: { env: { type: 'string', multiple: true } },
  run(values, _positionals, ctx) {
    const { renderEnvironments } = require('../lib/render') as typeof import('../lib/render');
    const inputs = ctx.progress.step('validate environments, models and tenants', () => loadInputs({ envs: listOption(values.env) }));
    // config/workloads.yaml and the image lock are checked where they are used: rendering, in memory.
    ctx.progress.step('validate config/workloads.yaml and the image lock (render in memory)', () => renderEnvironments(inputs.environments, inputs));
    ctx.stdout.write(`${inputs.environments.map((e) => `${e.name}: ok`).join('\n')}\n`);
    ctx.stdout.write(`models: ${inputs.models.models.length} ok\ntenants: ${inputs.tenants.length} ok\nworkloads: ok\n`);
    return EXIT.OK;
  },
};
