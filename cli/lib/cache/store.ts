/**
 * The content-addressed store behind incremental synth and render: `<dir>/<fingerprint>/entry`,
 * one file per entry, a JSON header line (format, key, and each part's length and SHA-256)
 * followed by the parts. An entry is used only when its header is ours and every part hashes
 * to what the header says; anything else (truncated, edited, written by another version of the
 * tool) is reported, removed and rebuilt. Entries appear by rename, so a reader never sees a
 * half-written one, and two runs writing the same fingerprint write the same content. The store
 * is bounded: least recently used entries go first (a hit refreshes the entry's mtime).
 *
 * A run that synthesizes into an output folder synthesized before reads its entries from one
 * pack (`<dir>/pack-<hash of the folder>`): the entries that folder's last run used, each a
 * verbatim copy of its entry file, with the same checks (header, key, kind, every part's hash).
 * Reading one file instead of thousands is most of a no-op run's cache time. A copy is used
 * only while its entry file is the one it was copied from (same inode, size and mtime), so a
 * replaced, removed or evicted entry is never served from a pack; a pack that is damaged or
 * foreign is reported and dropped, and the entry files are read instead. The pack is written
 * again at the end of a run whose entries differ from it, and it counts towards the bound.
 *
 * Deleting the folder is always safe; the next run rebuilds what it needs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { alive, checkOutputFolder, ioError, markOwnOutput } from '../output-dir';
import { cacheFolder, DEFAULT_CACHE_DIR, holdsNothing } from './cold';
import { untraced } from './reads';
import { REPO } from '../tools';

/** Bumped whenever the entry layout or what an entry means changes; part of every fingerprint too. */
export const CACHE_FORMAT = 'platform-synth-cache/1';
/** The layout of a pack (its header line); the entries inside keep their own format. */
export const PACK_FORMAT = 'platform-synth-pack/1';

export { DEFAULT_CACHE_DIR } from './cold';
export const DEFAULT_MAX_MB = 1024;
/** Eviction brings the store down to this share of its bound, so that it does not run on every write. */
const EVICT_TO = 0.8;

const KEY = /^[0-9a-f]{64}$/;
const PACK = /^pack-[0-9a-f]{64}$/;

/** An entry in a pack: its key, its bytes in the pack, and the entry file it was copied from. */
type PackSlot = [key: string, bytes: number, ino: number, size: number, mtimeMs: number];

interface PackHeader {
  format: string;
  entries: PackSlot[];
}

interface LoadedPack {
  readonly raw: Buffer;
  readonly keys: string[];
  readonly slots: Map<string, { at: number; bytes: number; ino: number; size: number; mtimeMs: number }>;
}

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
  /** Hits served from the run's pack (counted in hits too). */
  packHits: number;
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

/** The parts of an entry's bytes when its header is ours and every part hashes to what the header says, else what is wrong. */
function check(key: string, kind: string, raw: Buffer): Map<string, Buffer> | string {
  const nl = raw.indexOf(10);
  let header: Header;
  try {
    header = JSON.parse(raw.subarray(0, nl < 0 ? raw.length : nl).toString('utf8')) as Header;
  } catch {
    return 'has no readable header (truncated, or not written by this tool)';
  }
  if (header?.format !== CACHE_FORMAT) {
    return `was written by another version of the tool (format ${JSON.stringify(header?.format ?? null)}, expected ${CACHE_FORMAT})`;
  }
  if (header.key !== key || header.kind !== kind || !Array.isArray(header.parts)) {
    return `is not the ${kind} entry for this fingerprint (it says ${header.kind} ${String(header.key).slice(0, 12)})`;
  }
  const parts = new Map<string, Buffer>();
  let at = nl + 1;
  for (const [part, bytes, sha] of header.parts) {
    const body = raw.subarray(at, at + bytes);
    at += bytes;
    if (body.length !== bytes || digest(body) !== sha) return `has content that does not match its hash (${part}: truncated or modified)`;
    parts.set(part, body);
  }
  if (at !== raw.length) return 'has content beyond what its header lists';
  return parts;
}


