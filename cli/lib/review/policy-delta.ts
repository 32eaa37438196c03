/**
 * Policy results that a change introduces: conftest failures and checkov findings (outside the
 * accepted list) present in the head but not in the base. The backlog the base already had is
 * not this pull request's to fix, so only the difference is reported.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkovSkips, conftestFailures, runCheckov, skipFor } from '../tools';
import type { Finding } from './model';

/**
 * @param changed the stacks whose synthesized JSON differs; an unchanged stack cannot introduce
 *   a finding, and skipping it keeps a one-tenant review fast with hundreds of tenants.
 */
export function policyDelta(baseDir: string, headDir: string, changed?: string[]): Finding[] {
  const inBase = (dir: string) => (changed ? changed.filter((s) => existsSync(join(dir, 'stacks', s, 'cdk.tf.json'))) : undefined);
  const key = (f: { stack: string; msg: string }) => `${f.stack}\u0000${f.msg}`;
  const baseConftest = new Set(conftestFailures(baseDir, inBase(baseDir)).map(key));
  const conftest: Finding[] = conftestFailures(headDir, inBase(headDir))
    .filter((f) => !baseConftest.has(key(f)))
    .map((f) => ({ level: 'error', rule: 'conftest', stack: f.stack, message: f.msg }));

  const skips = checkovSkips();
  const unaccepted = (dir: string) => runCheckov(dir, inBase(dir)).findings.filter((f) => !skipFor(f, skips));
  const ckey = (f: { id: string; stack: string; path: string }) => `${f.id}\u0000${f.stack}\u0000${f.path}`;
  const baseCheckov = new Set(unaccepted(baseDir).map(ckey));
  const checkov: Finding[] = unaccepted(headDir)
    .filter((f) => !baseCheckov.has(ckey(f)))
    .map((f) => ({
      level: 'error',
      rule: `checkov ${f.id}`,
      stack: f.stack,
      path: f.path,
      message: `${f.path}: ${f.name} (fix it, or list ${f.id} in policies/checkov/skips.yaml with a reason)`,
    }));
  return [...conftest, ...checkov];
}
