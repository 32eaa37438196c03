/**
 * The router's guardrails: Presidio rendered next to the router (schemas, Pod Security restricted,
 * read-only root, only the router admitted, HPA and PDB), the router config listing the
 * guardrails, teams carrying PII masking only when their tenant enables it, and cloud moderation
 * only for cloud routes (fixture catalogue, since no cloud model exists yet).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SERVICES } from '../../catalog/services';
import { CLOUD_MODERATION, cloudAliases, guardrailsConfig, guardrailsSettings, isCloudRoute, PII_MASKING, TEAM_GUARDRAILS_KEY } from '../../charts/workloads/guardrails';
import { GUARDRAILS_PY } from '../../charts/workloads/guardrails-py';
import { tenantTeams } from '../../charts/workloads/router';
import type { RouterModel } from '../../charts/workloads/plan';
import type { RouterEntitlement } from '../../config/entitlements';
import { podSecurityViolations } from '../helpers/pod-security';
import { schemaErrors } from '../helpers/k8s-schemas';

type Obj = Record<string, any>;
const rendered: Obj[] = parseAllDocuments(readFileSync('rendered/dev/llm-router/manifests.yaml', 'utf8')).map((d) => d.toJS()).filter(Boolean);
const named = (kind: string, name: string): Obj => rendered.find((o) => o.kind === kind && o.metadata.name === name) as Obj;
const presidio = [SERVICES.presidioAnalyzer, SERVICES.presidioAnonymizer];

const route = (alias: string, dataBoundary?: string): RouterModel => ({ alias, served: alias, ...(dataBoundary ? { dataBoundary } : {}) }) as unknown as RouterModel;
const entitlement = (tenant: string, piiMasking: boolean): RouterEntitlement => ({ tenant, models: ['m'], tokensPerMinute: 1, requestsPerMinute: 1, monthlyBudget: 1, currency: 'EUR', guardrails: { piiMasking } });

describe('guardrails: Presidio in the llm-router app', () => {
  it('both services render with Deployment, Service, HPA, PDB and a NetworkPolicy', () => {
    for (const s of presidio) for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']) assert.ok(named(kind, s.name), `${kind} ${s.name}`);
    // No /metrics upstream: no ServiceMonitor that would scrape a 404.
    for (const s of presidio) assert.equal(named('ServiceMonitor', s.name), undefined);
  });

  it('pass the upstream schemas', async () => {
    const objs = rendered.filter((o) => presidio.some((s) => o.metadata.name === s.name));
    assert.deepEqual(await schemaErrors(objs as never), []);
  });

  it('Pod Security restricted, read-only root, upstream port and health path, gunicorn started without poetry', () => {
    for (const s of presidio) {
      const pod = named('Deployment', s.name).spec.template.spec;
      assert.deepEqual(podSecurityViolations(pod), [], s.name);
      const c = pod.containers[0];
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      assert.equal(c.ports[0].containerPort, 3000);
      assert.equal(c.readinessProbe.httpGet.path, '/health');
      assert.deepEqual(c.command, ['gunicorn']);
      assert.ok(c.args.includes('app:create_app()'));
      assert.match(c.image, /\/ghcr\.io\/data-privacy-stack\/presidio-(analyzer|anonymizer):2\.2\.363$/);
    }
  });

  it('admits only the router, and the router may reach exactly these pods', () => {
    const router = named('Deployment', SERVICES.router.name).spec.template.metadata.labels;
    for (const s of presidio) {
      const np = named('NetworkPolicy', s.name);
      assert.equal(np.spec.ingress.length, 1, `${s.name}: one ingress rule (no scrape path)`);
      const from = np.spec.ingress[0].from;
      assert.equal(from.length, 1);
      for (const [k, v] of Object.entries(from[0].podSelector.matchLabels)) assert.equal(router[k], v, `${s.name} admits the router`);
      assert.deepEqual(np.spec.egress, []);
    }
    const egress = named('NetworkPolicy', SERVICES.router.name).spec.egress.find((r: Obj) => r.to.some((p: Obj) => p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === SERVICES.presidioAnalyzer.name));
    assert.ok(egress, 'router egress to Presidio');
    for (const s of presidio) {
      const pods = named('Deployment', s.name).spec.template.metadata.labels;
      assert.ok(egress.to.some((p: Obj) => Object.entries(p.podSelector.matchLabels).every(([k, v]) => pods[k] === v)), s.name);
    }
    // The URLs the router is given resolve to the rendered Services.
    const env = named('ConfigMap', `${SERVICES.router.name}-config`).data;
    for (const [key, s] of [['PRESIDIO_ANALYZER_API_BASE', SERVICES.presidioAnalyzer], ['PRESIDIO_ANONYMIZER_API_BASE', SERVICES.presidioAnonymizer]] as const) {
      const url = new URL(env[key]);
      const svc = named('Service', url.hostname.split('.')[0]);
      assert.equal(svc?.metadata.name, s.name);
      assert.equal(url.hostname, `${s.name}.${svc.metadata.namespace}.svc.cluster.local`);
      assert.ok(svc.spec.ports.some((p: Obj) => p.port === Number(url.port)));
    }
  });
});

describe('guardrails: the router config and the tenants\' teams', () => {
  const files = named('ConfigMap', `${SERVICES.router.name}-files`).data;
  const config = parse(files['config.yaml']);

  it('lists the PII guardrail (custom class in the mounted module, default off), and moderation exactly for the aliases with an Azure OpenAI deployment', () => {
    const cloud = [...new Set(config.model_list.filter((m: Obj) => m.litellm_params.model.startsWith('azure/')).map((m: Obj) => m.model_name))].sort();
    assert.ok(cloud.length > 0, 'dev routes some alias to a cloud model (tenants and serving.abTests)');
    assert.deepEqual(config.guardrails.map((g: Obj) => g.guardrail_name), [PII_MASKING, CLOUD_MODERATION]);
    assert.deepEqual(JSON.parse(files['guardrails.json']).cloudModeration.models, cloud);
    const [pii] = config.guardrails;
    assert.equal(pii.litellm_params.default_on, false);
    const [module, cls] = pii.litellm_params.guardrail.split('.');
    assert.ok(files[`${module}.py`], 'the module is mounted next to config.yaml');
    assert.match(files[`${module}.py`], new RegExp(`^class ${cls}\\(`, 'm'));
  });

  it('teams carry PII masking exactly when the tenant enables it (rendered: fabrikam-payments only)', () => {
    const teams: Obj[] = JSON.parse(files['tenants.json']);
    const on = teams.filter((t) => t.metadata[TEAM_GUARDRAILS_KEY]).map((t) => t.team_id);
    assert.deepEqual(on, ['fabrikam-payments']);
    assert.deepEqual(teams.find((t) => t.team_id === 'fabrikam-payments')!.metadata[TEAM_GUARDRAILS_KEY], [PII_MASKING]);
    // Never LiteLLM's own `guardrails` key: without an Enterprise licence it refuses every request of the team.
    for (const t of teams) assert.equal(t.metadata.guardrails, undefined);
  });

  it('negative control: a tenant without masking gets no guardrail entry, one with it does', () => {
    const [off, on] = tenantTeams([entitlement('a', false), entitlement('b', true)]) as Obj[];
    assert.equal(off.metadata[TEAM_GUARDRAILS_KEY], undefined);
    assert.deepEqual(on.metadata[TEAM_GUARDRAILS_KEY], [PII_MASKING]);
  });

  it('the guardrail module is valid Python and reads the names the TypeScript side writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guardrails-'));
    writeFileSync(join(dir, 'platform_guardrails.py'), GUARDRAILS_PY);
    execFileSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', join(dir, 'platform_guardrails.py')]);
    assert.match(GUARDRAILS_PY, new RegExp(`TEAM_METADATA_KEY = "${TEAM_GUARDRAILS_KEY}"`));
    for (const key of Object.keys(guardrailsSettings([]))) assert.match(GUARDRAILS_PY, new RegExp(`_SETTINGS\\["${key}"\\]`));
  });
});

describe('guardrails: moderation keys on the data boundary (fixture catalogue)', () => {
  const fixture = [route('llama-3-1-8b-instruct', 'self-hosted'), route('gpt-4o-eu', 'eu-cloud'), route('gpt-4o', 'global-cloud'), route('mixed', 'self-hosted'), route('mixed', 'eu-cloud'), route('legacy')];

  it('cloud aliases are those with a non-self-hosted deployment; an A/B alias counts whole', () => {
    assert.deepEqual(cloudAliases(fixture), ['gpt-4o', 'gpt-4o-eu', 'mixed']);
    assert.equal(isCloudRoute(route('x', 'self-hosted')), false);
    assert.equal(isCloudRoute(route('x')), false);
  });

  it('the moderation guardrail appears with cloud routes and lists them; not without', () => {
    const names = (routes: RouterModel[]) => guardrailsConfig(routes).guardrails.map((g) => g.guardrail_name);
    assert.deepEqual(names(fixture), [PII_MASKING, CLOUD_MODERATION]);
    assert.deepEqual(names(fixture.filter((r) => !isCloudRoute(r))), [PII_MASKING]);
    assert.deepEqual((guardrailsSettings(fixture).cloudModeration as Obj).models, ['gpt-4o', 'gpt-4o-eu', 'mixed']);
    // A different predicate (the lead's connection point) changes the result.
    assert.deepEqual(cloudAliases(fixture, (r) => r.alias === 'legacy'), ['legacy']);
  });
});
