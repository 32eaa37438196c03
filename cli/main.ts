/**
 * `platform <command>`: the project's command line. Each subcommand lives in cli/commands and
 * is registered below; every one has `--help`, writes progress to stderr and results to
 * stdout, and exits with a code from exit-codes.ts.
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../config/yaml-validate';
import type { Command, CommandContext } from './command';
import { policiesCommand, renderCommand } from './commands/render';
import { imagesCommands } from './commands/images';
import { reviewCommand } from './commands/review';
import { stacksCommand } from './commands/stacks';
import { synthCommand } from './commands/synth';
import { tenantCommands } from './commands/tenant';
import { validateCommand } from './commands/validate';
import { EXIT, MissingToolError, UsageError, type ExitCode } from './exit-codes';
import { OutputBusyError, OutputFolderError } from './lib/output-dir';
import { createProgress } from './progress';

export const COMMANDS: Command[] = [synthCommand, renderCommand, validateCommand, stacksCommand, reviewCommand, ...tenantCommands, ...imagesCommands, policiesCommand];

const GLOBAL_HELP = {
  quiet: 'no progress output on stderr',
  help: 'show help',
};

function commandHelp(cmd: Command): string {
  const all = { ...cmd.help, ...GLOBAL_HELP };
  const width = Math.max(...Object.keys(all).map((k) => k.length)) + 4;
  const lines = Object.entries(all).map(([k, v]) => `  --${k.padEnd(width - 2)}${v}`);
  return `Usage: platform ${cmd.name} ${cmd.usage}\n\n${cmd.summary}.\n\nOptions:\n${lines.join('\n')}\n`;
}

export function rootHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: platform <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `platform <command> --help` for the options of a command.',
    '',
    'Exit codes: 0 ok, 1 invalid input or blocking findings, 2 usage error (also a refused output folder), 3 missing tool, 4 could not review, 70 internal error, 75 output folder busy.',
    '',
  ].join('\n');
}

export async function main(argv: string[], ctx: Partial<CommandContext> = {}): Promise<ExitCode> {
  const stdout = ctx.stdout ?? process.stdout;
  const stderr = ctx.stderr ?? process.stderr;
  const [name] = argv;

  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? stdout : stderr).write(rootHelp());
    return name ? EXIT.OK : EXIT.USAGE;
  }
  // Two-word commands (`tenant validate`) win over one-word ones.
  const cmd = COMMANDS.find((c) => c.name === argv.slice(0, 2).join(' ')) ?? COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${name} `));
    const detail = group.length ? `"${name}" needs a subcommand: ${group.map((c) => c.name).join(', ')}` : `unknown command "${argv.slice(0, 2).join(' ')}"`;
    stderr.write(`platform: ${detail}\n\n${rootHelp()}`);
    return EXIT.USAGE;
  }
  const rest = argv.slice(cmd.name.split(' ').length);

  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...cmd.options, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
    if (values.help) {
      stdout.write(commandHelp(cmd));
      return EXIT.OK;
    }
    const context: CommandContext = {
      progress: ctx.progress ?? createProgress(Boolean(values.quiet), stderr),
      stdout,
      stderr,
      cwd: ctx.cwd ?? process.cwd(),
    };
    return await cmd.run(values as Record<string, unknown>, positionals, context);
  } catch (err) {
    return report(err, cmd, stderr);
  }
}

function report(err: unknown, cmd: Command, stderr: NodeJS.WritableStream): ExitCode {
  if (err instanceof ValidationError) {
    const n = err.problems.length;
    stderr.write(`platform ${cmd.name}: ${n} problem${n === 1 ? '' : 's'} in the input files; nothing was written.\n${err.message}\n`);
    return EXIT.INVALID_INPUT;
  }
  if (err instanceof OutputFolderError) {
    stderr.write(`platform ${cmd.name}: ${err.message}\n`);
    return EXIT.USAGE;
  }
  if (err instanceof OutputBusyError) {
    stderr.write(`platform ${cmd.name}: ${err.message}\n`);
    return EXIT.BUSY;
  }
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    stderr.write(`platform ${cmd.name}: ${(err as Error).message}\n\n${commandHelp(cmd)}`);
    return EXIT.USAGE;
  }
  if (err instanceof MissingToolError) {
    stderr.write(`platform ${cmd.name}: ${err.message}\n`);
    return EXIT.MISSING_TOOL;
  }
  stderr.write(`platform ${cmd.name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.INTERNAL;
}
