/** The model catalogue (config/models.yaml): which models exist, and the figures sizing needs. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from './yaml-validate';

export const MODELS_FILE = resolve(__dirname, 'models.yaml');

const model = z
  .object({
    id: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a DNS-1123 label (it names Kubernetes objects)').max(50),
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
    /**
     * What a million tokens cost the tenant who uses them, in the chargeback currency
     * (catalog/chargeback.ts): the router books spend with these rates, and the tenant budget
     * alerts compare that spend with the budgets. Without them a self-hosted model costs nothing
     * and no budget ever fires.
     */
    chargeback: z
      .object({ inputPerMillionTokens: z.number().nonnegative().max(1000), outputPerMillionTokens: z.number().nonnegative().max(1000) })
      .strict(),
  })
  .strict();

export const modelCatalogueSchema = z
  .object({ models: z.array(model).min(1) })
  .strict()
  .superRefine((cat, ctx) => {
    const seen = new Set<string>();
    cat.models.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id ${m.id}` });
      seen.add(m.id);
    });
  });

export type ModelCatalogue = z.output<typeof modelCatalogueSchema>;
export type Model = ModelCatalogue['models'][number];

export function loadModelCatalogue(file = MODELS_FILE): ModelCatalogue {
  return loadYamlFile(file, modelCatalogueSchema);
}
