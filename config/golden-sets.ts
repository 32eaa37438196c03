/**
 * Golden sets (golden-sets/<name>.yaml): small, fixed prompts with the properties a good answer
 * has, run against a canary before it is promoted (docs/golden-sets.md). Validated here against the
 * model catalogue and the tenant files: an unknown model or tenant, a tenant not entitled to the
 * model it is asked through, a duplicate case id or a regular expression that does not compile are
 * located errors, every problem of every file at once, and nothing renders from a bad set.
 */
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { GOLDEN_SET_TARGETS } from '../catalog/golden-sets';
import { yamlFiles } from './input-files';
import type { ModelCatalogue } from './models';
import type { Tenant } from './tenant-schema';
import { loadYamlFile, ValidationError, type Finding, type Problem } from './yaml-validate';

export const GOLDEN_SETS_DIR = resolve(__dirname, '../golden-sets');
const MAX_FILE_BYTES = 64 * 1024;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The JSON Schema keywords the runner checks (type, enum, required, properties, items,
 * additionalProperties false). Strict, so a keyword the runner would silently ignore is refused
 * instead of giving a false sense of coverage.
 */
type JsonSchema = {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  enum?: (string | number | boolean | null)[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: false;
};
const jsonSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z
    .object({
      type: z.enum(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']).optional(),
      enum: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1).optional(),
      required: z.array(z.string()).optional(),
      properties: z.record(z.string(), jsonSchema).optional(),
      items: jsonSchema.optional(),
      additionalProperties: z.literal(false).optional(),
    })
    .strict(),
);

const message = z
  .object({
    role: z.enum(['system', 'user', 'assistant']),
    content: z.string().min(1).max(8000),
  })
  .strict();

const expectation = z
  .object({
    /** Every one of these appears in the answer (case-insensitive). */
    containsAll: z.array(z.string().min(1)).min(1).optional(),
    /** At least one of these appears in the answer (case-insensitive). */
    containsAny: z.array(z.string().min(1)).min(1).optional(),
    /** None of these appears in the answer (case-insensitive). */
    notContains: z.array(z.string().min(1)).min(1).optional(),
    /** The answer matches this regular expression, case-insensitively (Python `re.search`; the syntax JavaScript and Python share). */
    regex: z.string().min(1).max(500).optional(),
    /** The answer is JSON (a fenced ```json block is unwrapped) that satisfies this schema. */
    jsonSchema: jsonSchema.optional(),
    /** true: the model must decline; false: it must not. */
    refusal: z.boolean().optional(),
    /** Completion tokens the answer may use (from the response's usage). */
    maxTokens: z.number().int().min(1).max(4096).optional(),
    /** Milliseconds the whole completion may take. */
    maxLatencyMs: z.number().int().min(100).max(600_000).optional(),
  })
  .strict()
  .refine((e) => Object.keys(e).length > 0, 'expected at least one expectation (containsAll, containsAny, notContains, regex, jsonSchema, refusal, maxTokens, maxLatencyMs)');

const goldenCase = z
  .object({
    id: z.string().regex(DNS_LABEL, 'expected a DNS-1123 label (it becomes a metric label)').max(63),
    /** The tenant the case speaks for: on the router it runs with a key of the tenant's team. */
    tenant: z.string().regex(DNS_LABEL, 'expected a tenant name (tenants/<name>.yaml)'),
    /** A model id of config/models.yaml, which is also the alias clients ask the router for. */
    model: z.string().min(1),
    messages: z.array(message).min(1).max(20),
    /** Request settings: deterministic and short by default. */
    request: z
      .object({ maxTokens: z.number().int().min(1).max(4096).default(256), temperature: z.number().min(0).max(2).default(0) })
      .strict()
      .default({ maxTokens: 256, temperature: 0 }),
    expect: expectation,
  })
  .strict();

export const goldenSetSchema = z
  .object({
    /** Equals the file name (without .yaml); the `set` label of the metrics. */
    name: z.string().regex(DNS_LABEL, 'expected a DNS-1123 label').max(63),
    description: z.string().min(10).max(500),
    /** `llm-router`: run through the router when it is rolled out; `serving`: straight at a vLLM model when that model is rolled out. */
    target: z.enum(GOLDEN_SET_TARGETS),
    /** Share of the cases (0..1] that must pass for the set to pass. */
    passThreshold: z.number().gt(0).max(1),
    cases: z.array(goldenCase).min(1).max(50),
  })
  .strict();

export type GoldenSet = z.output<typeof goldenSetSchema>;
export type GoldenCase = GoldenSet['cases'][number];

export interface GoldenSetContext {
  readonly models: ModelCatalogue;
  readonly tenants: readonly Tenant[];
  /** Retired tenants: their cases are inactive (no team, no key) until offboarding removes them with the file. */
  readonly retiredTenants?: readonly string[];
}

