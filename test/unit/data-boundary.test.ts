/**
 * The data boundary, end to end: the catalogue refuses a model without a class, the environment
 * refuses an EU deployment outside the EU, the workload plan refuses A/B tests and fallbacks that
 * cross an entitled tenant's boundary, and the RENDERED router config (what Argo CD applies)
 * never offers a tenant's team a route outside that tenant's boundary. The class of each route
 * is derived from what the router would call (litellm_params.model), never from the labels the
 * renderer wrote next to it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments, parse } from 'yaml';
import { loadInputs } from '../../config/inputs';
import { loadModelCatalogue, type ModelCatalogue } from '../../config/models';
import { cloudModelProblems } from '../../config/cloud-models';
import { WORKLOADS_FILE } from '../../config/workloads';
import { formatProblem, ValidationError } from '../../config/yaml-validate';
import { workloadApps, type WorkloadFiles } from '../../charts/workloads/apps';
import { boundaryCovers, type DataBoundary } from '../../catalog/data-boundary';
import type { Tenant } from '../../config/tenant-schema';

const ROOT = resolve(__dirname, '../..');
const inputs = loadInputs();

interface ModelEntry {
  model_name: string;
  litellm_params: { model: string; api_base: string; weight?: number };
}
interface RouterFiles {
  config: { model_list: ModelEntry[]; router_settings: { fallbacks: Record<string, string[]>[] } };
  teams: { team_id: string; models: string[] }[];
}

const FIXTURE_LOCK = resolve(__dirname, '../fixtures/workloads/images.lock.yaml');

function filesFrom(docs: { kind?: string; metadata?: { name?: string }; data?: Record<string, string> }[], where: string): RouterFiles {
  const files = docs.find((d) => d?.kind === 'ConfigMap' && d.metadata?.name === 'llm-router-files');
  assert.ok(files?.data, `${where}: no llm-router-files ConfigMap`);
  // LiteLLM reads config.yaml with PyYAML (YAML 1.1).
  return { config: parse(files.data['config.yaml'], { version: '1.1' }), teams: JSON.parse(files.data['tenants.json']) };
}

/**
 * The llm-router files ConfigMap of an environment as Argo CD would apply it: the committed
 * render; where that is empty (production renders nothing until a digest is promoted), the same
 * app rendered in memory with the fixture lock, so no environment goes unchecked.
 */
function renderedRouter(env: string): RouterFiles & { committed: boolean } {
  const text = readFileSync(join(ROOT, 'rendered', env, 'llm-router', 'manifests.yaml'), 'utf8');
  if (text.trim()) return { ...filesFrom(parseAllDocuments(text).map((d) => d.toJS()), `rendered/${env}/llm-router`), committed: true };
  const app = new App();
  workloadApps({ lockFile: FIXTURE_LOCK })['llm-router'](app, { env: inputs.allEnvironments.find((e) => e.name === env)!, models: inputs.models, tenants: inputs.tenants });
  return { ...filesFrom(parseAllDocuments(app.synthYaml()).map((d) => d.toJS()), `${env} llm-router (in memory)`), committed: false };
}

/** Where one model_list entry processes prompts, from the target it calls. */
function entryClass(e: ModelEntry, catalogue: ModelCatalogue): DataBoundary {
  const [provider, target] = e.litellm_params.model.split(/\/(.*)/s);
  const m = catalogue.models.find((x) => x.id === target);
  assert.ok(m, `route ${e.model_name} calls ${e.litellm_params.model}, which is not in the catalogue`);
  if (provider === 'hosted_vllm') {
    assert.equal(m.dataBoundary, 'self-hosted', `${e.litellm_params.model} is served by vLLM but catalogued ${m.dataBoundary}`);
    assert.match(e.litellm_params.api_base, /\.svc\.cluster\.local(:\d+)?(\/|$)/, `${e.model_name}: a vLLM route leaves the cluster`);
    return 'self-hosted';
  }
  assert.equal(provider, 'azure', `unknown provider in ${e.litellm_params.model}`);
  assert.notEqual(m.dataBoundary, 'self-hosted', `${target} is self-hosted but routed to Azure`);
  return m.dataBoundary;
}

