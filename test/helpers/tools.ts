/** Locates the pinned verification tools installed by scripts/tools.sh. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export const ROOT = resolve(__dirname, '../..');

export function tool(name: 'opa' | 'conftest' | 'gator' | 'checkov'): string {
  const path = resolve(ROOT, '.tools/bin', name);
  if (!existsSync(path)) {
    // Not a skip: a suite that silently skips its real validators proves nothing.
    throw new Error(`${name} is not installed in .tools/bin. Run: npm run tools (or npm test, which installs it)`);
  }
  return path;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}
