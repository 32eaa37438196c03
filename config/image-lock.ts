/**
 * The promoted-image lock (config/workloads-images.lock.yaml): which tag and digest of each
 * workload image every environment runs, where that digest came from and when, and the
 * append-only record of every digest each environment ever ran. Production takes a digest only
 * after a non-production environment ran it; the record is what proves that. Written by
 * `platform images lock` (cli/commands/images.ts), read by the workload apps and the review.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile, validateYamlText, type Finding } from './yaml-validate';

export const IMAGE_LOCK_FILE = resolve(__dirname, 'workloads-images.lock.yaml');

/** The images the workload apps run; the keys of `images:` in config/workloads.yaml. */
export const IMAGE_NAMES = ['gateway', 'orchestrator', 'repo-adapter', 'patch-worker', 'vllm', 'litellm', 'sql-exporter', 'demo', 'azure-devops-mcp', 'envoy', 'postgres', 'curl', 'otel-collector', 'n8n', 'presidio-analyzer', 'presidio-anonymizer', 'postgrest', 'mlflow'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** `from` of a digest pushed straight by a service pipeline (allowed outside production only). */
export const FROM_BUILD = 'build';

export const imageTag = z
  .string({ error: 'the image tag is missing' })
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'expected an image tag such as "1.4.2"');
export const imageDigest = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'expected sha256:<64 hex digits>');
/** UTC with seconds: timestamps compare as strings, so the record's order is checkable. */
export const lockTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'expected a UTC timestamp such as 2026-11-20T10:00:00Z');
const envName = z.string().regex(/^[a-z][a-z0-9]{1,9}$/, 'expected an environment name such as dev');
const imageName = z.enum(IMAGE_NAMES, { error: `expected an image of config/workloads.yaml: ${IMAGE_NAMES.join(', ')}` });

const lockedImage = z
  .object({
    tag: imageTag,
    digest: imageDigest,
    /** When the environment started running it. */
    at: lockTimestamp,
    /** `build`, or the environment it was promoted from. */
    from: z.union([z.literal(FROM_BUILD), envName]),
  })
  .strict();

const deployment = z.object({ env: envName, image: imageName, tag: imageTag, digest: imageDigest, at: lockTimestamp }).strict();

export const imageLockSchema = z
  .object({
    environments: z.record(envName, z.partialRecord(imageName, lockedImage)).default({}),
    deployments: z.array(deployment).default([]),
  })
  .strict();

export type ImageLock = z.output<typeof imageLockSchema>;
export type LockedImage = z.output<typeof lockedImage>;
export type Deployment = z.output<typeof deployment>;

/**
 * What the lock must say about itself, environments aside: the current entries are the latest
 * deployments, the record only grows in time, and a promoted digest ran where it came from first.
 */
export function lockChecks(lock: ImageLock): Finding[] {
  const out: Finding[] = [];
  lock.deployments.forEach((d, i) => {
    const prev = lock.deployments[i - 1];
    if (prev && d.at < prev.at) out.push({ path: ['deployments', i, 'at'], message: `${d.at} is earlier than the record before it (${prev.at})`, hint: 'the record is append-only: add new deployments at the end' });
  });
  for (const [env, images] of Object.entries(lock.environments)) {
    for (const [image, pin] of Object.entries(images) as [ImageName, LockedImage][]) {
      const at = ['environments', env, image];
      const history = lock.deployments.filter((d) => d.env === env && d.image === image);
      const last = history[history.length - 1];
      if (!last || last.digest !== pin.digest || last.tag !== pin.tag || last.at !== pin.at) {
        out.push({ path: [...at, 'digest'], message: `${env} runs ${image} ${pin.tag}@${pin.digest.slice(0, 19)}… since ${pin.at} but the deployment record's latest ${image} in ${env} is ${last ? `${last.tag}@${last.digest.slice(0, 19)}… at ${last.at}` : 'missing'}`, hint: 'write the lock with `platform images lock`, which keeps both in step' });
      }
      if (pin.from === FROM_BUILD) continue;
      if (pin.from === env) out.push({ path: [...at, 'from'], message: `${image} cannot be promoted from ${env} to itself`, hint: `name the environment it ran in before, or "${FROM_BUILD}"` });
      else if (!lock.deployments.some((d) => d.env === pin.from && d.image === image && d.digest === pin.digest && d.at <= pin.at)) {
        out.push({ path: [...at, 'from'], message: `${pin.digest.slice(0, 19)}… never ran in ${pin.from} before ${pin.at}`, hint: `lock it in ${pin.from} first: \`platform images lock ${image} --env ${pin.from} ...\`` });
      }
    }
  }
  return out;
}

/** A missing lock file means nothing has been promoted yet (a fresh fork). */
export function loadImageLock(file = IMAGE_LOCK_FILE): ImageLock {
  return existsSync(file) ? loadYamlFile(file, imageLockSchema, { refuseAliases: true, checks: lockChecks }) : { environments: {}, deployments: [] };
}

/** Parses lock text, checks included (what `images lock` writes is read back through this). */
export function parseImageLock(file: string, text: string): ImageLock {
  return validateYamlText(file, text, imageLockSchema, { refuseAliases: true, checks: lockChecks });
}

const HEADER = `# Promoted images per environment: the tag and digest each environment runs, when it started
# and where the digest came from (\`build\`, or the environment it ran in first), and below the
# append-only record of every deployment. Written by \`platform images lock\` (never by hand):
# production takes only digests a non-production environment ran first. Environments whose
# Gatekeeper policy requires digests (policies.requireDigest) run exactly these; an app with an
# image not yet promoted is not rendered there (docs/workloads.md#promotion).
`;

/** A flow mapping whose values are JSON strings (valid YAML): one line per entry, diff-friendly. */
function flow(o: Record<string, string>): string {
  return `{ ${Object.entries(o).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }`;
}

/** The file text: environments and images in a stable order, one line per entry. */
export function serializeImageLock(lock: ImageLock): string {
  const lines = [HEADER.trimEnd(), 'environments:'];
  const envs = Object.keys(lock.environments).sort();
  if (envs.length === 0) lines[lines.length - 1] += ' {}';
  for (const env of envs) {
    lines.push(`  ${env}:`);
    for (const name of IMAGE_NAMES) {
      const pin = lock.environments[env][name];
      if (pin) lines.push(`    ${name}: ${flow({ tag: pin.tag, digest: pin.digest, at: pin.at, from: pin.from })}`);
    }
  }
  lines.push(lock.deployments.length ? 'deployments:' : 'deployments: []');
  for (const d of lock.deployments) lines.push(`  - ${flow({ env: d.env, image: d.image, tag: d.tag, digest: d.digest, at: d.at })}`);
  return `${lines.join('\n')}\n`;
}
