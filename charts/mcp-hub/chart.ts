/**
 * The `mcp-hub` app (rendered/<env>/mcp-hub): MCP tool servers behind Envoy AI Gateway on the
 * platform Gateway (docs/mcp-hub.md). In the hub's namespace the tool servers (the Azure DevOps MCP
 * server first); in the Gateway's namespace the GatewayConfig of the AI gateway's external
 * processor, the gateway's client certificate, a Backend per tool server, and per tenant with
 * tools its MCPRoute, SecurityPolicy (Entra ID JWT, the tenant's app role) and rate limit; in the
 * hub's namespace also the audit writer that stores the Gateway's records of MCP calls in the
 * audit database (audit-writer.ts).
 */
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { MCP_GATEWAY_CLIENT_SAN, MCP_HUB_NAMESPACE, MCP_TOOL_SERVERS, type McpToolServerName } from '../../catalog/mcp-tools';
import type { ImageRef } from '../workloads/plan';
import { ADDONS } from '../../catalog/addons';
import { gatewayClientCertificate, gatewayConfig, tenantMcpRoute, tenantSecurityPolicy, tenantTrafficPolicy, toolServerBackend, type HubIdentity, type TenantTools } from './gateway';
import { McpToolServerWorkload } from './tool-server';
import { McpAuditWriter } from './audit-writer';
import { MCP_HUB_APP } from '../app-names';

export const MCP_HUB_LABELS = {
  'app.kubernetes.io/name': MCP_HUB_APP,
  'app.kubernetes.io/part-of': 'platform',
  'app.kubernetes.io/component': 'mcp-hub',
  'app.kubernetes.io/managed-by': 'platform-render',
  // The gateway objects follow the AI gateway's API version.
  'app.kubernetes.io/version': ADDONS.aiGateway.version,
};

/** A tool call may run this long (a pipeline log, a code search) before the sidecar gives up. */
const TOOL_CALL_TIMEOUT_SECONDS = 300;

export interface McpHubChartProps {
  readonly zone: string;
  readonly hub: HubIdentity & { readonly azureDevOpsOrganization: string };
  readonly images: { readonly azureDevOps: ImageRef; readonly tlsSidecar: ImageRef; readonly collector: ImageRef; readonly postgres: ImageRef; readonly curl: ImageRef };
  /** The audit database's server and how its writer reaches it (charts/mcp-hub/audit-writer.ts). */
  readonly audit: { readonly postgresHost: string; readonly privateEndpointsCidr: string; readonly cloudEndpoints: readonly string[] };
  readonly highAvailability: boolean;
  /** The cluster's and VNet's ranges: the tool servers' HTTPS egress excludes them. */
  readonly privateCidrs: readonly string[];
  /** Tenants of this environment with at least one tool. */
  readonly tenants: readonly TenantTools[];
}

/**
 * The Azure DevOps server's command line: supergateway serves the stdio server as Streamable HTTP,
 * stateless (a server process per request), so any replica answers any request: the gateway's MCP
 * proxies (one per Envoy replica) reach the tool servers through their Service with no session
 * affinity. `--authentication env` takes a token from DefaultAzureCredential, which
 * AZURE_TOKEN_CREDENTIALS=prod narrows to the environment, workload identity and managed identity
 * credentials; only the catalogued toolsets are enabled.
 */
export function azureDevOpsCommand(organization: string): string[] {
  const s = MCP_TOOL_SERVERS['azure-devops'];
  const domains = Object.keys(s.toolsets).join(' ');
  return [
    'supergateway',
    '--stdio',
    `mcp-server-azuredevops ${organization} --authentication env --domains ${domains}`,
    '--outputTransport',
    'streamableHttp',
    '--port',
    String(s.mcpPort),
    '--streamableHttpPath',
    s.mcpPath,
    '--healthEndpoint',
    '/healthz',
  ];
}

export class McpHubChart extends Chart {
  constructor(scope: Construct, id: string, props: McpHubChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const add = (o: Record<string, any>) => new ApiObject(this, `${o.kind}-${o.metadata.namespace}-${o.metadata.name}`, o as any);

    add(gatewayConfig(MCP_HUB_LABELS));
    add(gatewayClientCertificate(MCP_HUB_LABELS));
    for (const server of Object.keys(MCP_TOOL_SERVERS) as McpToolServerName[]) add(toolServerBackend(server, MCP_HUB_NAMESPACE, MCP_HUB_LABELS));
    for (const t of props.tenants) {
      add(tenantMcpRoute(t, props.zone, MCP_HUB_LABELS));
      add(tenantSecurityPolicy(t, props.hub, MCP_HUB_LABELS));
      add(tenantTrafficPolicy(t, MCP_HUB_LABELS));
    }

    new McpToolServerWorkload(this, 'azure-devops', {
      server: MCP_TOOL_SERVERS['azure-devops'],
      namespace: MCP_HUB_NAMESPACE,
      image: props.images.azureDevOps,
      tlsSidecarImage: props.images.tlsSidecar,
      command: azureDevOpsCommand(props.hub.azureDevOpsOrganization),
      env: { AZURE_TOKEN_CREDENTIALS: 'prod', HOME: '/tmp', NODE_ENV: 'production' },
      // A client id is an identifier, not a credential; the vault is how Terraform's value reaches the pod.
      secrets: { AZURE_CLIENT_ID: MCP_TOOL_SERVERS['azure-devops'].clientIdSecret },
      workloadIdentity: true,
      replicas: { min: props.highAvailability ? 2 : 1, max: 6 },
      privateCidrs: props.privateCidrs,
      clientSan: MCP_GATEWAY_CLIENT_SAN,
      // Each request runs its own server process (about 100Mi of Node) for its duration.
      resources: { cpuRequest: '250m', cpuLimit: '1', memory: '1Gi' },
      requestTimeoutSeconds: TOOL_CALL_TIMEOUT_SECONDS,
    });

    new McpAuditWriter(this, 'audit-writer', {
      namespace: MCP_HUB_NAMESPACE,
      images: { collector: props.images.collector, postgres: props.images.postgres, curl: props.images.curl },
      ...props.audit,
      highAvailability: props.highAvailability,
    });
  }
}
