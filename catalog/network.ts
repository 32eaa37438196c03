/**
 * Private endpoints the stacks create in an environment's private-endpoint subnet: the shared
 * stacks' (ACR and Key Vault in the platform stack; PostgreSQL, Redis and the artifact storage in
 * the data stack; the telemetry storage in the observability stack) and one per tenant (its Key
 * Vault). The environment validation sizes the subnet with it; a test counts the synthesized
 * endpoints, so a new one cannot be forgotten here.
 */
export const PRIVATE_ENDPOINTS = { shared: 6, perTenant: 1 } as const;
