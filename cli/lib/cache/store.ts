/**
 * The content-addressed store behind incremental synth and render: `<dir>/<fingerprint>/entry`,
 * one file per entry, a JSON header line (format, key, and each part's length and SHA-256)
 * followed by the parts. An entry is used only when its header is ours and every part hashes
 * to what the header says; anything else (truncated, edited, written by another version of the
 * tool) is reported, removed and rebuilt. Entries appear by rename, so a reader never sees a
 * half-written one, and two runs writing the same fingerprint write the same content. The store
 * is bounded: least recently used entries go first (a hit refreshes the entry's mtime).
 *
 * Deleting the folder is always safe; the next run rebuilds what it needs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alive, checkOutputFolder, ioError, markOwnOutput } from '../output-dir';
import { untraced } from './reads';
import { REPO } from '../tools';

/** Bumped whenever the entry layout or what an entry means changes; part of every fingerprint too. */
export const CACHE_FORMAT = 'platform-synth-cache/1';

export const DEFAULT_CACHE_DIR = resolve(REPO, '.cache/synth');
export const DEFAULT_MAX_MB = 1024;
/** Eviction brings the store down to this share of its bound, so that it does not run on every write. */
const EVICT_TO = 0.8;

const KEY = /^[0-9a-f]{64}$/;

interface Header {
  format: string;
  key: string;
  kind: string;
  name: string;
  parts: [name: string, bytes: number, sha256: string][];
}

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
  /** Entries that were found damaged or foreign, removed, and rebuilt (one line each). */
  problems: string[];
}

export interface CacheOptions {
  /** Default: $PLATFORM_SYNTH_CACHE_MAX_MB or 1024. */
  readonly maxBytes?: number;
  /** Told about every damaged or foreign entry as it is found. */
  readonly onProblem?: (message: string) => void;
}

const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');