export class SynthCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, writes: 0, packHits: 0, problems: [] };
  private readonly maxBytes: number;
  /** The pack of this run's output folder, when usePack named one. */
  private packFile?: string;
  /** undefined: not read yet; null: none, or dropped. */
  private pack?: LoadedPack | null;
  private packStale = false;
  /**
   * Every entry this run read or wrote (its bytes, in first-use order): what the pack holds next.
   * Kept only when there is a pack to write: a worker or a render keeps no copy of every entry it wrote.
   */
  private readonly used = new Map<string, Buffer>();
  /**
   * Entries this run read and checked, by key: read again (a review's base and head share all
   * but the changed stacks), they are served from here, as checked, instead of read, hashed and
   * touched a second time. Removing or writing a key forgets it.
   */
  private readonly checkedThisRun = new Map<string, { kind: string; parts: Map<string, Buffer>; packed: boolean }>();

  private constructor(
    readonly dir: string,
    private readonly options: CacheOptions,
    /** The store held nothing when this run opened it: every stack will be synthesized. */
    readonly startedEmpty = false,
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
    let empty: boolean;
    try {
      mkdirSync(abs, { recursive: true });
      empty = holdsNothing(abs);
      if (empty) markOwnOutput(abs);
    } catch (err) {
      throw ioError(abs, err, 'the synth cache (PLATFORM_SYNTH_CACHE)');
    }
    return new SynthCache(abs, options, empty);
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
    this.used.delete(key);
    this.checkedThisRun.delete(key);
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
    const seen = this.checkedThisRun.get(key);
    if (seen && seen.kind === kind) {
      this.stats.hits++;
      if (seen.packed) this.stats.packHits++;
      return seen.parts;
    }
    const packed = this.fromPack(key, kind, name);
    if (packed) {
      this.stats.hits++;
      this.stats.packHits++;
      this.checkedThisRun.set(key, { kind, parts: packed, packed: true });
      return packed;
    }
    const file = join(this.dir, key, 'entry');
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const checked = check(key, kind, raw);
    if (typeof checked === 'string') {
      this.problem(key, name, checked);
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    this.remember(key, raw);
    this.checkedThisRun.set(key, { kind, parts: checked, packed: false });
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // Evicted meanwhile: the content is already read and checked.
    }
    return checked;
  }

  private remember(key: string, raw: Buffer): void {
    if (this.packFile) this.used.set(key, raw);
  }

  /**
   * Reads this run's entries from the pack of `outputFolder`: the entries its last run used. The
   * CLI asks for it only for a folder synthesized before, so that runs into fresh folders (a
   * review's base) leave no packs that nobody reads. Called before the run reads or writes an
   * entry: only entries used after it go into the pack.
   */
  usePack(outputFolder: string): void {
    this.packFile = join(this.dir, `pack-${digest(Buffer.from(resolve(outputFolder)))}`);
    this.pack = undefined;
  }

  private loadPack(): LoadedPack | null {
    if (!this.packFile) return null;
    let raw: Buffer;
    try {
      raw = readFileSync(this.packFile);
    } catch {
      // None yet.
      return null;
    }
    const nl = raw.indexOf(10);
    let header: PackHeader | undefined;
    try {
      header = JSON.parse(raw.subarray(0, nl < 0 ? raw.length : nl).toString('utf8')) as PackHeader;
    } catch {
      header = undefined;
    }
    if (!header || header.format !== PACK_FORMAT || !Array.isArray(header.entries)) {
      const why = header ? `was written by another version of the tool (format ${JSON.stringify(header.format ?? null)}, expected ${PACK_FORMAT})` : 'has no readable header (truncated, or not written by this tool)';
      this.dropPack(why);
      return null;
    }
    const slots: LoadedPack['slots'] = new Map();
    let at = nl + 1;
    for (const [key, bytes, ino, size, mtimeMs] of header.entries) {
      slots.set(key, { at, bytes, ino, size, mtimeMs });
      at += bytes;
    }
    if (at !== raw.length) {
      this.dropPack(`is ${raw.length} bytes where its header lists ${at} (truncated, or modified)`);
      return null;
    }
    return { raw, keys: header.entries.map((e) => e[0]), slots };
  }

  private dropPack(why: string): void {
    this.report(`synth cache: pack ${this.packFile ? basename(this.packFile).slice(0, 17) : ''} ${why}; removed, reading the entries instead`);
    if (this.packFile) rmSync(this.packFile, { force: true });
    this.pack = null;
    this.packStale = true;
  }

  /** An entry's copy in the pack, if the pack holds one of the entry file that is there now and the copy passes every check. */
  private fromPack(key: string, kind: string, name: string): Map<string, Buffer> | undefined {
    if (this.pack === undefined) this.pack = this.loadPack();
    const slot = this.pack?.slots.get(key);
    if (!this.pack || !slot) return undefined;
    let st;
    try {
      st = statSync(join(this.dir, key, 'entry'));
    } catch {
      st = undefined;
    }
    if (!st || st.ino !== slot.ino || st.size !== slot.size || st.mtimeMs !== slot.mtimeMs || slot.bytes !== slot.size) {
      // Removed, evicted or replaced since the pack was written: the entry file decides.
      this.packStale = true;
      return undefined;
    }
    const raw = this.pack.raw.subarray(slot.at, slot.at + slot.bytes);
    const checked = check(key, kind, raw);
    if (typeof checked === 'string') {
      this.dropPack(`holds a copy of entry ${key.slice(0, 12)} (${name}) that ${checked}`);
      return undefined;
    }
    this.used.set(key, raw);
    return checked;
  }

  /** At the end of a run: the pack again when this run's entries differ from it (one write, instead of thousands of reads next time). */
  private writePack(): void {
    if (!this.packFile || this.used.size === 0) return;
    const pack = this.pack ?? undefined;
    const keys = [...this.used.keys()];
    if (pack && !this.packStale && keys.length === pack.keys.length && keys.every((k, i) => k === pack.keys[i])) {
      // The same pack serves the next run too; it was used now (for eviction).
      try {
        const now = new Date();
        utimesSync(this.packFile, now, now);
      } catch {
        // Removed meanwhile: the next run reads the entry files.
      }
      return;
    }
    const slots: PackSlot[] = [];
    const bodies: Buffer[] = [];
    for (const [key, raw] of this.used) {
      let st;
      try {
        st = statSync(join(this.dir, key, 'entry'));
      } catch {
        continue;
      }
      // Only copies of entry files as they are now: one replaced meanwhile is left to its file.
      if (st.size !== raw.length) continue;
      slots.push([key, raw.length, st.ino, st.size, st.mtimeMs]);
      bodies.push(raw);
    }
    const header: PackHeader = { format: PACK_FORMAT, entries: slots };
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...bodies]));
      renameSync(tmp, this.packFile);
    } catch {
      // The disk is full, or the folder went: the pack only saves reads.
      rmSync(tmp, { force: true });
    }
  }

  /** Stores an entry; a concurrent run that stored the same fingerprint first wins (same content). */
  put(key: string, kind: string, name: string, parts: Record<string, string | Buffer>): void {
    untraced(() => this.write(key, kind, name, parts));
  }

  private write(key: string, kind: string, name: string, parts: Record<string, string | Buffer>): void {
    if (!KEY.test(key)) throw new Error(`synth cache: not a fingerprint: ${key}`);
    this.checkedThisRun.delete(key);
    const buffers = Object.entries(parts).map(([part, v]) => [part, Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')] as const);
    const header: Header = { format: CACHE_FORMAT, key, kind, name, parts: buffers.map(([part, b]) => [part, b.length, digest(b)]) };
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      mkdirSync(tmp);
      const raw = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...buffers.map(([, b]) => b)]);
      writeFileSync(join(tmp, 'entry'), raw);
      renameSync(tmp, join(this.dir, key));
      this.stats.writes++;
      this.remember(key, raw);
    } catch {
      // Stored meanwhile by another run, or the disk is full: the cache is an optimisation, the
      // output does not depend on this write.
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** At the end of a run that wrote entries: keep the store within its bound. */
  finish(): void {
    untraced(() => {
      this.writePack();
      if (this.stats.writes > 0) this.evict();
    });
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
    /** An entry that a pack holds was used when the pack last was. */
    const packedUse = new Map<string, number>();
    for (const name of names) {
      if (KEY.test(name) || PACK.test(name)) {
        const pack = PACK.test(name);
        try {
          const st = statSync(join(this.dir, name, pack ? '' : 'entry'));
          entries.push({ key: name, bytes: st.size, used: st.mtimeMs });
          if (pack) for (const key of packKeys(join(this.dir, name))) packedUse.set(key, Math.max(packedUse.get(key) ?? 0, st.mtimeMs));
        } catch {
          // Removed meanwhile.
        }
        continue;
      }
      const tmp = /^\.(?:tmp|trash)-(\d+)-[0-9a-f]+$/.exec(name);
      if (tmp && !alive(Number(tmp[1]))) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
    for (const e of entries) e.used = Math.max(e.used, packedUse.get(e.key) ?? 0);
    let bytes = entries.reduce((n, e) => n + e.bytes, 0);
    let removed = 0;
    if (bytes <= this.maxBytes) return { bytes, removed };
    entries.sort((a, b) => a.used - b.used);
    for (const e of entries) {
      if (bytes <= this.maxBytes * EVICT_TO) break;
      if (PACK.test(e.key)) rmSync(join(this.dir, e.key), { force: true });
      else this.remove(e.key);
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
    if (!cacheFolder(noCache)) return undefined;
    return SynthCache.open(undefined, { onProblem });
  }

  /** The pack file this run reads and writes (tests and diagnostics). */
  get packPath(): string | undefined {
    return this.packFile;
  }

  /** Whether the store has an entry file for a fingerprint (tests and diagnostics). */
  has(key: string): boolean {
    return untraced(() => existsSync(join(this.dir, key, 'entry')));
  }
}

/** The keys a pack lists, from its header line alone (eviction reads no bodies). */
function packKeys(file: string): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const nl = buf.subarray(0, n).indexOf(10);
      chunks.push(Buffer.from(buf.subarray(0, nl < 0 ? n : nl)));
      if (nl >= 0) break;
    }
    const header = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PackHeader;
    return header.format === PACK_FORMAT && Array.isArray(header.entries) ? header.entries.map((e) => e[0]) : [];
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
