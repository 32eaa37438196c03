/**
 * Every name that crosses from the workloads into the observability app must exist on the other
 * side. The test walks every rendered rule expression (PrometheusRules of every app), every KEDA
 * query and every dashboard query (the JSON in the dashboard ConfigMaps), takes the label matchers
 * on the labels that name things (`service_name`, `job`, `namespace`, `service`, `container`, ...)
 * and fails on a value that nothing rendered emits: the OTEL_SERVICE_NAME of a rendered container,
 * a Service or pod a rendered ServiceMonitor/PodMonitor scrapes (for the add-ons, what
 * catalog/addon-monitors.ts says the pinned chart creates, itself checked against the chart by
 * test/tools/addon-monitors.test.ts), a label a rendered recording rule sets.
 *
 * The canary analyses too: every Prometheus query of an AnalysisTemplate, with the arguments each
 * Rollout step passes filled in, must select what is emitted, and read only metrics something
 * rendered really exports (catalog/services.ts, catalog/serving-metrics.ts, catalog/addon-monitors.ts).
 *
 * It also checks that every rendered alert links a runbook that exists, down to the section, and
 * that the section says what to check and what to do.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ADDON_MONITORS, monitorJobs, monitorNamespace } from '../../catalog/addon-monitors';
import { METRICS, SERVICES, type ContractMetric } from '../../catalog/services';
import { workloadApps } from '../../charts/workloads/apps';
import { loadInputs } from '../../config/inputs';
import { ROOT } from '../helpers/tools';
import { metricNames } from '../helpers/promql';
import { analysisQueries } from '../helpers/analysis';

export { analysisQueries };
import { vllmSeriesNames } from '../../catalog/serving-metrics';

type Obj = Record<string, any>;
type Emitted = Map<string, Set<string>>;

const inputs = loadInputs();
/** Test digests: what prod runs once its images are promoted (prod's committed render is empty until then). */
const FIXTURE_LOCK = resolve(__dirname, '../fixtures/workloads/images.lock.yaml');

/** Labels whose values name a workload, a scrape target, a namespace or a rule: the ones a rename breaks. */
export const CHECKED_LABELS = ['service_name', 'service_namespace', 'job', 'namespace', 'service', 'container', 'endpoint', 'deployment', 'ingress', 'exported_namespace', 'alertname'];

const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);

function renderedObjects(env: string): { file: string; objects: Obj[] }[] {
  const dir = join(ROOT, 'rendered', env);
  return readdirSync(dir).map((app) => ({ file: `rendered/${env}/${app}/manifests.yaml`, objects: docs(readFileSync(join(dir, app, 'manifests.yaml'), 'utf8')) }));
}

function fixtureWorkloads(envName: string): Obj[] {
  const env = inputs.allEnvironments.find((e) => e.name === envName)!;
  return Object.values(workloadApps({ lockFile: FIXTURE_LOCK })).flatMap((build) => {
    const app = new App();
    build(app, { env, models: inputs.models, tenants: inputs.tenants.filter((t) => !t.spec.retired) });
    return docs(app.synthYaml());
  });
}

/** The pod a workload runs; an AnalysisTemplate's is its `job` metric's (the golden-set runner sends OTLP from it). */
const podTemplate = (o: Obj) =>
  o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.kind === 'AnalysisTemplate' ? o.spec?.metrics?.find((m: Obj) => m.provider?.job)?.provider.job.spec.template : o.spec?.template;
