/**
 * Policy results that a change introduces: conftest failures and checkov findings (outside the
 * accepted list) present in the head but not in the base. The backlog the base already had is
 * not this pull request's to fix, so only the difference is reported.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkovSkips, conftestFailures, runCheckov, skipFor } from '../tools';
import type { Finding } from './model';

const SIDES = ['base', 'head'] as const;

/**
 * @param changed the stacks whose synthesized JSON differs; an unchanged stack cannot introduce
 *   a finding, and skipping it keeps a one-tenant review fast with hundreds of tenants.
 */
export function policyDelta(baseDir: string, headDir: string, changed?: string[]): Finding[] {
  const dirs = { base: baseDir, head: headDir };
  const present = (dir: string) => (changed ?? []).filter((s) => existsSync(join(dir, 'stacks', s, 'cdk.tf.json')));
  const only = (dir: string) => (changed ? present(dir) : undefined);

  const key = (f: { stack: string; msg: string }) => `${f.stack}\u0000${f.msg}`;
  const baseConftest = new Set(conftestFailures(baseDir, only(baseDir)).map(key));
  const conftest: Finding[] = conftestFailures(headDir, only(headDir))
    .filter((f) => !baseConftest.has(key(f)))
    .map((f) => ({ level: 'error', rule: 'conftest', stack: f.stack, message: f.msg }));

  // One checkov process over both sides (it takes seconds to start): <side>--<stack>/cdk.tf.json.
  const scan = mkdtempSync(join(tmpdir(), 'checkov-'));
  let copied = 0;
  try {
    for (const side of SIDES) {
      const stacks = changed ? present(dirs[side]) : undefined;
      for (const stack of stacks ?? []) {
        mkdirSync(join(scan, 'stacks', `${side}--${stack}`), { recursive: true });
        copyFileSync(join(dirs[side], 'stacks', stack, 'cdk.tf.json'), join(scan, 'stacks', `${side}--${stack}`, 'cdk.tf.json'));
        copied++;
      }
    }
    if (changed && copied === 0) return conftest;
    const findings = changed
      ? runCheckov(scan).findings.map((f) => {
          const [side, stack] = f.stack.split('--');
          return { ...f, side, stack };
        })
      : SIDES.flatMap((side) => runCheckov(dirs[side]).findings.map((f) => ({ ...f, side })));
    const skips = checkovSkips();
    const unaccepted = findings.filter((f) => !skipFor(f, skips));
    const ckey = (f: { id: string; stack: string; path: string }) => `${f.id}\u0000${f.stack}\u0000${f.path.replace(/^[^/]+/, '')}`;
    const inBase = new Set(unaccepted.filter((f) => f.side === 'base').map(ckey));
    const checkov: Finding[] = unaccepted
      .filter((f) => f.side === 'head' && !inBase.has(ckey(f)))
      .map((f) => ({
        level: 'error',
        rule: `checkov ${f.id}`,
        stack: f.stack,
        path: f.path,
        message: `${f.path}: ${f.name} (fix it, or list ${f.id} in policies/checkov/skips.yaml with a reason)`,
      }));
    return [...conftest, ...checkov];
  } finally {
    rmSync(scan, { recursive: true, force: true });
  }
}
