/**
 * The platform Gateway as plain objects (Gateway API and Envoy Gateway custom resources), applied
 * by the cluster-config stack once the add-ons stack has installed Envoy Gateway and its CRDs:
 *
 * - the GatewayClass, pointing at an EnvoyProxy that shapes the data plane: the Service is an
 *   Azure internal load balancer on a fixed address of the node subnet (catalog/edge.ts) with the
 *   Private Link service the WAF edge uses as its origin, the proxies are sized, autoscaled,
 *   spread over zones, disruption-budgeted and run with read-only root filesystems (Envoy and the
 *   shutdown manager);
 * - one Gateway per environment: an HTTP listener that only redirects, one HTTPS listener per
 *   platform host (certificate from cert-manager through the Gateway annotation, routes admitted
 *   only from the namespace of that host's backend) and one wildcard listener for the tenants'
 *   domain (routes admitted only from namespaces labelled `tenant`);
 * - the HTTP to HTTPS redirect route and a ClientTrafficPolicy: TLS 1.2 at least with forward-secret
 *   AEAD ciphers only, request and idle timeouts, a connection limit.
 */
import { readOnlyContainer } from '../../catalog/chart-values/common';
import { ACME_ISSUER } from '../../catalog/cluster-names';
import {
  ENVOY_PROXY_CONFIG,
  ENVOY_PROXY_SIZE,
  GATEWAY_CLASS,
  GATEWAY_CONTROLLER,
  GATEWAY_NAMESPACE,
  HTTP_LISTENER,
  INGRESS_PRIVATE_LINK_SERVICE,
  PLATFORM_GATEWAY,
  platformHostname,
  TENANT_LISTENER,
  tenantAppsDomain,
} from '../../catalog/edge';
import { hostListener, listenerSecret, PLATFORM_ROUTE_LIST } from '../../catalog/routes';
import { GATEWAY_CONFIG_ANNOTATION, PLATFORM_GATEWAY_CONFIG } from '../../catalog/ai-gateway';
import { MCP_HUB_NAMESPACE, MCP_LISTENER, mcpHostname } from '../../catalog/mcp-tools';
import { MCP_AUDIT_FIELDS, MCP_AUDIT_WRITER, mcpAuditMatch } from '../../catalog/audit';

type Manifest = Record<string, any>;

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const ENVOY_GATEWAY_API = 'gateway.envoyproxy.io/v1alpha1';
/** The namespace label every namespace carries (Kubernetes sets it). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** TLS 1.2 suites: ECDHE key exchange and AEAD only (TLS 1.3 suites are not configurable and all modern). */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

export interface GatewayProps {
  /** The environment's DNS zone: platform hosts are `<label>.<zone>`, tenants' `<tenant>.apps.<zone>`. */
  readonly zone: string;
  /** Internal Azure load balancer (else public: only where the environment opts into public ingress). */
  readonly internal: boolean;
  /** The internal load balancer's fixed address (catalog/edge.ts ingressAddress). */
  readonly address: string;
  /** Create the Private Link service the WAF edge (Front Door) connects to. */
  readonly privateLink: boolean;
  readonly highAvailability: boolean;
  /** Label on tenant namespaces (the tenant stack sets it). */
  readonly tenantLabel: string;
  /**
   * The MCP hub (docs/mcp-hub.md): its HTTPS listener for `mcp.<zone>`, which admits the routes
   * the AI gateway controller generates from the hub's MCPRoutes (in the Gateway's namespace),
   * and the GatewayConfig that sizes the external processor injected into the proxies.
   */
  readonly mcpHub?: boolean;
}

const quantity = (mi: number) => `${mi}Mi`;
const sized = (s: { cpuMillis: number; memoryMi: number; ephemeralMi: number }) => ({
  requests: { cpu: `${s.cpuMillis}m`, memory: quantity(s.memoryMi), 'ephemeral-storage': quantity(s.ephemeralMi) },
  // Memory limited, CPU not: a throttled proxy drops connections under load (platform rule, chart-render test).
  limits: { memory: quantity(s.memoryMi), 'ephemeral-storage': quantity(s.ephemeralMi * 2) },
});
const READ_ONLY_CONTAINER = readOnlyContainer(65532);

