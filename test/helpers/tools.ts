/** The pinned verification tools, for tests: a missing tool fails the test (never a skip). */
import type { SpawnSyncReturns } from 'node:child_process';
import { REPO, runTool, toolPath, type ToolName } from '../../cli/lib/tools';

export const ROOT = REPO;

export function tool(name: ToolName): string {
  return toolPath(name);
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const name = (['opa', 'conftest', 'gator', 'actionlint', 'checkov'] as ToolName[]).find((t) => cmd === toolPath(t));
  if (!name) throw new Error(`not a pinned tool: ${cmd}`);
  return runTool(name, args, env);
}
