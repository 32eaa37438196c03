/**
 * Recovery targets per data class (`data.recovery` of an environment file) and the check that the
 * data stack's settings can meet them: an RPO or RTO the configured backups, HA, geo-redundancy
 * or storage replication cannot reach is an error at that target's line, so nothing is
 * synthesized from a promise the platform cannot keep. The store figures are in
 * catalog/recovery.ts with their sources.
 */
import { z } from 'zod';
import { DATA_CLASSES, DATA_CLASS_NAMES, GEO_REPLICATIONS, RECOVERY_FACTS, type DataClassName } from '../catalog/recovery';

const minutes = z.number().int().min(0).max(60 * 24 * 30);

/** A zone or server loss, and how far back a logical error (a bad migration, a deleted row) must be undone. */
const target = z
  .object({
    /** Data the class may lose when a zone or its server fails, in minutes. */
    rpoMinutes: minutes,
    /** Time until the class is back after that, in minutes; the restore drill measures the PostgreSQL restore against it. */
    rtoMinutes: minutes.min(1),
    /** How many days back a restore must reach (backups and soft delete must keep that long). */
    restoreWindowDays: z.number().int().min(1).max(365).optional(),
    /** The same for the loss of the whole region (restore in the paired region); absent: not promised. */
    regional: z.object({ rpoMinutes: minutes, rtoMinutes: minutes.min(1) }).strict().optional(),
  })
  .strict();

/** The model cache is rebuilt from the model hub: there is nothing to lose, only time to refill it. */
const rebuildTarget = z.object({ rtoMinutes: minutes.min(1) }).strict();

export const recoverySchema = z
  .object(Object.fromEntries(DATA_CLASS_NAMES.map((n) => [n, DATA_CLASSES[n].store === 'rebuild' ? rebuildTarget : target])) as Record<DataClassName, typeof target | typeof rebuildTarget>)
  .strict();

export type RecoveryTargets = z.output<typeof recoverySchema>;
type Target = z.output<typeof target>;

/** What the data stack sets that recovery depends on (EnvironmentConfig['data'], narrowed). */
export interface RecoverySettings {
  readonly postgres: { readonly backupRetentionDays: number; readonly highAvailability: boolean; readonly geoRedundantBackup: boolean };
  readonly storage: { readonly replication: string; readonly softDeleteDays: number };
}

export interface RecoveryViolation {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Every target the settings cannot meet, each at its own key. */
export function recoveryViolations(targets: RecoveryTargets, data: RecoverySettings): RecoveryViolation[] {
  const out: RecoveryViolation[] = [];
  const at = (cls: string, ...p: string[]) => ['data', 'recovery', cls, ...p];
  const pg = data.postgres;
  const st = data.storage;
  for (const cls of DATA_CLASS_NAMES) {
    const store = DATA_CLASSES[cls].store;
    if (store === 'rebuild') continue;
    const t = targets[cls] as Target;
    if (store === 'postgres') {
      const rpo = pg.highAvailability ? RECOVERY_FACTS.postgres.haRpoMinutes : RECOVERY_FACTS.postgres.pitrRpoMinutes;
      if (t.rpoMinutes < rpo) {
        out.push({ path: at(cls, 'rpoMinutes'), message: `RPO ${t.rpoMinutes} min cannot be met: without a zone-redundant standby (data.postgres.highAvailability: false) a zone or server loss is recovered by point-in-time restore, whose newest restore point is up to ${rpo} min old; set rpoMinutes >= ${rpo} or enable highAvailability (a GP_ or MO_ SKU)` });
      }
      if (pg.highAvailability && t.rtoMinutes < RECOVERY_FACTS.postgres.haFailoverMinutes) {
        out.push({ path: at(cls, 'rtoMinutes'), message: `RTO ${t.rtoMinutes} min is shorter than the standby's failover (60-120 s); set rtoMinutes >= ${RECOVERY_FACTS.postgres.haFailoverMinutes}` });
      }
      if (t.restoreWindowDays !== undefined && t.restoreWindowDays > pg.backupRetentionDays) {
        out.push({ path: at(cls, 'restoreWindowDays'), message: `a restore ${t.restoreWindowDays} days back needs backups kept that long, but data.postgres.backupRetentionDays is ${pg.backupRetentionDays}; raise it (7-35) or shorten the window` });
      }
      if (t.regional) {
        if (!pg.geoRedundantBackup) {
          out.push({ path: at(cls, 'regional', 'rpoMinutes'), message: 'a regional RPO needs backups in the paired region, but data.postgres.geoRedundantBackup is false (it can only be set when the server is created); enable it or remove regional' });
        } else if (t.regional.rpoMinutes < RECOVERY_FACTS.postgres.geoRpoMinutes) {
          out.push({ path: at(cls, 'regional', 'rpoMinutes'), message: `regional RPO ${t.regional.rpoMinutes} min cannot be met: geo-redundant backups reach the paired region up to ${RECOVERY_FACTS.postgres.geoRpoMinutes} min late; set rpoMinutes >= ${RECOVERY_FACTS.postgres.geoRpoMinutes} (a cross-region read replica would be needed for less)` });
        }
      }
    } else {
      // ZRS and both geo replications write three zones synchronously: any RPO >= 0 holds within the region.
      if (t.restoreWindowDays !== undefined && t.restoreWindowDays > st.softDeleteDays) {
        out.push({ path: at(cls, 'restoreWindowDays'), message: `a deleted or overwritten blob is recoverable for data.storage.softDeleteDays (${st.softDeleteDays}) days only; raise it or shorten the window` });
      }
      if (t.regional) {
        if (!GEO_REPLICATIONS.includes(st.replication)) {
          out.push({ path: at(cls, 'regional', 'rpoMinutes'), message: `a regional RPO needs a copy in the paired region, but data.storage.replication is ${st.replication}; use ${GEO_REPLICATIONS.join(' or ')} or remove regional` });
        } else if (t.regional.rpoMinutes < RECOVERY_FACTS.blob.geoRpoMinutes) {
          out.push({ path: at(cls, 'regional', 'rpoMinutes'), message: `regional RPO ${t.regional.rpoMinutes} min cannot be met: the geo copy is asynchronous, typically under ${RECOVERY_FACTS.blob.geoRpoMinutes} min with no SLA; set rpoMinutes >= ${RECOVERY_FACTS.blob.geoRpoMinutes}` });
        }
      }
    }
  }
  return out;
}
