/**
 * The `mcp-hub` app (rendered/<env>/mcp-hub): MCP tool servers behind Envoy AI Gateway on the
 * platform Gateway (docs/mcp-hub.md). In the hub's namespace the tool servers (the Azure DevOps MCP
 * server first); in the Gateway's namespace the GatewayConfig of the AI gateway's external
 * processor, the gateway's client certificate, a Backend per tool server, and per tenant with
 * tools its MCPRoute, SecurityPolicy (Entra ID JWT, the tenant's app role) and rate limit.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { MCP_GATEWAY_CLIENT_SAN, MCP_HUB_NAMESPACE, MCP_TOOL_SERVERS, type McpToolServerName } from '../../catalog/mcp-tools';
import type { ImageRef } from '../workloads/plan';
import { gatewayClientCertificate, gatewayConfig, tenantMcpRoute, tenantSecurityPolicy, tenantTrafficPolicy, toolServerBackend, type HubIdentity, type TenantTools } from './gateway';
import { McpToolServerWorkload } from './tool-server';

export const MCP_HUB_APP = 'mcp-hub';

export const MCP_HUB_LABELS = { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/component': 'mcp-hub', 'app.kubernetes.io/managed-by': 'platform-render' };

/** A tool call may run this long (a pipeline log, a code search) before the sidecar gives up. */
const TOOL_CALL_TIMEOUT_SECONDS = 300;

export interface McpHubChartProps {
  readonly zone: string;
  readonly hub: HubIdentity & { readonly azureDevOpsOrganization: string };
  readonly images: { readonly azureDevOps: ImageRef; readonly tlsSidecar: ImageRef };
  readonly highAvailability: boolean;
  /** Tenants of this environment with at least one tool. */
  readonly tenants: readonly TenantTools[];
}

/**
 * The Azure DevOps server's command line: supergateway runs the stdio server once per MCP session
 * (stateful) and serves it as Streamable HTTP. `--authentication env` takes a token from
 * DefaultAzureCredential, which AZURE_TOKEN_CREDENTIALS=prod narrows to the environment, workload
 * identity and managed identity credentials; only the catalogued toolsets are enabled.
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
    '--stateful',
    // Idle sessions end (and their server process with them) after 15 minutes.
    '--sessionTimeout',
    '900000',
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
      replicas: props.highAvailability ? 2 : 1,
      clientSan: MCP_GATEWAY_CLIENT_SAN,
      // Each MCP session runs its own server process (about 100Mi of Node); idle ones end after 15 minutes.
      resources: { cpuRequest: '250m', cpuLimit: '1', memory: '1Gi' },
      requestTimeoutSeconds: TOOL_CALL_TIMEOUT_SECONDS,
    });
  }
}
