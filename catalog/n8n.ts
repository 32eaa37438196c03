/**
 * n8n facts the chart, the workflow validator, the KEDA trigger and the edge share, taken from
 * the n8n source of the pinned release (n8n 2.41.3, @n8n/config 2.39.x; docs/n8n.md cites the
 * files): ports, health paths, the Bull queue's Redis keys, the webhook paths, the database, the
 * Key Vault secrets, and the environment variables the shipped workflows may read with `$env`.
 */

/** N8N_PORT and the workers' QUEUE_HEALTH_CHECK_PORT (both default 5678). */
export const N8N_PORT = 5678;

/** abstract-server.js and scaling/worker-server.js: `<N8N_ENDPOINT_HEALTH>` and `<...>/readiness` (db connected and migrated, Redis connected). */
export const N8N_HEALTH = { live: '/healthz', ready: '/healthz/readiness' } as const;

/**
 * Production webhooks (`N8N_ENDPOINT_WEBHOOK`, `webhook`), Wait-node resumptions
 * (`N8N_ENDPOINT_WEBHOOK_WAIT`, `webhook-waiting`) and the health path the probe uses: all the
 * public webhook host routes. Gateway API PathPrefix matches whole path elements, so `/webhook`
 * does not also match `/webhook-test` (the editor's test webhooks stay behind sign-in).
 */
export const N8N_WEBHOOK_PATHS: readonly string[] = ['/webhook', '/webhook-waiting', N8N_HEALTH.live];

/**
 * Bull queue keys: QUEUE_BULL_PREFIX (default `bull`) and the queue `jobs`
 * (scaling/queue-name.js DEFAULT_QUEUE_NAME); Bull keeps waiting jobs in the list
 * `<prefix>:<queue>:wait`, whose length KEDA scales the workers on.
 */
export const N8N_QUEUE = { prefix: 'bull', name: 'jobs' } as const;
export const N8N_QUEUE_WAITING_LIST = `${N8N_QUEUE.prefix}:${N8N_QUEUE.name}:wait`;

/** The database and its login role (a password login: docs/adr/0007-n8n-queue-redis.md). */
export const N8N_DATABASE = 'n8n';
export const N8N_DATABASE_USER = 'n8n';

/** Key Vault secrets (platform vault) n8n's processes read; each reaches the pods as a file (`<VAR>_FILE`). */
export const N8N_SECRETS = {
  /** N8N_ENCRYPTION_KEY: encrypts the stored credentials; losing it loses them (docs/n8n.md). */
  encryptionKey: 'n8n-encryption-key',
  /** DB_POSTGRESDB_PASSWORD of role `n8n`. */
  databasePassword: 'n8n-database-password',
  /** QUEUE_BULL_REDIS_PASSWORD: the n8n cache's primary access key, written by the data stack. */
  redisAccessKey: 'n8n-redis-access-key',
} as const;

/**
 * What the shipped workflows may read with `$env.<NAME>`: platform endpoints and addresses, never a
 * secret (the pods' environment holds none; secrets are files). The validator rejects any other name.
 */
export const N8N_WORKFLOW_ENV = {
  PLATFORM_ORCHESTRATOR_URL: 'the orchestrator Service (catalog/services.ts), where validated ADO events are dispatched',
  PLATFORM_TEAMS_WEBHOOK_URL: "the Teams workflow webhook's URL without its `sig` parameter (the signature is the teams-webhook credential)",
  PLATFORM_NOTIFY_FROM: 'sender of notification e-mails',
  PLATFORM_NOTIFY_TO: 'recipients of notification e-mails (comma-separated)',
  PLATFORM_ESCALATE_TO: 'recipients of an approval that timed out (comma-separated)',
  PLATFORM_APPROVAL_HOURS: 'hours an approval waits before it escalates',
} as const;
export type N8nWorkflowEnv = keyof typeof N8N_WORKFLOW_ENV;

/** The approval workflow's webhook path (POST /webhook/<this>), which the orchestrator calls in-cluster. */
export const N8N_APPROVAL_WEBHOOK_PATH = 'approval-request';

/** The orchestrator's job-submission path the dispatch workflow posts to (docs/n8n.md states the contract). */
export const ORCHESTRATOR_JOBS_PATH = '/v1/jobs';
