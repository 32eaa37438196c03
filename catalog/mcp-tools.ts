/**
 * The MCP tool catalogue: every tool server the MCP hub runs, where it listens, and the tools it
 * offers, grouped in toolsets. Tenant files name entries of this catalogue (`spec.mcp.tools`), the
 * tenant validation checks them against it, and the hub's MCPRoute allows each tenant exactly the
 * tools its entries expand to. The Service name and ports below are the ones the hub's Deployment,
 * Service, certificate and the gateway's Backend use, so a tool server is named in one place.
 */

/** The hub's namespace: tool servers run here, reached only from the Gateway's Envoy proxies. */
export const MCP_HUB_NAMESPACE = 'mcp-hub';

/** The MCPRoute's path on the `mcp` host: clients configure `https://mcp.<zone>/mcp`. */
export const MCP_PATH = '/mcp';

export interface McpToolServer {
  /** Deployment, Service and ServiceAccount name in MCP_HUB_NAMESPACE; also the MCPRoute backend name (tool prefix). */
  readonly service: string;
  readonly why: string;
  /** The TLS port the gateway calls (the server's TLS sidecar; docs/mcp-hub.md). */
  readonly tlsPort: number;
  /** Where the MCP server itself listens (Streamable HTTP), on the pod's loopback only. */
  readonly mcpPort: number;
  readonly mcpPath: string;
  /** Toolset -> the tool names the server registers for it (exact, as the pinned release names them). */
  readonly toolsets: Readonly<Record<string, readonly string[]>>;
}

/**
 * The Azure DevOps MCP server (microsoft/azure-devops-mcp, npm @azure-devops/mcp 2.10.0). Its
 * toolsets are the release's `--domains` (dist/shared/domains.js) and the tool names its tool
 * modules register (dist/tools/*.js); `mcp-apps` (a ping for MCP Apps hosts) is left out.
 */
const AZURE_DEVOPS: McpToolServer = {
  service: 'azure-devops-mcp',
  why: 'work items, repositories, pull requests, pipelines, wikis and test plans of the Azure DevOps organisation',
  tlsPort: 8443,
  mcpPort: 8000,
  mcpPath: '/mcp',
  toolsets: {
    core: ['core_list_project_teams', 'core_list_projects', 'core_get_identity_ids'],
    work: ['work', 'work_iteration_write', 'work_capacity_write'],
    'work-items': ['wit_work_item', 'wit_query', 'wit_backlog', 'wit_work_item_attachment', 'wit_work_item_write', 'wit_work_item_comment_write', 'wit_work_item_link_write'],
    repositories: [
      'repo_repository',
      'repo_pull_request',
      'repo_pull_request_thread',
      'repo_branch',
      'repo_file',
      'repo_search_commits',
      'repo_pull_request_write',
      'repo_pull_request_thread_write',
      'repo_create_branch',
    ],
    pipelines: ['pipelines_build', 'pipelines_build_log', 'pipelines_definition', 'pipelines_run', 'pipelines_artifact', 'pipelines_write'],
    wiki: ['wiki', 'wiki_upsert_page'],
    search: ['search_code', 'search_wiki', 'search_workitem'],
    'test-plans': ['testplan', 'testplan_show_test_results_from_build_id', 'testplan_test_plan_write', 'testplan_test_suite_write', 'testplan_test_case_write'],
    'advanced-security': ['advsec_get_alerts', 'advsec_get_alert_details'],
  },
};

export const MCP_TOOL_SERVERS = {
  'azure-devops': AZURE_DEVOPS,
} as const satisfies Record<string, McpToolServer>;

export type McpToolServerName = keyof typeof MCP_TOOL_SERVERS;
export const MCP_TOOL_SERVER_NAMES = Object.keys(MCP_TOOL_SERVERS) as McpToolServerName[];

/** One tool a tenant may call: the server (MCPRoute backend) and the tool's name on it. */
export interface McpToolGrant {
  readonly server: McpToolServerName;
  readonly tool: string;
}

/**
 * Every name a tenant file may list: `<server>/<toolset>` for a whole toolset, `<server>/<tool>`
 * for one tool, each with the tools it grants.
 */
export function mcpCatalogueEntries(): ReadonlyMap<string, readonly McpToolGrant[]> {
  const out = new Map<string, McpToolGrant[]>();
  for (const server of MCP_TOOL_SERVER_NAMES) {
    for (const [toolset, tools] of Object.entries(MCP_TOOL_SERVERS[server].toolsets)) {
      out.set(`${server}/${toolset}`, tools.map((tool) => ({ server, tool })));
      for (const tool of tools) out.set(`${server}/${tool}`, [{ server, tool }]);
    }
  }
  return out;
}

/** The tools a tenant's entries grant, per server, sorted and without repeats; unknown entries are skipped (validation reports them). */
export function mcpGrants(entries: readonly string[]): Partial<Record<McpToolServerName, string[]>> {
  const catalogue = mcpCatalogueEntries();
  const out: Partial<Record<McpToolServerName, Set<string>>> = {};
  for (const entry of entries) for (const g of catalogue.get(entry) ?? []) (out[g.server] ??= new Set()).add(g.tool);
  return Object.fromEntries(Object.entries(out).map(([s, tools]) => [s, [...tools].sort()])) as Partial<Record<McpToolServerName, string[]>>;
}
