/**
 * The TLS sidecar of a tool server: an Envoy that terminates the gateway's mTLS in front of an MCP
 * server that speaks plain HTTP on the pod's loopback. It requires a client certificate from the
 * internal CA carrying the gateway's name (catalog/mcp-tools.ts MCP_GATEWAY_CLIENT_SAN), serves
 * its own certificate from the cert-manager Secret mounted at CERT_DIR, and reloads both when
 * cert-manager renews them (file-based SDS watching the mounted directory). A second listener
 * serves only Envoy's Prometheus stats and readiness; the admin interface stays on loopback.
 */
import { stringify } from 'yaml';
import { MCP_SIDECAR_METRICS_PORT } from '../../catalog/mcp-tools';

export const CERT_DIR = '/etc/tls-sidecar/certs';
export const CONFIG_DIR = '/etc/tls-sidecar/config';
export const BOOTSTRAP_FILE = 'envoy.yaml';
const CERT_SDS_FILE = 'server-cert.yaml';
const VALIDATION_SDS_FILE = 'client-validation.yaml';

/** The sidecar's listener for Prometheus and the kubelet: /stats/prometheus and /ready only. */
export const SIDECAR_METRICS_PORT = MCP_SIDECAR_METRICS_PORT;
export const SIDECAR_METRICS_PATH = '/stats/prometheus';
export const SIDECAR_READY_PATH = '/ready';
const ADMIN_PORT = 9901;

export interface TlsSidecarProps {
  /** Where the gateway connects (TLS). */
  readonly tlsPort: number;
  /** Where the MCP server listens on the pod's loopback. */
  readonly upstreamPort: number;
  /** The one client identity (a DNS SAN of the client certificate) admitted. */
  readonly clientSan: string;
  /** Seconds a tool call may run: MCP tool calls (a pipeline log, a code search) can be slow. */
  readonly requestTimeoutSeconds: number;
}

const socket = (address: string, port: number) => ({ socket_address: { address, port_value: port } });
const router = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };
const hcm = (stat: string, routeConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'envoy.filters.network.http_connection_manager',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    stat_prefix: stat,
    route_config: routeConfig,
    http_filters: [router],
    ...extra,
  },
});
const sds = (name: string, file: string) => ({
  name,
  sds_config: { path_config_source: { path: `${CONFIG_DIR}/${file}`, watched_directory: { path: CERT_DIR } } },
});

/** The files of the sidecar's ConfigMap: the bootstrap and the two SDS resources it watches. */
export function tlsSidecarConfig(props: TlsSidecarProps): Record<string, string> {
  const timeout = `${props.requestTimeoutSeconds}s`;
  const bootstrap = {
    admin: { address: socket('127.0.0.1', ADMIN_PORT) },
    static_resources: {
      listeners: [
        {
          name: 'mcp-tls',
          address: socket('0.0.0.0', props.tlsPort),
          filter_chains: [
            {
              transport_socket: {
                name: 'envoy.transport_sockets.tls',
                typed_config: {
                  '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
                  require_client_certificate: true,
                  common_tls_context: {
                    tls_params: { tls_minimum_protocol_version: 'TLSv1_3' },
                    alpn_protocols: ['h2', 'http/1.1'],
                    tls_certificate_sds_secret_configs: [sds('server-cert', CERT_SDS_FILE)],
                    validation_context_sds_secret_config: sds('client-validation', VALIDATION_SDS_FILE),
                  },
                },
              },
              filters: [
                hcm(
                  'mcp',
                  { virtual_hosts: [{ name: 'mcp', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'mcp-server', timeout, idle_timeout: timeout } }] }] },
                  // Streamable HTTP keeps a response open while a tool runs; the route's timeouts bound it.
                  { stream_idle_timeout: timeout, use_remote_address: true },
                ),
              ],
            },
          ],
        },
        {
          name: 'metrics',
          address: socket('0.0.0.0', SIDECAR_METRICS_PORT),
          filter_chains: [
            {
              filters: [
                hcm('metrics', {
                  virtual_hosts: [
                    {
                      name: 'metrics',
                      domains: ['*'],
                      routes: [
                        { match: { path: SIDECAR_METRICS_PATH }, route: { cluster: 'admin' } },
                        { match: { path: SIDECAR_READY_PATH }, route: { cluster: 'admin' } },
                      ],
                    },
                  ],
                }),
              ],
            },
          ],
        },
      ],
      clusters: [
        { name: 'mcp-server', type: 'STATIC', connect_timeout: '2s', load_assignment: { cluster_name: 'mcp-server', endpoints: [{ lb_endpoints: [{ endpoint: { address: socket('127.0.0.1', props.upstreamPort) } }] }] } },
        { name: 'admin', type: 'STATIC', connect_timeout: '1s', load_assignment: { cluster_name: 'admin', endpoints: [{ lb_endpoints: [{ endpoint: { address: socket('127.0.0.1', ADMIN_PORT) } }] }] } },
      ],
    },
  };
  const serverCert = {
    resources: [
      {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
        name: 'server-cert',
        tls_certificate: { certificate_chain: { filename: `${CERT_DIR}/tls.crt` }, private_key: { filename: `${CERT_DIR}/tls.key` } },
      },
    ],
  };
  const clientValidation = {
    resources: [
      {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
        name: 'client-validation',
        validation_context: {
          trusted_ca: { filename: `${CERT_DIR}/ca.crt` },
          match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: props.clientSan } }],
        },
      },
    ],
  };
  const yaml = (o: unknown) => stringify(o, { lineWidth: 0 });
  return { [BOOTSTRAP_FILE]: yaml(bootstrap), [CERT_SDS_FILE]: yaml(serverCert), [VALIDATION_SDS_FILE]: yaml(clientValidation) };
}
