/**
 * Runs the review corpus (test/fixtures/review/*.yaml) as a person would: a throw-away git
 * repository holding exactly the working tree under test, the scenario's base edits committed as
 * the base, its head edits left in the working tree (rendered again unless the scenario is about
 * stale rendered files), and the real `platform review` of that clone in a fresh process.
 */
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { MARKDOWN_LIMIT } from '../../cli/lib/review/render';
import { ROOT } from './tools';

export interface Edit {
  readonly file: string;
  /** [from, to] text replacements; each `from` must occur. */
  readonly replace?: [string, string][];
  readonly write?: string;
  /** Copy of another file of the tree, with replacements applied. */
  readonly copyFrom?: string;
  readonly delete?: boolean;
  /** [from, to] dotted key paths of a YAML file: the value at `from` is copied to `to`. */
  readonly yamlCopy?: [string, string];
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly baseEdits?: Edit[];
  readonly edits: Edit[];
  readonly args?: string[];
  /** Re-render after the head edits (default true; false leaves rendered/ stale on purpose). */
  readonly render?: boolean;
  /** Remove the pinned tools from the clone (the missing-tool case). */
  readonly withoutTools?: boolean;
  readonly expect: {
    readonly exit: number;
    readonly verdict: 'blocking' | 'changes' | 'no-changes' | 'cannot-review';
    /** Finding or risk rules that must be present (with their level when given as rule:level). */
    readonly rules?: string[];
    readonly absentRules?: string[];
    /** Construct paths with their action, e.g. `prod-data/postgres/server: replace`. */
    readonly resources?: string[];
    /** Markdown headings that must be present. */
    readonly sections?: string[];
    /** Substrings of the Markdown. */
    readonly mentions?: string[];
    /** Substring of the one-line reason on stderr (cannot-review cases). */
    readonly stderr?: string;
  };
}

export const CORPUS_DIR = join(ROOT, 'test/fixtures/review');

export function loadCorpus(): Scenario[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: basename(f, '.yaml'), ...(parse(readFileSync(join(CORPUS_DIR, f), 'utf8')) as Omit<Scenario, 'name'>) }));
}

function sh(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
}

function must(cwd: string, cmd: string, args: string[]) {
  const res = sh(cwd, cmd, args);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

const GIT_ID = ['-c', 'user.name=review-corpus', '-c', 'user.email=corpus@example.org'];

/** A repository with the working tree under test as its only commit, sharing node_modules and .tools. */
export function cloneWorkingTree(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'review-corpus-')), 'repo');
  mkdirSync(dir);
  const files = must(ROOT, 'git', ['ls-files', '-co', '--exclude-standard', '-z']).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  must(dir, 'git', ['init', '--quiet', '-b', 'main']);
  must(dir, 'git', ['add', '-A']);
  must(dir, 'git', [...GIT_ID, 'commit', '--quiet', '-m', 'base']);
  process.on('exit', () => rmSync(dirname(dir), { recursive: true, force: true }));
  return dir;
}

