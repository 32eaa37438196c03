/**
 * The ports of the Azure data services that workloads reach through private endpoints. Azure
 * fixes them; they are named once here for every client setting and egress rule that meets
 * them (the stacks, the rendered charts and the add-on values alike).
 */

/** Azure Database for PostgreSQL flexible server. */
export const POSTGRES_PORT = 5432;

/** Azure Cache for Redis: TLS only. */
export const REDIS_TLS_PORT = 6380;
