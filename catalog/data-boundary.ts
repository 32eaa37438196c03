/**
 * Data-boundary classes: where a prompt, its context and the completion may be processed. Every
 * model in the catalogue carries one, every tenant declares the highest it accepts, and the
 * router only ever offers a tenant the models inside its boundary.
 *
 * - `self-hosted`: served by the platform's own vLLM in the environment's cluster.
 * - `eu-cloud`: a cloud provider processes it inside the EU (Azure OpenAI in an EU region, with a
 *   regional `Standard` or an EU `DataZoneStandard` deployment).
 * - `global-cloud`: a cloud provider may process it in any of its regions (`GlobalStandard`).
 *
 * Azure's deployment types and where they process data: "Deployment types for Azure AI Foundry
 * Models" (learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/deployment-types):
 * Global processes in any Azure region, Data Zone within the Microsoft-defined data zone of the
 * resource's region (EU for an EU member-state region), Standard (regional) in the resource's region.
 */
export const DATA_BOUNDARIES = ['self-hosted', 'eu-cloud', 'global-cloud'] as const;
export type DataBoundary = (typeof DATA_BOUNDARIES)[number];
export type CloudBoundary = Exclude<DataBoundary, 'self-hosted'>;

/** The secure default: a tenant that says nothing keeps its data in the platform. */
export const DEFAULT_MAX_DATA_BOUNDARY: DataBoundary = 'self-hosted';

/** Whether a tenant whose highest accepted class is `max` may use a model of class `cls`. */
export function boundaryCovers(max: DataBoundary, cls: DataBoundary): boolean {
  return DATA_BOUNDARIES.indexOf(cls) <= DATA_BOUNDARIES.indexOf(max);
}

/** The widest class of a set (a route that mixes classes is as wide as its widest member). */
export function widestBoundary(classes: readonly DataBoundary[]): DataBoundary {
  return classes.reduce<DataBoundary>((w, c) => (DATA_BOUNDARIES.indexOf(c) > DATA_BOUNDARIES.indexOf(w) ? c : w), 'self-hosted');
}

/** Azure OpenAI deployment SKUs (azurerm_cognitive_deployment `sku.name`) the platform uses, and the class each implies. */
export const AZURE_OPENAI_SKUS = {
  /** Processed in the resource's region only. */
  Standard: 'eu-cloud',
  /** Processed anywhere in the resource region's data zone: the EU for an EU region. */
  DataZoneStandard: 'eu-cloud',
  /** Processed in any Azure region. */
  GlobalStandard: 'global-cloud',
} as const satisfies Record<string, CloudBoundary>;
export type AzureOpenAISku = keyof typeof AZURE_OPENAI_SKUS;

/**
 * Azure regions in EU member states (the EU data zone): an `eu-cloud` deployment's account must
 * be in one. From the same regions list as catalog/azure-regions.ts; Norway, Switzerland and the
 * UK are in Europe but not in the EU data zone, so they are not here.
 */
export const EU_REGIONS: readonly string[] = [
  'austriaeast',
  'belgiumcentral',
  'francecentral',
  'francesouth',
  'germanynorth',
  'germanywestcentral',
  'italynorth',
  'northeurope',
  'polandcentral',
  'spaincentral',
  'swedencentral',
  'westeurope',
];

/**
 * The Azure OpenAI data-plane API version the router calls: the newest GA `api-version` of the
 * inference API (learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle). Pinned,
 * because LiteLLM 1.74.9 otherwise defaults to a preview (litellm/__init__.py
 * AZURE_DEFAULT_API_VERSION = "2025-02-01-preview").
 */
export const AZURE_OPENAI_API_VERSION = '2024-10-21';

/** The accounts' name parts (catalog/naming.ts `cognitiveAccount`): the data stack creates them, the router calls them. */
export const AZURE_OPENAI_ACCOUNT = 'openai';
export const CONTENT_SAFETY_ACCOUNT = 'moderation';

/** Private DNS zone of the account's `account` sub-resource (Azure's private DNS zone values, AI services). */
export const AZURE_OPENAI_PRIVATE_DNS_ZONE = 'privatelink.openai.azure.com';
export const AZURE_OPENAI_SUBRESOURCE = 'account';

/** Built-in role that may call the inference API (no management, no keys). */
export const AZURE_OPENAI_USER_ROLE = 'Cognitive Services OpenAI User';

/** The account's endpoint: its custom subdomain (required for Entra ID auth and Private Link). */
export function azureOpenAIEndpoint(subdomain: string): string {
  return `https://${subdomain}.openai.azure.com`;
}

/**
 * Azure AI Content Safety, the moderation step of every cloud route (charts/workloads/guardrails.ts):
 * an account of kind ContentSafety next to the Azure OpenAI account, its `account` sub-resource
 * registered in the Cognitive Services private DNS zone, called with the router's Entra ID token.
 */
export const CONTENT_SAFETY_PRIVATE_DNS_ZONE = 'privatelink.cognitiveservices.azure.com';

/** Built-in role that may call a Cognitive Services data plane (text:analyze), without keys or management. */
export const CONTENT_SAFETY_USER_ROLE = 'Cognitive Services User';

/** The moderation account's endpoint: its custom subdomain (Entra ID and Private Link need one). */
export function contentSafetyEndpoint(subdomain: string): string {
  return `https://${subdomain}.cognitiveservices.azure.com`;
}