export function gatewayClass(): Manifest {
  return {
    apiVersion: GATEWAY_API,
    kind: 'GatewayClass',
    metadata: { name: GATEWAY_CLASS },
    spec: {
      controllerName: GATEWAY_CONTROLLER,
      description: 'Envoy Gateway; data plane from EnvoyProxy platform-proxy',
      parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: ENVOY_PROXY_CONFIG, namespace: GATEWAY_NAMESPACE },
    },
  };
}

/** The load balancer's annotations (Azure cloud provider): internal, fixed address, Private Link service for the WAF edge. */
export function serviceAnnotations(props: Pick<GatewayProps, 'internal' | 'address' | 'privateLink'>): Record<string, string> {
  if (!props.internal) return {};
  return {
    'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
    'service.beta.kubernetes.io/azure-load-balancer-ipv4': props.address,
    ...(props.privateLink
      ? {
          'service.beta.kubernetes.io/azure-pls-create': 'true',
          'service.beta.kubernetes.io/azure-pls-name': INGRESS_PRIVATE_LINK_SERVICE,
          'service.beta.kubernetes.io/azure-pls-proxy-protocol': 'false',
          // Connections are approved, never automatic: Front Door's request is approved once (docs/runbooks/provisioning.md).
          'service.beta.kubernetes.io/azure-pls-visibility': '*',
        }
      : {}),
  };
}

/**
 * The MCP hub's audit trail: a record of every MCP call (and of every call the Gateway refuses on
 * a tenant's MCP path) as OTLP log attributes to the hub's audit writer. With an OpenTelemetry
 * sink and a JSON format, Envoy Gateway turns the format's keys into the records' attributes
 * (v1.9.0 internal/gatewayapi/listener.go); the AI gateway copies the listener's access logs onto
 * the MCP backend listener it adds (v1.1.0 internal/extensionserver/mcproute.go), where the tool
 * calls are.
 */
export function mcpAuditAccessLog(zone: string): Manifest {
  return {
    format: { type: 'JSON', json: { ...MCP_AUDIT_FIELDS } },
    matches: [mcpAuditMatch(mcpHostname(zone))],
    sinks: [
      {
        type: 'OpenTelemetry',
        openTelemetry: {
          backendRefs: [{ group: '', kind: 'Service', name: MCP_AUDIT_WRITER.name, namespace: MCP_HUB_NAMESPACE, port: MCP_AUDIT_WRITER.otlpPort }],
          resourceAttributes: { 'service.name': 'platform-gateway' },
        },
      },
    ],
  };
}

