/** The shape of a `platform` subcommand: one file in cli/commands, registered in main.ts. */
import type { ParseArgsConfig } from 'node:util';
import type { ExitCode } from './exit-codes';
import type { Progress } from './progress';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  readonly progress: Progress;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage line after `platform <name>`, e.g. `[--env <names>] [--out <dir>]`. */
  readonly usage: string;
  /** Option name to its help text; the parse spec is `options`. */
  readonly help: Record<string, string>;
  readonly options: OptionSpec;
  readonly allowPositionals?: boolean;
  run(values: Record<string, unknown>, positionals: string[], ctx: CommandContext): Promise<ExitCode> | ExitCode;
}

/** `--env dev,prod` and `--env dev --env prod` both give ['dev', 'prod']. */
export function listOption(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return raw
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