const matches = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** What the rendered objects and rules put into Prometheus, label by label. */
export function emittedLabels(objects: Obj[]): { emitted: Emitted; unresolved: string[] } {
  const emitted: Emitted = new Map(CHECKED_LABELS.map((l) => [l, new Set<string>()]));
  const add = (label: string, value: string | undefined) => value && emitted.get(label)?.add(value);
  const unresolved: string[] = [];
  const workloads = objects.filter((o) => podTemplate(o)?.spec?.containers);

  for (const o of objects) if (o.metadata?.namespace) add('namespace', o.metadata.namespace);
  for (const w of workloads) {
    if (w.kind === 'Deployment') add('deployment', w.metadata.name);
    for (const c of podTemplate(w).spec.containers) {
      const env = Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e.value]));
      if (!env.OTEL_SERVICE_NAME) continue;
      // The collector writes resource attributes as labels; prometheusremotewrite sets job to namespace/name.
      const ns = /(?:^|,)service\.namespace=([^,]+)/.exec(env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[1];
      add('service_name', env.OTEL_SERVICE_NAME);
      add('service_namespace', ns);
      add('job', ns ? `${ns}/${env.OTEL_SERVICE_NAME}` : env.OTEL_SERVICE_NAME);
    }
  }
  for (const i of objects.filter((o) => o.kind === 'Ingress')) {
    add('ingress', i.metadata.name);
    add('exported_namespace', i.metadata.namespace);
  }
  for (const r of objects.filter((o) => o.kind === 'PrometheusRule')) {
    for (const rule of r.spec.groups.flatMap((g: Obj) => g.rules)) {
      if (rule.alert) add('alertname', rule.alert);
      if (rule.record) for (const [k, v] of Object.entries(rule.labels ?? {})) add(k, String(v));
    }
  }

  for (const m of objects.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor')) {
    const namespaces: string[] = m.spec.namespaceSelector?.matchNames ?? [m.metadata.namespace];
    const ports: string[] = (m.spec.endpoints ?? m.spec.podMetricsEndpoints).map((e: Obj) => e.port);
    let found = 0;
    if (m.kind === 'ServiceMonitor') {
      for (const svc of objects.filter((o) => o.kind === 'Service' && namespaces.includes(o.metadata.namespace) && matches(m.spec.selector.matchLabels, o.metadata.labels))) {
        for (const p of svc.spec.ports.filter((p: Obj) => ports.includes(p.name))) {
          found++;
          add('job', m.spec.jobLabel ? svc.metadata.labels[m.spec.jobLabel] : svc.metadata.name);
          add('namespace', svc.metadata.namespace);
          add('service', svc.metadata.name);
          add('endpoint', p.name);
          for (const w of workloads.filter((x) => x.metadata.namespace === svc.metadata.namespace && matches(svc.spec.selector, podTemplate(x).metadata.labels))) {
            for (const c of podTemplate(w).spec.containers) if ((c.ports ?? []).some((cp: Obj) => cp.name === p.targetPort || cp.containerPort === p.targetPort)) add('container', c.name);
          }
        }
      }
    } else {
      for (const w of workloads.filter((x) => namespaces.includes(x.metadata.namespace) && matches(m.spec.selector.matchLabels, podTemplate(x).metadata.labels))) {
        for (const c of podTemplate(w).spec.containers.filter((c: Obj) => (c.ports ?? []).some((cp: Obj) => ports.includes(cp.name)))) {
          found++;
          add('job', m.spec.jobLabel ? podTemplate(w).metadata.labels[m.spec.jobLabel] : `${m.metadata.namespace}/${m.metadata.name}`);
          add('namespace', w.metadata.namespace);
          add('container', c.name);
          for (const p of ports) add('endpoint', p);
        }
      }
    }
    if (found > 0) continue;
    // An add-on's Services and pods come from its chart, not from rendered/: the catalogue says what they are.
    const addon = ADDON_MONITORS.find((a) => a.name === m.metadata.name && a.kind === m.kind);
    if (!addon || !matches(addon.selector, m.spec.selector.matchLabels) || !matches(m.spec.selector.matchLabels, addon.selector) || !ports.every((p) => p === addon.port)) {
      unresolved.push(`${m.kind} ${m.metadata.namespace}/${m.metadata.name} scrapes nothing rendered and is not an add-on monitor of catalog/addon-monitors.ts`);
      continue;
    }
    for (const job of monitorJobs(addon)) add('job', job);
    add('namespace', monitorNamespace(addon));
    add('endpoint', addon.port);
    for (const t of addon.targets) {
      add('container', t.container);
      if (addon.kind === 'ServiceMonitor') add('service', t.object);
    }
  }
  return { emitted, unresolved };
}

export interface Query {
  readonly where: string;
  readonly expr: string;
}

