/**
 * prometheus-blackbox-exporter chart values: the Service keeps a stable name (the Probes' prober),
 * the pod gets the seccomp profile Pod Security restricted asks for (the chart sets none), and one
 * module, `https_2xx`: HTTPS only, TLS 1.2 at least, no redirects followed (a route must answer
 * itself, not bounce the probe elsewhere), a 2xx within 10 s. Where the environment's ACME issuer
 * is Let's Encrypt staging, whose certificates no client trusts, the chain is not verified; the
 * certificate's expiry is still measured.
 */
import { mirror, type AddonContext } from '../context';
import type { BlackboxExporterValues } from '../../../catalog/chart-values/blackbox-exporter';
import { BLACKBOX_EXPORTER_NAME, ENTRA_AUTHORITY, HTTPS_PROBE_MODULE, HTTPS_SIGN_IN_PROBE_MODULE } from '../../../catalog/cluster-names';
import { restrictedPod } from '../../../catalog/chart-values/common';

export function blackboxExporterChartValues(ctx: AddonContext): BlackboxExporterValues {
  const ha = ctx.highAvailability;
  const https = {
    valid_http_versions: ['HTTP/1.1', 'HTTP/2.0'],
    follow_redirects: false,
    fail_if_not_ssl: true,
    preferred_ip_protocol: 'ip4' as const,
    tls_config: { min_version: 'TLS12' as const, insecure_skip_verify: ctx.env.addons.certManager.acme.server === 'staging' },
  };
  return {
    fullnameOverride: BLACKBOX_EXPORTER_NAME,
    image: { registry: mirror(ctx, 'quay.io') },
    replicas: ha ? 2 : 1,
    ...(ha ? { podDisruptionBudget: { minAvailable: 1 } } : {}),
    // The chart's container runs as 1000 with a read-only root and no capabilities.
    podSecurityContext: restrictedPod(1000),
    resources: { requests: { cpu: '25m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    config: {
      modules: {
        [HTTPS_PROBE_MODULE]: { prober: 'http', timeout: '10s', http: https },
        // A route that signs in at the Gateway: an anonymous fetch must be redirected to Entra ID.
        [HTTPS_SIGN_IN_PROBE_MODULE]: {
          prober: 'http',
          timeout: '10s',
          http: { ...https, valid_status_codes: [302], fail_if_header_not_matches: [{ header: 'Location', regexp: `^${ENTRA_AUTHORITY.replace(/\./g, '\\.')}/` }] },
        },
      },
    },
  };
}
