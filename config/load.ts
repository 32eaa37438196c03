/**
 * Loads config/environments/<env>.yaml. All I/O for environment config lives here so
 * constructs and stacks only ever see a validated, fully defaulted `EnvironmentConfig`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { environmentSchema, type EnvironmentConfig } from './schema';
import { displayPath, loadYamlFile, ValidationError, type Problem } from './yaml-validate';

export const ENVIRONMENTS_DIR = resolve(__dirname, 'environments');

const HINTS: Record<string, string> = {
  name: 'the name must equal the file name without .yaml, e.g. dev for dev.yaml',
  kubernetesVersion: 'quote it in YAML ("1.35"), otherwise 1.30 is read as the number 1.3',
  adminGroupObjectIds: 'the object id of an Entra ID group: az ad group show --group <name> --query id',
};

/** Environment names that have a file in `dir`, sorted. */
export function listEnvironments(dir = ENVIRONMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

export function loadEnvironment(name: string, dir = ENVIRONMENTS_DIR): EnvironmentConfig {
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
  const env = loadYamlFile(file, environmentSchema, { hints: HINTS });
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
export function loadEnvironments(names: string[] = [], dir = ENVIRONMENTS_DIR): EnvironmentConfig[] {
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
      loaded.push(loadEnvironment(name, dir));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return loaded;
}