/** Rule expressions, KEDA queries and dashboard queries of the rendered objects. */
export function queriesOf(objects: Obj[], file: string): Query[] {
  const out: Query[] = [];
  for (const o of objects) {
    if (o.kind === 'PrometheusRule') {
      for (const g of o.spec.groups) for (const r of g.rules) out.push({ where: `${file} ${o.metadata.name}/${g.name}/${r.alert ?? r.record}`, expr: String(r.expr) });
    }
    if (o.kind === 'ScaledObject') {
      for (const t of o.spec.triggers.filter((x: Obj) => x.type === 'prometheus')) out.push({ where: `${file} ScaledObject ${o.metadata.name}`, expr: t.metadata.query });
    }
    if (o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1') {
      for (const [key, json] of Object.entries(o.data as Record<string, string>)) {
        const d = JSON.parse(json);
        for (const p of d.panels ?? []) for (const t of p.targets ?? []) out.push({ where: `${file} dashboard ${key} "${p.title}"`, expr: t.expr });
        for (const v of d.templating?.list ?? []) if (typeof v.query === 'string') out.push({ where: `${file} dashboard ${key} variable ${v.name}`, expr: v.query });
      }
    }
  }
  return out;
}

/** Series names something rendered exports: the platform's services, vLLM, the add-ons' monitored components. */
export const ANALYSIS_METRICS = new Set<string>([
  ...(Object.values(METRICS) as ContractMetric[]).flatMap((m) => (m.type === 'histogram' ? ['_bucket', '_count', '_sum'].map((x) => m.name + x) : [m.name])),
  ...vllmSeriesNames(),
  ...ADDON_MONITORS.flatMap((m) => m.metrics),
]);

/** Metrics an analysis query reads that nothing rendered exports. */
export function unknownAnalysisMetrics(queries: Query[]): string[] {
  return queries.flatMap((q) => metricNames(q.expr).filter((n) => !ANALYSIS_METRICS.has(n)).map((n) => `${q.where}: ${n} is exported by nothing rendered`));
}

export interface Matcher {
  readonly metric: string;
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** Label matchers of a PromQL expression, with the metric they select (empty for a bare selector). */
export function matchersOf(expr: string): Matcher[] {
  const out: Matcher[] = [];
  for (const sel of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)?\{([^{}]*)\}/g)) {
    for (const m of sel[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      // PromQL strings escape like Go: \\ is one backslash.
      out.push({ metric: sel[1] ?? '', label: m[1], op: m[2] as Matcher['op'], value: m[3].replace(/\\(.)/g, '$1') });
    }
  }
  return out;
}

const LITERAL_ALTERNATION = /^[A-Za-z0-9_./-]+(\|[A-Za-z0-9_./-]+)*$/;

/** `where: label op "value"` for every positive matcher on a checked label that selects nothing emitted. */
export function unknownSelectors(queries: Query[], emitted: Emitted): string[] {
  const out: string[] = [];
  for (const q of queries) {
    for (const m of matchersOf(q.expr)) {
      const values = emitted.get(m.label);
      // Negative matchers exclude; Grafana variables are filled in at view time.
      if (!values || m.op === '!=' || m.op === '!~' || m.value === '' || m.value.includes('$')) continue;
      const bad =
        m.op === '='
          ? values.has(m.value) ? [] : [m.value]
          : LITERAL_ALTERNATION.test(m.value)
            ? m.value.split('|').filter((v) => !values.has(v))
            : [...values].some((v) => new RegExp(`^(?:${m.value})$`).test(v)) ? [] : [m.value];
      for (const b of bad) out.push(`${q.where}: ${m.metric}{${m.label}${m.op}"${b}"} selects nothing rendered emits`);
    }
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Problems with the runbook_url of each alert: missing, file absent, section absent, section without check and act. */
export function runbookProblems(alerts: { where: string; runbook?: string }[], root = ROOT): string[] {
  const out: string[] = [];
  for (const a of alerts) {
    if (!a.runbook) {
      out.push(`${a.where}: no runbook_url`);
      continue;
    }
    const [path, anchor] = a.runbook.split('#');
    const file = join(root, path);
    if (/^[a-z]+:\/\//.test(path) || !existsSync(file)) {
      out.push(`${a.where}: runbook ${path} is not a file of the repository`);
      continue;
    }
    if (!anchor) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => /^#{1,6}\s/.test(l) && slug(l.replace(/^#+/, '')) === anchor);
    if (at < 0) {
      out.push(`${a.where}: ${path} has no section #${anchor}`);
      continue;
    }
    const level = /^#+/.exec(lines[at])![0].length;
    const end = lines.findIndex((l, i) => i > at && new RegExp(`^#{1,${level}}\\s`).test(l));
    const section = lines.slice(at, end < 0 ? undefined : end).join('\n');
    if (!/\*\*Check\b/.test(section) || !/\*\*Act\b/.test(section)) out.push(`${a.where}: ${path}#${anchor} does not say what to check and what to do (**Check** / **Act**)`);
  }
  return out;
}

function alertsOf(objects: Obj[], file: string): { where: string; runbook?: string }[] {
  return objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o) => o.spec.groups.flatMap((g: Obj) => g.rules.filter((r: Obj) => r.alert).map((r: Obj) => ({ where: `${file} ${o.metadata.name}/${r.alert}`, runbook: r.annotations?.runbook_url }))));
}

