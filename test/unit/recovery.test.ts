/**
 * Recovery targets (config/recovery.ts): the checked-in environments meet theirs, the same
 * targets flip to errors exactly when a setting they rest on is taken away, and the runbook's
 * table of declared targets is the environment files' (docs/runbooks/restore-drill.md).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironment } from '../../config/load';
import { recoveryViolations, type RecoverySettings } from '../../config/recovery';
import { DATA_CLASS_NAMES } from '../../catalog/recovery';
import { ROOT } from '../helpers/tools';

const dev = loadEnvironment('dev');
const prod = loadEnvironment('prod');

describe('recovery targets', () => {
  it('both environments declare every class and meet their targets', () => {
    for (const env of [dev, prod]) {
      assert.deepEqual(Object.keys(env.data.recovery!).sort(), [...DATA_CLASS_NAMES].sort());
      assert.deepEqual(recoveryViolations(env.data.recovery!, env.data), []);
    }
  });

  it("prod's targets fail, each at its own key, once HA, geo backups, retention or geo storage are taken away", () => {
    const weaker: RecoverySettings = {
      postgres: { ...prod.data.postgres, highAvailability: false, geoRedundantBackup: false, backupRetentionDays: 7 },
      storage: { ...prod.data.storage, replication: 'ZRS', softDeleteDays: 7 },
    };
    const paths = recoveryViolations(prod.data.recovery!, weaker).map((v) => v.path.join('.'));
    for (const cls of ['platformDatabases', 'vectorStore', 'costLedger']) {
      for (const key of ['rpoMinutes', 'restoreWindowDays', 'regional.rpoMinutes']) assert.ok(paths.includes(`data.recovery.${cls}.${key}`), `${cls}.${key}`);
    }
    for (const cls of ['auditArchive', 'mlflowArtifacts']) {
      for (const key of ['restoreWindowDays', 'regional.rpoMinutes']) assert.ok(paths.includes(`data.recovery.${cls}.${key}`), `${cls}.${key}`);
    }
    assert.ok(!paths.some((p) => p.includes('modelCache')), 'the rebuilt cache promises nothing to check');
  });

  it("the runbook's table is what the environment files declare", () => {
    const doc = readFileSync(join(ROOT, 'docs/runbooks/restore-drill.md'), 'utf8');
    const section = doc.slice(doc.indexOf('What the environments declare today'), doc.indexOf('## The drill'));
    const rows = section.split('\n').filter((l) => /^\| [a-zA-Z]/.test(l) && !l.startsWith('| class'));
    assert.ok(rows.length >= 3);
    const fmt = (t: { rpoMinutes?: number; rtoMinutes: number; restoreWindowDays?: number } | undefined) =>
      t && 'rpoMinutes' in t ? `${t.rpoMinutes ? `${t.rpoMinutes} min` : '0'} / ${t.rtoMinutes} min / ${t.restoreWindowDays} d` : `– / ${t?.rtoMinutes} min`;
    const regional = (t: any) => (t?.regional ? `${t.regional.rpoMinutes} min / ${t.regional.rtoMinutes} min` : '–');
    for (const row of rows) {
      const [classes, devCell, prodCell, prodRegional] = row.split('|').slice(1, -1).map((c) => c.trim());
      for (const cls of classes.split(',').map((c) => c.trim())) {
        const d = (dev.data.recovery as any)[cls];
        const p = (prod.data.recovery as any)[cls];
        assert.equal(devCell, fmt(d), `dev ${cls}`);
        assert.equal(prodCell, fmt(p), `prod ${cls}`);
        assert.equal(prodRegional, regional(p), `prod regional ${cls}`);
      }
    }
    const covered = rows.flatMap((r) => r.split('|')[1].split(',').map((c) => c.trim()));
    assert.deepEqual(covered.sort(), [...DATA_CLASS_NAMES].sort());
  });
});
