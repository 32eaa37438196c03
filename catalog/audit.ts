/**
 * The audit trail's names, defined once for every side that meets them: the database and its
 * roles (migrations/audit), the workload identities and the service accounts they are federated
 * with (stacks/data-stack.ts), the Key Vault secrets that carry their client ids to the rendered
 * manifests, the immutable container the archiver writes, and the migration runner's ledger.
 */
import { MCP_HUB_NAMESPACE } from './mcp-tools';
import { PLATFORM_NAMESPACE, SERVICES } from './services';

export const AUDIT_DATABASE = 'audit';
/** The storage container with the immutability policy (constructs/data/storage.ts). */
export const AUDIT_CONTAINER = 'audit';

/** Group roles of the audit database (V0001__roles.sql); Entra principals are made members. */
export const AUDIT_ROLES = { writer: 'audit_writer', reader: 'audit_reader', archiver: 'audit_archiver' } as const;

export interface AuditIdentity {
  /** Suffix of the user-assigned identity's name; also its PostgreSQL role name. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The group role its principal joins; the migrator administers the server instead. */
  readonly role: (typeof AUDIT_ROLES)[keyof typeof AUDIT_ROLES] | 'entra-admin';
  /** Key Vault secret with the identity's client id (read by External Secrets). */
  readonly clientIdSecret: string;
  /** Key Vault secret with the identity's object id (the migrator maps it to a PostgreSQL role). */
  readonly objectIdSecret: string;
}

const identity = (name: string, namespace: string, serviceAccount: string, role: AuditIdentity['role']): AuditIdentity => ({
  name,
  namespace,
  serviceAccount,
  role,
  clientIdSecret: `${name}-client-id`,
  objectIdSecret: `${name}-object-id`,
});

/** The MCP hub's audit writer: its namespace and service account (charts/mcp-hub). */
export const MCP_HUB = { namespace: MCP_HUB_NAMESPACE, serviceAccount: 'mcp-audit' } as const;

export const AUDIT_IDENTITIES = {
  gatewayWriter: identity('audit-agent-gateway', SERVICES.gateway.namespace, SERVICES.gateway.name, AUDIT_ROLES.writer),
  mcpHubWriter: identity('audit-mcp-hub', MCP_HUB.namespace, MCP_HUB.serviceAccount, AUDIT_ROLES.writer),
  archiver: identity('audit-archiver', PLATFORM_NAMESPACE, 'audit-archiver', AUDIT_ROLES.archiver),
  migrator: identity('audit-migrator', PLATFORM_NAMESPACE, 'audit-migrator', 'entra-admin'),
} as const satisfies Record<string, AuditIdentity>;

/** One schema migration as loaded from migrations/audit (config/audit-migrations.ts). */
export interface Migration {
  readonly version: number;
  /** snake_case, from the file name. */
  readonly name: string;
  readonly file: string;
  readonly sql: string;
}

/** The dollar-quote the runner wraps each migration body in; a migration may not contain it. */
export const MIGRATION_QUOTE = '$migration$';
/** Advisory lock key of the runner (any constant; two runners never interleave). */
export const MIGRATION_LOCK_KEY = 7_041_993;

/**
 * The MCP hub's audit writer (charts/mcp-hub/audit-writer.ts): the Gateway's Envoy proxies send
 * an access-log record of every MCP call (OTLP logs over gRPC) to this Service; its collector
 * spools them and its loader inserts them as `audit-mcp-hub` (V0004__mcp_hub_events.sql).
 */
export const MCP_AUDIT_WRITER = { name: MCP_HUB.serviceAccount, otlpPort: 4317, healthPort: 13133, metricsPort: 8888 } as const;

/**
 * Request headers the Gateway sets from the caller's Entra ID token (SecurityPolicy jwt
 * claimToHeaders) and the MCPRoutes forward to the per-backend requests (forwardHeaders), so the
 * access log of a tool call names its caller. Only claims every v2 access token carries: `oid`
 * (the user or service principal) and `azp` (the client application). A claim a token may lack
 * (a UPN) would leave a client-sent header of the same name in place, so none is used.
 */
export const MCP_CALLER_CLAIMS = { 'x-mcp-caller-oid': 'oid', 'x-mcp-caller-app': 'azp' } as const;
/** Client request context the MCP proxy does not pass on by itself: forwarded under these names. */
export const MCP_CLIENT_CONTEXT_HEADERS = { 'x-request-id': 'x-mcp-client-request-id', traceparent: 'x-mcp-client-traceparent' } as const;

/** Envoy AI Gateway's dynamic-metadata namespace for MCP calls (v1.1.0 api/v1beta1/shared_types.go). */
const AIG = 'io.envoy.ai_gateway';

/**
 * The access-log record of an MCP call: attribute -> Envoy command operator. The MCP proxy's
 * `x-ai-eg-mcp-metadata-*` headers are moved into dynamic metadata and removed on the backend
 * listener (v1.1.0 internal/extensionserver/mcproute.go), so they are read from there; the route
 * header `x-ai-eg-mcp-route` (`<namespace>/<MCPRoute>`) stays on the request.
 */
export const MCP_AUDIT_FIELDS = {
  start_time: '%START_TIME%',
  duration_ms: '%DURATION%',
  response_code: '%RESPONSE_CODE%',
  http_method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  route: '%REQ(x-ai-eg-mcp-route)%',
  mcp_backend: `%DYNAMIC_METADATA(${AIG}:mcp_backend)%`,
  mcp_method: `%DYNAMIC_METADATA(${AIG}:mcp_method)%`,
  mcp_tool_name: `%DYNAMIC_METADATA(${AIG}:mcp_tool_name)%`,
  mcp_request_id: `%DYNAMIC_METADATA(${AIG}:mcp_request_id)%`,
  caller_oid: '%REQ(x-mcp-caller-oid)%',
  caller_app: '%REQ(x-mcp-caller-app)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  client_request_id: `%REQ(${MCP_CLIENT_CONTEXT_HEADERS['x-request-id']})%`,
  traceparent: `%REQ(${MCP_CLIENT_CONTEXT_HEADERS.traceparent}?traceparent)%`,
} as const;

/**
 * Which access-log records are MCP audit events (CEL over Envoy's attributes): every request the
 * MCP proxy sends to a tool server (only those carry the MCP method in the metadata), and the
 * calls the Gateway refuses on a tenant's MCP path before the proxy sees them (no or a bad token,
 * no tenant role, over the rate limit).
 */
export function mcpAuditMatch(mcpHost: string): string {
  return (
    `('${AIG}' in metadata.filter_metadata && 'mcp_method' in metadata.filter_metadata['${AIG}'])` +
    ` || (request.host == '${mcpHost}' && request.url_path.startsWith('/tenants/') && response.code in [401, 403, 429])`
  );
}
