/**
 * The environment every n8n process (main, webhook, worker, import Job) starts with, from the
 * variables of @n8n/config 2.39 (configs/*.config.js) and n8n 2.41.3. Secrets are never values
 * here: n8n reads `<VAR>_FILE` for every variable it declares (@n8n/config decorators.js), so the
 * encryption key and the passwords are files from the ExternalSecret, and the environment holds
 * nothing a workflow's `$env` could leak.
 */
import { POSTGRES_PORT, REDIS_TLS_PORT } from '../../catalog/data-services';
import { N8N_DATABASE, N8N_DATABASE_USER, N8N_PORT, N8N_QUEUE, type N8nWorkflowEnv } from '../../catalog/n8n';

/** Where the ExternalSecret's files are mounted, and their keys. */
export const SECRET_DIR = '/var/run/secrets/n8n';
export const SECRET_FILES = { encryptionKey: 'encryption-key', databasePassword: 'database-password', redisPassword: 'redis-password' } as const;
/** n8n's user folder: settings, the task runner's files; the image's HOME. */
export const USER_FOLDER = '/home/node';

export interface N8nSettingsProps {
  readonly postgresHost: string;
  readonly redisHost: string;
  /** n8n.<zone> and hooks.<zone>. */
  readonly editorHost: string;
  readonly webhookHost: string;
  readonly pruning: { readonly maxAgeHours: number; readonly maxCount: number };
  /** What the shipped workflows read with `$env` (catalog/n8n.ts N8N_WORKFLOW_ENV). */
  readonly workflowEnv: Record<N8nWorkflowEnv, string>;
}

/** Seconds a process finishes running executions after SIGTERM (N8N_GRACEFUL_SHUTDOWN_TIMEOUT). */
export const SHUTDOWN_SECONDS = { main: 30, webhook: 30, worker: 300 } as const;

export function n8nSettings(p: N8nSettingsProps): Record<string, string> {
  return {
    // Queue mode: main and webhook processes enqueue, workers execute (Bull on Redis).
    EXECUTIONS_MODE: 'queue',
    // n8n 3 routes manual executions to workers unconditionally; adopt it now (breaking-changes rule v3).
    OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
    QUEUE_BULL_PREFIX: N8N_QUEUE.prefix,
    QUEUE_BULL_REDIS_HOST: p.redisHost,
    QUEUE_BULL_REDIS_PORT: String(REDIS_TLS_PORT),
    QUEUE_BULL_REDIS_TLS: 'true',
    QUEUE_BULL_REDIS_PASSWORD_FILE: `${SECRET_DIR}/${SECRET_FILES.redisPassword}`,
    QUEUE_HEALTH_CHECK_ACTIVE: 'true',
    QUEUE_HEALTH_CHECK_PORT: String(N8N_PORT),
    N8N_WORKER_SERVER_ADDRESS: '0.0.0.0',

    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: p.postgresHost,
    DB_POSTGRESDB_PORT: String(POSTGRES_PORT),
    DB_POSTGRESDB_DATABASE: N8N_DATABASE,
    DB_POSTGRESDB_USER: N8N_DATABASE_USER,
    DB_POSTGRESDB_PASSWORD_FILE: `${SECRET_DIR}/${SECRET_FILES.databasePassword}`,
    DB_POSTGRESDB_SSL_ENABLED: 'true',
    DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: 'true',

    N8N_ENCRYPTION_KEY_FILE: `${SECRET_DIR}/${SECRET_FILES.encryptionKey}`,
    N8N_USER_FOLDER: USER_FOLDER,

    N8N_PORT: String(N8N_PORT),
    N8N_LISTEN_ADDRESS: '0.0.0.0',
    N8N_PROTOCOL: 'https',
    N8N_HOST: p.editorHost,
    N8N_EDITOR_BASE_URL: `https://${p.editorHost}/`,
    N8N_WEBHOOK_URL: `https://${p.webhookHost}/`,
    // One proxy in front: the Gateway's Envoy (X-Forwarded-For from it is trusted, no further).
    N8N_PROXY_HOPS: '1',
    N8N_SECURE_COOKIE: 'true',

    EXECUTIONS_DATA_PRUNE: 'true',
    EXECUTIONS_DATA_MAX_AGE: String(p.pruning.maxAgeHours),
    EXECUTIONS_DATA_PRUNE_MAX_COUNT: String(p.pruning.maxCount),
    EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
    EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
    EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'false',
    EXECUTIONS_TIMEOUT: '3600',
    EXECUTIONS_TIMEOUT_MAX: '7200',

    N8N_METRICS: 'true',
    N8N_METRICS_INCLUDE_QUEUE_METRICS: 'true',
    N8N_LOG_OUTPUT: 'console',
    N8N_LOG_FORMAT: 'json',
    N8N_LOG_LEVEL: 'info',
    GENERIC_TIMEZONE: 'UTC',

    // Nothing phones home: the egress allows none of it anyway.
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',

    // Code nodes run in the internal task runner (a child process on 127.0.0.1, token generated per start).
    N8N_RUNNERS_MODE: 'internal',
    // Workflows read the platform endpoints below with $env; no secret is in the environment.
    N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
    ...p.workflowEnv,
  };
}
