/**
 * What the pinned Terraform providers do with a change of each attribute, generated from their
 * sources by scripts/provider-facts.ts and committed with the provider version it came from.
 * The plan review reads it to tell replacements from in-place updates; nothing is hand-listed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const PROVIDERS = ['azurerm', 'kubernetes', 'helm'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const FACTS_DIR = resolve(__dirname);

/** A ForceNew the provider decides in code (CustomizeDiff) from the old and new values. */
export interface ConditionalRule {
  /** Attribute path without list indexes, e.g. `storage_mb` or `upgrade_settings.drain_timeout_in_minutes`. */
  readonly attribute: string;
  /** file:line in the provider's source at the pinned tag. */
  readonly source: string;
  /** The provider's condition, for the person who classifies it (catalog/provider-facts/conditions.ts). */
  readonly code: string;
}

/** An error the provider returns for a change it refuses to make (the apply fails). */
export interface GuardRule {
  readonly attributes: string[];
  readonly message: string;
  readonly source: string;
}

export interface ResourceFacts {
  /** Changing any of these destroys and recreates the resource. */
  readonly forceNew: string[];
  /** Settable attributes that the provider updates in place. */
  readonly inPlace: string[];
  /** Read-only attributes. */
  readonly computed: string[];
  /** Attributes the provider marks sensitive; their values never appear in a review. */
  readonly sensitive: string[];
  readonly conditional: ConditionalRule[];
  readonly guards: GuardRule[];
  /** In-place changes that the provider makes by rotating the node pool (temporary_name_for_rotation). */
  readonly rotation: string[];
}

export interface ProviderFacts {
  readonly provider: ProviderName;
  readonly version: string;
  readonly source: string;
  readonly generatedBy: string;
  readonly resources: Record<string, ResourceFacts>;
}

const PACKAGES: Record<ProviderName, string> = {
  azurerm: '@cdktf/provider-azurerm',
  kubernetes: '@cdktf/provider-kubernetes',
  helm: '@cdktf/provider-helm',
};

/** The provider version the installed cdktf bindings were generated for (and synth pins). */
export function pinnedProviderVersion(name: ProviderName): string {
  const req = createRequire(__filename);
  const file = join(req.resolve(`${PACKAGES[name]}/package.json`), '..', 'lib/provider/index.js');
  const m = /providerVersion:\s*'([^']+)'/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no providerVersion in the generator metadata`);
  return m[1];
}

const cache = new Map<ProviderName, ProviderFacts>();

export function providerFacts(name: ProviderName): ProviderFacts {
  let facts = cache.get(name);
  if (!facts) {
    facts = JSON.parse(readFileSync(join(FACTS_DIR, `${name}.json`), 'utf8')) as ProviderFacts;
    cache.set(name, facts);
  }
  return facts;
}

/** The provider a resource type belongs to, from its prefix. */
export function providerOf(type: string): ProviderName | undefined {
  return PROVIDERS.find((p) => type.startsWith(`${p}_`));
}

export function resourceFacts(type: string): ResourceFacts | undefined {
  const p = providerOf(type);
  return p ? providerFacts(p).resources[type] : undefined;
}
