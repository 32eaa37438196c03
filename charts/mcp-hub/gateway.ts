/**
 * The hub's objects in the Gateway's namespace (Envoy AI Gateway v1.1.0 and Envoy Gateway v1.9.0
 * kinds), as plain objects:
 *
 * - per tool server a Backend: the server's Service by FQDN, called over mTLS (the gateway's client
 *   certificate, the internal CA as trust anchor). MCPRoute backends must share the route's
 *   namespace (api/v1beta1/mcp_route.go), hence a Backend rather than the Service itself;
 * - per tenant with tools an MCPRoute on `mcp.<zone>/tenants/<tenant>/mcp` listing only the
 *   servers the tenant has tools on, each with a tool selector of exactly those tools (the MCP
 *   proxy filters tools/list and refuses other tools/call: internal/mcpproxy/handlers.go);
 * - per tenant a SecurityPolicy on the route the controller generates from it: Entra ID JWT
 *   validation (issuer, audience, JWKS) and an authorization rule that admits only tokens whose
 *   `roles` claim holds the tenant's app role;
 * - per tenant a BackendTrafficPolicy on the same route: the tenant's request rate, per proxy.
 *
 * The MCPRoutes set no `securityPolicy` of their own: with `oauth` the controller writes a
 * SecurityPolicy and a BackendTrafficPolicy on the generated route itself
 * (internal/controller/mcp_route_security_policy.go), and Envoy Gateway applies one policy of a
 * kind per route, so the tenant's role check and rate limit could not be added beside them.
 */
import { readOnlyContainer } from '../../catalog/chart-values/common';
import { GATEWAY_NAMESPACE, PLATFORM_GATEWAY } from '../../catalog/edge';
import { EXTPROC_SIZE, PLATFORM_GATEWAY_CONFIG } from '../../catalog/ai-gateway';
import { MCP_GATEWAY_CLIENT_CERT, MCP_GATEWAY_CLIENT_SAN, MCP_LISTENER, MCP_TOOL_SERVERS, mcpHostname, mcpTenantPath, mcpTenantRole, type McpToolServerName } from '../../catalog/mcp-tools';
import { INTERNAL_CA_ISSUER } from '../../catalog/cluster-names';
import { MCP_CALLER_CLAIMS, MCP_CLIENT_CONTEXT_HEADERS } from '../../catalog/audit';
import { toolServerHost } from './tool-server';

type Manifest = Record<string, any>;

const AI_GATEWAY_API = 'aigateway.envoyproxy.io/v1beta1';
const ENVOY_GATEWAY_API = 'gateway.envoyproxy.io/v1alpha1';

/**
 * The HTTPRoute the AI gateway controller generates for an MCPRoute: `ai-eg-mcp-main-<name>`
 * (internal/internalapi/internalapi.go MCPMainHTTPRoutePrefix, v1.1.0). The tenant's policies
 * target it by this name; the wiring test checks the prefix against the pinned controller's.
 */
export const MCP_MAIN_ROUTE_PREFIX = 'ai-eg-mcp-main-';
export const mcpRouteName = (tenant: string) => `mcp-${tenant}`;
export const mcpMainRouteName = (tenant: string) => `${MCP_MAIN_ROUTE_PREFIX}${mcpRouteName(tenant)}`;

export interface HubIdentity {
  readonly entraTenantId: string;
  /** The hub's app registration: the audience of its v2 access tokens. */
  readonly appId: string;
}

export interface TenantTools {
  readonly tenant: string;
  /** Server -> the tool names the tenant may call there (catalog/mcp-tools.ts mcpGrants). */
  readonly grants: Partial<Record<McpToolServerName, string[]>>;
  readonly requestsPerMinute: number;
}

export const entraIssuer = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/v2.0`;
export const entraJwks = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`;

/** A tool server as a Backend the MCPRoutes can name: its Service's FQDN and port, mTLS both ways. */
export function toolServerBackend(server: McpToolServerName, hubNamespace: string, labels: Record<string, string>): Manifest {
  const s = MCP_TOOL_SERVERS[server];
  const host = toolServerHost(s, hubNamespace);
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: 'Backend',
    metadata: { name: server, namespace: GATEWAY_NAMESPACE, labels },
    spec: {
      endpoints: [{ fqdn: { hostname: host, port: s.tlsPort } }],
      tls: {
        sni: host,
        // The client certificate's Secret also holds the internal CA (cert-manager's CA issuer writes ca.crt).
        caCertificateRefs: [{ group: '', kind: 'Secret', name: MCP_GATEWAY_CLIENT_CERT }],
        clientCertificateRef: { group: '', kind: 'Secret', name: MCP_GATEWAY_CLIENT_CERT },
        minVersion: '1.3',
      },
    },
  };
}

