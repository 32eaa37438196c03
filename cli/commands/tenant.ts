/** `platform tenant ...`: validate, scaffold, list tenants, and keep generated files current. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadInputs } from '../../config/inputs';
import { TENANT_API_VERSION, tenantJsonSchema, tenantSchema } from '../../config/tenant-schema';
import { tenantChecks, TENANTS_DIR } from '../../config/tenants';
import { displayPath, validateYamlText, ValidationError } from '../../config/yaml-validate';
import { listOption, type Command } from '../command';
import { EXIT, UsageError } from '../exit-codes';
import { formatProblems, FORMATS, type ProblemFormat } from '../lib/annotations';
import { CODEOWNERS_FILE, loadPlatformTeam, renderCodeowners } from '../lib/codeowners';
import { renderTenantFile } from '../lib/tenant-scaffold';
import { renderTable, TENANT_COLUMNS, tenantRows } from '../lib/tenant-table';

export const TENANT_SCHEMA_FILE = resolve(TENANTS_DIR, 'tenant.schema.json');

export function renderTenantSchema(): string {
  return `${JSON.stringify(tenantJsonSchema(), null, 2)}\n`;
}

const validate: Command = {
  name: 'tenant validate',
  summary: 'Validate tenant files (all of tenants/ by default) and report every problem',
  usage: '[files...] [--format text|github|azure|json]',
  help: { format: `output format: ${FORMATS.join(', ')} (annotations for GitHub Actions and Azure Pipelines)` },
  options: { format: { type: 'string', default: 'text' } },
  allowPositionals: true,
  run(values, files, ctx) {
    const format = values.format as ProblemFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`unknown --format ${format}; use one of ${FORMATS.join(', ')}`);
    try {
      const inputs = ctx.progress.step('validate tenants', () => loadInputs(files.length ? { tenantFiles: files.map((f) => resolve(ctx.cwd, f)) } : {}));
      if (format === 'json') ctx.stdout.write('[]\n');
      else ctx.stdout.write(`${inputs.tenants.length} tenant file(s) valid\n`);
      return EXIT.OK;
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      ctx.stdout.write(formatProblems(err.problems, format));
      ctx.stderr.write(`${err.problems.length} problem(s); nothing may be synthesized until they are fixed\n`);
      return EXIT.INVALID_INPUT;
    }
  },
};

const scaffold: Command = {
  name: 'tenant new',
  summary: 'Write a new, valid tenant file with comments',
  usage: '<name> --owner-group <object-id> --cost-center <code> --contact <email> --reviewer <@org/team> [--env dev] [--display-name <text>] [--repo <url>]',
  help: {
    'owner-group': 'Entra ID object id of the owning group (required)',
    'cost-center': 'cost center code, e.g. CC-4711 (required)',
    contact: 'budget alert e-mail, repeatable (required)',
    reviewer: 'GitHub handle that reviews the file, repeatable (required)',
    env: 'environments, comma-separated (default: dev)',
    'display-name': 'human-readable name',
    repo: 'GitOps repository URL (default: https://dev.azure.com/<org>/<name>/_git/deploy)',
    dir: 'folder to write into (default: tenants/)',
  },
  options: {
    'owner-group': { type: 'string' },
    'cost-center': { type: 'string' },
    contact: { type: 'string', multiple: true },
    reviewer: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    'display-name': { type: 'string' },
    repo: { type: 'string' },
    dir: { type: 'string' },
  },
  allowPositionals: true,
  run(values, positionals, ctx) {
    // Every flag mistake at once, named by flag, before anything is written.
    const [name, ...extra] = positionals;
    const mistakes: string[] = [];
    if (!name) mistakes.push('<name>: give the tenant name, e.g. platform tenant new acme-search ...');
    if (extra.length) mistakes.push(`<name>: give exactly one tenant name (also got ${extra.join(', ')})`);
    for (const flag of ['owner-group', 'cost-center', 'contact', 'reviewer']) if (!values[flag]) mistakes.push(`--${flag} is required`);
    const { allEnvironments, models } = loadInputs();
    const envs = listOption(values.env).length ? listOption(values.env) : ['dev'];
    const file = resolve(values.dir ? resolve(ctx.cwd, String(values.dir)) : TENANTS_DIR, `${name ?? 'tenant'}.yaml`);
    if (name && existsSync(file)) mistakes.push(`<name>: ${displayPath(file)} already exists`);
    const text = renderTenantFile({
      name: name ?? 'tenant',
      ownerGroup: String(values['owner-group'] ?? '00000000-0000-4000-8000-000000000000'),
      costCenter: String(values['cost-center'] ?? 'CC-0000'),
      contacts: listOption(values.contact).length ? listOption(values.contact) : ['owner@example.org'],
      reviewers: listOption(values.reviewer).length ? listOption(values.reviewer) : ['@example-org/owner'],
      environments: envs,
      displayName: values['display-name'] as string | undefined,
      currency: allEnvironments.find((e) => e.name === envs[0])?.finops.currency ?? 'EUR',
      repoURL: (values.repo as string | undefined) ?? `https://dev.azure.com/example-org/${name ?? 'tenant'}/_git/deploy`,
    });
    try {
      validateYamlText(displayPath(file), text, tenantSchema, { checks: tenantChecks(name ?? 'tenant', { environments: allEnvironments, models }) });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      mistakes.push(...err.problems.map((p) => `${flagOf(p.path)}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`));
    }
    if (mistakes.length) throw new UsageError(`${mistakes.length} problem${mistakes.length === 1 ? '' : 's'} with the flags; nothing was written:\n  ${[...new Set(mistakes)].join('\n  ')}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    ctx.stdout.write(`wrote ${displayPath(file)} (${TENANT_API_VERSION}); next: npx platform tenant codeowners --write\n`);
    return EXIT.OK;
  },
};

/** The flag that supplied a value of the scaffolded file, so a problem names what to change. */
function flagOf(path: string): string {
  const flags: [RegExp, string][] = [
    [/^metadata\.name$/, '<name>'],
    [/^spec\.displayName$/, '--display-name'],
    [/^spec\.owners\.entraGroupObjectId$/, '--owner-group'],
    [/^spec\.owners\.contacts/, '--contact'],
    [/^spec\.owners\.reviewers/, '--reviewer'],
    [/^spec\.costCenter$/, '--cost-center'],
    [/^spec\.(environments|quota|budget\.currency)/, '--env'],
    [/^spec\.gitops\.repoURLs/, '--repo'],
  ];
  return flags.find(([re]) => re.test(path))?.[1] ?? path;
}

