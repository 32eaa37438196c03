/**
 * Image promotions for the review: which environment moves to which tag and digest when the
 * pull request merges, read from the lock on both sides (config/image-lock.ts). The base lock
 * is committed history that may predate the current format, so only tag and digest are read.
 */
import { parse } from 'yaml';
import { IMAGE_NAMES, type ImageLock } from '../../../config/image-lock';

export interface ImageRef {
  readonly tag: string;
  readonly digest: string;
}

export interface ImagePromotion {
  readonly env: string;
  readonly image: string;
  /** What runs before the merge; absent when the image was not locked there. */
  readonly before?: ImageRef;
  /** What runs after it; absent when the entry is removed. */
  readonly after?: ImageRef & { readonly from: string; readonly at: string };
}

/** env -> image -> tag and digest, from any lock text that parses; nothing from one that does not. */
function baseEntries(text: string | undefined): Map<string, Map<string, ImageRef>> {
  const out = new Map<string, Map<string, ImageRef>>();
  let doc: unknown;
  try {
    doc = text ? parse(text) : undefined;
  } catch {
    return out;
  }
  const envs = (doc as { environments?: unknown } | undefined)?.environments;
  if (!envs || typeof envs !== 'object') return out;
  for (const [env, images] of Object.entries(envs as Record<string, unknown>)) {
    if (!images || typeof images !== 'object') continue;
    for (const [image, pin] of Object.entries(images as Record<string, unknown>)) {
      const p = pin as Partial<ImageRef> | undefined;
      if (typeof p?.tag === 'string' && typeof p.digest === 'string') out.set(env, (out.get(env) ?? new Map()).set(image, { tag: p.tag, digest: p.digest }));
    }
  }
  return out;
}

/** Every environment and image whose tag or digest differs between the base lock and the head lock. */
export function imagePromotions(baseText: string | undefined, head: ImageLock): ImagePromotion[] {
  const base = baseEntries(baseText);
  const envs = [...new Set([...base.keys(), ...Object.keys(head.environments)])].sort();
  // Catalogue order; a name only the base knows goes last.
  const order = (image: string) => {
    const i = (IMAGE_NAMES as readonly string[]).indexOf(image);
    return i < 0 ? IMAGE_NAMES.length : i;
  };
  return envs.flatMap((env) => {
    const images = [...new Set([...(base.get(env)?.keys() ?? []), ...Object.keys(head.environments[env] ?? {})])].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
    return images.flatMap((image): ImagePromotion[] => {
      const before = base.get(env)?.get(image);
      const now = head.environments[env]?.[image as keyof ImageLock['environments'][string]];
      if (before && now && before.digest === now.digest && before.tag === now.tag) return [];
      return [{ env, image, ...(before ? { before } : {}), ...(now ? { after: { tag: now.tag, digest: now.digest, from: now.from, at: now.at } } : {}) }];
    });
  });
}
