/**
 * Promotion of workload images through the lock (config/image-lock.ts): what `platform images`
 * computes before it writes anything. Pure: the command reads and writes the files.
 */
import type { Finding } from '../../config/yaml-validate';
import { FROM_BUILD, IMAGE_NAMES, imageDigest, imageTag, lockTimestamp, type ImageLock, type ImageName, type LockedImage } from '../../config/image-lock';

export interface EnvironmentTier {
  readonly name: string;
  readonly tier: 'production' | 'non-production';
}

export interface LockRequest {
  readonly image: string;
  readonly env: string;
  readonly tag: string;
  readonly digest: string;
  readonly at: string;
}

/** A mistake in the request, named by the flag (or argument) that carries it. */
export interface RequestProblem {
  readonly flag: string;
  readonly message: string;
  readonly hint?: string;
}

export type LockResult = { readonly lock: ImageLock; readonly entry: LockedImage; readonly unchanged: boolean } | { readonly problems: RequestProblem[] };

function zodMessage(schema: typeof imageTag | typeof imageDigest | typeof lockTimestamp, value: string): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0].message;
}

/**
 * The lock with `req` written: the environment's entry and a deployment record. Production takes
 * the digest only if a non-production environment ran it (with the same tag) at or before `at`;
 * every problem of the request is reported at once.
 */
export function lockImage(lock: ImageLock, req: LockRequest, environments: EnvironmentTier[]): LockResult {
  const problems: RequestProblem[] = [];
  const env = environments.find((e) => e.name === req.env);
  if (!(IMAGE_NAMES as readonly string[]).includes(req.image)) problems.push({ flag: '<image>', message: `unknown image "${req.image}"`, hint: `images of config/workloads.yaml: ${IMAGE_NAMES.join(', ')}` });
  if (!env) problems.push({ flag: '--env', message: `unknown environment "${req.env}"`, hint: `environments in config/environments: ${environments.map((e) => e.name).join(', ')}` });
  for (const [flag, schema, value] of [['--tag', imageTag, req.tag], ['--digest', imageDigest, req.digest], ['--at', lockTimestamp, req.at]] as const) {
    const message = zodMessage(schema, value);
    if (message) problems.push({ flag, message: `${message} (got "${value}")` });
  }
  if (req.tag === 'latest') problems.push({ flag: '--tag', message: 'the tag "latest" is not reproducible', hint: 'lock the version the pipeline built' });
  const last = lock.deployments[lock.deployments.length - 1];
  if (last && req.at < last.at) problems.push({ flag: '--at', message: `${req.at} is earlier than the last deployment in the lock (${last.at})`, hint: 'the record is append-only: give the time the environment started running it' });
  if (problems.length || !env) return { problems };

  const image = req.image as ImageName;
  const tierOf = new Map(environments.map((e) => [e.name, e.tier]));
  // Where it ran before: the first other environment that ran this digest, before this one.
  const earlier = lock.deployments.filter((d) => d.env !== req.env && d.image === image && d.digest === req.digest && d.at <= req.at);
  const source = env.tier === 'production' ? earlier.find((d) => tierOf.get(d.env) === 'non-production') : earlier[0];
  if (env.tier === 'production') {
    const nonProd = environments.filter((e) => e.tier === 'non-production').map((e) => e.name);
    if (!source) {
      problems.push({ flag: '--digest', message: `${req.env} is production: ${image} ${req.digest} never ran in a non-production environment (${nonProd.join(', ')}) before ${req.at}`, hint: `lock it in ${nonProd[0] ?? 'a non-production environment'} first, let it run there, then promote it` });
    } else if (source.tag !== req.tag) {
      problems.push({ flag: '--tag', message: `${req.digest.slice(0, 19)}… ran in ${source.env} as ${source.tag}, not ${req.tag}`, hint: `promote it with --tag ${source.tag}` });
    }
  }
  if (problems.length) return { problems };

  const current = lock.environments[req.env]?.[image];
  if (current && current.digest === req.digest && current.tag === req.tag) return { lock, entry: current, unchanged: true };
  const entry: LockedImage = { tag: req.tag, digest: req.digest, at: req.at, from: source?.env ?? FROM_BUILD };
  return {
    lock: {
      environments: { ...lock.environments, [req.env]: { ...lock.environments[req.env], [image]: entry } },
      deployments: [...lock.deployments, { env: req.env, image, tag: req.tag, digest: req.digest, at: req.at }],
    },
    entry,
    unchanged: false,
  };
}

/** What the lock says against the environments: entries for unknown ones, production fed by a build or by production. */
export function lockEnvironmentProblems(lock: ImageLock, environments: EnvironmentTier[]): Finding[] {
  const tierOf = new Map(environments.map((e) => [e.name, e.tier]));
  const out: Finding[] = [];
  for (const [env, images] of Object.entries(lock.environments)) {
    if (!tierOf.has(env)) {
      out.push({ path: ['environments', env], message: `unknown environment "${env}"`, hint: `environments in config/environments: ${[...tierOf.keys()].join(', ')}` });
      continue;
    }
    if (tierOf.get(env) !== 'production') continue;
    for (const [image, pin] of Object.entries(images) as [ImageName, LockedImage][]) {
      if (tierOf.get(pin.from) !== 'non-production') {
        out.push({ path: ['environments', env, image, 'from'], message: `${env} is production and takes digests only from a non-production environment, not from ${pin.from}`, hint: 'lock the digest in a non-production environment first, then promote it' });
      }
    }
  }
  lock.deployments.forEach((d, i) => {
    if (!tierOf.has(d.env)) out.push({ path: ['deployments', i, 'env'], message: `unknown environment "${d.env}"` });
  });
  return out;
}

export interface PromotionStep {
  readonly env: string;
  readonly image: ImageName;
  readonly current?: LockedImage;
  /** The newest digest a non-production environment runs, when production does not run it yet. */
  readonly candidate?: LockedImage & { readonly source: string };
}

/**
 * What promoting would change in each production environment: per image, the newest digest a
 * non-production environment runs, where production runs something else (or nothing).
 */
export function promotionPlan(lock: ImageLock, environments: EnvironmentTier[], only: string[] = []): PromotionStep[] {
  const nonProd = environments.filter((e) => e.tier === 'non-production').map((e) => e.name);
  const targets = environments.filter((e) => e.tier === 'production' && (only.length === 0 || only.includes(e.name)));
  return targets.flatMap((t) =>
    IMAGE_NAMES.flatMap((image): PromotionStep[] => {
      const current = lock.environments[t.name]?.[image];
      const offers = nonProd.flatMap((env) => (lock.environments[env]?.[image] ? [{ ...lock.environments[env][image]!, source: env }] : []));
      const newest = offers.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))[0];
      if (!newest || newest.digest === current?.digest) return [];
      return [{ env: t.name, image, ...(current ? { current } : {}), candidate: newest }];
    }),
  );
}
