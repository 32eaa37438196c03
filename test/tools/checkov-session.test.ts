/**
 * The checkov session (cli/lib/checkov-session.ts) against the checkov CLI, with the real
 * checkov: the same report on the same input, a new failing resource reported as new by the
 * review's policy delta, a session that cannot run is an error (never an empty result), and no
 * process left once it is closed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCheckov, type CheckovSession } from '../../cli/lib/checkov-session';
import { startEarlyCheckov, takeEarlyCheckov } from '../../cli/lib/review/early-checkov';
import { reviewCommand } from '../../cli/commands/review';
import { createProgress } from '../../cli/progress';
import { changedStacks, readSynthOutput } from '../../cli/lib/review/diff';
import { policyDelta } from '../../cli/lib/review/policy-delta';
import { callAsync, checkovCall, REPO, type ToolCall, type ToolResult } from '../../cli/lib/tools';
import { synthApp } from '../helpers/synth';

const app = synthApp();
const tenantStack = Object.keys(app.stacks).find((s) => s.startsWith('dev-tenant-'))!;

/** checkovCall's arguments and environment, with the raw result instead of its reading. */
const raw = (target: string[]): ToolCall<ToolResult> => ({ ...checkovCall(target), parse: (res) => res });

/** The tenant stack with its key vault's purge protection off (CKV_AZURE_110), plus `extra` resources. */
function doctored(json: Record<string, any>, vaults = 1): Record<string, any> {
  const copy = structuredClone(json);
  const [id, vault] = Object.entries<any>(copy.resource.azurerm_key_vault)[0];
  vault.purge_protection_enabled = false;
  for (let i = 1; i < vaults; i++) copy.resource.azurerm_key_vault[`${id}_copy${i}`] = { ...structuredClone(vault), '//': { metadata: { path: `${vault['//'].metadata.path}-copy${i}`, uniqueId: `${id}_copy${i}` } }, name: `${vault.name.slice(0, 20)}c${i}` };
  return copy;
}

