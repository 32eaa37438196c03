import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputs } from '../../config/inputs';
import { listOption, type Command } from '../command';
import { EXIT } from '../exit-codes';

export const stacksCommand: Command = {
  name: 'stacks',
  summary: 'List the stacks in deploy order with what each depends on',
  usage: '[--env <names>] [--json | --names]',
  help: { env: 'environments to list, comma-separated (default: all)', json: 'print JSON instead of text', names: 'only the names, one per line (what a deploy of everything applies)' },
  options: { env: { type: 'string', multiple: true }, json: { type: 'boolean' }, names: { type: 'boolean' } },
  run(values, _positionals, ctx) {
    // cdktf and the providers load with the command that needs them, not with every command of the CLI.
    const { buildApp } = require('../../main') as typeof import('../../main');
    const { stacksInDeployOrder } = require('../lib/stack-order') as typeof import('../lib/stack-order');
    const { environments, tenants, models } = loadInputs({ envs: listOption(values.env) });
    // cdktf creates its output folder on construction; keep that out of the working tree.
    const scratch = mkdtempSync(join(tmpdir(), 'stacks-'));
    const order = stacksInDeployOrder(buildApp({ environments, tenants, models, outdir: join(scratch, 'out') }));
    rmSync(scratch, { recursive: true, force: true });
    if (values.names) {
      ctx.stdout.write(order.map((s) => `${s.name}\n`).join(''));
    } else if (values.json) {
      ctx.stdout.write(`${JSON.stringify(order, null, 2)}\n`);
    } else {
      for (const s of order) ctx.stdout.write(`${s.name}${s.dependsOn.length ? `  (after ${s.dependsOn.join(', ')})` : ''}\n`);
    }
    return EXIT.OK;
  },
};
