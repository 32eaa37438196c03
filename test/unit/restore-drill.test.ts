/**
 * The restore drill script (scripts/restore-drill.sh) against a fake `az` and `psql` on PATH that
 * record every call: the throw-away server is restored under a unique name, checked database by
 * database, measured against the RTO, and deleted on every way out (checks failing, the restore
 * failing, too slow). A copy without the trap is the negative control: the same run then leaves
 * the server behind, which the assertions catch. Time is a fake `date` where the RTO matters, so
 * nothing depends on the wall clock.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { drillPlan } from '../../scripts/restore-drill-plan';

const SCRIPT = resolve(__dirname, '../../scripts/restore-drill.sh');
// A JWT whose payload is {"oid":"11111111-2222-3333-4444-555555555555"}; the signature is never checked.
const TOKEN = `x.${Buffer.from('{"oid":"11111111-2222-3333-4444-555555555555"}').toString('base64url')}.sig`;

const FAKE_AZ = `#!/usr/bin/env bash
echo "az $*" >> "$FAKE_LOG"
state="$FAKE_DIR/state"
case "$*" in
  "postgres flexible-server restore "*) [ -n "\${FAKE_RESTORE_FAIL:-}" ] && { echo "restore failed" >&2; touch "$state.server"; exit 1; }; touch "$state.server" ;;
  "postgres flexible-server show "*"--query id"*) echo /subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/x ;;
  "postgres flexible-server show "*) [ -e "$state.server" ] || exit 3 ;;
  "postgres flexible-server delete "*) rm -f "$state.server" ;;
  "postgres flexible-server list "*) [ -e "$state.server" ] && echo "psql-left-drill-20261130000000-abcdef" ;;
  "network private-endpoint create "*) touch "$state.pe" ;;
  "network private-endpoint show "*) [ -e "$state.pe" ] || exit 3 ;;
  "network private-endpoint delete "*) rm -f "$state.pe" ;;
  "network vnet subnet show "* | "network private-dns zone show "*) echo /subscriptions/s/id ;;
  "account get-access-token "*) echo "${TOKEN}" ;;
esac
exit 0
`;

const FAKE_PSQL = `#!/usr/bin/env bash
echo "psql $*" >> "$FAKE_LOG"
[ -r "$PGPASSFILE" ] || { echo "no password file" >&2; exit 2; }
case "$*" in
  *"-d router "*) [ -n "\${FAKE_PSQL_FAIL:-}" ] && { echo "permission denied" >&2; exit 1; } ;;
esac
case "$*" in
  *"SELECT 1"*) echo 1 ;;
  *to_regclass*) echo t ;;
  *archived_days*) echo "\${FAKE_AUDIT_MISMATCH:-0}" ;;
  *) echo "3 tables, 0 unreadable, 42 rows" ;;
esac
`;

/** Seconds since the epoch, advancing by FAKE_STEP on every `date +%s`; other formats go to the real date. */
const FAKE_DATE = `#!/usr/bin/env bash
if [ "$1" = "+%s" ]; then
  n=$(cat "$FAKE_DIR/clock" 2>/dev/null || echo 1700000000)
  echo $((n + FAKE_STEP)) > "$FAKE_DIR/clock"
  echo "$n"
else
  exec /bin/date "$@"
fi
`;

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly calls: string[];
  readonly leftover: string[];
}

function drill(env: Record<string, string> = {}, script = SCRIPT, fakeDate = false, args: string[] = [], leftBehind = false): Run {
  const dir = mkdtempSync(join(tmpdir(), 'drill-'));
  if (leftBehind) for (const s of ['server', 'pe']) writeFileSync(join(dir, `state.${s}`), '');
  const bin = join(dir, 'bin');
  spawnSync('mkdir', [bin]);
  const tool = (name: string, text: string) => {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  };
  tool('az', FAKE_AZ);
  tool('psql', FAKE_PSQL);
  if (fakeDate) tool('date', FAKE_DATE);
  const log = join(dir, 'calls.log');
  const res = spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      // The script's own temporary folder goes in this run's (a run without the trap leaves it).
      TMPDIR: dir,
      FAKE_LOG: log,
      FAKE_DIR: dir,
      FAKE_STEP: '1',
      ...drillPlan('dev'),
      ...env,
    },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  const leftover = ['server', 'pe'].filter((s) => existsSync(join(dir, `state.${s}`)));
  return { code: res.status, out: res.stdout + res.stderr, calls, leftover };
}

const deletes = (r: Run) => r.calls.filter((c) => / delete /.test(c));

