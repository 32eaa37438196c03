/**
 * Output folders that synth and render own. They write only into a folder they created or that
 * carries their marker file, and refuse `.`, the repository root and its ancestors, `/` and home
 * folders outright. One run at a time holds a folder's lock; a second one waits for it. New
 * output is built in a staging folder beside the old one and swapped in whole, so a crash or a
 * kill at any moment leaves the complete old or the complete new output, never a mix; staging
 * folders and locks carry names that .gitignore covers, and the next run removes those of
 * processes that are gone.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError } from '../exit-codes';

/** The file that marks a folder as written by this tool (deterministic content: outputs stay byte-identical). */
export const OUTPUT_MARKER = '.platform-output';
const MARKER_TEXT = 'Written by `platform synth` or `platform render`; they refuse to replace a folder without this file.\n';
/** Staging and set-aside folders: `.<name>.platform-tmp-<pid>-<role>` (.gitignore: `.*.platform-tmp-*`). */
const TMP = '.platform-tmp-';
/** Locks: `.<name>.platform-lock` beside the folder (.gitignore: `*.platform-lock`). */
const LOCK = '.platform-lock';

/** The folder cannot be used as an output folder (exit 2). */
export class OutputFolderError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFolderError';
  }
}

/** Another run held the folder's lock longer than this one would wait (exit 75). */
export class OutputBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputBusyError';
  }
}

const isAncestorOrSelf = (a: string, b: string) => a === b || b.startsWith(a.endsWith(sep) ? a : a + sep);

/** Home folders of this machine's users (the current one, and /home/<user>, /root). */
function isHome(dir: string): boolean {
  return dir === homedir() || dir === '/root' || /^\/home\/[^/]+\/?$/.test(dir) || /^\/Users\/[^/]+\/?$/.test(dir);
}

/** Throws an OutputFolderError, saying why and what to do, unless `dir` may be replaced by the tool. */
export function checkOutputFolder(dir: string, o: { repoRoot: string; cwd: string; flag: string }): string {
  if (!dir.trim()) throw new OutputFolderError(`${o.flag} "" is empty: name a folder for the output, e.g. ${o.flag} cdktf.out`);
  const abs = resolve(o.cwd, dir);
  const refuse = (why: string) => new OutputFolderError(`refusing ${o.flag} ${dir} (${abs}): ${why}; the tool replaces its output folder whole, so name a folder of its own, e.g. ${o.flag} cdktf.out`);
  if (abs === sep || abs === resolve('/')) throw refuse('it is the file system root');
  if (abs === resolve(o.cwd)) throw refuse('it is the current folder');
  if (isAncestorOrSelf(abs, resolve(o.repoRoot))) throw refuse(abs === resolve(o.repoRoot) ? 'it is the repository root' : 'it contains the repository');
  if (isHome(abs)) throw refuse('it is a home folder');
  let st;
  try {
    st = lstatSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return abs;
    throw ioError(abs, err, o.flag);
  }
  if (st.isSymbolicLink()) throw refuse('it is a symbolic link');
  if (!st.isDirectory()) throw refuse('it is a file');
  const entries = readdirSync(abs);
  if (entries.length > 0 && !entries.includes(OUTPUT_MARKER)) throw refuse(`it holds files that this tool did not write (no ${OUTPUT_MARKER} marker)`);
  return abs;
}

/** A file-system error as a message about the folder, not a stack trace. */
export function ioError(path: string, err: unknown, flag: string): OutputFolderError {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const what: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file',
    ENOENT: 'it cannot hold new folders',
    ENOSPC: 'the disk is full',
    ENAMETOOLONG: 'the path is too long',
  };
  return new OutputFolderError(`cannot write ${path} (${flag}): ${what[code] ?? code}; choose a folder you can write to`);
}

/** Whether a process with this id runs (one of another user's counts: it may hold a lock). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sleeps synchronously (the lock is taken before any asynchronous work starts). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface Lock {
  release(): void;
}

/**
 * Takes the lock of `dir` (a file beside it, created exclusively), waiting up to `waitMs` for
 * another live run; a lock whose process is gone is taken over.
 */
