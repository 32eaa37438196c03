/**
 * The platform's HTTPRoutes and their BackendTrafficPolicies, one per platform host, as plain
 * objects: each route lives in its backend's namespace (so no ReferenceGrant is needed), attaches
 * to that host's HTTPS listener of the shared Gateway, and names the backend Service and port from
 * catalog/routes.ts. The policy caps requests per Envoy replica (local rate limit) and bounds the
 * connection to the backend. A host whose backend has an OpenAPI contract gets one rule per
 * operation (its path, method and timeout) and one rate-limit rule per operation; requests that
 * match no operation get no route (404 at the edge).
 */
import { GATEWAY_NAMESPACE, PLATFORM_GATEWAY, platformHostname } from '../../catalog/edge';
import { operationRuleName, pathMatch, type ContractOperation } from '../../catalog/agent-gateway';
import { hostListener, type PlatformRoute } from '../../catalog/routes';

type Manifest = Record<string, any>;

export const routeName = (r: PlatformRoute) => `platform-${r.host}`;

/** The contracts of the hosts that have one (`contract` in catalog/routes.ts), as config/ loaded them. */
export type RouteContracts = Readonly<Record<NonNullable<PlatformRoute['contract']>, readonly ContractOperation[]>>;

interface RouteRule {
  readonly name?: string;
  readonly method?: string;
  /** Matched paths: one per contract operation; a route without a contract routes its `paths` (default `/`). */
  readonly paths: readonly { type: string; value: string }[];
  readonly timeout: string;
  readonly requestsPerSecond: number;
}

function routeRules(r: PlatformRoute, contracts: RouteContracts): RouteRule[] {
  if (r.contract === undefined) return [{ paths: (r.paths ?? ['/']).map((value) => ({ type: 'PathPrefix', value })), timeout: r.requestTimeout, requestsPerSecond: r.requestsPerSecond }];
  const ops = contracts[r.contract];
  if (!ops?.length) throw new Error(`route ${r.host}: contract ${r.contract} has no operations`);
  return ops.map((o) => ({ name: operationRuleName(o.operationId), method: o.method, paths: [pathMatch(o.path)], timeout: o.timeout, requestsPerSecond: o.requestsPerSecond }));
}

/**
 * `canaries`: Argo Rollouts runs in the cluster, so a route with a canary Service lists it at weight 0
 * beside the stable one; the Gateway API plugin moves the weights during a rollout (docs/rollouts.md).
 */
export function platformRoute(r: PlatformRoute, zone: string, labels: Record<string, string>, contracts: RouteContracts, canaries = false): Manifest {
  const backend = (name: string) => ({ group: '', kind: 'Service', name, port: r.port });
  const backendRefs = canaries && r.canaryService ? [{ ...backend(r.service), weight: 100 }, { ...backend(r.canaryService), weight: 0 }] : [backend(r.service)];
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: routeName(r), namespace: r.namespace, labels },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: GATEWAY_NAMESPACE, name: PLATFORM_GATEWAY, sectionName: hostListener(r.host) }],
      hostnames: [platformHostname(r.host, zone)],
      rules: routeRules(r, contracts).map((rule) => ({
        ...(rule.name ? { name: rule.name } : {}),
        matches: rule.paths.map((path) => ({ path, ...(rule.method ? { method: rule.method } : {}) })),
        backendRefs,
        timeouts: { request: rule.timeout },
      })),
    },
  };
}

export function routeTrafficPolicy(r: PlatformRoute, labels: Record<string, string>, contracts: RouteContracts): Manifest {
  const rules = routeRules(r, contracts).map((rule) => ({
    // Without a selector a rule covers the whole route; with one, only the operation's requests.
    // Envoy Gateway v1.9.0 makes each selector rule a descriptor of its own and, with no rule
    // lacking selectors, an unlimited default bucket (internal/gatewayapi/backendtrafficpolicy.go).
    ...(rule.method ? { clientSelectors: [{ methods: [{ value: rule.method }], path: rule.paths[0] }] } : {}),
    limit: { requests: rule.requestsPerSecond, unit: 'Second' },
  }));
  return {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { name: routeName(r), namespace: r.namespace, labels },
    spec: {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: routeName(r) }],
      rateLimit: { local: { rules } },
      timeout: { tcp: { connectTimeout: '5s' } },
      // Only idempotent failures are retried: connection refused or reset before a response.
      retry: { numRetries: 2, retryOn: { triggers: ['connect-failure', 'refused-stream'] } },
    },
  };
}
