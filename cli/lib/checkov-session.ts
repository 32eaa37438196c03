/**
 * checkov started ahead of its one run. Importing checkov costs seconds of CPU before it reads
 * a file; a session starts that import at once (the review: at its start, so it overlaps
 * synthesis) and runs checkov's own entry point, `Checkov().run()`, once the arguments are
 * known (cli/lib/checkov-session.py). The report, the exit status and the reading of them are
 * those of the CLI call (`checkovCall`): same arguments, same environment, same working folder.
 *
 * A session serves one run and holds a process until then: `close()` it when the command ends,
 * used or not (it kills the process group; a session still open when Node exits is killed too).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { MissingToolError } from '../exit-codes';
import type { ToolCall } from './tools';

/**
 * The repository root (tools.ts REPO), and the environment every checkov call has (tools.ts
 * checkovCall takes it from here): this module is loaded by cli/bin.js before anything else
 * (review/early-checkov.ts), so it does not load tools.ts and the YAML parser with it.
 */
const REPO = resolve(__dirname, '../..');

/** Offline: no guideline download, no telemetry. A checkov session starts with it. */
export const CHECKOV_ENV: Readonly<Record<string, string>> = { BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' };

/** The venv scripts/tools.sh installs checkov into, and the console script it makes. */
const VENV = resolve(REPO, '.tools/checkov-venv');
const DRIVER = resolve(__dirname, 'checkov-session.py');

export interface CheckovSession {
  /** The process, also its process group's id. */
  readonly pid: number | undefined;
  /** Settles when checkov is imported and waits for its arguments; rejects if the process ended first. */
  readonly ready: Promise<void>;
  /** Runs checkov once with the call's arguments (a `checkovCall`); rejects when checkov could not run. */
  run<T>(call: ToolCall<T>): Promise<T>;
  /** Ends the process (and anything it started) if it is still running; safe to call twice. */
  close(): void;
}

export function startCheckov(): CheckovSession {
  const python = resolve(VENV, 'bin/python3');
  const script = resolve(VENV, 'bin/checkov');
  if (!existsSync(python) || !existsSync(script)) throw new MissingToolError('checkov', 'Run: npm run tools -- checkov');
  // Its own process group, so that close() also ends whatever checkov forks for its scan.
  const child = spawn(python, [DRIVER, script], { cwd: REPO, env: { ...process.env, ...CHECKOV_ENV }, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  // Writing the request to a process that already died: reported through `exited`.
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null; error?: Error }>((done) => {
    child.on('error', (error) => done({ status: null, signal: null, error }));
    child.on('close', (status, signal) => done({ status, signal }));
  });
  // Once ready, an unused session must not keep Node running (the exit hook below ends it); until
  // then, during a run and after close() it does, so that `ready`, a run and the exit all settle.
  const streams = [child.stdin, child.stdout, child.stderr] as unknown as { ref?(): void; unref?(): void }[];
  const hold = (on: boolean) => {
    if (on) child.ref();
    else child.unref();
    for (const s of streams) (on ? s.ref : s.unref)?.call(s);
  };
  let running = child.pid !== undefined;
  let used = false;
  void exited.then(() => {
    running = false;
    process.off('exit', kill);
  });

  const control = child.stdio[3] as NodeJS.ReadableStream;
  let said = '';
  const ready = new Promise<void>((done, fail) => {
    control.on('data', (d) => {
      said += d;
      if (!said.includes('ready\n')) return;
      if (!used && running) hold(false);
      done();
    });
    void exited.then((e) => fail(failure('before it was ready', e)));
  });
  ready.catch(() => undefined);

  function kill(): void {
    if (!running) return;
    hold(true);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }
  process.on('exit', kill);

  function failure(when: string, e: { status: number | null; signal: NodeJS.Signals | null; error?: Error }): Error {
    const how = e.error ? e.error.message : e.signal ? `was killed (${e.signal})` : `exited with status ${e.status}`;
    return new Error(`checkov ${how} ${when}: ${stderr.slice(-2000)}`);
  }

  return {
    pid: child.pid,
    ready,
    async run<T>(call: ToolCall<T>): Promise<T> {
      if (call.name !== 'checkov') throw new Error(`a checkov session runs checkov, not ${call.name}`);
      if (used) throw new Error('a checkov session runs checkov once; start another');
      used = true;
      try {
        if (!running) throw failure('before it was given its arguments', await exited);
        // The call's environment is the session's (CHECKOV_ENV, fixed when it started).
        const extra = Object.entries(call.env ?? {}).filter(([k, v]) => CHECKOV_ENV[k] !== v);
        if (extra.length) throw new Error(`the checkov session was started without ${extra.map(([k]) => k).join(', ')}`);
        hold(true);
        child.stdin!.end(`${JSON.stringify(call.args)}\n`);
        const e = await exited;
        // checkov exits 1 when a check fails; only a run that did not finish is an error here.
        if (e.error || e.signal) throw failure('while it ran', e);
        return call.parse({ status: e.status, stdout, stderr });
      } finally {
        call.cleanup?.();
      }
    },
    close: kill,
  };
}