describe('restore drill script', () => {
  it('is valid bash', () => {
    const res = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
  });

  it('the plan comes from the environment: its server, the platform databases and the RTO of platformDatabases', () => {
    const plan = drillPlan('dev');
    assert.match(plan.DRILL_SOURCE_SERVER, /^psql-/);
    assert.ok(plan.DRILL_DATABASES.split(' ').includes('audit'));
    assert.equal(plan.DRILL_RTO_MINUTES, '240');
  });

  it('happy path: restores under a unique name, checks every database with a token in a password file, deletes the copy', () => {
    const r = drill();
    assert.equal(r.code, 0, r.out);
    const restore = r.calls.find((c) => c.startsWith('az postgres flexible-server restore'))!;
    const name = /--name (\S+)/.exec(restore)![1];
    assert.match(name, /^psql-aip-dev-weu-[0-9a-f]+-drill-\d{14}-[0-9a-f]{6}$/);
    assert.ok(name.length <= 63);
    for (const db of drillPlan('dev').DRILL_DATABASES.split(' ')) assert.ok(r.calls.some((c) => c.startsWith('psql') && c.includes(`-d ${db} `)), db);
    assert.ok(r.calls.some((c) => c.includes('archived_days') && c.includes('row_count')), 'the audit ledger is checked');
    assert.ok(r.calls.some((c) => c.includes('microsoft-entra-admin create') && c.includes('--object-id 11111111-2222-3333-4444-555555555555')));
    assert.ok(deletes(r).some((c) => c.includes(`flexible-server delete`) && c.includes(`--name ${name}`)));
    assert.deepEqual(r.leftover, []);
    assert.ok(!r.out.includes(TOKEN), 'the token is never printed');
    assert.ok(!r.calls.some((c) => c.includes(TOKEN)), 'the token is never an argument');
  });

  it('a check that fails fails the run, and the copy is still deleted', () => {
    const r = drill({ FAKE_PSQL_FAIL: '1' });
    assert.notEqual(r.code, 0);
    assert.match(r.out, /router: could not be read/);
    assert.equal(deletes(r).length, 2, r.calls.join('\n'));
    assert.deepEqual(r.leftover, []);
  });

  it('an audit ledger that disagrees with the restored events fails the run', () => {
    const r = drill({ FAKE_AUDIT_MISMATCH: '2' });
    assert.notEqual(r.code, 0);
    assert.match(r.out, /2 archived day\(s\)/);
    assert.deepEqual(r.leftover, []);
  });

  it('a restore that fails halfway still has its server deleted', () => {
    const r = drill({ FAKE_RESTORE_FAIL: '1' });
    assert.notEqual(r.code, 0);
    assert.ok(deletes(r).some((c) => c.includes('flexible-server delete')));
    assert.deepEqual(r.leftover, []);
  });

  it('slower than the RTO fails the run (a fake clock: 10 minutes per reading)', () => {
    const ok = drill({ FAKE_STEP: '1' }, SCRIPT, true);
    assert.equal(ok.code, 0, ok.out);
    const slow = drill({ FAKE_STEP: '600', DRILL_RTO_MINUTES: '15' }, SCRIPT, true);
    assert.notEqual(slow.code, 0);
    assert.match(slow.out, /took \d+ min, more than the RTO of 15 min/);
    assert.deepEqual(slow.leftover, []);
  });

  it('sweep: deletes what a killed run left behind, and nothing when nothing is left', () => {
    const left = drill({}, SCRIPT, false, ['sweep'], true);
    assert.equal(left.code, 0, left.out);
    assert.ok(left.calls.some((c) => c.includes("starts_with(name, 'psql-aip-dev-weu-")), left.calls.join('\n'));
    assert.equal(deletes(left).length, 2);
    assert.deepEqual(left.leftover, []);
    const clean = drill({}, SCRIPT, false, ['sweep']);
    assert.equal(clean.code, 0, clean.out);
    assert.equal(deletes(clean).length, 0);
    assert.ok(!clean.calls.some((c) => c.includes('restore')), 'a sweep restores nothing');
  });

  it('refuses to start without its plan', () => {
    const r = drill({ DRILL_RTO_MINUTES: '' });
    assert.equal(r.code, 2);
    assert.deepEqual(r.calls, []);
  });

  it('negative control: without the trap, a failing check leaves the throw-away server behind', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    assert.ok(text.includes('trap cleanup EXIT\n'));
    const copy = join(mkdtempSync(join(tmpdir(), 'drill-nc-')), 'restore-drill.sh');
    writeFileSync(copy, text.replace('trap cleanup EXIT\n', ''));
    const r = drill({ FAKE_PSQL_FAIL: '1' }, copy);
    assert.notEqual(r.code, 0);
    assert.equal(deletes(r).length, 0);
    assert.deepEqual(r.leftover, ['server', 'pe']);
  });
});
