import { loadInputs } from '../../config/inputs';
import { listOption, type Command } from '../command';
import { EXIT } from '../exit-codes';
import { GATEKEEPER_DIR, generatedPolicyFiles, stalePolicyFiles, writePolicyFiles } from '../lib/gatekeeper';
import { RENDERED_DIR, renderEnvironments, staleRendered, writeRendered } from '../lib/render';

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render the cdk8s apps of every environment to rendered/<env>/<app>/ for Argo CD',
  usage: '[--env <names>] [--check]',
  help: { env: 'environments, comma-separated (default: all)', check: 'write nothing; exit 1 when rendered/ is out of date' },
  options: { env: { type: 'string', multiple: true }, check: { type: 'boolean' } },
  run(values, _positionals, ctx) {
    const { environments } = ctx.progress.step('validate inputs', () => loadInputs({ envs: listOption(values.env) }));
    const files = ctx.progress.step('render', () => renderEnvironments(environments));
    if (values.check) {
      const stale = staleRendered(files);
      if (stale.length === 0) return EXIT.OK;
      ctx.stderr.write(`out of date in ${RENDERED_DIR}:\n${stale.map((s) => `  ${s}`).join('\n')}\nrun: npx platform render\n`);
      return EXIT.INVALID_INPUT;
    }
    writeRendered(files);
    ctx.stdout.write(`${[...files.keys()].map((f) => `rendered/${f}`).join('\n')}\n`);
    return EXIT.OK;
  },
};

export const policiesCommand: Command = {
  name: 'policies generate',
  summary: 'Generate the Gatekeeper templates, constraints and gator suites from the Rego and the catalogue',
  usage: '[--check]',
  help: { check: 'write nothing; exit 1 when policies/gatekeeper is out of date' },
  options: { check: { type: 'boolean' } },
  run(values, _positionals, ctx) {
    const files = generatedPolicyFiles();
    if (values.check) {
      const stale = stalePolicyFiles(files);
      if (stale.length === 0) return EXIT.OK;
      ctx.stderr.write(`out of date in ${GATEKEEPER_DIR}:\n${stale.map((s) => `  ${s}`).join('\n')}\nrun: npx platform policies generate\n`);
      return EXIT.INVALID_INPUT;
    }
    writePolicyFiles(files);
    ctx.stdout.write(`wrote ${files.size} files under policies/gatekeeper\n`);
    return EXIT.OK;
  },
};
