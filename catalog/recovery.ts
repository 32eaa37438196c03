/**
 * Data classes and what their stores can recover, defined once: the environment files set an RPO
 * and RTO per class (config/schema.ts `data.recovery`), config/recovery.ts checks each against
 * what the data stack configures, the restore drill (scripts/restore-drill.sh) measures the
 * PostgreSQL restore against the RTO, and docs/runbooks/restore-drill.md tabulates both.
 *
 * The store figures are Microsoft's, as documented (not measured here):
 * - PostgreSQL Flexible Server (learn.microsoft.com, reliability-postgresql-flexible-server and
 *   concepts-business-continuity): backups are full daily plus transaction logs backed up
 *   continuously, kept 7-35 days (`backupRetentionDays`), restorable to any point in that window
 *   as a new server; zone-redundant HA replicates synchronously, RPO 0 and failover "within
 *   60-120 s"; geo-redundant backups reach the paired region asynchronously "with up to one hour
 *   of delay" (the same page warns it can be "several hours"); restore time "from few minutes up
 *   to 12 hours" by size, which is why the drill measures it.
 * - Blob Storage (learn.microsoft.com, storage-redundancy and storage-disaster-recovery-guidance):
 *   ZRS and GZRS write synchronously to three zones (no zone loss loses data); the geo copy of
 *   GZRS/RA-GZRS is asynchronous, "typically ... an RPO of less than 15 minutes" with no SLA;
 *   soft delete keeps deleted or overwritten blobs `softDeleteDays`.
 */

export type RecoveryStore = 'postgres' | 'blob' | 'rebuild';

export interface DataClass {
  readonly store: RecoveryStore;
  /** What the class holds and where. */
  readonly holds: string;
}

export const DATA_CLASSES = {
  platformDatabases: { store: 'postgres', holds: 'the platform PostgreSQL databases: router keys and budgets, audit trail, Temporal, n8n, MLflow metadata' },
  vectorStore: { store: 'postgres', holds: 'tenant retrieval schemas (pgvector) on the platform PostgreSQL' },
  costLedger: { store: 'postgres', holds: 'the cost ledger (tasks, tenants, models, tokens, cost) on the platform PostgreSQL' },
  auditArchive: { store: 'blob', holds: 'the immutable audit archive (Blob container audit)' },
  mlflowArtifacts: { store: 'blob', holds: 'MLflow model artifacts (Blob container mlflow)' },
  modelCache: { store: 'rebuild', holds: 'model weights on the serving cache volume: re-downloaded from the model hub, never backed up' },
} as const satisfies Record<string, DataClass>;

export type DataClassName = keyof typeof DATA_CLASSES;
export const DATA_CLASS_NAMES = Object.keys(DATA_CLASSES) as DataClassName[];

/** Minutes of data a restore can lose or needs, by store and configuration (sources above). */
export const RECOVERY_FACTS = {
  postgres: {
    /** Point-in-time restore from continuously backed-up transaction logs: the newest restore point is at most this old. */
    pitrRpoMinutes: 5,
    /** Zone-redundant HA: synchronous standby, automatic failover. */
    haRpoMinutes: 0,
    haFailoverMinutes: 2,
    /** Geo-restore in the paired region: backups and logs arrive there up to an hour late. */
    geoRpoMinutes: 60,
  },
  blob: {
    /** ZRS/GZRS: synchronous across three zones. */
    zoneRpoMinutes: 0,
    /** GZRS/RA-GZRS geo copy: asynchronous, typically under 15 minutes, no SLA. */
    geoRpoMinutes: 15,
  },
} as const;

/** Replications of the platform storage account that keep a copy in the paired region. */
export const GEO_REPLICATIONS: readonly string[] = ['GZRS', 'RAGZRS'];
