/**
 * The audit trail's names, defined once for every side that meets them: the database and its
 * roles (migrations/audit), the workload identities and the service accounts they are federated
 * with (stacks/data-stack.ts), the Key Vault secrets that carry their client ids to the rendered
 * manifests, the immutable container the archiver writes, and the migration runner's ledger.
 */
import { MCP_HUB_NAMESPACE } from './mcp-tools';
import { PLATFORM_NAMESPACE, SERVICES } from './services';

export const AUDIT_DATABASE = 'audit';
/** The storage container with the immutability policy (constructs/data/storage.ts). */
export const AUDIT_CONTAINER = 'audit';

/** Group roles of the audit database (V0001__roles.sql); Entra principals are made members. */
export const AUDIT_ROLES = { writer: 'audit_writer', reader: 'audit_reader', archiver: 'audit_archiver' } as const;

export interface AuditIdentity {
  /** Suffix of the user-assigned identity's name; also its PostgreSQL role name. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The group role its principal joins; the migrator administers the server instead. */
  readonly role: (typeof AUDIT_ROLES)[keyof typeof AUDIT_ROLES] | 'entra-admin';
  /** Key Vault secret with the identity's client id (read by External Secrets). */
  readonly clientIdSecret: string;
  /** Key Vault secret with the identity's object id (the migrator maps it to a PostgreSQL role). */
  readonly objectIdSecret: string;
}

const identity = (name: string, namespace: string, serviceAccount: string, role: AuditIdentity['role']): AuditIdentity => ({
  name,
  namespace,
  serviceAccount,
  role,
  clientIdSecret: `${name}-client-id`,
  objectIdSecret: `${name}-object-id`,
});

/** The MCP hub's audit writer: its namespace and service account (charts/mcp-hub). */
export const MCP_HUB = { namespace: MCP_HUB_NAMESPACE, serviceAccount: 'mcp-audit' } as const;

export const AUDIT_IDENTITIES = {
  gatewayWriter: identity('audit-agent-gateway', SERVICES.gateway.namespace, SERVICES.gateway.name, AUDIT_ROLES.writer),
  mcpHubWriter: identity('audit-mcp-hub', MCP_HUB.namespace, MCP_HUB.serviceAccount, AUDIT_ROLES.writer),
  archiver: identity('audit-archiver', PLATFORM_NAMESPACE, 'audit-archiver', AUDIT_ROLES.archiver),
  migrator: identity('audit-migrator', PLATFORM_NAMESPACE, 'audit-migrator', 'entra-admin'),
} as const satisfies Record<string, AuditIdentity>;

/** One schema migration as loaded from migrations/audit (config/audit-migrations.ts). */
export interface Migration {
  readonly version: number;
  /** snake_case, from the file name. */
  readonly name: string;
  readonly file: string;
  readonly sql: string;
}

/** The dollar-quote the runner wraps each migration body in; a migration may not contain it. */
export const MIGRATION_QUOTE = '$migration$';
/** Advisory lock key of the runner (any constant; two runners never interleave). */
export const MIGRATION_LOCK_KEY = 7_041_993;
