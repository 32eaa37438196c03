/**
 * Synthetic checks of every platform route from inside the cluster: one Prometheus Probe per host
 * (the blackbox exporter fetches `https://<host><health path>` through cluster DNS, the private
 * zone, the Gateway and TLS, as a client would), the alerts on them (a route failing for 5 minutes,
 * a served certificate expiring within 14 days) and a dashboard that shows each host green or red.
 */
import { BLACKBOX_EXPORTER_NAME, BLACKBOX_EXPORTER_PORT, HTTPS_PROBE_MODULE, HTTPS_SIGN_IN_PROBE_MODULE } from '../../catalog/cluster-names';
import { OBSERVABILITY_NAMESPACE } from '../../catalog/namespaces';
import { platformHostname } from '../../catalog/edge';
import type { PlatformRoute } from '../../catalog/routes';
import { dashboard } from '../observability/dashboard-builder';
import { ADDON_MONITORS, monitorJobs, monitorMatchers, monitorNamespace } from '../../catalog/addon-monitors';

const monitor = (name: string) => ADDON_MONITORS.find((m) => m.name === name)!;

type Manifest = Record<string, any>;

/** Label every platform-route probe series carries (static target label), and the host's label. */
export const PROBE_KIND = { probe_kind: 'platform-route' } as const;
const ROUTES = `probe_kind="${PROBE_KIND.probe_kind}"`;

export const EDGE_RUNBOOK = 'docs/runbooks/edge.md';
/** Days of validity left below which a served certificate alerts (cert-manager renews 30 days ahead). */
export const CERT_EXPIRY_DAYS = 14;

export const EDGE_SEVERITY = { PlatformRouteDown: 'P1', PlatformCertificateExpiringSoon: 'P2', ExternalDnsSyncStale: 'P2', GatewayControllerDown: 'P2' } as const;

/** Minutes without a successful external-dns sync (it syncs every minute and on every route change). */
export const DNS_SYNC_STALE_MINUTES = 15;

export const probeUrl = (r: PlatformRoute, zone: string) => `https://${platformHostname(r.host, zone)}${r.healthPath}`;

export function routeProbe(r: PlatformRoute, zone: string, labels: Record<string, string>): Manifest {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Probe',
    metadata: { name: `route-${r.host}`, namespace: OBSERVABILITY_NAMESPACE, labels },
    spec: {
      // A sign-in route passes only by redirecting an anonymous client to Entra ID: a 200 would mean it is open.
      module: r.signIn ? HTTPS_SIGN_IN_PROBE_MODULE : HTTPS_PROBE_MODULE,
      interval: '30s',
      scrapeTimeout: '15s',
      prober: { url: `${BLACKBOX_EXPORTER_NAME}.${OBSERVABILITY_NAMESPACE}.svc:${BLACKBOX_EXPORTER_PORT}`, path: '/probe', scheme: 'http' },
      targets: { staticConfig: { static: [probeUrl(r, zone)], labels: { ...PROBE_KIND, route_host: r.host } } },
    },
  };
}

export interface EdgeRuleGroup {
  readonly name: string;
  readonly rules: Record<string, unknown>[];
}

