/**
 * The pinned verification tools (scripts/tools.sh installs them into .tools/bin) and runners
 * for conftest and checkov over a synth output, shared by `platform review` and the tests.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { MissingToolError } from '../exit-codes';
import { CHECKOV_ENV } from './checkov-session';

export const REPO = resolve(__dirname, '../..');
export type ToolName = 'opa' | 'conftest' | 'gator' | 'actionlint' | 'helm' | 'promtool' | 'amtool' | 'checkov' | 'litellm-python' | 'mlflow' | 'shellcheck';

export function toolPath(name: ToolName): string {
  const path = resolve(REPO, '.tools/bin', name);
  if (!existsSync(path)) throw new MissingToolError(name, 'Run: npm run tools (npm test installs it too).');
  return path;
}

/** Fails before any work when tools are missing, naming all of them and the command that installs them. */
export function assertTools(names: ToolName[], purpose: string): void {
  const missing = names.filter((n) => !existsSync(resolve(REPO, '.tools/bin', n)));
  if (missing.length === 0) return;
  const tools = ['promtool', 'amtool'].some((t) => missing.includes(t as ToolName)) ? [...new Set(missing.map((m) => (m === 'promtool' || m === 'amtool' ? 'prometheus' : m)))] : missing;
  throw new MissingToolError(missing.join(', '), `${purpose} needs ${missing.length === 1 ? 'it' : 'them'}. Run: npm run tools -- ${tools.join(' ')}`);
}