describe('telemetry contract: selectors match what is rendered', () => {
  for (const env of inputs.allEnvironments) {
    const rendered = renderedObjects(env.name);
    const all = [...rendered.flatMap((r) => r.objects), ...fixtureWorkloads(env.name)];
    const { emitted, unresolved } = emittedLabels(all);
    const analyses = rendered.map((r) => analysisQueries(r.objects, r.file));
    const analysisQueryList = analyses.flatMap((a) => a.queries);
    const queries = [...rendered.flatMap((r) => queriesOf(r.objects, r.file)), ...analysisQueryList];

    it(`${env.name}: every rule, KEDA and dashboard selector names something a rendered workload, monitor or rule emits`, () => {
      assert.ok(queries.length > 150, `${queries.length} queries`);
      assert.ok(queries.some((q) => q.where.includes('ScaledObject')) || env.policies.requireDigest, 'KEDA queries are walked');
      assert.ok(queries.some((q) => q.where.includes('dashboard')), 'dashboard queries are walked');
      assert.deepEqual(unknownSelectors(queries, emitted), []);
    });

    it(`${env.name}: every canary analysis query has its arguments and reads metrics something rendered exports`, () => {
      // prod renders no workloads until its images are promoted: dev must have the analyses.
      if (env.name === 'dev') assert.ok(analysisQueryList.filter((q) => q.where.includes('Rollout')).length >= 6, `${analysisQueryList.length} analysis queries`);
      assert.deepEqual(analyses.flatMap((a) => a.unfilled), []);
      assert.deepEqual(unknownAnalysisMetrics(analysisQueryList), []);
    });

    it(`${env.name}: every rendered ServiceMonitor and PodMonitor scrapes something`, () => {
      assert.deepEqual(unresolved, []);
      assert.ok(emitted.get('job')!.has('observability/gatekeeper') && emitted.get('job')!.has('envoy-gateway') && emitted.get('job')!.has('observability/envoy-proxy'));
    });

    it(`${env.name}: every alert links a runbook section that says what to check and what to do`, () => {
      const alerts = rendered.flatMap((r) => alertsOf(r.objects, r.file));
      assert.ok(alerts.length >= 40, `${alerts.length} alerts`);
      assert.deepEqual(runbookProblems(alerts), []);
    });
  }

  it('the selector check can fail: a rule on the pre-catalogue service name, a job nothing scrapes, a monitor that scrapes nothing', () => {
    const dev = [...renderedObjects('dev').flatMap((r) => r.objects)];
    const bogusMonitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'nothing', namespace: 'observability' }, spec: { selector: { matchLabels: { app: 'nothing' } }, endpoints: [{ port: 'metrics' }] } };
    const { emitted, unresolved } = emittedLabels([...dev, bogusMonitor]);
    const rule = {
      kind: 'PrometheusRule',
      metadata: { name: 'negative' },
      spec: {
        groups: [
          {
            name: 'g',
            rules: [
              { alert: 'Old', expr: 'sum(rate(http_server_request_duration_seconds_count{service_name="gateway"}[5m])) > 0' },
              { alert: 'Mixed', expr: 'max(agent_circuit_breaker_open{namespace="platform",job=~"agent-gateway|agent-nothing"}) == 1' },
              { alert: 'Fine', expr: 'sum(rate(http_server_request_duration_seconds_count{service_name="agent-gateway",http_response_status_code=~"5.."}[5m])) > 0 unless on () ALERTS{alertname="SLOErrorBudgetBurn"}' },
              { alert: 'Regex', expr: 'up{namespace=~"gate.*-sys"}' },
            ],
          },
        ],
      },
    };
    assert.deepEqual(unknownSelectors(queriesOf([rule], 'x'), emitted), [
      'x negative/g/Old: http_server_request_duration_seconds_count{service_name="gateway"} selects nothing rendered emits',
      'x negative/g/Mixed: agent_circuit_breaker_open{job=~"agent-nothing"} selects nothing rendered emits',
      'x negative/g/Regex: up{namespace=~"gate.*-sys"} selects nothing rendered emits',
    ]);
    assert.deepEqual(unresolved, ['ServiceMonitor observability/nothing scrapes nothing rendered and is not an add-on monitor of catalog/addon-monitors.ts']);
  });

  it('the analysis check can fail: an unknown job, a misspelt metric, an argument no step passes', () => {
    const dev = renderedObjects('dev').flatMap((r) => r.objects);
    const { emitted } = emittedLabels(dev);
    const template = (name: string, query: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name, namespace: 'serving' },
      spec: { args: [{ name: 'workload' }], metrics: [{ name: 'm', provider: { prometheus: { query } } }] },
    });
    const rollout = {
      kind: 'Rollout',
      metadata: { name: 'vllm-x', namespace: 'serving' },
      spec: { strategy: { canary: { steps: [{ analysis: { templates: [{ templateName: 'a' }, { templateName: 'b' }, { templateName: 'c' }], args: [{ name: 'workload', value: 'vllm-nothing' }] } }] } } },
    };
    const objects = [
      template('a', 'sum(rate(vllm:generation_tokens_total{namespace="serving",job="{{args.workload}}"}[5m]))'),
      template('b', 'sum(rate(vllm:generation_token_total{namespace="serving"}[5m]))'),
      template('c', 'sum(rate(http_requests_total{namespace="serving",pod=~"{{args.workload}}-{{args.canary-hash}}-.*"}[5m]))'),
      rollout,
    ];
    const { queries, unfilled } = analysisQueries(objects, 'x');
    assert.deepEqual(unknownSelectors(queries, emitted), ['x Rollout serving/vllm-x AnalysisTemplate serving/a/m: vllm:generation_tokens_total{job="vllm-nothing"} selects nothing rendered emits']);
    assert.deepEqual(unknownAnalysisMetrics(queries), ['x Rollout serving/vllm-x AnalysisTemplate serving/b/m: vllm:generation_token_total is exported by nothing rendered']);
    assert.deepEqual(unfilled, ['x Rollout serving/vllm-x c/m: no value for canary-hash']);
  });

  it('matchers are read with their metric, operator and unescaped value', () => {
    assert.deepEqual(matchersOf('sum(rate(x_bucket{a="1",le=~"90(\\\\.0)?", b!="2"}[5m])) / y{c=~"p|q"}'), [
      { metric: 'x_bucket', label: 'a', op: '=', value: '1' },
      { metric: 'x_bucket', label: 'le', op: '=~', value: '90(\\.0)?' },
      { metric: 'x_bucket', label: 'b', op: '!=', value: '2' },
      { metric: 'y', label: 'c', op: '=~', value: 'p|q' },
    ]);
  });
});

