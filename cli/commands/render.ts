import { loadInputs } from '../../config/inputs';
import { ENVIRONMENTS_DIR } from '../../config/load';
import { MODELS_FILE } from '../../config/models';
import { TENANTS_DIR } from '../../config/tenants';
import { listOption, type Command, type CommandContext } from '../command';
import { EXIT, type ExitCode } from '../exit-codes';
import { SynthCache } from '../lib/cache/store';

// The charts load with the command that needs them, not with every command of the CLI.
const gatekeeper = () => require('../lib/gatekeeper') as typeof import('../lib/gatekeeper');
const render = () => require('../lib/render') as typeof import('../lib/render');

/** `--check` of a generated folder: exit 0 when current, else list what is stale and how to fix it. */
function reportStale(ctx: CommandContext, where: string, stale: string[], fix: string): ExitCode {
  if (stale.length === 0) return EXIT.OK;
  ctx.stderr.write(`out of date in ${where}:\n${stale.map((s) => `  ${s}`).join('\n')}\nrun: ${fix}\n`);
  return EXIT.INVALID_INPUT;
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render the cdk8s apps of every environment to rendered/<env>/<app>/ for Argo CD',
  usage: '[--env <names>] [--check] [--no-cache]',
  help: {
    env: 'environments, comma-separated (default: all)',
    check: 'write nothing; exit 1 when rendered/ is out of date',
    'no-cache': 'render every app instead of copying unchanged ones from the cache (.cache/synth, or $PLATFORM_SYNTH_CACHE)',
  },
  options: { env: { type: 'string', multiple: true }, check: { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
  run(values, _positionals, ctx) {
    const { RENDERED_DIR, renderEnvironments, staleRendered, writeRendered } = render();
    const { environments, models, tenants } = ctx.progress.step('validate inputs', () => loadInputs({ envs: listOption(values.env) }));
    const cache = SynthCache.forCommand(Boolean(values['no-cache']), (m) => ctx.stderr.write(`${m}\n`));
    const files = ctx.progress.step('render', () =>
      renderEnvironments(
        environments,
        { models, tenants },
        {
          cache,
          inputFiles: [ENVIRONMENTS_DIR, TENANTS_DIR, MODELS_FILE],
          onReport: (r) => ctx.progress.info(`reused ${r.reused.length} of ${r.reused.length + r.built.length} apps from the cache (${cache!.dir}), rendered ${r.built.length}`),
        },
      ),
    );
    cache?.finish();
    if (values.check) return reportStale(ctx, RENDERED_DIR, staleRendered(files), 'npx platform render');
    writeRendered(files, undefined, (m) => ctx.progress.info(m));
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
    const { GATEKEEPER_DIR, generatedPolicyFiles, stalePolicyFiles, writePolicyFiles } = gatekeeper();
    const files = generatedPolicyFiles();
    if (values.check) return reportStale(ctx, GATEKEEPER_DIR, stalePolicyFiles(files), 'npx platform policies generate');
    writePolicyFiles(files);
    ctx.stdout.write(`wrote ${files.size} files under policies/gatekeeper\n`);
    return EXIT.OK;
  },
};
