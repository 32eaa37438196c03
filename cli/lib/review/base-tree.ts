/**
 * The base side of a review without a worktree or a second process. When the base commit and
 * the working tree differ only in tenant files (tenants/*.yaml: a tenant pull request, the
 * common case) and in rendered/ (output, never input), every line of code is the same on both
 * sides, so the base is the head's own code run on the base's tenant files: its stacks come
 * from the synth cache by fingerprint like any other run's, and its committed rendered/ is read
 * from git. Any other difference (code, environments, catalogues, tools) leaves the base to its
 * own code in a worktree (synth-ref.ts), exactly as before.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { git } from './synth-ref';

const TENANTS = 'tenants/';
const RENDERED = 'rendered/';

/** A tenant file as config/tenants.ts tenantFiles() selects them: top-level *.yaml, no dot-files. */
const isTenantFile = (p: string) => p.startsWith(TENANTS) && !p.slice(TENANTS.length).includes('/') && p.endsWith('.yaml') && !basename(p).startsWith('.');

/** Paths a difference may touch for the base to be synthesized by the head's code: validated tenant input, and rendered output. */
const sameCodePath = (p: string) => isTenantFile(p) || p.startsWith(RENDERED);

export type BaseTree =
  | { readonly sameCode: true; readonly commit: string; readonly tenantFiles: string[]; readonly rendered: Map<string, string> }
  | { readonly sameCode: false; readonly reason: string };

function lines(repo: string, args: string[]): string[] {
  const res = git(repo, args);
  if (res.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout.split('\0').filter(Boolean);
}

/** Paths whose content differs between `commit` and the working tree: tracked (staged or not, deleted too) and untracked. */
export function differingPaths(repo: string, commit: string): string[] {
  const tracked = lines(repo, ['diff', '--name-only', '--no-renames', '-z', commit, '--']);
  const untracked = lines(repo, ['ls-files', '--others', '--exclude-standard', '-z']);
  return [...new Set([...tracked, ...untracked])].sort();
}

/** Blobs of `commit`, one git process for all of them. */
export function blobsAt(repo: string, commit: string, paths: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (paths.length === 0) return out;
  const res = spawnSync('git', ['-C', repo, 'cat-file', '--batch'], { input: paths.map((p) => `${commit}:${p}\n`).join(''), maxBuffer: 1 << 30 });
  if (res.status !== 0) throw new Error(`git cat-file --batch failed: ${res.stderr.toString()}`);
  const buf = res.stdout;
  let at = 0;
  for (const path of paths) {
    const eol = buf.indexOf(10, at);
    const header = buf.subarray(at, eol).toString('utf8');
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) throw new Error(`git cat-file: ${commit}:${path} is not a file (${header})`);
    const size = Number(m[1]);
    out.set(path, buf.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return out;
}

/** The files of a folder at `commit` (recursive), repository-relative. */
function filesAt(repo: string, commit: string, dir: string): string[] {
  return lines(repo, ['ls-tree', '-r', '-z', '--name-only', commit, '--', dir]);
}

/**
 * Whether the base can be synthesized with the working tree's code, and if so its tenant files:
 * unchanged ones from the working tree, the others as the base has them, written under
 * `scratch/tenants/` with their own names (a tenant's name is its file's).
 */
export function baseTree(repo: string, commit: string, scratch: string): BaseTree {
  const differing = differingPaths(repo, commit);
  const other = differing.filter((p) => !sameCodePath(p));
  if (other.length > 0) return { sameCode: false, reason: `${other.length} file(s) besides tenant files and rendered/ differ (${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''})` };
  const changed = new Set(differing);
  const tenantPaths = filesAt(repo, commit, TENANTS).filter(isTenantFile);
  const fromGit = blobsAt(repo, commit, tenantPaths.filter((p) => changed.has(p)));
  if (fromGit.size > 0) mkdirSync(join(scratch, TENANTS), { recursive: true });
  const tenantFiles = tenantPaths
    .sort((a, b) => (basename(a) < basename(b) ? -1 : 1))
    .map((p) => {
      const blob = fromGit.get(p);
      if (!blob) return join(repo, p);
      const file = join(scratch, p);
      writeFileSync(file, blob);
      return file;
    });
  const renderedPaths = filesAt(repo, commit, RENDERED).filter((p) => p.endsWith('.yaml') && !p.split('/').some((part) => part.startsWith('.')));
  const rendered = new Map([...blobsAt(repo, commit, renderedPaths)].map(([p, b]) => [p.slice(RENDERED.length), b.toString('utf8')]));
  return { sameCode: true, commit, tenantFiles, rendered };
}
