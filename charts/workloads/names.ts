/** Names other stacks rely on (workload identity subjects), free of chart imports; the service names live in catalog/services.ts. */
import { SERVICES } from '../../catalog/services';

export { PLATFORM_NAMESPACE, SERVING_NAMESPACE } from '../../catalog/services';
/** The router's Deployment, Service and ServiceAccount. */
export const ROUTER_NAME = SERVICES.router.name;
/** Key Vault secret the router reads its identity's client id from (written by the data stack). */
export const ROUTER_CLIENT_ID_SECRET = 'llm-router-client-id';