export function edgeRuleGroups(): EdgeRuleGroup[] {
  const runbook = (alert: string) => `${EDGE_RUNBOOK}#${alert.toLowerCase()}`;
  const dnsJobs = `namespace="${monitorNamespace(monitor('external-dns'))}",job=~"${[...monitorJobs(monitor('external-dns')), ...monitorJobs(monitor('external-dns-private'))].join('|')}"`;
  const controller = monitorMatchers('envoy-gateway');
  return [
    {
      name: 'platform-edge',
      rules: [
        {
          alert: 'PlatformRouteDown',
          // A failed fetch, or no answer from the prober at all (the probe's scrape is down).
          expr: `(probe_success{${ROUTES}} == 0) or (up{${ROUTES}} == 0)`,
          for: '5m',
          labels: { severity: EDGE_SEVERITY.PlatformRouteDown },
          annotations: {
            summary: 'Platform route {{ $labels.route_host }} has failed its HTTPS probe for 5 minutes',
            description: 'The blackbox exporter cannot get a 2xx (a sign-in route: the redirect to Entra ID) from {{ $labels.instance }} through DNS, the Gateway and TLS.',
            runbook_url: runbook('PlatformRouteDown'),
          },
        },
        {
          alert: 'ExternalDnsSyncStale',
          // Both releases; a release that stopped syncing leaves new routes without records.
          expr: `time() - max by (namespace, job) (external_dns_controller_last_sync_timestamp_seconds{${dnsJobs}}) > ${DNS_SYNC_STALE_MINUTES * 60}`,
          for: '5m',
          labels: { severity: EDGE_SEVERITY.ExternalDnsSyncStale },
          annotations: {
            summary: 'external-dns ({{ $labels.job }}) has not synced DNS records for over 15 minutes',
            description: 'Routes created or changed since then have no records in its zone; existing records still resolve.',
            runbook_url: runbook('ExternalDnsSyncStale'),
          },
        },
        {
          alert: 'GatewayControllerDown',
          // The proxies keep serving their last configuration; routes, certificates and policies stop changing.
          expr: `absent(up{${controller}} == 1)`,
          for: '10m',
          labels: { severity: EDGE_SEVERITY.GatewayControllerDown },
          annotations: {
            summary: 'No Envoy Gateway controller has been up for 10 minutes',
            description: 'The Envoy proxies serve their last configuration; new or changed routes, listeners and certificates are not applied.',
            runbook_url: runbook('GatewayControllerDown'),
          },
        },
        {
          alert: 'PlatformCertificateExpiringSoon',
          expr: `(probe_ssl_earliest_cert_expiry{${ROUTES}} - time()) < ${CERT_EXPIRY_DAYS} * 86400`,
          for: '15m',
          labels: { severity: EDGE_SEVERITY.PlatformCertificateExpiringSoon },
          annotations: {
            summary: 'The certificate served for {{ $labels.route_host }} expires within 14 days',
            description: '{{ $labels.instance }} serves a certificate that expires in {{ $value | humanizeDuration }}; cert-manager should have renewed it 30 days ahead.',
            runbook_url: runbook('PlatformCertificateExpiringSoon'),
          },
        },
      ],
    },
  ];
}

/** Dashboard JSON with each host as a green (up) or red (down) stat. */
export function edgeDashboard(): { name: string; json: string } {
  const base = dashboard({
    name: 'edge-probes',
    uid: 'platform-edge-probes',
    title: 'Platform / Edge probes',
    tags: ['edge', 'gateway', 'synthetic'],
    panels: [
      { title: 'Route up (green) or down (red)', type: 'stat', unit: 'none', targets: [{ expr: `min by (route_host) (probe_success{${ROUTES}})`, legend: '{{route_host}}', instant: true }] },
      { title: 'Days until the served certificate expires', type: 'stat', unit: 'd', targets: [{ expr: `min by (route_host) (probe_ssl_earliest_cert_expiry{${ROUTES}} - time()) / 86400`, legend: '{{route_host}}', instant: true }] },
      { title: 'Probe duration by phase', unit: 's', targets: [{ expr: `sum by (route_host, phase) (probe_http_duration_seconds{${ROUTES}})`, legend: '{{route_host}} {{phase}}' }] },
      { title: 'HTTP status code', unit: 'none', targets: [{ expr: `max by (route_host) (probe_http_status_code{${ROUTES}})`, legend: '{{route_host}}' }] },
    ],
  });
  const json = JSON.parse(base.json);
  const upDown = json.panels[0];
  upDown.fieldConfig.defaults = {
    ...upDown.fieldConfig.defaults,
    mappings: [{ type: 'value', options: { '0': { text: 'DOWN', color: 'red', index: 0 }, '1': { text: 'UP', color: 'green', index: 1 } } }],
    thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 1 }] },
    color: { mode: 'thresholds' },
  };
  upDown.options = { colorMode: 'background', graphMode: 'none', textMode: 'value_and_name', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } };
  const expiry = json.panels[1];
  expiry.fieldConfig.defaults.thresholds = { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'orange', value: CERT_EXPIRY_DAYS }, { color: 'green', value: 30 }] };
  expiry.fieldConfig.defaults.color = { mode: 'thresholds' };
  return { name: base.name, json: `${JSON.stringify(json, null, 2)}\n` };
}