describe('telemetry contract: the catalogue and the workloads agree', () => {
  const dev = renderedObjects('dev').flatMap((r) => r.objects);
  const deployments = new Map(dev.filter((o) => o.kind === 'Deployment').map((d) => [d.metadata.name, d]));

  it('every catalogued service is rendered under its name, with OTEL_SERVICE_NAME exactly where it sends OTLP', () => {
    for (const s of Object.values(SERVICES)) {
      const d = deployments.get(s.name);
      assert.ok(d, `${s.name} is rendered`);
      assert.equal(d.metadata.namespace, s.namespace);
      const env = Object.fromEntries((d.spec.template.spec.containers[0].env ?? []).map((e: Obj) => [e.name, e.value]));
      assert.equal(env.OTEL_SERVICE_NAME, s.otlp ? s.name : undefined, s.name);
      const ports = d.spec.template.spec.containers[0].ports.map((p: Obj) => p.containerPort);
      assert.ok(ports.includes(s.httpPort) && ports.includes(s.metricsPort), `${s.name} ports`);
    }
  });

  it('every contract metric comes from rendered services that can deliver it (OTLP needs OTEL settings)', () => {
    for (const m of Object.values(METRICS) as ContractMetric[]) {
      assert.ok(m.emittedBy.length > 0, m.name);
      for (const s of m.emittedBy) if (m.path === 'otlp') assert.ok(SERVICES[s].otlp, `${m.name} from ${SERVICES[s].name} over OTLP`);
    }
  });

  it('every histogram boundary a rendered rule selects is a bucket the contract requires', () => {
    const histograms = new Map((Object.values(METRICS) as ContractMetric[]).filter((m) => m.type === 'histogram').map((m) => [`${m.name}_bucket`, m]));
    const used: string[] = [];
    for (const r of dev.filter((o) => o.kind === 'PrometheusRule')) {
      for (const rule of r.spec.groups.flatMap((g: Obj) => g.rules)) {
        for (const m of matchersOf(String(rule.expr)).filter((x) => x.label === 'le' && histograms.has(x.metric))) {
          const bound = Number(/^[0-9.]+/.exec(m.value)![0].replace(/\.$/, ''));
          used.push(`${m.metric} ${bound}`);
          assert.ok(histograms.get(m.metric)!.buckets!.includes(bound), `${m.metric} le ${bound} is not a bucket of catalog/services.ts`);
        }
      }
    }
    assert.deepEqual([...new Set(used)].sort(), [
      'agent_variant_duration_seconds_bucket 240',
      'agent_variant_duration_seconds_bucket 480',
      'agent_variant_duration_seconds_bucket 90',
      'http_server_request_duration_seconds_bucket 0.5',
    ]);
  });
});

