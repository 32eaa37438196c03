/**
 * Policy results that a change introduces: conftest failures and checkov findings (outside the
 * accepted list) present in the head but not in the base. The backlog the base already had is
 * not this pull request's to fix, so only the difference is reported. The three tool runs go
 * side by side; checkov runs in a session started earlier when one is given (its import then
 * overlaps synthesis), in a new process otherwise.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckovSession } from '../checkov-session';
import { callAsync, checkovCall, checkovSkips, conftestCall, skipFor, stackFiles, type CheckovFinding } from '../tools';
import type { Finding } from './model';

const SIDES = ['base', 'head'] as const;

/**
 * @param changed the stacks whose synthesized JSON differs; an unchanged stack cannot introduce
 *   a finding, and skipping it keeps a one-tenant review fast with hundreds of tenants.
 * @param session runs the (first) checkov scan; the caller closes it, used or not.
 */
export async function policyDelta(baseDir: string, headDir: string, changed?: string[], session?: CheckovSession): Promise<Finding[]> {
  const dirs = { base: baseDir, head: headDir };
  const present = (dir: string) => (changed ?? []).filter((s) => existsSync(join(dir, 'stacks', s, 'cdk.tf.json')));
  const files = (dir: string) => stackFiles(dir, changed ? present(dir) : undefined);
  const conftest = (dir: string) => (files(dir).length ? callAsync(conftestCall(files(dir))) : Promise.resolve([]));

  // One checkov process over both sides (it takes seconds to start): <side>--<stack>/cdk.tf.json.
  const scan = mkdtempSync(join(tmpdir(), 'checkov-'));
  try {
    let copied = 0;
    for (const side of changed ? SIDES : []) {
      for (const stack of present(dirs[side])) {
        mkdirSync(join(scan, 'stacks', `${side}--${stack}`), { recursive: true });
        copyFileSync(join(dirs[side], 'stacks', stack, 'cdk.tf.json'), join(scan, 'stacks', `${side}--${stack}`, 'cdk.tf.json'));
        copied++;
      }
    }
    // A session serves one scan: the first one here; without `changed` the other side starts its own.
    let sessionUsed = false;
    const scanWith = (target: string[]) => {
      const use = session && !sessionUsed;
      sessionUsed ||= Boolean(use);
      return use ? session!.run(checkovCall(target)) : callAsync(checkovCall(target));
    };
    const checkov = async (): Promise<(CheckovFinding & { side: string })[]> => {
      if (changed && copied === 0) return [];
      if (changed) return (await scanWith(['-d', join(scan, 'stacks')])).findings.map((f) => ({ ...f, side: f.stack.split('--')[0], stack: f.stack.split('--')[1] }));
      const sides = await Promise.all(SIDES.map(async (side) => (await scanWith(['-d', join(dirs[side], 'stacks')])).findings.map((f) => ({ ...f, side }))));
      return sides.flat();
    };
    const [baseConftest, headConftest, findings] = await Promise.all([conftest(baseDir), conftest(headDir), checkov()]);

    const key = (f: { stack: string; msg: string }) => `${f.stack}\u0000${f.msg}`;
    const inBaseConftest = new Set(baseConftest.map(key));
    const newConftest: Finding[] = headConftest.filter((f) => !inBaseConftest.has(key(f))).map((f) => ({ level: 'error', rule: 'conftest', stack: f.stack, message: f.msg }));

    const skips = checkovSkips();
    const unaccepted = findings.filter((f) => !skipFor(f, skips));
    const ckey = (f: { id: string; stack: string; path: string }) => `${f.id}\u0000${f.stack}\u0000${f.path.replace(/^[^/]+/, '')}`;
    const inBase = new Set(unaccepted.filter((f) => f.side === 'base').map(ckey));
    const newCheckov: Finding[] = unaccepted
      .filter((f) => f.side === 'head' && !inBase.has(ckey(f)))
      .map((f) => ({
        level: 'error',
        rule: `checkov ${f.id}`,
        stack: f.stack,
        path: f.path,
        message: `${f.path}: ${f.name} (fix it, or list ${f.id} in policies/checkov/skips.yaml with a reason)`,
      }));
    return [...newConftest, ...newCheckov];
  } finally {
    rmSync(scan, { recursive: true, force: true });
  }
}