/** Every (team, model name, route) the rendered config would let through beyond the tenant's boundary. */
function boundaryViolations(files: RouterFiles, tenants: readonly Tenant[], catalogue: ModelCatalogue): string[] {
  const out: string[] = [];
  const fallbacks = new Map(files.config.router_settings.fallbacks.flatMap((f) => Object.entries(f)));
  for (const team of files.teams) {
    const tenant = tenants.find((t) => t.metadata.name === team.team_id);
    assert.ok(tenant, `team ${team.team_id} has no tenant file`);
    const max = tenant.spec.llm?.maxDataBoundary ?? 'self-hosted';
    for (const name of team.models) {
      // What a request for `name` may reach: its own deployments (all sides of an A/B test) and its fallbacks'.
      const reachable = [name, ...(fallbacks.get(name) ?? [])];
      const entries = files.config.model_list.filter((e) => reachable.includes(e.model_name));
      assert.ok(entries.some((e) => e.model_name === name), `team ${team.team_id} is granted ${name}, which the router does not list`);
      for (const e of entries) {
        const cls = entryClass(e, catalogue);
        if (!boundaryCovers(max, cls)) out.push(`${team.team_id} (max ${max}) -> ${name} -> ${e.litellm_params.model} (${cls})`);
      }
    }
  }
  return out;
}

describe('the rendered router config stays inside every tenant boundary', () => {
  for (const env of inputs.allEnvironments.map((e) => e.name)) {
    it(`${env}: every team's models, A/B sides and fallbacks are inside its tenant's boundary`, () => {
      const files = renderedRouter(env);
      assert.ok(files.teams.length > 0, 'no teams rendered');
      if (env === 'dev') assert.ok(files.committed, 'dev: the committed render is checked');
      assert.deepEqual(boundaryViolations(files, inputs.tenants, inputs.models), []);
    });
  }

  it('the rendered dev config really has a cloud route and an A/B test mixing classes (so the check above is not vacuous)', () => {
    const { config } = renderedRouter('dev');
    const classes = (name: string) => new Set(config.model_list.filter((e) => e.model_name === name).map((e) => entryClass(e, inputs.models)));
    assert.ok(config.model_list.some((e) => e.litellm_params.model.startsWith('azure/')));
    assert.ok(config.model_list.some((e) => classes(e.model_name).size > 1), 'no alias mixes classes');
    assert.ok(config.model_list.filter((e) => e.litellm_params.weight !== undefined).every((e) => classes(e.model_name).size >= 1));
  });

  it('negative control: a team granted a model beyond its boundary, and an A/B side beyond it, are both caught', () => {
    const files = renderedRouter('dev');
    const selfHostedTeam = files.teams.find((t) => (inputs.tenants.find((x) => x.metadata.name === t.team_id)?.spec.llm?.maxDataBoundary ?? 'self-hosted') === 'self-hosted');
    assert.ok(selfHostedTeam, 'no self-hosted-only tenant in dev');
    const alias = selfHostedTeam.models[0];
    const cloudEntry = files.config.model_list.find((e) => e.litellm_params.model.startsWith('azure/'))!;
    const tampered: RouterFiles = {
      config: { ...files.config, model_list: [...files.config.model_list, { ...cloudEntry, model_name: alias, litellm_params: { ...cloudEntry.litellm_params, weight: 5 } }] },
      teams: files.teams.map((t) => (t === selfHostedTeam ? { ...t, models: [...t.models, cloudEntry.model_name] } : t)),
    };
    const found = boundaryViolations(tampered, inputs.tenants, inputs.models);
    assert.ok(found.some((v) => v.startsWith(`${selfHostedTeam.team_id} `) && v.includes(`-> ${alias} -> azure/`)), found.join('\n'));
    assert.ok(found.some((v) => v.includes(`-> ${cloudEntry.model_name} -> azure/`)), found.join('\n'));
  });
});

const REAL_WORKLOADS = readFileSync(WORKLOADS_FILE, 'utf8');
function workloadsWith(edit: (text: string) => string): string {
  const text = edit(REAL_WORKLOADS);
  assert.notEqual(text, REAL_WORKLOADS, 'the edit must change the file');
  const file = join(mkdtempSync(join(tmpdir(), 'workloads-')), 'workloads.yaml');
  writeFileSync(file, text);
  return file;
}
function planProblems(envName: string, files: WorkloadFiles, tenants: readonly Tenant[] = inputs.tenants): string[] {
  const env = inputs.allEnvironments.find((e) => e.name === envName)!;
  try {
    for (const build of Object.values(workloadApps(files))) build(new App(), { env, models: inputs.models, tenants });
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => formatProblem({ ...p, file: basename(p.file) }));
    throw err;
  }
  return [];
}
const AB = '        mistral-7b-instruct-v0-3: { mistral-7b-instruct-v0-3: 90, gpt-4o-mini-eu: 10 }';

