/**
 * Synthesizes a git ref into a folder: a detached temporary worktree, the project's installed
 * node_modules linked in, and that ref's own `platform synth`. The ref's code decides what it
 * synthesizes, so the base is reviewed exactly as it was.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRendered } from './gitops';

/** A review input that cannot be used; the message is for the pull request, not a stack trace. */
export class ReviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewInputError';
  }
}

export function git(repo: string, args: string[]) {
  return spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
}

/** The image lock as committed at `commit`; undefined where the commit has none. */
export function baseLockText(repo: string, commit: string): string | undefined {
  const res = git(repo, ['show', `${commit}:config/workloads-images.lock.yaml`]);
  return res.status === 0 ? res.stdout : undefined;
}

export function resolveCommit(repo: string, ref: string): string {
  const res = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (res.status !== 0) {
    throw new ReviewInputError(`base ref "${ref}" does not exist in this clone; fetch it first (e.g. git fetch origin main) or name an existing branch, tag or commit`);
  }
  return res.stdout.trim();
}

export interface RefSynth {
  readonly commit: string;
  /** The ref's committed rendered/ (what Argo CD syncs from it), relative to rendered/. */
  readonly rendered: Map<string, string>;
  /** What the ref's synth took from the cache; absent when its code predates the cache. */
  readonly stats?: { stacks: number; reused: number; built: number };
}

export interface RefSynthOptions {
  /**
   * The synth cache to share (PLATFORM_SYNTH_CACHE), so that every stack whose fingerprint the
   * head already has is copied rather than synthesized; undefined: the ref synthesizes in full.
   */
  readonly cacheDir?: string;
  /** Where the ref's synth writes its cache figures (PLATFORM_SYNTH_STATS). */
  readonly statsFile?: string;
}

/** Runs in the background, so the head can be synthesized or rendered meanwhile. */
export async function synthesizeRef(repo: string, ref: string, outdir: string, o: RefSynthOptions = {}): Promise<RefSynth> {
  const commit = resolveCommit(repo, ref);
  const worktree = join(mkdtempSync(join(tmpdir(), 'review-base-')), 'tree');
  const added = git(repo, ['worktree', 'add', '--detach', '--quiet', worktree, commit]);
  if (added.status !== 0) throw new Error(`git worktree add failed: ${added.stderr}`);
  try {
    if (!existsSync(join(worktree, 'cli/bin.js'))) {
      throw new ReviewInputError(`base ${ref} (${commit.slice(0, 12)}) predates the platform CLI and cannot be synthesized for comparison`);
    }
    // A checkout whose node_modules is itself a link may have committed that link.
    if (!existsSync(join(worktree, 'node_modules'))) symlinkSync(join(repo, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
      // One process per side: the head is synthesized at the same time, so more workers would only compete for the cores.
      // The cache is passed by environment, which a ref whose code predates it ignores (an unknown option would fail its synth).
      const env = { ...process.env, CI: 'true', PLATFORM_SYNTH_JOBS: '1', PLATFORM_SYNTH_CACHE: o.cacheDir ?? 'off', ...(o.statsFile ? { PLATFORM_SYNTH_STATS: o.statsFile } : {}) };
      const child = spawn(process.execPath, ['cli/bin.js', 'synth', '--quiet', '--out', outdir], { cwd: worktree, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let output = '';
      child.stderr.on('data', (d) => (output += d));
      child.on('error', fail);
      child.on('close', (c) => done({ code: c, output }));
    });
    if (code !== 0) {
      const reason = output.trim().split('\n').slice(0, 20).join('\n');
      throw new ReviewInputError(`base ${ref} (${commit.slice(0, 12)}) does not synthesize:\n${reason}`);
    }
    const stats = o.statsFile && existsSync(o.statsFile) ? (JSON.parse(readFileSync(o.statsFile, 'utf8')) as RefSynth['stats']) : undefined;
    return { commit, rendered: readRendered(join(worktree, 'rendered')), ...(stats ? { stats } : {}) };
  } finally {
    git(repo, ['worktree', 'remove', '--force', worktree]);
    rmSync(join(worktree, '..'), { recursive: true, force: true });
  }
}

/** The head as a reviewer names it: the checked-out commit, and whether the tree has changes on top. */
export function headCommit(repo: string): { commit: string; dirty: boolean } {
  const rev = git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  const status = git(repo, ['status', '--porcelain', '--untracked-files=normal']);
  return { commit: rev.status === 0 ? rev.stdout.trim() : '(no commit)', dirty: status.stdout.trim().length > 0 };
}

/** The pipeline run that made this review, from the CI system's own variables. */
export function pipelineRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  if (env.SYSTEM_COLLECTIONURI && env.SYSTEM_TEAMPROJECT && env.BUILD_BUILDID) return `${env.SYSTEM_COLLECTIONURI}${encodeURIComponent(env.SYSTEM_TEAMPROJECT)}/_build/results?buildId=${env.BUILD_BUILDID}`;
  return undefined;
}