export function runTool(name: ToolName, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(toolPath(name), args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One tool invocation and how its output is read; run it now (`call`) or alongside others (`callAsync`). */
export interface ToolCall<T> {
  readonly name: ToolName;
  readonly args: string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Files the call needs until it has finished. */
  readonly cleanup?: () => void;
  parse(res: ToolResult): T;
}

export function call<T>(c: ToolCall<T>): T {
  try {
    return c.parse(runTool(c.name, c.args, c.env));
  } finally {
    c.cleanup?.();
  }
}

export function callAsync<T>(c: ToolCall<T>): Promise<T> {
  return new Promise<T>((done, fail) => {
    // stdin closed: gator reads objects from a piped stdin.
    const child = spawn(toolPath(c.name), c.args, { cwd: REPO, env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => {
      try {
        done(c.parse({ status, stdout, stderr }));
      } catch (err) {
        fail(err);
      } finally {
        c.cleanup?.();
      }
    });
  });
}

/** The synthesized JSON files of a synth output, optionally only of some stacks. */
export function stackFiles(outdir: string, only?: string[]): string[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks)
    .filter(([name]) => !only || only.includes(name))
    .map(([, s]) => join(outdir, s.synthesizedStackPath));
}

/** conftest with policies/terraform over stack files (cdk.tf.json): failure messages by stack. */
export function conftestCall(files: string[]): ToolCall<{ stack: string; msg: string }[]> {
  return {
    name: 'conftest',
    args: ['test', '--no-color', '--all-namespaces', '--output', 'json', '--policy', 'policies/terraform', '--data', 'policies/terraform/data', ...files],
    parse(res) {
      if (!res.stdout.trim()) throw new Error(`conftest produced no report: ${res.stderr}`);
      const results = JSON.parse(res.stdout) as { filename: string; failures?: { msg: string }[] }[];
      return results.flatMap((r) => (r.failures ?? []).map((f) => ({ stack: basename(dirname(r.filename)), msg: f.msg })));
    },
  };
}

export function conftestFailures(outdir: string, only?: string[]): { stack: string; msg: string }[] {
  const files = stackFiles(outdir, only);
  return files.length === 0 ? [] : call(conftestCall(files));
}

/** What covers an accepted checkov finding; test/tools/checkov.test.ts proves it exists. */
export type CheckovControl =
  /**
   * A resource of `type` in each of `stacks` (default: some stack) with the `where` values (a value
   * `{ oneOf: [...] }` takes any of those); `every`: all of them must have them.
   */
  | { readonly resource: { readonly type: string; readonly stacks?: string[]; readonly where?: Record<string, unknown>; readonly every?: boolean } }
  | { readonly rego: { readonly file: string; readonly message: string } }
  | { readonly gatekeeper: string };

export interface CheckovSkip {
  readonly id: string;
  readonly stacks?: string[];
  readonly reason: string;
  readonly control: CheckovControl;
}

export interface CheckovFinding {
  readonly id: string;
  readonly stack: string;
  readonly path: string;
  readonly name: string;
}

export const CHECKOV_SKIPS_FILE = join(REPO, 'policies/checkov/skips.yaml');

export function checkovSkips(file = CHECKOV_SKIPS_FILE): CheckovSkip[] {
  return (parse(readFileSync(file, 'utf8')) as { skips: CheckovSkip[] }).skips;
}

export function skipFor(finding: CheckovFinding, skips: CheckovSkip[]): CheckovSkip | undefined {
  return skips.find((s) => s.id === finding.id && (!s.stacks || s.stacks.includes(finding.stack)));
}

export interface CheckovReport {
  readonly findings: CheckovFinding[];
  readonly passedByStack: Map<string, number>;
}

/** checkov (terraform_json) over a folder of stacks (`-d`) or some stack files (`-f`). */
export function checkovCall(target: string[]): ToolCall<CheckovReport> {
  return {
    name: 'checkov',
    args: [...target, '--framework', 'terraform_json', '--output', 'json', '--compact', '--skip-download'],
    env: CHECKOV_ENV,
    parse: (res) => parseCheckov(res),
  };
}

/** checkov over a synth output (or some of its stacks): failed checks, and passed-check counts per stack. */
export function runCheckov(outdir: string, only?: string[]): CheckovReport {
  if (only && only.length === 0) return { findings: [], passedByStack: new Map() };
  return call(checkovCall(only ? stackFiles(outdir, only).flatMap((f) => ['-f', f]) : ['-d', join(outdir, 'stacks')]));
}

function parseCheckov(res: ToolResult): CheckovReport {
  if (!res.stdout.trim()) throw new Error(`checkov printed nothing: ${res.stderr.slice(-2000)}`);
  const parsed = JSON.parse(res.stdout);
  const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
  const passedByStack = new Map<string, number>();
  for (const r of reports) {
    for (const p of r.results?.passed_checks ?? []) {
      const stack = basename(dirname(p.file_path));
      passedByStack.set(stack, (passedByStack.get(stack) ?? 0) + 1);
    }
  }
  const findings = reports.flatMap((r) =>
    (r.results?.failed_checks ?? []).map((f: any) => ({
      id: f.check_id,
      stack: basename(dirname(f.file_path)),
      path: f.code_block?.map((l: [number, string]) => l[1]).join('').match(/"path": "([^"]+)"/)?.[1] ?? f.resource,
      name: f.check_name,
    })),
  );
  return { findings, passedByStack };
}

export interface GatorResult {
  readonly constraint: { kind: string; metadata: { name: string } };
  readonly msg: string;
  readonly enforcementAction: string;
  readonly violatingObject: { kind: string; metadata: { name: string; namespace?: string } };
}

/** `gator test` over templates, constraints and objects together: every violation (all enforcement actions). */
export function gatorCall(objects: Record<string, unknown>[]): ToolCall<GatorResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gator-'));
  const file = join(dir, 'all.yaml');
  writeFileSync(file, objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'));
  return {
    name: 'gator',
    args: ['test', '--filename', file, '--output', 'json'],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    parse(res) {
      if (!res.stdout.trim() && res.status !== 0) throw new Error(`gator test failed without output: ${res.stderr}`);
      return (res.stdout.trim() ? (JSON.parse(res.stdout) as GatorResult[] | null) : null) ?? [];
    },
  };
}

export const gatorViolations = (objects: Record<string, unknown>[]): GatorResult[] => call(gatorCall(objects));
