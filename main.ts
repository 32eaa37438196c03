/**
 * The cdktf app: every environment in config/environments times every stack concern.
 *
 * `platform synth` calls `buildApp` in-process (validating all input before writing anything);
 * `cdktf synth` runs this file directly through cdktf.json, with the same result.
 */
import { App } from 'cdktf';
import type { EnvironmentConfig } from './config/schema';
import { addEnvironmentStacks } from './stacks';

export interface BuildAppOptions {
  readonly environments: EnvironmentConfig[];
  /** Defaults to $CDKTF_OUTDIR (set by the cdktf CLI) or cdktf.out. */
  readonly outdir?: string;
  readonly localBackend?: boolean;
}

export function buildApp(options: BuildAppOptions): App {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), hclOutput: false });
  for (const env of options.environments) addEnvironmentStacks(app, env, { localBackend: options.localBackend });
  return app;
}

/** Reads PLATFORM_ENVS (comma-separated, default: all) and PLATFORM_LOCAL_BACKEND=1. */
export function optionsFromEnvironment(vars: NodeJS.ProcessEnv = process.env): { envs: string[]; localBackend: boolean } {
  const envs = (vars.PLATFORM_ENVS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { envs, localBackend: vars.PLATFORM_LOCAL_BACKEND === '1' || vars.PLATFORM_LOCAL_BACKEND === 'true' };
}

if (require.main === module) {
  // Loaded lazily so importing buildApp (tests, the CLI) does not read config files.
  const { loadEnvironments } = require('./config/load') as typeof import('./config/load');
  const { ValidationError } = require('./config/yaml-validate') as typeof import('./config/yaml-validate');
  const { envs, localBackend } = optionsFromEnvironment();
  try {
    buildApp({ environments: loadEnvironments(envs), localBackend }).synth();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
