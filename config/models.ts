/**
 * The model catalogue (config/models.yaml): which models exist, where each processes data (its
 * data-boundary class, catalog/data-boundary.ts), and what serving needs to know about it. A
 * self-hosted model carries the figures vLLM sizing needs; a cloud model (Azure OpenAI) carries
 * its provider model, version and deployment. The two are a discriminated union on
 * `dataBoundary`, so sizing can only ever be handed a self-hosted model.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { AZURE_OPENAI_SKUS, DATA_BOUNDARIES, type AzureOpenAISku } from '../catalog/data-boundary';
import { loadYamlFile } from './yaml-validate';

export const MODELS_FILE = resolve(__dirname, 'models.yaml');

const id = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a DNS-1123 label (it names Kubernetes objects)').max(50);

/**
 * What a million tokens cost the tenant who uses them, in the chargeback currency
 * (catalog/chargeback.ts): the router books spend with these rates, and the tenant budget
 * alerts compare that spend with the budgets. Without them a self-hosted model costs nothing
 * and no budget ever fires.
 */
const chargeback = z
  .object({ inputPerMillionTokens: z.number().nonnegative().max(1000), outputPerMillionTokens: z.number().nonnegative().max(1000) })
  .strict();

const selfHosted = z
  .object({
    id,
    dataBoundary: z.literal('self-hosted'),
    /** Where the weights come from (a Hugging Face repository id). */
    source: z.string().min(3),
    parametersBillion: z.number().positive().max(2000),
    dtype: z.enum(['bfloat16', 'float16', 'fp8', 'int8', 'int4']),
    contextLength: z.number().int().min(1024).max(10_000_000),
    /** Architecture figures that size the KV cache (from the model's config.json). */
    layers: z.number().int().min(1).max(1000).describe('num_hidden_layers'),
    attentionHeads: z.number().int().min(1).max(1000).describe('num_attention_heads'),
    kvHeads: z.number().int().min(1).max(1000).describe('num_key_value_heads'),
    headDim: z.number().int().min(8).max(1024).describe('hidden_size / num_attention_heads'),
    chargeback,
  })
  .strict();

const skuNames = Object.keys(AZURE_OPENAI_SKUS) as [AzureOpenAISku, ...AzureOpenAISku[]];

const cloud = z
  .object({
    id,
    dataBoundary: z.enum(['eu-cloud', 'global-cloud']),
    provider: z.literal('azure-openai'),
    /** The provider's model (azurerm_cognitive_deployment `model`). */
    model: z
      .object({
        format: z.literal('OpenAI'),
        name: z.string().regex(/^[a-z0-9][-a-z0-9.]*$/, 'expected an Azure OpenAI model name such as gpt-4o-mini'),
        version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected the model version Azure lists, e.g. "2024-07-18" (quote it)'),
      })
      .strict(),
    deployment: z
      .object({
        sku: z.enum(skuNames),
        /** Thousands of tokens per minute (Azure's deployment capacity unit for Standard-type SKUs). */
        capacity: z.number().int().min(1).max(100_000),
      })
      .strict(),
    contextLength: z.number().int().min(1024).max(10_000_000),
    /** From the provider's list price (see the comment in models.yaml), so cloud spend counts against budgets like self-hosted spend. */
    chargeback,
  })
  .strict();

const model = z.discriminatedUnion('dataBoundary', [selfHosted, cloud], {
  error: (issue) => (issue.code === 'invalid_union' ? `expected dataBoundary: ${DATA_BOUNDARIES.join(', ')} (where the model processes prompts: catalog/data-boundary.ts)` : undefined),
});

export const modelCatalogueSchema = z
  .object({ models: z.array(model).min(1) })
  .strict()
  .superRefine((cat, ctx) => {
    const seen = new Set<string>();
    cat.models.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id ${m.id}` });
      seen.add(m.id);
      if (m.dataBoundary !== 'self-hosted') {
        const implied = AZURE_OPENAI_SKUS[m.deployment.sku];
        if (implied !== m.dataBoundary) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', i, 'dataBoundary'],
            message: `a ${m.deployment.sku} deployment processes data as ${implied}, not ${m.dataBoundary}; fix: declare dataBoundary: ${implied}, or pick a deployment sku of that class (catalog/data-boundary.ts)`,
          });
        }
      }
    });
  });

export type ModelCatalogue = z.output<typeof modelCatalogueSchema>;
export type Model = ModelCatalogue['models'][number];
export type SelfHostedModel = Extract<Model, { dataBoundary: 'self-hosted' }>;
export type CloudModel = Exclude<Model, SelfHostedModel>;

export function isSelfHosted(m: Model): m is SelfHostedModel {
  return m.dataBoundary === 'self-hosted';
}

export function isCloudModel(m: Model): m is CloudModel {
  return m.dataBoundary !== 'self-hosted';
}

export function loadModelCatalogue(file = MODELS_FILE): ModelCatalogue {
  return loadYamlFile(file, modelCatalogueSchema);
}
