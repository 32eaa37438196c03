/**
 * The add-on ServiceMonitors and PodMonitors (catalog/addon-monitors.ts, rendered in the
 * observability app) against the charts they scrape: each pinned chart from the offline cache is
 * rendered with `helm template` and the values the platform sets for the environment, and every
 * monitor must select exactly the Services or pods, ports and containers the catalogue lists. A
 * chart bump that renames a Service, drops a port or needs a values key to turn metrics on fails
 * here instead of leaving a dashboard empty.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ADDON_MONITORS, monitorNamespace, type AddonMonitor, type ScrapedTarget } from '../../catalog/addon-monitors';
import { ADDONS, releaseName, type AddonName } from '../../catalog/addons';
import type { AddonContext } from '../../constructs/addons/context';
import { chartVersion, mergeValues } from '../../constructs/addons/release';
import { argocdChartValues } from '../../constructs/addons/values/argocd';
import { certManagerChartValues } from '../../constructs/addons/values/cert-manager';
import { externalSecretsChartValues } from '../../constructs/addons/values/external-secrets';
import { gatekeeperChartValues } from '../../constructs/addons/values/gatekeeper';
import { envoyGatewayChartValues } from '../../constructs/addons/values/envoy-gateway';
import { externalDnsChartValues, externalDnsPrivateChartValues } from '../../constructs/addons/values/external-dns';
import { ENVOY_METRICS_PATH, ENVOY_PROXY_POD_LABELS } from '../../catalog/edge';
import { envoyProxy } from '../../constructs/edge/gateway';
import { argoRolloutsChartValues } from '../../constructs/addons/values/argo-rollouts';
import { kedaChartValues } from '../../constructs/addons/values/keda';
import { temporalChartValues } from '../../constructs/addons/values/temporal';
import { loadInputs } from '../../config/inputs';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;

/** The offline chart cache (pinned versions, SOURCES.tsv). */
const CHARTS = resolve(ROOT, '../shared/helm-charts');
const HELM = resolve(ROOT, '.tools/bin/helm');

const VALUES: Partial<Record<AddonName, (ctx: AddonContext) => object>> = {
  argocd: argocdChartValues,
  certManager: certManagerChartValues,
  externalSecrets: externalSecretsChartValues,
  gatekeeper: gatekeeperChartValues,
  envoyGateway: envoyGatewayChartValues,
  externalDns: externalDnsChartValues,
  externalDnsPrivate: externalDnsPrivateChartValues,
  keda: kedaChartValues,
  argoRollouts: argoRolloutsChartValues,
  // The database host is a Terraform reference at synth time; any FQDN renders the same Services.
  temporal: (ctx) => temporalChartValues(ctx, { postgresHost: 'psql-test.postgres.database.azure.com', namespaces: [] }),
};

const inputs = loadInputs();
const dir = mkdtempSync(join(tmpdir(), 'addon-monitors-'));

/** The chart's objects with the environment's values, as the add-ons stack installs it. */
function renderChart(addon: AddonName, envName: string): Obj[] {
  const env = inputs.allEnvironments.find((e) => e.name === envName)!;
  // Identities are Terraform references at synth time; any id renders the same objects.
  const ctx: AddonContext = {
    env,
    highAvailability: env.addons.highAvailability,
    tenantId: '00000000-0000-0000-0000-000000000001',
    clusterName: `aks-${env.name}`,
    clientIds: {
      certManager: '00000000-0000-0000-0000-000000000002',
      externalSecrets: '00000000-0000-0000-0000-000000000003',
      externalDns: '00000000-0000-0000-0000-000000000004',
      externalDnsPrivate: '00000000-0000-0000-0000-000000000005',
    },
    registryLoginServer: 'craiptest.azurecr.io',
  };
  const config = env.addons[addon] as { values?: unknown; version?: string };
  const values = join(dir, `${envName}-${addon}.yaml`);
  writeFileSync(values, stringify(mergeValues(VALUES[addon]!(ctx) as Record<string, unknown>, config.values), { lineWidth: 0 }));
  const { chart, namespace } = ADDONS[addon];
  const archive = join(CHARTS, `${chart}-${chartVersion(addon, config.version)}.tgz`);
  assert.ok(existsSync(HELM), 'helm is missing: npm run tools -- helm');
  assert.ok(existsSync(archive), `${archive} is not in the offline chart cache`);
  const res = spawnSync(HELM, ['template', releaseName(addon), archive, '--namespace', namespace, '--kube-version', `${env.aks.kubernetesVersion}.0`, '--values', values], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(res.status, 0, `helm template ${chart}: ${res.stderr}`);
  return parseAllDocuments(res.stdout).map((d) => d.toJS()).filter(Boolean);
}

const matches = (selector: Readonly<Record<string, string>>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const workloads = (objects: Obj[]) => objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));