describe('runbooks: the check can fail', () => {
  it('a missing file, a missing section, a section without check/act and a missing URL are reported', () => {
    assert.equal(slug(' AgentHeartbeatMissing'), 'agentheartbeatmissing');
    assert.equal(slug('Runbook: SLO error budget burn (`SLOErrorBudgetBurn`)'), 'runbook-slo-error-budget-burn-sloerrorbudgetburn');
    const root = mkdtempSync(join(tmpdir(), 'runbooks-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'r.md'), '# Runbook\n\n## GoodAlert\n\n**Check:** x\n\n**Act:** y\n\n## BadAlert\n\nSomething is wrong.\n\n## Next\n\n**Check:** z **Act:** w\n');
    assert.deepEqual(
      runbookProblems(
        [
          { where: 'a', runbook: 'docs/r.md' },
          { where: 'b', runbook: 'docs/nope.md' },
          { where: 'c', runbook: 'docs/r.md#nope' },
          { where: 'd', runbook: 'docs/r.md#badalert' },
          { where: 'e' },
          { where: 'f', runbook: 'docs/r.md#goodalert' },
          { where: 'g', runbook: 'https://example.org/docs/r.md' },
        ],
        root,
      ),
      [
        'b: runbook docs/nope.md is not a file of the repository',
        'c: docs/r.md has no section #nope',
        'd: docs/r.md#badalert does not say what to check and what to do (**Check** / **Act**)',
        'e: no runbook_url',
        'g: runbook https://example.org/docs/r.md is not a file of the repository',
      ],
    );
  });
});
