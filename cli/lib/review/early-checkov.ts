/**
 * checkov for `platform review`, started by cli/bin.js before the command line's modules load.
 * The review waits longest for checkov's import (seconds of CPU, cli/lib/checkov-session.ts),
 * and loading the command line takes a few tenths of a second that the import then overlaps.
 * The review command takes the session (`takeEarlyCheckov`) and uses it or ends it; cli/bin.js
 * ends it when the command is done, taken or not (closing twice is safe).
 *
 * Only the arguments are looked at here, not parsed: a command line this guesses wrong about
 * costs a checkov start that is ended at once, or one that starts later, never a different review.
 *
 * Not for a review whose synth cache holds nothing and whose files make enough stacks for worker
 * processes (cli/lib/cache/cold.ts): it sets checkov aside until the workers are done (their
 * memory and checkov's together pass 1 GB at 1,000 tenants), so an early start would be ended
 * with most of its import done (1.6 s of CPU at 1,000 tenants), taken from the validation and
 * the workers' start.
 */
import { MissingToolError } from '../../exit-codes';
import { cacheFolder, holdsNothing, synthesizesAllInWorkers, type InputFolders } from '../cache/cold';
import { startCheckov, type CheckovSession } from '../checkov-session';

let early: CheckovSession | undefined;

/**
 * Whether a command line is a review that runs the policy checks (`--no-policy` and
 * `--format affected` run none) and will not set checkov aside at once. `files`, `env` and
 * `cwd`: where the inputs, the cache setting and the working folder are (tests).
 */
export function wantsEarlyCheckov(argv: readonly string[], files: InputFolders = {}, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): boolean {
  if (argv[0] !== 'review') return false;
  const noPolicy = argv.some((a, i) => a === '--no-policy' || a === '--help' || a === '-h' || a === '--format=affected' || (a === '--format' && argv[i + 1] === 'affected'));
  return !noPolicy && !setAsideAtStart(argv.includes('--no-cache'), files, env, cwd);
}

/** Whether a review (`noCache`: with `--no-cache`) will set checkov aside before it synthesizes anything (cli/lib/review/run.ts). */
export function setAsideAtStart(noCache: boolean, files: InputFolders = {}, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): boolean {
  const cache = cacheFolder(noCache, env, cwd);
  try {
    return cache !== undefined && synthesizesAllInWorkers(holdsNothing(cache), files);
  } catch {
    // An unreadable cache or input folder: the command reports it; the guess is only about time.
    return false;
  }
}

/** Starts the session for such a command line; checkov not installed: none, and the review reports it as it would otherwise. */
export function startEarlyCheckov(argv: readonly string[]): CheckovSession | undefined {
  if (!wantsEarlyCheckov(argv)) return undefined;
  try {
    early = startCheckov();
  } catch (err) {
    if (!(err instanceof MissingToolError)) throw err;
    early = undefined;
  }
  return early;
}

/** The session started early, once: the caller owns it from then on. */
export function takeEarlyCheckov(): CheckovSession | undefined {
  const session = early;
  early = undefined;
  return session;
}
