/**
 * The edge probe alerts with the real tool: `promtool check rules` on the rendered PrometheusRule
 * of the edge app, and `promtool test rules` unit tests, a firing and a quiet case for each alert
 * (a route failing for 5 minutes, a prober that cannot be scraped, a certificate expiring within 14
 * days), with input series labelled as the Probes label them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { CERT_EXPIRY_DAYS, EDGE_SEVERITY, edgeRuleGroups, PROBE_KIND } from '../../charts/edge/probes';
import { loadInputs } from '../../config/inputs';
import { ROOT, runTool } from '../helpers/tools';

const inputs = loadInputs();
const dir = mkdtempSync(join(tmpdir(), 'edge-prom-'));
const write = (name: string, doc: unknown) => {
  writeFileSync(join(dir, name), stringify(doc, { lineWidth: 0 }));
  return join(dir, name);
};
const promtool = (...args: string[]) => runTool('promtool', args);

const groups = edgeRuleGroups();
const rule = (alert: string) => groups.flatMap((g) => g.rules).find((r: any) => r.alert === alert) as any;
/** Labels the Probe's scrape gives a series: the static target labels, instance and job. */
const target = (host: string) => ({ ...PROBE_KIND, route_host: host, instance: `https://${host}.ai.example.org/healthz`, job: `probe/observability/route-${host}` });
const sel = (labels: Record<string, string>) => `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
const series = (name: string, labels: Record<string, string>, values: string) => ({ series: `${name}${sel(labels)}`, values });

function promtoolTest(name: string, tests: unknown[]) {
  const rules = write(`${name}-rules.yaml`, { groups });
  const res = promtool('test', 'rules', write(`${name}-test.yaml`, { rule_files: [rules], evaluation_interval: '30s', tests }));
  assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
}

/** The alert as promtool reports it: the rule's labels plus the series', annotations templated. */
function expectDown(host: string) {
  const labels = target(host);
  return {
    exp_labels: { ...rule('PlatformRouteDown').labels, ...labels },
    exp_annotations: {
      summary: `Platform route ${host} has failed its HTTPS probe for 5 minutes`,
      description: `The blackbox exporter cannot get a 2xx (a sign-in route: the redirect to Entra ID) from ${labels.instance} through DNS, the Gateway and TLS.`,
      runbook_url: rule('PlatformRouteDown').annotations.runbook_url,
    },
  };
}

describe('edge probe alerts (promtool)', () => {
  for (const env of inputs.allEnvironments) {
    it(`${env.name}: the rendered edge PrometheusRule passes promtool check rules`, () => {
      const text = readFileSync(join(ROOT, 'rendered', env.name, 'edge', 'manifests.yaml'), 'utf8');
      const rules = parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o?.kind === 'PrometheusRule');
      assert.deepEqual(rules.map((r) => r.metadata.name), ['platform-edge']);
      const res = promtool('check', 'rules', write(`${env.name}-edge.yaml`, { groups: rules[0].spec.groups }));
      assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
      assert.match(res.stdout, /SUCCESS: 4 rules found/);
    });
  }

  it('PlatformRouteDown: a route failing for 5 minutes fires, a 4-minute blip and a healthy route stay quiet', () => {
    assert.equal(rule('PlatformRouteDown').labels.severity, EDGE_SEVERITY.PlatformRouteDown);
    promtoolTest('route-down', [
      {
        name: 'api fails from minute 2 on; grafana healthy',
        interval: '30s',
        input_series: [series('probe_success', target('api'), '1 1 1 1 0x20'), series('probe_success', target('grafana'), '1x24'), series('up', target('api'), '1x24'), series('up', target('grafana'), '1x24')],
        alert_rule_test: [
          { eval_time: '4m', alertname: 'PlatformRouteDown', exp_alerts: [] },
          { eval_time: '8m', alertname: 'PlatformRouteDown', exp_alerts: [expectDown('api')] },
        ],
      },
      {
        name: 'a 4-minute failure recovers before the alert fires',
        interval: '30s',
        input_series: [series('probe_success', target('llm'), '1 1 0x7 1x15'), series('up', target('llm'), '1x24')],
        alert_rule_test: [{ eval_time: '10m', alertname: 'PlatformRouteDown', exp_alerts: [] }],
      },
      {
        name: 'the prober cannot be scraped: no probe_success at all, up is 0',
        interval: '30s',
        input_series: [series('up', target('argocd'), '0x24')],
        alert_rule_test: [{ eval_time: '8m', alertname: 'PlatformRouteDown', exp_alerts: [expectDown('argocd')] }],
      },
    ]);
  });

  it(`PlatformCertificateExpiringSoon: under ${CERT_EXPIRY_DAYS} days fires, 30 days stays quiet`, () => {
    const day = 86400;
    // probe_ssl_earliest_cert_expiry is a Unix time; promtool starts at 0, so the value is the seconds left.
    promtoolTest('cert-expiry', [
      {
        name: 'grafana serves a certificate with 10 days left, api one with 30',
        interval: '30s',
        input_series: [series('probe_ssl_earliest_cert_expiry', target('grafana'), `${10 * day}x60`), series('probe_ssl_earliest_cert_expiry', target('api'), `${30 * day}x60`)],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'PlatformCertificateExpiringSoon', exp_alerts: [] },
          {
            eval_time: '20m',
            alertname: 'PlatformCertificateExpiringSoon',
            exp_alerts: [
              {
                exp_labels: { ...rule('PlatformCertificateExpiringSoon').labels, ...target('grafana') },
                exp_annotations: {
                  summary: 'The certificate served for grafana expires within 14 days',
                  // 10 days at 0 minus the 20 minutes promtool has advanced.
                  description: `${target('grafana').instance} serves a certificate that expires in 9d 23h 40m 0s; cert-manager should have renewed it 30 days ahead.`,
                  runbook_url: rule('PlatformCertificateExpiringSoon').annotations.runbook_url,
                },
              },
            ],
          },
        ],
      },
      {
        name: 'a renewed certificate (60 days) stays quiet',
        interval: '30s',
        input_series: [series('probe_ssl_earliest_cert_expiry', target('llm'), `${60 * day}x60`)],
        alert_rule_test: [{ eval_time: '20m', alertname: 'PlatformCertificateExpiringSoon', exp_alerts: [] }],
      },
    ]);
  });

  it('ExternalDnsSyncStale: a release that stopped syncing fires after 15+5 minutes, one that syncs every minute stays quiet', () => {
    const dns = (job: string) => ({ namespace: 'external-dns', job, service: job, endpoint: 'http' });
    // external-dns-private synced last at t=0; external-dns keeps syncing (its gauge follows the clock).
    promtoolTest('dns-stale', [
      {
        name: 'private release stuck',
        interval: '1m',
        input_series: [series('external_dns_controller_last_sync_timestamp_seconds', dns('external-dns-private'), '0x40'), series('external_dns_controller_last_sync_timestamp_seconds', dns('external-dns'), '0+60x40')],
        alert_rule_test: [
          { eval_time: '15m', alertname: 'ExternalDnsSyncStale', exp_alerts: [] },
          {
            eval_time: '25m',
            alertname: 'ExternalDnsSyncStale',
            exp_alerts: [
              {
                exp_labels: { severity: EDGE_SEVERITY.ExternalDnsSyncStale, namespace: 'external-dns', job: 'external-dns-private' },
                exp_annotations: {
                  summary: 'external-dns (external-dns-private) has not synced DNS records for over 15 minutes',
                  description: 'Routes created or changed since then have no records in its zone; existing records still resolve.',
                  runbook_url: rule('ExternalDnsSyncStale').annotations.runbook_url,
                },
              },
            ],
          },
        ],
      },
    ]);
  });

  it('GatewayControllerDown: no controller up for 10 minutes fires, one of two replicas down stays quiet', () => {
    const ctl = (pod: string) => ({ namespace: 'envoy-gateway-system', job: 'envoy-gateway', service: 'envoy-gateway', pod });
    promtoolTest('controller-down', [
      {
        name: 'both replicas down',
        interval: '1m',
        input_series: [series('up', ctl('a'), '1 1 0x20'), series('up', ctl('b'), '1 1 0x20')],
        alert_rule_test: [
          { eval_time: '8m', alertname: 'GatewayControllerDown', exp_alerts: [] },
          { eval_time: '14m', alertname: 'GatewayControllerDown', exp_alerts: [{ exp_labels: { severity: EDGE_SEVERITY.GatewayControllerDown }, exp_annotations: rule('GatewayControllerDown').annotations }] },
        ],
      },
      {
        name: 'one replica down',
        interval: '1m',
        input_series: [series('up', ctl('a'), '0x20'), series('up', ctl('b'), '1x20')],
        alert_rule_test: [{ eval_time: '14m', alertname: 'GatewayControllerDown', exp_alerts: [] }],
      },
    ]);
  });

  it('a wrong expectation makes promtool test rules fail (the unit tests can fail)', () => {
    const rules = write('edge-neg-rules.yaml', { groups });
    const tests = {
      rule_files: [rules],
      evaluation_interval: '30s',
      tests: [{ interval: '30s', input_series: [series('probe_success', target('api'), '1x24'), series('up', target('api'), '1x24')], alert_rule_test: [{ eval_time: '8m', alertname: 'PlatformRouteDown', exp_alerts: [{ exp_labels: { ...rule('PlatformRouteDown').labels, ...target('api') } }] }] }],
    };
    assert.notEqual(promtool('test', 'rules', write('edge-neg-test.yaml', tests)).status, 0);
  });
});
