/**
 * Fingerprints: a hash of everything one stack's or one rendered app's output depends on.
 *
 * - the code that builds it: its module and every project file that module imports,
 *   transitively (type-only imports too: a stack's props name the producer stacks it reads),
 *   plus the files that compose the app (stacks/index.ts, main.ts) and this cache's own code;
 * - the toolchain: package-lock.json (cdktf, the providers, cdk8s, tsx), tsconfig.json, the
 *   Node.js major version, and the environment variables cdktf reads;
 * - the validated inputs it is built from: its environment, its tenant (a tenant stack) or its
 *   view of the tenant list (the shared stacks built from it, TENANT_LIST_CONCERNS: the value
 *   stacks/tenant-views.ts computes and the stack is given instead of the tenants, such as the
 *   network's firewall rule sets; the other shared stacks get no tenant), a rendered app's view
 *   of the tenants and the model catalogue (render-cache.ts), and synth options such as the
 *   local backend;
 * - in the second-level key (see incremental.ts): the cross-stack outputs its consumers
 *   reference, and the content of every data file the build was seen to read (reads.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_FORMAT } from './store';
import { canonicalJson, FileHashes, sha256 } from './hash';
import { moduleGraph, type ModuleGraph } from './module-graph';
import { untraced } from './reads';

/** Files that wire the stacks together: a change to them can change any stack. */
const COMPOSITION = ['main.ts', 'stacks/index.ts'];
/** The module of the rendered apps; its closure is every chart. */
export const RENDER_MODULE = 'cli/lib/render.ts';
/** This cache's own code: how entries are replayed and assembled is part of the output. */
const CACHE_MODULES = 'cli/lib/cache/';
const CACHE_ENTRY = 'cli/lib/cache/incremental.ts';

/** Environment variables that change what cdktf writes. */
const CDKTF_VARIABLES = ['SYNTH_HCL_OUTPUT', 'CDKTF_CONTEXT_JSON', 'CDKTF_TARGET_STACK_ID'];

/** The module that defines a stack concern's class, by the stacks/<concern>-stack.ts convention (a test checks it against the app). */
export function stackModule(concern: string): string {
  return `stacks/${concern.startsWith('tenant-') ? 'tenant' : concern}-stack.ts`;
}

export class Fingerprints {
  readonly files = new FileHashes();
  readonly graph: ModuleGraph;
  /** By list identity: stackCodeFiles and renderCodeFiles return the same array for the same module. */
  private readonly codeByList = new WeakMap<string[], string>();
  private readonly filesMemo = new Map<string, string[]>();
  private readonly dataMemo = new Map<string, string>();
  private toolchainMemo?: string;

  constructor(readonly root: string) {
    this.graph = moduleGraph(root);
  }

  /** Files (repository-relative) whose content is hashed into a stack's code part. */
  stackCodeFiles(concern: string): string[] {
    const module = stackModule(concern);
    let files = this.filesMemo.get(module);
    if (!files) {
      // Without the convention, every stack depends on all of the app's code: correct, only coarser.
      const own = untraced(() => existsSync(join(this.root, module))) ? this.graph.closure(module) : this.graph.closure('main.ts');
      files = [...new Set([...own, ...COMPOSITION, ...this.cacheFiles()])].sort();
      this.filesMemo.set(module, files);
    }
    return files;
  }

  renderCodeFiles(): string[] {
    let files = this.filesMemo.get(RENDER_MODULE);
    if (!files) {
      files = [...new Set([...this.graph.closure(RENDER_MODULE), ...this.cacheFiles()])].sort();
      this.filesMemo.set(RENDER_MODULE, files);
    }
    return files;
  }

  private cacheFiles(): string[] {
    return this.graph.closure(CACHE_ENTRY).filter((f) => f.startsWith(CACHE_MODULES));
  }

  /** Hash of the content of `files` (each by path and content). */
  code(files: string[]): string {
    let h = this.codeByList.get(files);
    if (!h) {
      h = sha256(...files.flatMap((f) => [f, this.files.of(join(this.root, f))]));
      this.codeByList.set(files, h);
    }
    return h;
  }

  toolchain(vars: NodeJS.ProcessEnv = process.env): string {
    this.toolchainMemo ??= sha256(
      CACHE_FORMAT,
      `node ${process.versions.node.split('.')[0]}`,
      this.files.of(join(this.root, 'package-lock.json')),
      this.files.of(join(this.root, 'tsconfig.json')),
      this.files.of(join(this.root, 'package.json')),
      ...CDKTF_VARIABLES.map((v) => `${v}=${vars[v] ?? ''}`),
    );
    return this.toolchainMemo;
  }

  /** Hash of the current content of the data files a build was seen to read. */
  data(reads: string[]): string {
    const id = reads.join('\n');
    let h = this.dataMemo.get(id);
    if (!h) {
      h = sha256(...reads.flatMap((r) => [r, this.files.of(join(this.root, r))]));
      this.dataMemo.set(id, h);
    }
    return h;
  }
}

/** A validated input as a hash (memoized by object identity: the same tenant list is hashed once per run). */
export class InputHashes {
  private readonly memo = new WeakMap<object, string>();

  of(value: object): string {
    let h = this.memo.get(value);
    if (!h) {
      h = sha256(canonicalJson(value));
      this.memo.set(value, h);
    }
    return h;
  }
}

export function readJson<T>(buf: Buffer | undefined): T | undefined {
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