export class SynthCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, writes: 0, problems: [] };
  private readonly maxBytes: number;

  private constructor(
    readonly dir: string,
    private readonly options: CacheOptions,
  ) {
    const mb = Number(process.env.PLATFORM_SYNTH_CACHE_MAX_MB);
    this.maxBytes = options.maxBytes ?? (Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_MB) * 1024 * 1024;
  }

  /**
   * Opens (creating) the store: default $PLATFORM_SYNTH_CACHE, else `.cache/synth` in the
   * repository. A folder that holds files the tool did not write is refused like an output
   * folder, because eviction deletes inside it.
   */
  static open(dir: string = process.env.PLATFORM_SYNTH_CACHE || DEFAULT_CACHE_DIR, options: CacheOptions = {}): SynthCache {
    const abs = checkOutputFolder(dir, { repoRoot: REPO, cwd: process.cwd(), flag: 'the synth cache (PLATFORM_SYNTH_CACHE)' });
    try {
      mkdirSync(abs, { recursive: true });
      if (readdirSync(abs).length === 0) markOwnOutput(abs);
    } catch (err) {
      throw ioError(abs, err, 'the synth cache (PLATFORM_SYNTH_CACHE)');
    }
    return new SynthCache(abs, options);
  }

  private problem(key: string, name: string, why: string): void {
    this.report(`synth cache: entry ${key.slice(0, 12)} (${name}) ${why}; removed, rebuilding it`);
    this.remove(key);
  }

  /** Records a problem with the cache for the run's report. */
  report(message: string): void {
    this.stats.problems.push(message);
    this.options.onProblem?.(message);
  }

  /** Removes an entry (a damaged one, or a first-level entry that grew). */
  remove(key: string): void {
    const trash = join(this.dir, `.trash-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      renameSync(join(this.dir, key), trash);
    } catch {
      // Already gone (another run removed or replaced it).
      return;
    }
    rmSync(trash, { recursive: true, force: true });
  }

  /** The parts of a valid entry, or undefined (a miss). `name` only labels reports. */
  get(key: string, kind: string, name: string): Map<string, Buffer> | undefined {
    // The store's own reads are not inputs of what is being built.
    return untraced(() => this.read(key, kind, name));
  }

  private read(key: string, kind: string, name: string): Map<string, Buffer> | undefined {
    if (!KEY.test(key)) throw new Error(`synth cache: not a fingerprint: ${key}`);
    const file = join(this.dir, key, 'entry');
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const parts = this.parse(key, kind, name, raw);
    if (!parts) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // Evicted meanwhile: the content is already read and checked.
    }
    return parts;
  }

  private parse(key: string, kind: string, name: string, raw: Buffer): Map<string, Buffer> | undefined {
    const nl = raw.indexOf(10);
    let header: Header;
    try {
      header = JSON.parse(raw.subarray(0, nl < 0 ? raw.length : nl).toString('utf8')) as Header;
    } catch {
      this.problem(key, name, 'has no readable header (truncated, or not written by this tool)');
      return undefined;
    }
    if (header?.format !== CACHE_FORMAT) {
      this.problem(key, name, `was written by another version of the tool (format ${JSON.stringify(header?.format ?? null)}, expected ${CACHE_FORMAT})`);
      return undefined;
    }
    if (header.key !== key || header.kind !== kind || !Array.isArray(header.parts)) {
      this.problem(key, name, `is not the ${kind} entry for this fingerprint (it says ${header.kind} ${String(header.key).slice(0, 12)})`);
      return undefined;
    }
    const parts = new Map<string, Buffer>();
    let at = nl + 1;
    for (const [part, bytes, sha] of header.parts) {
      const body = raw.subarray(at, at + bytes);
      at += bytes;
      if (body.length !== bytes || digest(body) !== sha) {
        this.problem(key, name, `has content that does not match its hash (${part}: truncated or modified)`);
        return undefined;
      }
      parts.set(part, body);
    }
    if (at !== raw.length) {
      this.problem(key, name, 'has content beyond what its header lists');
      return undefined;
    }
    return parts;
  }

  /** Stores an entry; a concurrent run that stored the same fingerprint first wins (same content). */
  put(key: string, kind: string, name: string, parts: Record<string, string | Buffer>): void {
    untraced(() => this.write(key, kind, name, parts));
  }

  private write(key: string, kind: string, name: string, parts: Record<string, string | Buffer>): void {
    if (!KEY.test(key)) throw new Error(`synth cache: not a fingerprint: ${key}`);
    const buffers = Object.entries(parts).map(([part, v]) => [part, Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')] as const);
    const header: Header = { format: CACHE_FORMAT, key, kind, name, parts: buffers.map(([part, b]) => [part, b.length, digest(b)]) };
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(tmp);
      writeFileSync(join(tmp, 'entry'), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...buffers.map(([, b]) => b)]));
      renameSync(tmp, join(this.dir, key));
      this.stats.writes++;
    } catch {
      // Stored meanwhile by another run, or the disk is full: the cache is an optimisation, the
      // output does not depend on this write.
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** At the end of a run that wrote entries: keep the store within its bound. */
  finish(): void {
    if (this.stats.writes > 0) untraced(() => this.evict());
  }

  /** Total size of the entries, and removal of the least recently used ones beyond the bound; also sweeps what killed runs left. */
  evict(): { bytes: number; removed: number } {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return { bytes: 0, removed: 0 };
    }
    const entries: { key: string; bytes: number; used: number }[] = [];
    for (const name of names) {
      if (KEY.test(name)) {
        try {
          const st = statSync(join(this.dir, name, 'entry'));
          entries.push({ key: name, bytes: st.size, used: st.mtimeMs });
        } catch {
          // Removed meanwhile.
        }
        continue;
      }
      const tmp = /^\.(?:tmp|trash)-(\d+)-[0-9a-f]+$/.exec(name);
      if (tmp && !alive(Number(tmp[1]))) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
    let bytes = entries.reduce((n, e) => n + e.bytes, 0);
    let removed = 0;
    if (bytes <= this.maxBytes) return { bytes, removed };
    entries.sort((a, b) => a.used - b.used);
    for (const e of entries) {
      if (bytes <= this.maxBytes * EVICT_TO) break;
      this.remove(e.key);
      bytes -= e.bytes;
      removed++;
    }
    return { bytes, removed };
  }

  /**
   * The cache a command uses: none with `--no-cache` or PLATFORM_SYNTH_CACHE=off (how the review
   * asks a base synth for a full run), else the default store.
   */
  static forCommand(noCache: boolean, onProblem?: (message: string) => void): SynthCache | undefined {
    if (noCache || process.env.PLATFORM_SYNTH_CACHE === 'off') return undefined;
    return SynthCache.open(undefined, { onProblem });
  }

  /** Whether the store has an entry file for a fingerprint (tests and diagnostics). */
  has(key: string): boolean {
    return untraced(() => existsSync(join(this.dir, key, 'entry')));
  }
}