export function envoyProxy(props: GatewayProps): Manifest {
  const replicas = props.highAvailability ? ENVOY_PROXY_SIZE.replicas.ha : ENVOY_PROXY_SIZE.replicas.single;
  const proxyLabels = { 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway' };
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: 'EnvoyProxy',
    metadata: { name: ENVOY_PROXY_CONFIG, namespace: GATEWAY_NAMESPACE },
    spec: {
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          envoyService: {
            type: 'LoadBalancer',
            // Local: client addresses reach Envoy (rate limits by source), and Azure probes each node's health port.
            externalTrafficPolicy: 'Local',
            annotations: serviceAnnotations(props),
          },
          envoyDeployment: {
            replicas: replicas.min,
            container: {
              resources: sized(ENVOY_PROXY_SIZE.envoy),
              securityContext: READ_ONLY_CONTAINER,
              volumeMounts: [{ name: 'envoy-tmp', mountPath: '/tmp' }],
            },
            pod: {
              volumes: [
                { name: 'envoy-tmp', emptyDir: { sizeLimit: quantity(ENVOY_PROXY_SIZE.envoy.ephemeralMi) } },
                { name: 'shutdown-tmp', emptyDir: { sizeLimit: quantity(ENVOY_PROXY_SIZE.shutdownManager.ephemeralMi) } },
              ],
              securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: proxyLabels } },
                { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: proxyLabels } },
              ],
            },
            // The shutdown manager (drains Envoy on termination) has no typed field for its container.
            patch: {
              type: 'StrategicMerge',
              value: {
                spec: {
                  template: {
                    spec: {
                      containers: [
                        {
                          name: 'shutdown-manager',
                          resources: sized(ENVOY_PROXY_SIZE.shutdownManager),
                          securityContext: READ_ONLY_CONTAINER,
                          volumeMounts: [{ name: 'shutdown-tmp', mountPath: '/tmp' }],
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
          envoyHpa: { minReplicas: replicas.min, maxReplicas: replicas.max, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
          ...(props.highAvailability ? { envoyPDB: { minAvailable: 1 } } : {}),
        },
      },
      telemetry: {
        accessLog: {
          settings: [
            // Envoy's own logs as JSON to stdout, where the log agent picks them up.
            { format: { type: 'JSON' }, sinks: [{ type: 'File', file: { path: '/dev/stdout' } }] },
            ...(props.mcpHub ? [mcpAuditAccessLog(props.zone)] : []),
          ],
        },
      },
    },
  };
}


export function gateway(props: GatewayProps): Manifest {
  const https = (name: string, hostname: string, namespaces: Manifest) => ({
    name,
    protocol: 'HTTPS',
    port: 443,
    hostname,
    // cert-manager issues a certificate per listener only with mode Terminate set explicitly and a same-namespace Secret.
    tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: listenerSecret(name) }] },
    allowedRoutes: { namespaces, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
  });
  return {
    apiVersion: GATEWAY_API,
    kind: 'Gateway',
    metadata: {
      name: PLATFORM_GATEWAY,
      namespace: GATEWAY_NAMESPACE,
      annotations: { 'cert-manager.io/cluster-issuer': ACME_ISSUER, ...(props.mcpHub ? { [GATEWAY_CONFIG_ANNOTATION]: PLATFORM_GATEWAY_CONFIG } : {}) },
    },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [
        // Plain HTTP only redirects: the redirect route is the one route allowed here.
        { name: HTTP_LISTENER, protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] } },
        ...PLATFORM_ROUTE_LIST.map((r) =>
          https(hostListener(r.host), platformHostname(r.host, props.zone), { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: r.namespace } } }),
        ),
        https(TENANT_LISTENER, `*.${tenantAppsDomain(props.zone)}`, { from: 'Selector', selector: { matchExpressions: [{ key: props.tenantLabel, operator: 'Exists' }] } }),
        ...(props.mcpHub ? [https(MCP_LISTENER, mcpHostname(props.zone), { from: 'Same' })] : []),
      ],
    },
  };
}

export function httpsRedirect(): Manifest {
  return {
    apiVersion: GATEWAY_API,
    kind: 'HTTPRoute',
    metadata: { name: 'https-redirect', namespace: GATEWAY_NAMESPACE },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: PLATFORM_GATEWAY, sectionName: HTTP_LISTENER }],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    },
  };
}

export function clientTrafficPolicy(): Manifest {
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: 'ClientTrafficPolicy',
    metadata: { name: 'platform-clients', namespace: GATEWAY_NAMESPACE },
    spec: {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: PLATFORM_GATEWAY }],
      tls: { minVersion: '1.2', maxVersion: '1.3', ciphers: [...TLS12_CIPHERS], alpnProtocols: ['h2', 'http/1.1'] },
      timeout: {
        // Slow clients cannot hold a connection open without sending a request.
        http: { requestReceivedTimeout: '60s', requestHeadersReceivedTimeout: '10s', idleTimeout: '300s' },
        tcp: { tlsHandshakeTimeout: '10s' },
      },
      // Path normalisation stays Envoy Gateway's default; Argo CD's API carries escaped slashes in resource names.
      connection: { connectionLimit: { value: 10000, closeDelay: '1s' }, bufferLimit: '1Mi' },
    },
  };
}

/** Every object the cluster-config stack applies for the Gateway, in apply order. */
export function gatewayObjects(props: GatewayProps): Manifest[] {
  return [envoyProxy(props), gatewayClass(), gateway(props), clientTrafficPolicy(), httpsRedirect()];
}