function stackDir(json: Record<string, any>): string {
  const dir = mkdtempSync(join(tmpdir(), 'checkov-session-'));
  mkdirSync(join(dir, tenantStack));
  writeFileSync(join(dir, tenantStack, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  return dir;
}

/** Live processes (not zombies) in the session's process group (its leader's pid is the group id). */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(pgrp) === pgid && state !== 'Z' ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

/** A process killed as its parent exits is reaped by init a moment later: wait for that, not for a time. */
async function gone(pgid: number): Promise<number[]> {
  for (let i = 0; i < 100 && groupMembers(pgid).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return groupMembers(pgid);
}

const pidOf = (s: CheckovSession) => {
  assert.ok(s.pid, 'the session has a process');
  return s.pid;
};

describe('checkov session', () => {
  it('gives the report, byte for byte, and the exit status that the CLI gives on the same input', async () => {
    const dir = stackDir(doctored(app.stack(tenantStack).json));
    const session = startCheckov();
    try {
      const [viaSession, viaCli] = await Promise.all([session.run(raw(['-d', dir])), callAsync(raw(['-d', dir]))]);
      assert.equal(viaCli.status, 1, 'checkov fails the doctored stack');
      assert.equal(viaSession.status, viaCli.status);
      assert.equal(viaSession.stdout, viaCli.stdout);
      const findings = checkovCall([]).parse(viaSession).findings;
      assert.ok(findings.some((f) => f.id === 'CKV_AZURE_110' && f.stack === tenantStack), JSON.stringify(findings));
    } finally {
      session.close();
    }
  });

  it('through the policy delta: a new failing resource in the head is new, the same stack is not (negative control)', async () => {
    const baseDir = app.outdir;
    const head = join(mkdtempSync(join(tmpdir(), 'checkov-session-head-')), 'out');
    cpSync(baseDir, head, { recursive: true });
    const file = join(head, 'stacks', tenantStack, 'cdk.tf.json');
    writeFileSync(file, JSON.stringify(doctored(JSON.parse(readFileSync(file, 'utf8')), 2), null, 2));
    const changed = changedStacks(readSynthOutput(baseDir), readSynthOutput(head));
    assert.deepEqual(changed, [tenantStack]);

    const sessions = [startCheckov(), startCheckov()];
    try {
      const found = await policyDelta(baseDir, head, changed, sessions[0]);
      const vaults = found.filter((f) => f.rule === 'checkov CKV_AZURE_110' && f.stack === tenantStack);
      assert.equal(vaults.length, 2, JSON.stringify(found));
      assert.ok(vaults.some((f) => /_copy1$/.test(f.path ?? '')), JSON.stringify(vaults));
      assert.deepEqual(found, await policyDelta(baseDir, head, changed), 'the same findings as the CLI');
      assert.deepEqual(await policyDelta(baseDir, baseDir, changed, sessions[1]), []);
    } finally {
      for (const s of sessions) s.close();
    }
  });

  it('a session that was killed, or whose checkov fails, is an error: the review cannot pass on nothing', async () => {
    const dir = stackDir(app.stack(tenantStack).json);
    const closed = startCheckov();
    closed.close();
    await assert.rejects(closed.ready, /checkov was killed \(SIGKILL\) before it was ready/);
    await assert.rejects(policyDelta(app.outdir, app.outdir, [tenantStack], closed), /checkov was killed \(SIGKILL\)/);

    const midRun = startCheckov();
    await midRun.ready;
    const running = midRun.run(checkovCall(['-d', dir]));
    process.kill(-pidOf(midRun), 'SIGKILL');
    await assert.rejects(running, /checkov was killed \(SIGKILL\) while it ran/);

    const badArgs = startCheckov();
    try {
      await assert.rejects(badArgs.run(checkovCall(['--no-such-option'])), /checkov printed nothing/);
      await assert.rejects(badArgs.run(checkovCall(['-d', dir])), /runs checkov once/);
    } finally {
      badArgs.close();
    }
  });

  it('leaves no process behind: closed unused, closed after a run, or never closed by a command that ends', async () => {
    const unused = startCheckov();
    const pid = pidOf(unused);
    assert.notDeepEqual(groupMembers(pid), []);
    unused.close();
    await assert.rejects(unused.ready);
    assert.deepEqual(groupMembers(pid), []);

    const used = startCheckov();
    await used.run(checkovCall(['-d', stackDir(app.stack(tenantStack).json)]));
    used.close();
    assert.deepEqual(groupMembers(pidOf(used)), []);

    // A command that forgets to close it: Node is not kept waiting, and the process goes with it.
    const script = `const { startCheckov } = require(${JSON.stringify(join(REPO, 'cli/lib/checkov-session'))}); console.log(startCheckov().pid);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    const orphan = Number(child.stdout.trim());
    assert.ok(orphan > 0, child.stdout);
    assert.deepEqual(await gone(orphan), []);
  });

  it('started early (cli/bin.js) for a review: taken once by the command, and ended by one that stops at its arguments', async () => {
    assert.equal(startEarlyCheckov(['review', '--no-policy']), undefined, 'none without the policy checks');
    assert.equal(takeEarlyCheckov(), undefined);

    const early = startEarlyCheckov(['review', '--format', 'bogus']);
    const pid = pidOf(early!);
    assert.notDeepEqual(groupMembers(pid), []);
    const out: string[] = [];
    const ctx = { cwd: REPO, stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => true }, progress: createProgress(true) } as never;
    // The command takes the session at its start, so a second command finds none; an unknown format stops it before any work.
    assert.equal(await reviewCommand.run({ base: 'HEAD', format: 'bogus' }, [], ctx), 2);
    assert.equal(takeEarlyCheckov(), undefined, 'taken by the command');
    assert.deepEqual(await gone(pid), [], 'ended with the command');
  });
});
