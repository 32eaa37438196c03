/**
 * Schema migrations (migrations/audit/V0001__name.sql ..., likewise migrations/retrieval and migrations/ledger): read, named and
 * numbered without gaps, each a plain SQL file. The migration Job applies them in version order
 * exactly once (charts/audit/migration-script.ts); this is the only place that reads them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MIGRATION_QUOTE, type Migration } from '../catalog/audit';
import { LEDGER_MIGRATIONS_FOLDER } from '../catalog/ledger';
import { displayPath, ValidationError, type Problem } from './yaml-validate';

export const AUDIT_MIGRATIONS_DIR = resolve(__dirname, '..', 'migrations', 'audit');
/** The retrieval database's structure (tenant stores), same format and runner. */
export const RETRIEVAL_MIGRATIONS_DIR = resolve(__dirname, '..', 'migrations', 'retrieval');
/** The cost ledger's schema (docs/cost-ledger.md), same format and runner. */
export const LEDGER_MIGRATIONS_DIR = resolve(__dirname, '..', 'migrations', LEDGER_MIGRATIONS_FOLDER);

const NAME = /^V(\d{4})__([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

export function loadMigrations(dir = AUDIT_MIGRATIONS_DIR): Migration[] {
  const problems: Problem[] = [];
  const at = (file: string, line = 1, column = 1) => ({ file: displayPath(join(dir, file)), line, column, path: '' });
  if (!existsSync(dir)) throw new ValidationError([{ ...at('.', 0, 0), message: 'no migrations folder' }]);
  const found: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = NAME.exec(file);
    if (!m) {
      problems.push({ ...at(file), message: `"${file}" is not a migration name`, hint: 'name it V<4-digit version>__<snake_case>.sql, e.g. V0004__add_model_column.sql' });
      continue;
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    const quoted = sql.indexOf(MIGRATION_QUOTE);
    if (quoted >= 0) {
      const before = sql.slice(0, quoted).split('\n');
      problems.push({ ...at(file, before.length, before[before.length - 1].length + 1), message: `${MIGRATION_QUOTE} is the runner's quote for migration bodies`, hint: 'use another dollar-quote tag, e.g. $fn$' });
    }
    if (sql.trim() === '') problems.push({ ...at(file), message: 'the migration is empty' });
    found.push({ version: Number(m[1]), name: m[2], file, sql });
  }
  found.forEach((mig, i) => {
    if (mig.version !== i + 1) problems.push({ ...at(mig.file), message: `version ${mig.version} where ${i + 1} was expected`, hint: 'versions start at 1 and have no gaps or repeats; never renumber an applied migration' });
  });
  if (found.length === 0 && problems.length === 0) problems.push({ ...at('.', 0, 0), message: 'no migrations' });
  if (problems.length > 0) throw new ValidationError(problems);
  return found;
}