const list: Command = {
  name: 'tenant list',
  summary: 'Show tenants with environments, quotas and budgets',
  usage: '[--json]',
  help: { json: 'print JSON instead of a table' },
  options: { json: { type: 'boolean' } },
  run(values, _positionals, ctx) {
    const { tenants } = loadInputs();
    if (values.json) ctx.stdout.write(`${JSON.stringify(tenants, null, 2)}\n`);
    else ctx.stdout.write(renderTable(TENANT_COLUMNS, tenantRows(tenants)));
    return EXIT.OK;
  },
};

/** A command that keeps one generated file in sync: `--write` regenerates, `--check` compares. */
function generatedFileCommand(name: string, summary: string, file: string, render: () => string): Command {
  return {
    name,
    summary,
    usage: '[--write | --check]',
    help: { write: `regenerate ${displayPath(file)}`, check: `exit 1 when ${displayPath(file)} is out of date` },
    options: { write: { type: 'boolean' }, check: { type: 'boolean' } },
    run(values, _positionals, ctx) {
      const content = render();
      if (values.write) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
        ctx.stdout.write(`wrote ${displayPath(file)}\n`);
        return EXIT.OK;
      }
      if (values.check) {
        const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
        if (current === content) return EXIT.OK;
        ctx.stderr.write(`${displayPath(file)} is out of date; run: npx platform ${name} --write\n`);
        return EXIT.INVALID_INPUT;
      }
      ctx.stdout.write(content);
      return EXIT.OK;
    },
  };
}

const codeowners = generatedFileCommand('tenant codeowners', 'Generate .github/CODEOWNERS from the tenant files', CODEOWNERS_FILE, () =>
  renderCodeowners(loadPlatformTeam(), loadInputs().tenantFiles),
);

const schema = generatedFileCommand('tenant schema', 'Generate tenants/tenant.schema.json from the TypeScript schema', TENANT_SCHEMA_FILE, renderTenantSchema);

export const tenantCommands: Command[] = [validate, scaffold, list, codeowners, schema];
