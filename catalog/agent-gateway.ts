/**
 * The agent gateway's HTTP contract as the platform sees it: where the OpenAPI document lives,
 * the per-operation extensions the edge is configured from, the health paths (the Deployment's
 * probes, the edge probe and the contract all use these), and the plain shape config/ hands to
 * the charts after loading and checking the document.
 */

/** Relative to the repository root. */
export const AGENT_GATEWAY_CONTRACT_FILE = 'contracts/agent-gateway.openapi.yaml';

/** Agent services' health endpoints (docs/workloads.md); the gateway's are operations of its contract. */
export const AGENT_HEALTH = { live: '/healthz/live', ready: '/healthz/ready', startup: '/healthz/startup' } as const;

/** The OpenAPI extensions every operation must carry. */
export const CONTRACT_EXTENSIONS = { rateLimit: 'x-platform-rate-limit', timeout: 'x-platform-timeout' } as const;

/** Methods an HTTPRoute match and an Envoy Gateway rate-limit selector both accept. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ContractOperation {
  /** The OpenAPI operationId (unique within the document). */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The OpenAPI path template, e.g. `/api/v1/tasks/{taskId}`. */
  readonly path: string;
  /** Local rate limit per Envoy replica for this operation, requests per second. */
  readonly requestsPerSecond: number;
  /** Gateway API request timeout for this operation, e.g. `30s`. */
  readonly timeout: string;
  /** False for operations with `security: []` (the health checks). */
  readonly authenticated: boolean;
}

export interface ServiceContract {
  readonly file: string;
  readonly operations: readonly ContractOperation[];
}

/** The HTTPRoute rule name of an operation (Gateway API section names are DNS labels): createTask -> create-task. */
export const operationRuleName = (operationId: string) => operationId.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The Gateway API path match of an OpenAPI path template: exact without parameters, otherwise an
 * anchored regular expression where each `{param}` matches one non-empty segment.
 */
export function pathMatch(template: string): { type: 'Exact' | 'RegularExpression'; value: string } {
  if (!template.includes('{')) return { type: 'Exact', value: template };
  const escaped = template.split(/\{[^}/]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return { type: 'RegularExpression', value: `^${escaped.join('[^/]+')}$` };
}
