/**
 * Loads config/environments/<env>.yaml. All I/O for environment config lives here so
 * constructs and stacks only ever see a validated, fully defaulted `EnvironmentConfig`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readAtMost } from './bounded-read';
import { ENVIRONMENTS_DIR, listEnvironments } from './input-files';
import { environmentSchema, type EnvironmentConfig } from './schema';
import { displayPath, loadYamlFile, validateYamlText, ValidationError, type Problem } from './yaml-validate';

export { ENVIRONMENTS_DIR, listEnvironments } from './input-files';

const HINTS: Record<string, string> = {
  name: 'the name must equal the file name without .yaml, e.g. dev for dev.yaml',
  kubernetesVersion: 'quote it in YAML ("1.35"), otherwise 1.30 is read as the number 1.3',
  adminGroupObjectIds: 'the object id of an Entra ID group: az ad group show --group <name> --query id',
};

/** The limit loadYamlFile applies by default, stated here because the memoized path validates bytes it read itself. */
const MAX_ENVIRONMENT_FILE_BYTES = 256 * 1024;

/**
 * Environments validated before, for callers that keep them (the CLI, in its synth cache;
 * config/ does no such I/O). Asked with the file's exact bytes; only valid environments are stored.
 */
export interface EnvironmentMemo {
  get(file: string, content: Buffer): EnvironmentConfig | undefined;
  set(file: string, content: Buffer, env: EnvironmentConfig): void;
}

export function loadEnvironment(name: string, dir = ENVIRONMENTS_DIR, memo?: EnvironmentMemo): EnvironmentConfig {
  const file = join(dir, `${name}.yaml`);
  if (!existsSync(file)) {
    const known = listEnvironments(dir);
    throw new ValidationError([
      {
        file: displayPath(file),
        line: 0,
        column: 0,
        path: '',
        message: `no environment file for "${name}"`,
        hint: known.length
          ? `known environments: ${known.join(', ')}; to add one, copy config/environments/dev.yaml to ${name}.yaml and edit it`
          : `create ${displayPath(file)} (see README: "Add an environment")`,
      },
    ]);
  }
  const options = { hints: HINTS, maxBytes: MAX_ENVIRONMENT_FILE_BYTES };
  const content = memo ? readAtMost(file, MAX_ENVIRONMENT_FILE_BYTES) : undefined;
  // Without a memo, or unreadable or too big: loadYamlFile validates or says what is wrong, located as always.
  if (!memo || !content) return checkName(loadYamlFile(file, environmentSchema, options), name, file);
  const known = memo.get(file, content);
  if (known) return checkName(known, name, file);
  // The bytes the memo is keyed by are the bytes validated.
  const env = checkName(validateYamlText(displayPath(file), content.toString('utf8'), environmentSchema, options), name, file);
  memo.set(file, content, env);
  return env;
}

function checkName(env: EnvironmentConfig, name: string, file: string): EnvironmentConfig {
  if (env.name !== name) {
    throw new ValidationError([
      { file: displayPath(file), line: 1, column: 1, path: 'name', message: `name is "${env.name}" but the file is ${name}.yaml`, hint: HINTS.name },
    ]);
  }
  return env;
}

/**
 * Loads the named environments (all of them when `names` is empty), collecting the problems
 * of every file before failing, so one run shows everything that needs fixing.
 */
export function loadEnvironments(names: string[] = [], dir = ENVIRONMENTS_DIR, memo?: EnvironmentMemo): EnvironmentConfig[] {
  const wanted = names.length > 0 ? names : listEnvironments(dir);
  if (wanted.length === 0) {
    throw new ValidationError([
      { file: displayPath(dir), line: 0, column: 0, path: '', message: 'no environment files found', hint: 'add config/environments/<env>.yaml (see README: "Add an environment")' },
    ]);
  }
  const problems: Problem[] = [];
  const loaded: EnvironmentConfig[] = [];
  for (const name of wanted) {
    try {
      loaded.push(loadEnvironment(name, dir, memo));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return loaded;
}
