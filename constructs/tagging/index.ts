/**
 * Tags every taggable Azure resource in a scope. The azurerm provider has no default tags, so
 * an Aspect does it at synth time: a resource added by a later construct cannot be forgotten.
 */
import { IConstruct } from 'constructs';
import { IAspect, TerraformResource, Token } from 'cdktf';

/** Keys every taggable resource must carry; policies/terraform and the tests check the same list. */
export const REQUIRED_TAG_KEYS = ['env', 'tier', 'tenant', 'app', 'cost-center', 'managed-by'] as const;

export type RequiredTags = Record<(typeof REQUIRED_TAG_KEYS)[number], string>;

/** Azure tag values: at most 256 characters; keys at most 512 and none of <>%&\?/. */
const FORBIDDEN_KEY_CHARS = /[<>%&\\?/]/;

/** True when the generated resource class exposes a `tags` map (the provider schema has one). */
export function isTaggable(node: IConstruct): node is TerraformResource & { tags: Record<string, string>; tagsInput?: Record<string, string> } {
  if (!TerraformResource.isTerraformResource(node)) return false;
  let proto: object | null = Object.getPrototypeOf(node);
  while (proto && proto !== TerraformResource.prototype) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'tags');
    if (descriptor?.set) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

export class TaggingAspect implements IAspect {
  private readonly tags: Record<string, string>;
  /** The tags a resource may not override. */
  private readonly forced: Record<string, string>;

  /**
   * @param required the convention tags; a construct may override `tenant` and `app` on a
   *   resource (a tenant stack does), but never `env`, `tier` or `managed-by` (the Rego guard
   *   rails read `tier` to hold production resources to production rules).
   * @param extra organisation tags from the environment file (owner, data classification, ...).
   */
  constructor(required: RequiredTags, extra: Record<string, string> = {}) {
    this.tags = { ...extra, ...required };
    this.forced = { env: required.env, tier: required.tier, 'managed-by': required['managed-by'] };
    for (const [key, value] of Object.entries(this.tags)) {
      if (FORBIDDEN_KEY_CHARS.test(key) || key.length > 512) throw new Error(`tag key "${key}" is not allowed by Azure`);
      if (!value || value.length > 256) throw new Error(`tag "${key}" must have a value of 1-256 characters, got "${value}"`);
    }
  }

  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const own = node.tagsInput ?? {};
    node.tags = { ...this.tags, ...own, ...this.forced };
  }

  /** Whether visiting `node` would overwrite a value that holds a token (main.ts prepareInOnePass applies this aspect early only where it would not). */
  overwritesToken(node: IConstruct): boolean {
    if (!isTaggable(node)) return false;
    const own = node.tagsInput;
    return Token.isUnresolved(own) || Object.keys(this.forced).some((key) => own !== undefined && key in own && Token.isUnresolved(own[key]));
  }
}
