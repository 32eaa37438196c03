/**
 * Private endpoints the stacks create in an environment's private-endpoint subnet: the shared
 * stacks' (ACR and Key Vault in the platform stack; PostgreSQL, Redis, n8n's queue Redis and the
 * artifact storage in the data stack; the telemetry storage in the observability stack), one per tenant (its Key
 * Vault), and those the Azure Files driver creates at run time for the storage classes that ask
 * for a private endpoint (one account, so one endpoint, per class), and the Azure OpenAI and Content Safety accounts'
 * where the environment has cloud models (data stack). The environment validation
 * sizes the subnet with it; a test counts the synthesized endpoints and the classes, so a new one
 * cannot be forgotten here.
 */
export const PRIVATE_ENDPOINTS = { shared: 7, perTenant: 1, driverCreated: 1, azureOpenAI: 1, contentSafety: 1 } as const;