const HINTS: Record<string, string> = {
  target: 'llm-router (through the router, with the tenant\'s key) or serving (straight at the vLLM model)',
  passThreshold: 'a share of the cases, e.g. 0.9 for 9 out of 10',
};

export function goldenSetFiles(dir = GOLDEN_SETS_DIR): string[] {
  return yamlFiles(dir);
}

/**
 * Semantic checks of one set; independent, so each also runs on what parsed when the schema failed
 * (an invalid expectation is then missing, hence `expect?.`).
 */
export function goldenSetChecks(fileName: string, ctx: GoldenSetContext): ((s: GoldenSet) => Finding[])[] {
  const models = new Set(ctx.models.models.map((m) => m.id));
  const tenants = new Map(ctx.tenants.map((t) => [t.metadata.name, t]));
  return [
    (s) => (s.name === fileName ? [] : [{ path: ['name'], message: `name "${s.name}" does not match the file name ${fileName}.yaml`, hint: `rename the file to ${s.name}.yaml or the set to ${fileName}` }]),
    (s) => {
      const seen = new Map<string, number>();
      return s.cases.flatMap((c, i) => {
        const first = seen.get(c.id);
        if (first === undefined) seen.set(c.id, i);
        return first === undefined ? [] : [{ path: ['cases', i, 'id'], message: `duplicate case id "${c.id}" (also cases.${first})`, hint: 'case ids are unique in a set: they label the metrics' }];
      });
    },
    (s) =>
      s.cases.flatMap((c, i) =>
        models.has(c.model) ? [] : [{ path: ['cases', i, 'model'], message: `unknown model "${c.model}"`, hint: `models in config/models.yaml: ${[...models].join(', ')}` }],
      ),
    (s) =>
      s.cases.flatMap((c, i): Finding[] => {
        const t = tenants.get(c.tenant);
        if (!t && ctx.retiredTenants?.includes(c.tenant)) return [];
        if (!t) return [{ path: ['cases', i, 'tenant'], message: `unknown tenant "${c.tenant}"`, hint: `tenants: ${[...tenants.keys()].sort().join(', ')}; a removed tenant's cases go with its file (docs/golden-sets.md)` }];
        const entitled = t.spec.llm?.models ?? [];
        if (!models.has(c.model) || entitled.includes(c.model)) return [];
        return [
          {
            path: ['cases', i, 'model'],
            message: `tenant "${c.tenant}" is not entitled to model "${c.model}" (its spec.llm.models: ${entitled.length ? entitled.join(', ') : 'none'})`,
            hint: 'a case asks only for what its tenant may use: pick one of those models or another tenant',
          },
        ];
      }),
    (s) =>
      s.cases.flatMap((c, i): Finding[] => {
        const regex = c.expect?.regex;
        if (regex === undefined) return [];
        try {
          new RegExp(regex);
          return [];
        } catch (err) {
          return [{ path: ['cases', i, 'expect', 'regex'], message: `not a regular expression: ${(err as Error).message}`, hint: 'use the syntax Python\'s re and JavaScript share (no lookbehind, no named groups)' }];
        }
      }),
    (s) =>
      s.cases.flatMap((c, i): Finding[] =>
        c.expect?.maxTokens !== undefined && c.expect.maxTokens > c.request.maxTokens
          ? [{ path: ['cases', i, 'expect', 'maxTokens'], message: `expect.maxTokens ${c.expect.maxTokens} is above request.maxTokens ${c.request.maxTokens}, so it can never fail`, hint: 'lower expect.maxTokens or raise request.maxTokens' }]
          : [],
      ),
  ];
}

export interface LoadedGoldenSet {
  readonly file: string;
  readonly set: GoldenSet;
}

/** Every set of `dir`, or one ValidationError with every problem of every file. */
export function loadGoldenSets(ctx: GoldenSetContext, dir = GOLDEN_SETS_DIR): LoadedGoldenSet[] {
  const problems: Problem[] = [];
  const loaded: LoadedGoldenSet[] = [];
  for (const file of goldenSetFiles(dir)) {
    try {
      loaded.push({ file, set: loadYamlFile(file, goldenSetSchema, { maxBytes: MAX_FILE_BYTES, refuseAliases: true, hints: HINTS, checks: goldenSetChecks(basename(file, '.yaml'), ctx) }) });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return loaded;
}

/**
 * The sets one namespace runs, as the runner reads them (JSON, one file per set), keeping only the
 * cases that can run there: on the router, cases of tenants it serves in this environment; in
 * `serving`, cases of models served in this environment. A set left without cases is dropped.
 */
export function goldenSetsFor(sets: readonly GoldenSet[], target: GoldenSet['target'], runnable: (c: GoldenCase) => boolean): GoldenSet[] {
  return sets
    .filter((s) => s.target === target)
    .map((s) => ({ ...s, cases: s.cases.filter(runnable) }))
    .filter((s) => s.cases.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
}
