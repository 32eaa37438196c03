/** Exit codes shared by every subcommand, so CI can tell a bad input from a broken tool. */
export const EXIT = {
  OK: 0,
  /** Invalid input files or blocking findings: the user must change something. */
  INVALID_INPUT: 1,
  /** Wrong command line. */
  USAGE: 2,
  /** A required external tool is missing (run `npm run tools`). */
  MISSING_TOOL: 3,
  /** `platform review` could not compare (bad base ref, a side that does not synthesize, no credentials for --plan). */
  CANNOT_REVIEW: 4,
  /** An output folder stayed locked by another run longer than this one waits (EX_TEMPFAIL). */
  BUSY: 75,
  /** A bug or an unexpected failure. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class MissingToolError extends Error {
  constructor(tool: string, fix: string) {
    super(`${tool} ${tool.includes(',') ? 'are' : 'is'} not installed. ${fix}`);
    this.name = 'MissingToolError';
  }
}
