/**
 * `platform images ...`: the promoted-image lock. `lock` writes one digest for an image and an
 * environment (the promotion pipeline calls it), `check` proves the lock consistent with the
 * environments and the workload config, `plan` says what promoting to production would change.
 * A refused request leaves the lock file untouched.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { IMAGE_LOCK_FILE, loadImageLock, parseImageLock, serializeImageLock } from '../../config/image-lock';
import { loadEnvironments } from '../../config/load';
import { loadWorkloadsConfig, WORKLOADS_FILE } from '../../config/workloads';
import { displayPath, formatProblem, positionOf, ValidationError, type Finding, type Problem } from '../../config/yaml-validate';
import type { Command, CommandContext } from '../command';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { lockEnvironmentProblems, lockImage, promotionPlan, type EnvironmentTier } from '../lib/images';

const LOCK_HELP = { lock: 'the lock file (default: config/workloads-images.lock.yaml)' };

function tiers(): EnvironmentTier[] {
  return loadEnvironments().map((e) => ({ name: e.name, tier: e.tier }));
}

function lockFileOf(values: Record<string, unknown>, ctx: CommandContext): string {
  return values.lock ? resolve(ctx.cwd, String(values.lock)) : IMAGE_LOCK_FILE;
}

function report(ctx: CommandContext, problems: Problem[]): ExitCode {
  ctx.stdout.write(problems.map((p) => `${formatProblem(p)}\n`).join(''));
  ctx.stderr.write(`${problems.length} problem(s); the lock file was not changed\n`);
  return EXIT.INVALID_INPUT;
}

/** Reads the lock, or the problems that stop any use of it. */
function readLock(file: string): { lock: ReturnType<typeof loadImageLock> } | { problems: Problem[] } {
  try {
    return { lock: loadImageLock(file) };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { problems: err.problems };
  }
}

