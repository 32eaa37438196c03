/**
 * The cost ledger's schema migrations (migrations/ledger/V0001__name.sql ...): the same rules and
 * loader as the audit database's (config/audit-migrations.ts), over their own folder.
 */
import { resolve } from 'node:path';
import type { Migration } from '../catalog/audit';
import { LEDGER_MIGRATIONS_FOLDER } from '../catalog/ledger';
import { loadMigrations } from './audit-migrations';

export const LEDGER_MIGRATIONS_DIR = resolve(__dirname, '..', 'migrations', LEDGER_MIGRATIONS_FOLDER);

export function loadLedgerMigrations(dir = LEDGER_MIGRATIONS_DIR): Migration[] {
  return loadMigrations(dir);
}