describe('A/B tests and fallbacks are validated against the boundaries of the entitled tenants', () => {
  it('the committed config passes', () => {
    assert.deepEqual(planProblems('dev', { workloadsFile: WORKLOADS_FILE }), []);
  });

  it('an A/B test sending a self-hosted-only tenant\'s alias to a cloud model is refused, naming the tenant, at the test', () => {
    const file = workloadsWith((t) => t.replace(AB, `${AB}\n        llama-3-1-8b-instruct: { llama-3-1-8b-instruct: 80, gpt-4o-mini-eu: 20 }`));
    const out = planProblems('dev', { workloadsFile: file });
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('llama-3-1-8b-instruct: { llama')) + 1;
    // acme-search and fabrikam-payments are entitled to the alias and accept only self-hosted.
    for (const tenant of ['acme-search', 'fabrikam-payments']) {
      assert.ok(out.some((p) => p.startsWith(`workloads.yaml:${line}:`) && p.includes(`tenant ${tenant} is entitled to llama-3-1-8b-instruct but accepts at most self-hosted`)), out.join('\n'));
    }
    assert.equal(out.length, 2, out.join('\n'));
  });

  it('an A/B test of an alias nobody in the environment uses is dormant: only its shape and catalogue ids are checked', () => {
    // No tenant in dev is entitled to gpt-4-1-global, and neither of its sides is deployed there.
    const dormant = workloadsWith((t) => t.replace(AB, `${AB}\n        gpt-4-1-global: { gpt-4-1-global: 50, gpt-4o-mini-eu: 50 }`));
    assert.deepEqual(planProblems('dev', { workloadsFile: dormant }), []);
    // Negative control: the same dormant test with a typo and bad weights is still refused.
    const typo = workloadsWith((t) => t.replace(AB, `${AB}\n        gpt-4-1-global: { gpt-4-1-globl: 50, gpt-4o-mini-eu: 40 }`));
    const out = planProblems('dev', { workloadsFile: typo }).join('\n');
    assert.match(out, /abTests\.gpt-4-1-global\.gpt-4-1-globl: unknown model "gpt-4-1-globl"/);
    assert.match(out, /weights sum to 90, not 100/);
  });

  it('weights that do not sum to 100, an unknown side and an undeployed cloud side are reported together', () => {
    const file = workloadsWith((t) => t.replace(AB, '        mistral-7b-instruct-v0-3: { mistral-7b-instruct-v0-3: 50, gpt-4-1-global: 10, gpt-9: 20 }'));
    const out = planProblems('dev', { workloadsFile: file }).join('\n');
    assert.match(out, /weights sum to 80, not 100/);
    assert.match(out, /abTests\.mistral-7b-instruct-v0-3\.gpt-9: unknown model "gpt-9"/);
    assert.match(out, /cloud model gpt-4-1-global is not deployed in dev\n {4}hint: add it to azureOpenAI\.models in config\/environments\/dev\.yaml/);
    // contoso-docs accepts eu-cloud; a global-cloud side is beyond it.
    assert.match(out, /tenant contoso-docs is entitled to mistral-7b-instruct-v0-3 but accepts at most eu-cloud, and this A\/B test sends its prompts to global-cloud models/);
  });

  it('a fallback from a self-hosted-only tenant\'s alias to a cloud model is refused', () => {
    const file = workloadsWith((t) => t.replace('      fallbacks: {}\n', '      fallbacks:\n        llama-3-1-8b-instruct: [gpt-4o-mini-eu]\n'));
    const out = planProblems('dev', { workloadsFile: file }).join('\n');
    assert.match(out, /router\.fallbacks\.llama-3-1-8b-instruct: tenant acme-search is entitled to llama-3-1-8b-instruct but accepts at most self-hosted, and a fallback is eu-cloud/);
  });

  it('rendering refuses an unvalidated tenant entitled beyond its boundary, at its entry in the tenant file', () => {
    const bad = inputs.tenants.map((t) => (t.metadata.name === 'acme-search' ? { ...t, spec: { ...t.spec, llm: { ...t.spec.llm!, models: [...t.spec.llm!.models, 'gpt-4o-mini-eu'] } } } : t));
    const out = planProblems('dev', {}, bad);
    assert.ok(out.some((p) => /^acme-search\.yaml:\d+:\d+ spec\.llm\.models\.2: model gpt-4o-mini-eu is eu-cloud, beyond the tenant's llm\.maxDataBoundary self-hosted/.test(p)), out.join('\n'));
  });

  it('a cloud model listed for vLLM is refused with where it belongs', () => {
    const file = workloadsWith((t) => t.replace('      # Served besides what tenants are entitled to in this environment.\n      models: []', '      models: [gpt-4o-mini-eu]'));
    assert.match(planProblems('dev', { workloadsFile: file }).join('\n'), /serving\.models\.0: model gpt-4o-mini-eu is eu-cloud: Azure OpenAI serves it, not vLLM\n {4}hint: list it under azureOpenAI\.models/);
  });
});

describe('the model catalogue', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'models-')), 'models.yaml');
    writeFileSync(file, text);
    return file;
  };
  const real = readFileSync(join(ROOT, 'config/models.yaml'), 'utf8');
  const problems = (file: string) => {
    try {
      loadModelCatalogue(file);
      return [];
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return err.problems.map((p) => formatProblem({ ...p, file: basename(p.file) }));
    }
  };

  it('every model carries a class, and the committed catalogue is valid', () => {
    assert.deepEqual(problems(join(ROOT, 'config/models.yaml')), []);
    assert.ok(loadModelCatalogue().models.every((m) => ['self-hosted', 'eu-cloud', 'global-cloud'].includes(m.dataBoundary)));
  });

  it('a model without a class is a located error, and so is every other such model in the same run', () => {
    const text = real.replace('  - dataBoundary: self-hosted\n    id: llama-3-1-70b-instruct', '  - id: llama-3-1-70b-instruct').replace('  - dataBoundary: global-cloud\n    id: gpt-4-1-global', '  - id: gpt-4-1-global');
    assert.notEqual(text, real);
    const out = problems(write(text));
    const line = (id: string) => text.split('\n').findIndex((l) => l.includes(`id: ${id}`)) + 1;
    assert.equal(out.length, 2, out.join('\n'));
    assert.match(out[0], new RegExp(`^models\\.yaml:${line('llama-3-1-70b-instruct')}:\\d+ models\\.1(\\.dataBoundary)?: expected dataBoundary: self-hosted, eu-cloud, global-cloud`));
    assert.match(out[1], new RegExp(`^models\\.yaml:${line('gpt-4-1-global')}:\\d+ models\\.5(\\.dataBoundary)?: expected dataBoundary`));
  });

  it('a class that the deployment SKU contradicts is refused (GlobalStandard is not eu-cloud)', () => {
    const out = problems(write(real.replace('deployment: { sku: DataZoneStandard, capacity: 100 }', 'deployment: { sku: GlobalStandard, capacity: 100 }')));
    assert.match(out.join('\n'), /models\.4\.dataBoundary: a GlobalStandard deployment processes data as global-cloud, not eu-cloud/);
  });

  it('a self-hosted model with cloud fields, or a cloud model with sizing fields, does not parse', () => {
    const out = problems(write(real.replace('    deployment: { sku: GlobalStandard, capacity: 50 }\n', '    deployment: { sku: GlobalStandard, capacity: 50 }\n    layers: 32\n')));
    assert.match(out.join('\n'), /models\.5\.layers: unknown key "layers"/);
  });
});

describe('the Azure OpenAI account region', () => {
  it('an eu-cloud model in an account outside the EU is a located error at azureOpenAI.location', () => {
    const dev = inputs.allEnvironments.find((e) => e.name === 'dev')!;
    const moved = { ...dev, azureOpenAI: { ...dev.azureOpenAI, location: 'eastus' } };
    const out = cloudModelProblems([moved], inputs.tenants, inputs.models, join(ROOT, 'config/environments')).map((p) => formatProblem({ ...p, file: basename(p.file) }));
    const line = readFileSync(join(ROOT, 'config/environments/dev.yaml'), 'utf8').split('\n').findIndex((l) => /^\s+location: swedencentral/.test(l)) + 1;
    assert.equal(out.length, 1, out.join('\n'));
    assert.match(out[0], new RegExp(`^dev\\.yaml:${line}:\\d+ azureOpenAI\\.location: the Azure OpenAI account would be in eastus, outside the EU, but gpt-4o-mini-eu is eu-cloud`));
    // Negative control: the committed region passes.
    assert.deepEqual(cloudModelProblems([dev], inputs.tenants, inputs.models, join(ROOT, 'config/environments')), []);
  });
});
