/**
 * The tenant file format (tenants/<name>.yaml), defined once here. The JSON Schema editors use
 * (tenants/tenant.schema.json) is generated from it, and the documented defaults in
 * tenants/README.md are the ones below.
 */
import { z } from 'zod';
import { PLATFORM_NAMESPACE_NAMES } from '../catalog/namespaces';
import { TEMPORAL_RETENTION } from '../catalog/temporal';
import { DATA_BOUNDARIES, DEFAULT_MAX_DATA_BOUNDARY } from '../catalog/data-boundary';
import { quantity } from './schema';

export const TENANT_API_VERSION = 'platform.example.org/v1alpha1';

/** Namespaces the platform owns; a tenant can never be named like one. */
export const RESERVED_TENANT_NAMES: readonly string[] = ['default', ...PLATFORM_NAMESPACE_NAMES];

export const DEFAULT_ALERT_THRESHOLDS = [80, 90, 100];

/** A tenant's MCP tool calls per minute and Gateway proxy replica, unless its file says otherwise. */
export const DEFAULT_MCP_REQUESTS_PER_MINUTE = 120;

const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected an Entra ID object id (UUID)');

/** `host:port` or `CIDR:port`, e.g. `api.acme.example:443` or `203.0.113.0/24:5432`. */
export const egressTarget = z
  .string()
  .regex(
    /^(([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|\d{1,3}(\.\d{1,3}){3}\/\d{1,2}):\d{1,5}$/,
    'expected host:port or CIDR:port, e.g. api.acme.example:443 or 203.0.113.0/24:5432',
  );

/** `api.example:443` -> ['api.example', 443]; `203.0.113.0/24:5432` -> ['203.0.113.0/24', 5432]. */
export function splitHostPort(target: string): [string, number] {
  const at = target.lastIndexOf(':');
  return [target.slice(0, at), Number(target.slice(at + 1))];
}

export const tenantSchema = z
  .object({
    apiVersion: z.literal(TENANT_API_VERSION),
    kind: z.literal('Tenant'),
    metadata: z
      .object({
        name: z
          .string()
          .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'expected a DNS-1123 label: lowercase letters, digits and "-", starting with a letter')
          .max(30, 'at most 30 characters (it prefixes namespaces and Azure resource names)')
          .describe('tenant name: the namespace, and the file name without .yaml'),
      })
      .strict(),
    spec: z
      .object({
        displayName: z.string().min(1).max(80),
        owners: z
          .object({
            entraGroupObjectId: uuid.describe('Entra ID group that administers the tenant namespace'),
            contacts: z.array(z.email('expected an e-mail address')).min(1).describe('budget alerts go here'),
            reviewers: z
              .array(z.string().regex(/^@[A-Za-z0-9][-\w.]*(\/[-\w.]+)?$/, 'expected a GitHub user or team handle such as @acme/search'))
              .min(1)
              .describe('CODEOWNERS entries that review this file'),
          })
          .strict(),
        costCenter: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'expected a cost center code such as CC-4711'),
        environments: z.array(z.string().min(1)).min(1).describe('environments the tenant is deployed to'),
        budget: z
          .object({
            monthly: z.number().positive().describe('monthly Azure budget in the billing currency'),
            currency: z.enum(['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'JPY', 'AUD', 'CAD']),
            alertThresholds: z
              .array(z.number().int().min(1).max(1000))
              .min(1)
              .max(4, 'at most 4: Azure budgets take 5 notifications and one is the 100 % forecast alert')
              .default(DEFAULT_ALERT_THRESHOLDS)
              .describe('percent of the monthly budget that triggers an e-mail, ascending'),
          })
          .strict(),
        quota: z
          .object({
            cpu: quantity.describe('requests.cpu for the namespace'),
            memory: quantity.describe('requests.memory for the namespace'),
            gpu: z.number().int().min(0).default(0).describe('requests.nvidia.com/gpu'),
            pods: z.number().int().min(1).default(100),
            storage: quantity.default('100Gi').describe('requests.storage across PVCs'),
          })
          .strict(),
        llm: z
          .object({
            models: z.array(z.string()).default([]).describe('model ids from config/models.yaml'),
            tokensPerMinute: z.number().int().min(1),
            requestsPerMinute: z.number().int().min(1),
            monthlyBudget: z.number().min(0).describe('router spend limit in the billing currency'),
            guardrails: z
              .object({
                piiMasking: z
                  .boolean()
                  .default(false)
                  .describe('mask personal data (Presidio) in prompts before the model sees them and in completions before the tenant does (docs/compliance/dpia.md)'),
              })
              .strict()
              .default({ piiMasking: false })
              .describe("the router's guardrails for this tenant's team"),
            maxDataBoundary: z
              .enum(DATA_BOUNDARIES)
              .default(DEFAULT_MAX_DATA_BOUNDARY)
              .describe(
                `the widest data-boundary class the tenant accepts for its prompts and completions (default ${DEFAULT_MAX_DATA_BOUNDARY}): self-hosted (the platform's own GPUs), eu-cloud (a cloud provider inside the EU), global-cloud (any region); every model in llm.models must be inside it`,
              ),
          })
          .strict()
          .optional(),
        gitops: z
          .object({
            repoURLs: z.array(z.url({ protocol: /^https$/, error: 'expected an https:// repository URL' })).min(1),
            path: z.string().regex(/^[^/]?[-\w./]*$/, 'expected a relative path inside the repository').default('.'),
            targetRevision: z.string().min(1).default('main'),
          })
          .strict(),
        mcp: z
          .object({
            tools: z
              .array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9_-]+$/, 'expected <server>/<toolset> or <server>/<tool>, e.g. azure-devops/work-items'))
              .default([])
              .describe('MCP tools the tenant may call through the MCP hub: <server>/<toolset> or <server>/<tool> from catalog/mcp-tools.ts'),
            requestsPerMinute: z
              .number()
              .int()
              .min(1)
              .max(6000)
              .default(DEFAULT_MCP_REQUESTS_PER_MINUTE)
              .describe("tool-server requests per minute through each of the Gateway's proxy replicas"),
          })
          .strict()
          .default({ tools: [], requestsPerMinute: DEFAULT_MCP_REQUESTS_PER_MINUTE }),
        network: z
          .object({ allowEgressTo: z.array(egressTarget).default([]) })
          .strict()
          .default({ allowEgressTo: [] }),
        workflows: z
          .object({
            retentionDays: z
              .number()
              .int()
              .min(TEMPORAL_RETENTION.minDays, `at least ${TEMPORAL_RETENTION.minDays} day`)
              .max(TEMPORAL_RETENTION.maxDays, `at most ${TEMPORAL_RETENTION.maxDays} days, the platform maximum (catalog/temporal.ts); closed workflows are kept this long in the shared PostgreSQL server: lower it, or export histories you must keep longer`)
              .default(TEMPORAL_RETENTION.defaultDays)
              .describe(`days Temporal keeps a closed workflow's history in the tenant's Temporal namespace (default ${TEMPORAL_RETENTION.defaultDays}, at most ${TEMPORAL_RETENTION.maxDays})`),
          })
          .strict()
          .optional()
          .describe('the Temporal namespace named after the tenant (docs/workflows.md)'),
        retrieval: z
          .boolean()
          .default(false)
          .describe('true for a pgvector store of its own on the platform PostgreSQL: a schema and an Entra ID role for its workload identity (docs/retrieval.md)'),
        /**
         * Offboarding, step one: the tenant's stacks declare nothing, so the next deploy destroys
         * what it had (after the approve-destroy label on the pull request). Step two, once that
         * deploy ran: delete the file. docs/runbooks/offboarding-a-tenant.md
         */
        retired: z.boolean().default(false).describe('true to destroy everything the tenant has on the next deploy; then delete the file'),
      })
      .strict(),
  })
  .strict();

export type Tenant = z.output<typeof tenantSchema>;

/** JSON Schema for editors (`# yaml-language-server: $schema=./tenant.schema.json`). */
export function tenantJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(tenantSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://platform.example.org/schemas/tenant.schema.json',
    title: 'Tenant',
    description: 'One tenant of the AI-agent platform (tenants/<name>.yaml).',
  };
}