function applyEdit(repo: string, e: Edit): void {
  const path = join(repo, e.file);
  if (e.delete) return rmSync(path, { force: true });
  if (e.yamlCopy) {
    const doc = parseDocument(readFileSync(path, 'utf8'));
    const [from, to] = e.yamlCopy.map((p) => p.split('.'));
    if (!doc.hasIn(from)) throw new Error(`edit of ${e.file}: no ${e.yamlCopy[0]}`);
    doc.setIn(to, doc.getIn(from, true));
    return writeFileSync(path, doc.toString());
  }
  let text = e.write ?? (e.copyFrom ? readFileSync(join(repo, e.copyFrom), 'utf8') : readFileSync(path, 'utf8'));
  for (const [from, to] of e.replace ?? []) {
    if (!text.includes(from)) throw new Error(`edit of ${e.file}: "${from}" does not occur`);
    text = text.split(from).join(to);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export interface Outcome {
  readonly exit: number;
  readonly stderr: string;
  readonly json: any;
  readonly markdown: string;
  readonly sarif: any;
}

/** Resets the clone to its first commit, applies the scenario and runs the review. */
export function runScenario(repo: string, s: Scenario): Outcome {
  must(repo, 'git', ['checkout', '--quiet', '-f', 'main']);
  must(repo, 'git', ['reset', '--quiet', '--hard', must(repo, 'git', ['rev-list', '--max-parents=0', 'HEAD']).trim()]);
  must(repo, 'git', ['clean', '-fdq', '-e', 'node_modules', '-e', '.tools']);
  rmSync(join(repo, '.tools'), { force: true, recursive: true });
  if (!s.withoutTools) symlinkSync(join(ROOT, '.tools'), join(repo, '.tools'), 'dir');
  if (s.baseEdits?.length) {
    for (const e of s.baseEdits) applyEdit(repo, e);
    must(repo, process.execPath, ['cli/bin.js', 'render', '--quiet']);
    must(repo, 'git', ['add', '-A']);
    must(repo, 'git', [...GIT_ID, 'commit', '--quiet', '-m', 'scenario base']);
  }
  for (const e of s.edits) applyEdit(repo, e);
  if (s.render !== false) sh(repo, process.execPath, ['cli/bin.js', 'render', '--quiet']);
  const reports = mkdtempSync(join(tmpdir(), 'review-report-'));
  const res = sh(repo, process.execPath, ['cli/bin.js', 'review', '--quiet', '--base', 'HEAD', '--format', 'json', '--report-dir', reports, ...(s.args ?? [])], {
    GITHUB_SERVER_URL: '',
    GITHUB_REPOSITORY: '',
    GITHUB_RUN_ID: '',
  });
  const read = (f: string) => (existsSync(join(reports, f)) ? readFileSync(join(reports, f), 'utf8') : '');
  const outcome = { exit: res.status ?? -1, stderr: res.stderr, json: JSON.parse(read('review.json') || 'null'), markdown: read('review.md'), sarif: JSON.parse(read('review.sarif') || 'null') };
  rmSync(reports, { recursive: true, force: true });
  return outcome;
}

const all = (o: Outcome) => [...(o.json?.findings ?? []), ...(o.json?.risks ?? [])] as { rule: string; level: string; message: string }[];

export function checkScenario(s: Scenario, o: Outcome): void {
  const e = s.expect;
  const context = `${s.name}: exit ${o.exit}\nstderr: ${o.stderr.slice(-3000)}\nfindings: ${JSON.stringify(all(o).map((f) => `${f.rule}:${f.level}: ${f.message}`), null, 1)}`;
  assert.equal(o.exit, e.exit, context);
  assert.ok(o.markdown.length > 0 && o.json && o.sarif, `${s.name}: every outcome writes review.md, review.json and review.sarif`);
  assert.ok(o.markdown.length <= MARKDOWN_LIMIT, `${s.name}: ${o.markdown.length} characters`);
  assert.ok(o.markdown.startsWith('<!-- platform-review -->'), s.name);
  if (e.verdict === 'cannot-review') {
    assert.ok(o.json.error, `${s.name}: review.json carries the reason`);
    assert.match(o.markdown, /cannot review/);
    assert.equal(o.stderr.trim().split('\n').length, 1, `${s.name}: one line on stderr, got:\n${o.stderr}`);
  } else {
    assert.equal(o.json.blocking, e.verdict === 'blocking', context);
    const heading = { blocking: '🛑 blocking findings', changes: '✅ changes, nothing blocking', 'no-changes': '✅ no changes' }[e.verdict];
    assert.ok(o.markdown.includes(`## Platform review: ${heading}`), `${s.name}: verdict heading\n${o.markdown.slice(0, 400)}`);
  }
  if (e.stderr) assert.ok(o.stderr.includes(e.stderr), `${s.name}: stderr lacks ${e.stderr}:\n${o.stderr}`);
  for (const want of e.rules ?? []) {
    const at = want.lastIndexOf(':');
    const [rule, level] = at > 0 ? [want.slice(0, at), want.slice(at + 1)] : [want, undefined];
    assert.ok(all(o).some((f) => f.rule === rule && (!level || f.level === level)), `${s.name}: no ${want}\n${context}`);
  }
  for (const rule of e.absentRules ?? []) assert.ok(!all(o).some((f) => f.rule === rule), `${s.name}: unexpected ${rule}\n${context}`);
  for (const want of e.resources ?? []) {
    const [path, action] = want.split(': ');
    const r = (o.json.resources as { path: string; action: string }[]).find((x) => x.path === path);
    assert.ok(r, `${s.name}: no change of ${path}; changes: ${(o.json.resources as { path: string; action: string }[]).map((x) => `${x.path}=${x.action}`).slice(0, 40).join(', ')}`);
    assert.equal(r.action, action, `${s.name}: ${path}`);
    if (action === 'replace' || action === 'delete') assert.ok(o.markdown.includes(path), `${s.name}: the Markdown names ${path}`);
  }
  for (const section of e.sections ?? []) assert.ok(o.markdown.includes(section), `${s.name}: no section ${section}`);
  for (const text of e.mentions ?? []) assert.ok(o.markdown.includes(text), `${s.name}: the Markdown does not mention ${text}\n${o.markdown.slice(0, 6000)}`);
}

/** Runs every `of`-th scenario starting at `shard`, in one clone. */
export function corpusShard(shard: number, of: number): void {
  const scenarios = loadCorpus().filter((_, i) => i % of === shard);
  let repo: string | undefined;
  for (const s of scenarios) {
    it(`${s.name}: ${s.description}`, () => {
      repo ??= cloneWorkingTree();
      checkScenario(s, runScenario(repo, s));
    });
  }
}

/**
 * Several scenarios applied together (those that edit different files), reviewed as one change:
 * the comment still fits and names every replaced or deleted resource each scenario expects.
 */
export function combinedScenario(scenarios: Scenario[], pick: (n: number) => number): { scenario: Scenario; parts: Scenario[] } {
  const usable = scenarios.filter((s) => !s.baseEdits?.length && !s.withoutTools && s.expect.verdict !== 'cannot-review' && s.render !== false && s.edits.length > 0);
  const touched = new Set<string>();
  const parts: Scenario[] = [];
  for (const s of usable.filter(() => pick(10) < 5)) {
    if (s.edits.some((e) => touched.has(e.file))) continue;
    s.edits.forEach((e) => touched.add(e.file));
    parts.push(s);
  }
  const expected = parts.flatMap((p) => (p.expect.resources ?? []).filter((r) => /: (replace|delete)$/.test(r)));
  return {
    parts,
    scenario: {
      name: parts.map((p) => p.name).join('+'),
      description: 'combined',
      edits: parts.flatMap((p) => p.edits),
      args: ['--no-policy'],
      expect: { exit: -1, verdict: 'changes', resources: expected },
    },
  };
}