/** The gateway's client certificate towards the tool servers, from the internal CA. */
export function gatewayClientCertificate(labels: Record<string, string>): Manifest {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: MCP_GATEWAY_CLIENT_CERT, namespace: GATEWAY_NAMESPACE, labels },
    spec: {
      secretName: MCP_GATEWAY_CLIENT_CERT,
      commonName: MCP_GATEWAY_CLIENT_SAN,
      dnsNames: [MCP_GATEWAY_CLIENT_SAN],
      usages: ['client auth'],
      duration: '2160h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: INTERNAL_CA_ISSUER },
    },
  };
}

/** Sizes the external processor the AI gateway's webhook adds to every proxy pod (the Gateway names it by annotation). */
export function gatewayConfig(labels: Record<string, string>): Manifest {
  return {
    apiVersion: AI_GATEWAY_API,
    kind: 'GatewayConfig',
    metadata: { name: PLATFORM_GATEWAY_CONFIG, namespace: GATEWAY_NAMESPACE, labels },
    spec: {
      extProc: {
        kubernetes: {
          resources: {
            requests: { cpu: `${EXTPROC_SIZE.cpuMillis}m`, memory: `${EXTPROC_SIZE.memoryRequestMi}Mi` },
            limits: { memory: `${EXTPROC_SIZE.memoryLimitMi}Mi` },
          },
          // Upstream's default context plus a read-only root file system: it writes to its UDS emptyDir (a temp file only for AWS credentials, unused here).
          securityContext: readOnlyContainer(65532),
        },
      },
    },
  };
}

/** RE2, anchored: exactly these tool names (names are [a-z0-9_], nothing to escape). */
export function exactTools(tools: readonly string[]): string {
  if (!tools.every((t) => /^[a-z0-9_]+$/.test(t))) throw new Error(`tool names must be [a-z0-9_]: ${tools.join(', ')}`);
  return `^(${[...tools].sort().join('|')})$`;
}

export function tenantMcpRoute(t: TenantTools, zone: string, labels: Record<string, string>): Manifest {
  const servers = (Object.keys(t.grants) as McpToolServerName[]).sort();
  return {
    apiVersion: AI_GATEWAY_API,
    kind: 'MCPRoute',
    metadata: { name: mcpRouteName(t.tenant), namespace: GATEWAY_NAMESPACE, labels: { ...labels, 'app.kubernetes.io/instance': mcpRouteName(t.tenant) } },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: PLATFORM_GATEWAY, sectionName: MCP_LISTENER }],
      hostnames: [mcpHostname(zone)],
      path: mcpTenantPath(t.tenant),
      backendRefs: servers.map((server) => ({
        group: 'gateway.envoyproxy.io',
        kind: 'Backend',
        name: server,
        path: MCP_TOOL_SERVERS[server].mcpPath,
        toolSelector: { includeRegex: [exactTools(t.grants[server]!)] },
        // The caller and the client's request context reach the backend listener's access log (the audit trail).
        forwardHeaders: [
          ...Object.keys(MCP_CALLER_CLAIMS).map((name) => ({ name })),
          ...Object.entries(MCP_CLIENT_CONTEXT_HEADERS).map(([name, backendHeader]) => ({ name, backendHeader })),
        ],
      })),
    },
  };
}

export function tenantSecurityPolicy(t: TenantTools, hub: HubIdentity, labels: Record<string, string>): Manifest {
  const provider = 'entra-id';
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: 'SecurityPolicy',
    metadata: { name: mcpRouteName(t.tenant), namespace: GATEWAY_NAMESPACE, labels: { ...labels, 'app.kubernetes.io/instance': mcpRouteName(t.tenant) } },
    spec: {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: mcpMainRouteName(t.tenant) }],
      jwt: {
        providers: [
          {
            name: provider,
            issuer: entraIssuer(hub.entraTenantId),
            audiences: [hub.appId],
            remoteJWKS: { uri: entraJwks(hub.entraTenantId) },
            // Who called, for the audit trail; Envoy sets these only from a validated token.
            claimToHeaders: Object.entries(MCP_CALLER_CLAIMS).map(([header, claim]) => ({ header, claim })),
          },
        ],
      },
      authorization: {
        defaultAction: 'Deny',
        rules: [
          {
            name: 'tenant-role',
            action: 'Allow',
            principal: { jwt: { provider, claims: [{ name: 'roles', valueType: 'StringArray', values: [mcpTenantRole(t.tenant)] }] } },
          },
        ],
      },
    },
  };
}

export function tenantTrafficPolicy(t: TenantTools, labels: Record<string, string>): Manifest {
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: 'BackendTrafficPolicy',
    metadata: { name: mcpRouteName(t.tenant), namespace: GATEWAY_NAMESPACE, labels: { ...labels, 'app.kubernetes.io/instance': mcpRouteName(t.tenant) } },
    spec: {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: mcpMainRouteName(t.tenant) }],
      // Per proxy replica: a local limit needs no Redis; a cluster-wide one would (docs/mcp-hub.md).
      rateLimit: { local: { rules: [{ limit: { requests: t.requestsPerMinute, unit: 'Minute' } }] } },
    },
  };
}
