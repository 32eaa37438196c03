/**
 * Generates policies/gatekeeper/<policy>/{template,constraint,suite}.yaml and samples/ from the
 * Rego sources and the catalogue (charts/policies/catalog.ts), and renders each environment's
 * templates and constraints. Generated files are committed; a test fails when they are stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { EnvironmentConfig } from '../../config/schema';
import { Naming } from '../../constructs/naming';
import { POLICIES, type PolicyDefinition, type PolicyEnvironment } from '../../charts/policies/catalog';
import { constraint, constraintTemplate, type PolicySource } from '../../charts/policies/objects';
import { suiteDocument, suiteFor } from '../../charts/policies/samples';

export const GATEKEEPER_DIR = resolve(__dirname, '../../policies/gatekeeper');
const LIB_DIR = join(GATEKEEPER_DIR, 'lib');

export function toYaml(docs: unknown[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

/** Reads a policy's Rego and the libraries it imports (data.lib.<name>). */
export function policySource(def: PolicyDefinition, dir = GATEKEEPER_DIR): PolicySource {
  const rego = readFileSync(join(dir, def.dir, 'src.rego'), 'utf8');
  const libs = [...rego.matchAll(/^import data\.lib\.(\w+)$/gm)].map((m) => readFileSync(join(LIB_DIR, `${m[1]}.rego`), 'utf8'));
  return { rego, libs };
}

/** Every generated file of the library, path relative to policies/gatekeeper -> content. */
export function generatedPolicyFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of POLICIES) {
    const { samples, cases } = suiteFor(def);
    files.set(join(def.dir, 'template.yaml'), toYaml([constraintTemplate(def, policySource(def))]));
    files.set(join(def.dir, 'constraint.yaml'), toYaml([constraint(def, 'deny', def.sampleParameters)]));
    files.set(join(def.dir, 'suite.yaml'), toYaml([suiteDocument(def, cases)]));
    for (const s of samples) files.set(join(def.dir, s.file), toYaml([s.object]));
  }
  return files;
}

export function writePolicyFiles(files = generatedPolicyFiles()): void {
  for (const def of POLICIES) rmSync(join(GATEKEEPER_DIR, def.dir, 'samples'), { recursive: true, force: true });
  for (const [rel, content] of files) {
    const path = join(GATEKEEPER_DIR, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** Paths that differ from what would be generated (stale, missing or extra). */
export function stalePolicyFiles(files = generatedPolicyFiles()): string[] {
  const stale = [...files].filter(([rel, content]) => !existsSync(join(GATEKEEPER_DIR, rel)) || readFileSync(join(GATEKEEPER_DIR, rel), 'utf8') !== content).map(([rel]) => rel);
  for (const def of POLICIES) {
    const dir = join(GATEKEEPER_DIR, def.dir, 'samples');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (!files.has(join(def.dir, 'samples', f))) stale.push(join(def.dir, 'samples', f));
  }
  return stale.sort();
}

export function policyEnvironment(env: EnvironmentConfig): PolicyEnvironment {
  const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
  return {
    enforcement: env.policies.enforcement,
    requireDigest: env.policies.requireDigest,
    registries: [`${naming.name('containerRegistry')}.azurecr.io`, ...env.policies.allowedRegistries],
    appsDomain: `apps.${env.dns.zoneName}`,
  };
}

/** An environment's templates and constraints, in apply order. */
export function environmentPolicyObjects(env: EnvironmentConfig): Record<string, unknown>[] {
  const penv = policyEnvironment(env);
  return [
    ...POLICIES.map((def) => constraintTemplate(def, policySource(def))),
    ...POLICIES.map((def) => constraint(def, penv.enforcement, def.constraintParameters(penv))),
  ];
}