/** Same folder, then rename: a reader sees the old file or the new one, never half of one. */
function writeAtomically(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

const lock: Command = {
  name: 'images lock',
  summary: 'Write the digest an environment runs for a workload image (production: only a digest a non-production environment ran first)',
  usage: '<image> --env <env> --tag <tag> --digest sha256:<hex> [--at <UTC time>] [--lock <file>]',
  help: { env: 'environment to lock for', tag: 'the image tag the digest was built as', digest: 'sha256:<64 hex digits>', at: 'when the environment started running it (default: now)', ...LOCK_HELP },
  options: { env: { type: 'string' }, tag: { type: 'string' }, digest: { type: 'string' }, at: { type: 'string' }, lock: { type: 'string' } },
  allowPositionals: true,
  run(values, positionals, ctx) {
    const missing = [positionals.length !== 1 ? '<image>: give exactly one image name, e.g. gateway' : '', ...['env', 'tag', 'digest'].map((f) => (values[f] ? '' : `--${f} is required`))].filter(Boolean);
    if (missing.length) throw new UsageError(missing.join('\n'));
    const file = lockFileOf(values, ctx);
    const read = readLock(file);
    if ('problems' in read) return report(ctx, read.problems);
    const at = values.at ? String(values.at) : `${new Date().toISOString().slice(0, 19)}Z`;
    const result = lockImage(read.lock, { image: positionals[0], env: String(values.env), tag: String(values.tag), digest: String(values.digest), at }, tiers());
    if ('problems' in result) {
      ctx.stdout.write(result.problems.map((p) => `platform images lock ${p.flag}: ${p.message}\n${p.hint ? `    hint: ${p.hint}\n` : ''}`).join(''));
      ctx.stderr.write(`${result.problems.length} problem(s); ${displayPath(file)} was not changed\n`);
      return EXIT.INVALID_INPUT;
    }
    if (result.unchanged) {
      ctx.stdout.write(`${values.env} already runs ${positionals[0]} ${result.entry.tag}@${result.entry.digest}; nothing written\n`);
      return EXIT.OK;
    }
    const text = serializeImageLock(result.lock);
    // What is written must read back as the same, valid lock: a serializer bug never reaches the file.
    parseImageLock(displayPath(file), text);
    writeAtomically(file, text);
    ctx.stdout.write(`${values.env}: ${positionals[0]} ${result.entry.tag}@${result.entry.digest} (from ${result.entry.from}, ${result.entry.at})\n`);
    return EXIT.OK;
  },
};

const check: Command = {
  name: 'images check',
  summary: 'Check the image lock against the environments and config/workloads.yaml',
  usage: '[--lock <file>] [--workloads <file>]',
  help: { ...LOCK_HELP, workloads: 'the workload config (default: config/workloads.yaml)' },
  options: { lock: { type: 'string' }, workloads: { type: 'string' } },
  run(values, _positionals, ctx) {
    const file = lockFileOf(values, ctx);
    const read = readLock(file);
    if ('problems' in read) return report(ctx, read.problems);
    const environments = tiers();
    const cfg = loadWorkloadsConfig(values.workloads ? resolve(ctx.cwd, String(values.workloads)) : WORKLOADS_FILE);
    const found: Finding[] = [
      ...lockEnvironmentProblems(read.lock, environments),
      ...Object.keys(read.lock.environments)
        .filter((env) => environments.some((e) => e.name === env) && !cfg.environments[env])
        .map((env) => ({ path: ['environments', env], message: `${env} has images locked but no workload settings in config/workloads.yaml` })),
    ];
    if (found.length) return report(ctx, found.map((f) => ({ ...positionOf(file, f.path), path: f.path.join('.'), message: f.message, ...(f.hint ? { hint: f.hint } : {}) })));
    const images = Object.keys(cfg.images);
    for (const e of environments) {
      const locked = Object.keys(read.lock.environments[e.name] ?? {});
      ctx.stdout.write(`${e.name}: ${locked.length} of ${images.length} images locked${locked.length < images.length ? ` (not yet: ${images.filter((i) => !locked.includes(i)).join(', ')})` : ''}\n`);
    }
    return EXIT.OK;
  },
};

const plan: Command = {
  name: 'images plan',
  summary: 'Show what promoting the non-production digests to production would change',
  usage: '[--env <production envs>] [--format text|json] [--lock <file>]',
  help: { env: 'production environments to plan for (default: all)', format: 'text or json', ...LOCK_HELP },
  options: { env: { type: 'string', multiple: true }, format: { type: 'string', default: 'text' }, lock: { type: 'string' } },
  run(values, _positionals, ctx) {
    if (!['text', 'json'].includes(String(values.format))) throw new UsageError(`unknown --format ${values.format}; use text or json`);
    const file = lockFileOf(values, ctx);
    if (!existsSync(file)) ctx.stderr.write(`${displayPath(file)} does not exist: nothing is promoted anywhere yet\n`);
    const read = readLock(file);
    if ('problems' in read) return report(ctx, read.problems);
    const environments = tiers();
    const only = ((values.env as string[] | undefined) ?? []).flatMap((v) => v.split(',')).filter(Boolean);
    const unknown = only.filter((e) => !environments.some((x) => x.name === e && x.tier === 'production'));
    if (unknown.length) throw new UsageError(`--env: ${unknown.join(', ')} is not a production environment (${environments.filter((e) => e.tier === 'production').map((e) => e.name).join(', ')})`);
    const steps = promotionPlan(read.lock, environments, only);
    if (values.format === 'json') {
      ctx.stdout.write(`${JSON.stringify(steps, null, 2)}\n`);
      return EXIT.OK;
    }
    if (steps.length === 0) ctx.stdout.write('nothing to promote: production runs every digest the non-production environments run\n');
    for (const s of steps) {
      const now = s.current ? `${s.current.tag}@${s.current.digest.slice(0, 19)}…` : 'not promoted (its apps do not render)';
      ctx.stdout.write(`${s.env} ${s.image}: ${now} -> ${s.candidate!.tag}@${s.candidate!.digest.slice(0, 19)}… (runs in ${s.candidate!.source} since ${s.candidate!.at})\n`);
    }
    return EXIT.OK;
  },
};

export const imagesCommands: Command[] = [lock, check, plan];

