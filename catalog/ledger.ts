/**
 * The cost ledger's names, defined once for every side that meets them: the database and its
 * group roles (migrations/ledger), the workload identities and the service accounts they are
 * federated with (stacks/data-stack.ts), the Key Vault secrets that carry their ids to the rendered
 * manifests (charts/ledger), the PostgREST API (its Service, ports and the roles a token maps to)
 * and the metrics the dashboards query (catalog/services.ts).
 */
import { PLATFORM_NAMESPACE, SERVICES } from './services';
import type { AuditIdentity } from './audit';

export const LEDGER_DATABASE = 'ledger';
/** The migration runner's ledger lives in `public`; this migrations folder is read by config/audit-migrations.ts. */
export const LEDGER_MIGRATIONS_FOLDER = 'ledger';

/**
 * Group roles of the ledger database (V0001__roles.sql). Entra principals join them; PostgREST
 * switches to `reader` for a token whose `roles` claim holds it, and to `anonymous` otherwise.
 */
export const LEDGER_ROLES = {
  loader: 'ledger_loader',
  reader: 'ledger_reader',
  anonymous: 'ledger_anonymous',
  metrics: 'ledger_metrics',
} as const;

/** The schema PostgREST exposes (views only) and the one holding the tables. */
export const LEDGER_SCHEMAS = { api: 'ledger_api', data: 'ledger' } as const;

/**
 * Where a ledger row came from. Only the router's spend logs are loaded today: the orchestrator
 * keeps no task records (docs/cost-ledger.md), so a task's id travels on its LLM calls instead.
 */
export const LEDGER_SOURCES = { routerSpendLog: 'router-spend-log', orchestratorTask: 'orchestrator-task' } as const;

/**
 * How a caller names the task an LLM call belongs to (docs/cost-ledger.md): LiteLLM stores the
 * JSON of `x-litellm-spend-logs-metadata` under metadata.spend_logs_metadata, and the tags of
 * `x-litellm-tags` in request_tags. The key wins over the tag.
 */
export const TASK_ID = { metadataHeader: 'x-litellm-spend-logs-metadata', metadataKey: 'task_id', tagsHeader: 'x-litellm-tags', tagPrefix: 'task:' } as const;

/** Identities of the ledger: the same shape as the audit trail's, so the same migration scripts serve both. */
export type LedgerIdentity = Omit<AuditIdentity, 'role'> & { readonly role: (typeof LEDGER_ROLES)[keyof typeof LEDGER_ROLES] | 'entra-admin' | 'authenticator' };

const identity = (name: string, serviceAccount: string, role: LedgerIdentity['role']): LedgerIdentity => ({
  name,
  namespace: PLATFORM_NAMESPACE,
  serviceAccount,
  role,
  clientIdSecret: `${name}-client-id`,
  objectIdSecret: `${name}-object-id`,
});

export const LEDGER_IDENTITIES = {
  migrator: identity('ledger-migrator', 'ledger-migrator', 'entra-admin'),
  loader: identity('ledger-loader', 'ledger-loader', LEDGER_ROLES.loader),
  /** PostgREST's login: it may only switch to the reader or anonymous role (granted WITH INHERIT FALSE). */
  api: identity('ledger-api', 'ledger-api', 'authenticator'),
} as const satisfies Record<string, LedgerIdentity>;

/** The PostgREST API behind ledger.<zone>: API on 3000, admin (health, metrics) on 3001. */
export const LEDGER_API = { ...SERVICES.ledgerApi, adminPort: SERVICES.ledgerApi.metricsPort } as const;

/**
 * The Entra ID app role (the `roles` claim of an access token for the ledger API's app
 * registration) that PostgREST maps to the reader role: its value is the role's name.
 */
export const LEDGER_APP_ROLE = LEDGER_ROLES.reader;

/** Advisory lock of the loader: two runs never interleave (a CronJob with Forbid plus a manual run). */
export const LEDGER_LOADER_LOCK_KEY = 7_041_994;
