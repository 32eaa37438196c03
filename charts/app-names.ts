/**
 * The rendered apps' names (rendered/<env>/<name>/, and their Argo CD Applications), apart from
 * their charts: cli/lib/render.ts lists every app and keys it in the render cache from these,
 * and loads the charts only to build an app the cache does not hold.
 */
export const POLICY_APP = 'gatekeeper-policies';
export const IMAGE_SIGNATURES_APP = 'image-signatures';
export const OBSERVABILITY_APP = 'observability';
export const AGENT_SERVICES_APP = 'agent-services';
export const LLM_SERVING_APP = 'llm-serving';
export const DEMO_APP = 'edge-demo';
export const AUDIT_APP = 'audit';
export const RETRIEVAL_APP = 'retrieval';
export const LEDGER_APP = 'ledger';
export const MLFLOW_APP = 'mlflow';
export const LLM_ROUTER_APP = 'llm-router';
export const N8N_APP = 'n8n';
export const MCP_HUB_APP = 'mcp-hub';
export const EDGE_APP = 'edge';

/**
 * The workload apps (charts/workloads/apps.ts builds one for each), in the order their folders
 * and Applications are listed (rendered/<env>/apps).
 */
export const WORKLOAD_APP_NAMES = [AGENT_SERVICES_APP, LLM_SERVING_APP, DEMO_APP, AUDIT_APP, RETRIEVAL_APP, LEDGER_APP, MLFLOW_APP, LLM_ROUTER_APP, N8N_APP, MCP_HUB_APP] as const;
export type WorkloadAppName = (typeof WORKLOAD_APP_NAMES)[number];