/** What a monitor with this selector and port scrapes in the chart's objects. */
export function scrapedTargets(m: Pick<AddonMonitor, 'kind' | 'selector' | 'port'> & { namespace: string }, objects: Obj[]): ScrapedTarget[] {
  const inNs = objects.filter((o) => (o.metadata.namespace ?? m.namespace) === m.namespace);
  const out: ScrapedTarget[] = [];
  if (m.kind === 'ServiceMonitor') {
    for (const svc of inNs.filter((o) => o.kind === 'Service' && matches(m.selector, o.metadata.labels))) {
      const port = svc.spec.ports.find((p: Obj) => p.name === m.port);
      if (!port) continue;
      const target = port.targetPort ?? port.port;
      for (const w of workloads(inNs).filter((x) => matches(svc.spec.selector ?? {}, x.spec.template.metadata.labels))) {
        for (const c of w.spec.template.spec.containers) {
          if ((c.ports ?? []).some((cp: Obj) => cp.name === target || cp.containerPort === target)) out.push({ object: svc.metadata.name, container: c.name });
        }
      }
    }
  } else {
    for (const w of workloads(inNs).filter((x) => matches(m.selector, x.spec.template.metadata.labels))) {
      for (const c of w.spec.template.spec.containers) if ((c.ports ?? []).some((cp: Obj) => cp.name === m.port)) out.push({ object: w.metadata.name, container: c.name });
    }
  }
  return out.sort((a, b) => `${a.object}/${a.container}`.localeCompare(`${b.object}/${b.container}`));
}

const sorted = (t: readonly ScrapedTarget[]) => [...t].sort((a, b) => `${a.object}/${a.container}`.localeCompare(`${b.object}/${b.container}`));

describe('add-on monitors against the pinned charts (helm template)', () => {
  for (const env of inputs.allEnvironments) {
    for (const m of ADDON_MONITORS.filter((x) => env.addons[x.addon].enabled && x.createdBy !== 'controller')) {
      it(`${env.name}: ${m.kind} ${m.name} scrapes exactly what catalog/addon-monitors.ts says (${ADDONS[m.addon].chart} ${ADDONS[m.addon].version})`, () => {
        const objects = renderChart(m.addon, env.name);
        assert.deepEqual(scrapedTargets({ ...m, namespace: monitorNamespace(m) }, objects), sorted(m.targets));
      });
    }
  }

  it('the check can fail: a wrong port, a wrong label or a Service without the metrics port scrape nothing', () => {
    const controller = ADDON_MONITORS.find((m) => m.name === 'envoy-gateway')!;
    const objects = renderChart('envoyGateway', 'dev');
    const at = { ...controller, namespace: monitorNamespace(controller) };
    assert.equal(scrapedTargets(at, objects).length, 1);
    assert.deepEqual(scrapedTargets({ ...at, port: 'http-metrics' }, objects), []);
    assert.deepEqual(scrapedTargets({ ...at, selector: { ...controller.selector, 'app.kubernetes.io/instance': 'eg' } }, objects), []);
    const withoutMetrics = objects.map((o) => (o.kind === 'Service' ? { ...o, spec: { ...o.spec, ports: o.spec.ports.filter((p: Obj) => p.name !== 'metrics') } } : o));
    assert.deepEqual(scrapedTargets(at, withoutMetrics), []);
  });

  it('the proxies\' PodMonitor selects the labels Envoy Gateway gives the Gateway\'s proxy pods, on their metrics port, and the EnvoyProxy keeps Prometheus metrics on', () => {
    const proxy = ADDON_MONITORS.find((m) => m.name === 'envoy-proxy')!;
    assert.equal(proxy.createdBy, 'controller');
    assert.equal(proxy.kind, 'PodMonitor');
    assert.deepEqual(proxy.selector, ENVOY_PROXY_POD_LABELS);
    assert.equal(proxy.port, 'metrics');
    assert.equal(proxy.path, ENVOY_METRICS_PATH);
    for (const env of inputs.allEnvironments) {
      const spec = envoyProxy({ zone: env.dns.zoneName, internal: true, address: '10.0.0.254', privateLink: false, highAvailability: true, tenantLabel: 'tenant' }).spec;
      assert.notEqual(spec.telemetry?.metrics?.prometheus?.disable, true, 'prometheus metrics stay on');
    }
  });
});