export function lockFolder(dir: string, o: { holder: string; flag: string; waitMs?: number; onWait?: (msg: string) => void }): Lock {
  const file = join(dirname(dir), `.${basename(dir)}${LOCK}`);
  const deadline = Date.now() + (o.waitMs ?? Number(process.env.PLATFORM_LOCK_WAIT_MS ?? 10 * 60_000));
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, holder: o.holder, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(dirname(dir), err, o.flag);
    }
    let owner: { pid?: number; holder?: string; since?: string } = {};
    try {
      owner = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Written but not yet filled by its owner, or removed meanwhile: look again.
    }
    if (owner.pid && !alive(owner.pid)) {
      // Only the one that removes it proceeds; the others find the new owner's lock.
      try {
        unlinkSync(file);
      } catch {
        // Someone else took it over first.
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new OutputBusyError(`${dir} is being written by ${owner.holder ?? 'another run'} (pid ${owner.pid ?? '?'}, since ${owner.since ?? '?'}); wait for it to finish, or delete ${file} if that process no longer exists`);
    }
    if (!told && owner.pid) {
      o.onWait?.(`waiting for ${owner.holder ?? 'another run'} (pid ${owner.pid}) to finish writing ${dir} ...`);
      told = true;
    }
    sleep(200);
  }
}

const tmpName = (dir: string, role: 'staging' | 'previous', pid = process.pid) => join(dirname(dir), `.${basename(dir)}${TMP}${pid}-${role}`);

/**
 * Called with the lock held: puts back an old output that a killed run had set aside (only where
 * the exchange below was not available), and removes the staging folders of runs that are gone.
 */
export function recoverFolder(dir: string): string[] {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}${TMP}`;
  if (!existsSync(parent)) return [];
  const notes: string[] = [];
  for (const name of readdirSync(parent).filter((n) => n.startsWith(prefix))) {
    const [pid, role] = name.slice(prefix.length).split('-');
    if (alive(Number(pid)) && Number(pid) !== process.pid) continue;
    const path = join(parent, name);
    if (role === 'previous' && !existsSync(dir)) {
      renameSync(path, dir);
      notes.push(`restored ${dir} from the run (pid ${pid}) that was stopped while replacing it`);
      continue;
    }
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // A worker of that run may still be writing into it; the next run removes it.
    }
  }
  return notes;
}

/** An empty staging folder beside `dir`, on the same file system so that the swap is a rename. */
export function stagingFolder(dir: string): string {
  const staging = tmpName(dir, 'staging');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  return staging;
}

/**
 * Swaps `staging` in as `dir` in one step (with the marker, for folders the user names): renameat2(RENAME_EXCHANGE) through Python's ctypes
 * (Node has no call for it), then removes the old output. Where that is not available (no
 * Python 3, not Linux) the old folder is set aside, the new one renamed in, and the old one
 * removed; a run killed between those two renames is repaired by the next run (recoverFolder).
 */
export function replaceFolder(staging: string, dir: string, o: { marker: boolean } = { marker: true }): void {
  if (o.marker) markOwnOutput(staging);
  if (!existsSync(dir)) {
    renameSync(staging, dir);
    return;
  }
  if (exchange(staging, dir)) {
    rmSync(staging, { recursive: true, force: true });
    return;
  }
  const previous = tmpName(dir, 'previous');
  renameSync(dir, previous);
  renameSync(staging, dir);
  rmSync(previous, { recursive: true, force: true });
}

const EXCHANGE = [
  'import ctypes, os, sys',
  'libc = ctypes.CDLL(None, use_errno=True)',
  'f = getattr(libc, "renameat2", None)',
  'sys.exit(3 if f is None else (0 if f(-100, os.fsencode(sys.argv[1]), -100, os.fsencode(sys.argv[2]), 2) == 0 else 4))',
].join('\n');

function exchange(a: string, b: string): boolean {
  if (process.platform !== 'linux' || process.env.PLATFORM_NO_EXCHANGE === '1') return false;
  const res = spawnSync('python3', ['-c', EXCHANGE, a, b], { stdio: 'ignore' });
  return res.status === 0;
}

/** Marks a folder the cdktf CLI synthesized through main.ts as the tool's own. */
export function markOwnOutput(dir: string): void {
  writeFileSync(join(dir, OUTPUT_MARKER), MARKER_TEXT);
}

/** Whether a folder was written by this tool. */
export function isOwnOutput(dir: string): boolean {
  return existsSync(join(dir, OUTPUT_MARKER));
}

/**
 * Runs `cleanup` if the process is interrupted (Ctrl-C, a CI cancel) and then exits with the
 * signal's code; returns the function that uninstalls it.
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = () => {
      try {
        cleanup();
      } finally {
        process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
      }
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
