/**
 * The platform's HTTPRoutes and their BackendTrafficPolicies, one per platform host, as plain
 * objects: each route lives in its backend's namespace (so no ReferenceGrant is needed), attaches
 * to that host's HTTPS listener of the shared Gateway, and names the backend Service and port from
 * catalog/routes.ts. The policy caps requests per Envoy replica (local rate limit) and bounds the
 * connection to the backend.
 */
import { GATEWAY_NAMESPACE, PLATFORM_GATEWAY, platformHostname } from '../../catalog/edge';
import { hostListener, type PlatformRoute } from '../../catalog/routes';

type Manifest = Record<string, any>;

export const routeName = (r: PlatformRoute) => `platform-${r.host}`;

export function platformRoute(r: PlatformRoute, zone: string, labels: Record<string, string>): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: routeName(r), namespace: r.namespace, labels },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: GATEWAY_NAMESPACE, name: PLATFORM_GATEWAY, sectionName: hostListener(r.host) }],
      hostnames: [platformHostname(r.host, zone)],
      rules: [
        {
          matches: (r.paths ?? ['/']).map((value) => ({ path: { type: 'PathPrefix', value } })),
          backendRefs: [{ group: '', kind: 'Service', name: r.service, port: r.port }],
          timeouts: { request: r.requestTimeout },
        },
      ],
    },
  };
}

export function routeTrafficPolicy(r: PlatformRoute, labels: Record<string, string>): Manifest {
  return {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { name: routeName(r), namespace: r.namespace, labels },
    spec: {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: routeName(r) }],
      rateLimit: { local: { rules: [{ limit: { requests: r.requestsPerSecond, unit: 'Second' } }] } },
      timeout: { tcp: { connectTimeout: '5s' } },
      // Only idempotent failures are retried: connection refused or reset before a response.
      retry: { numRetries: 2, retryOn: { triggers: ['connect-failure', 'refused-stream'] } },
    },
  };
}
