/** Names other stacks rely on (workload identity subjects), free of chart imports. */
export const PLATFORM_NAMESPACE = 'platform';
export const SERVING_NAMESPACE = 'serving';
/** The router's Deployment, Service and ServiceAccount. */
export const ROUTER_NAME = 'llm-router';
/** Key Vault secret the router reads its identity's client id from (written by the data stack). */
export const ROUTER_CLIENT_ID_SECRET = 'llm-router-client-id';
