/**
 * Loads and validates tenants/*.yaml against the schema, the environments they list and the
 * model and MCP tool catalogues. Every problem of every file is collected before failing, so one CI run tells
 * a tenant author everything to fix.
 */
import { basename } from 'node:path';
import { CHARGEBACK_CURRENCY } from '../catalog/chargeback';
import { boundaryCovers } from '../catalog/data-boundary';
import { cidrContains, parseCidr } from '../catalog/cidr';
import { MCP_TOOL_SERVER_NAMES, MCP_TOOL_SERVERS, mcpCatalogueEntries } from '../catalog/mcp-tools';
import { readAtMost } from './bounded-read';
import type { ModelCatalogue } from './models';
import { parseQuantity } from './quantity';
import type { EnvironmentConfig } from './schema';
import { RESERVED_TENANT_NAMES, splitHostPort, tenantSchema, type Tenant } from './tenant-schema';
import { displayPath, loadYamlFile, validateYamlText, ValidationError, type Finding, type Problem } from './yaml-validate';

export { TENANTS_DIR, tenantFiles } from './input-files';

/** Tenant files are at most this big; anything larger is a mistake or an attack. */
export const MAX_TENANT_FILE_BYTES = 32 * 1024;

export interface LoadedTenant {
  readonly file: string;
  readonly tenant: Tenant;
}

export interface TenantContext {
  /** Every known environment (a tenant may list only these). */
  readonly environments: EnvironmentConfig[];
  readonly models: ModelCatalogue;
}

const HINTS: Record<string, string> = {
  name: 'tenant names are DNS-1123 labels, e.g. acme-search',
  entraGroupObjectId: 'az ad group show --group <name> --query id -o tsv',
  cpu: 'quote quantities in YAML: cpu: "32"',
};

/**
 * A store of tenants validated before, for callers that keep one (the CLI keeps it in its synth
 * cache; config/ does no such I/O). The memo is asked with the file's exact bytes; what it
 * keys them with besides (the validation code, the context it was made for) is its business.
 * Only valid tenants are stored, so invalid files are always validated and located afresh.
 */
export interface TenantMemo {
  get(file: string, content: Buffer): Tenant | undefined;
  set(file: string, content: Buffer, tenant: Tenant): void;
}

/** Makes the memo for one validation context (the environments and catalogue every per-file check reads). */
export type TenantMemoFactory = (ctx: TenantContext) => TenantMemo;


export function loadTenants(files: string[], ctx: TenantContext, memo?: TenantMemo): LoadedTenant[] {
  const problems: Problem[] = [];
  const loaded: LoadedTenant[] = [];
  for (const file of files) {
    try {
      const tenant = memo ? loadMemoized(file, ctx, memo) : loadTenantFile(file, ctx);
      loaded.push({ file, tenant });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
  }
  problems.push(...duplicateNames(loaded));
  if (problems.length > 0) throw new ValidationError(problems);
  return loaded;
}

const validationOptions = (file: string, ctx: TenantContext) => ({
  maxBytes: MAX_TENANT_FILE_BYTES,
  refuseAliases: true,
  hints: HINTS,
  checks: tenantChecks(basename(file, '.yaml'), ctx),
});

function loadTenantFile(file: string, ctx: TenantContext): Tenant {
  return loadYamlFile(file, tenantSchema, validationOptions(file, ctx));
}

/** The file is read once: its bytes are the memo's key and, on a miss, what is validated. */
function loadMemoized(file: string, ctx: TenantContext, memo: TenantMemo): Tenant {
  const content = readAtMost(file, MAX_TENANT_FILE_BYTES);
  // Unreadable or too big: loadYamlFile says so, located as always.
  if (!content) return loadTenantFile(file, ctx);
  const known = memo.get(file, content);
  if (known) return known;
  const tenant = validateYamlText(displayPath(file), content.toString('utf8'), tenantSchema, validationOptions(file, ctx));
  memo.set(file, content, tenant);
  return tenant;
}

function duplicateNames(loaded: LoadedTenant[]): Problem[] {
  const byName = new Map<string, string[]>();
  for (const { file, tenant } of loaded) byName.set(tenant.metadata.name, [...(byName.get(tenant.metadata.name) ?? []), file]);
  return [...byName.entries()]
    .filter(([, files]) => files.length > 1)
    .flatMap(([name, files]) =>
      files.map((file) => ({
        file: displayPath(file),
        line: 1,
        column: 1,
        path: 'metadata.name',
        message: `tenant name "${name}" is also used by ${files.filter((f) => f !== file).map(displayPath).join(', ')}`,
        hint: 'tenant names must be unique: they become namespaces',
      })),
    );
}

/**
 * Semantic checks of one tenant that the schema alone cannot express, as independent units so
 * that they also run on the parts of a file that parsed when other parts did not.
 */
export function tenantChecks(fileName: string, ctx: TenantContext): ((t: Tenant) => Finding[])[] {
  return [
    (t) => {
      const name = t.metadata.name;
      const out: Finding[] = [];
      if (name !== fileName) out.push({ path: ['metadata', 'name'], message: `name "${name}" does not match the file name ${fileName}.yaml`, hint: `rename the file to ${name}.yaml or the tenant to ${fileName}` });
      if ((RESERVED_TENANT_NAMES as readonly string[]).includes(name) || name.startsWith('kube-')) {
        out.push({ path: ['metadata', 'name'], message: `"${name}" is reserved for the platform`, hint: 'pick a name that identifies the team or product' });
      }
      return out;
    },
    (t) => {
      const out: Finding[] = [];
      const known = new Map(ctx.environments.map((e) => [e.name, e]));
      const seen = new Set<string>();
      t.spec.environments.forEach((envName, i) => {
        if (seen.has(envName)) out.push({ path: ['spec', 'environments', i], message: `environment "${envName}" is listed twice` });
        seen.add(envName);
        if (!known.has(envName)) out.push({ path: ['spec', 'environments', i], message: `unknown environment "${envName}"`, hint: `known environments: ${[...known.keys()].join(', ')}` });
      });
      return out;
    },
    // Each environment's limits apart, so a broken quota does not hide a wrong currency.
    ...(['quota', 'budget', 'gitops'] as const).map((part) => (t: Tenant) =>
      t.spec.environments.flatMap((envName) => {
        const env = ctx.environments.find((e) => e.name === envName);
        return env ? checkAgainstEnvironment(t, env, part) : [];
      }),
    ),
    (t) => {
      const thresholds = t.spec.budget.alertThresholds;
      return thresholds.flatMap((v, i) =>
        i > 0 && v <= thresholds[i - 1] ? [{ path: ['spec', 'budget', 'alertThresholds', i], message: `thresholds must be strictly ascending; ${v} follows ${thresholds[i - 1]}`, hint: 'e.g. [80, 90, 100]' }] : [],
      );
    },
    (t) => {
      if (!t.spec.llm) return [];
      const ids = new Set(ctx.models.models.map((m) => m.id));
      return t.spec.llm.models.flatMap((m, i) => (ids.has(m) ? [] : [{ path: ['spec', 'llm', 'models', i], message: `unknown model "${m}"`, hint: `models in config/models.yaml: ${[...ids].join(', ')}` }]));
    },
    (t) => dataBoundaryFindings(t, ctx.models),
    (t) => {
      const catalogue = mcpCatalogueEntries();
      const seen = new Set<string>();
      return t.spec.mcp.tools.flatMap((entry, i): Finding[] => {
        const at = ['spec', 'mcp', 'tools', i];
        if (seen.has(entry)) return [{ path: at, message: `MCP tool "${entry}" is listed twice` }];
        seen.add(entry);
        if (catalogue.has(entry)) return [];
        const server = entry.split('/')[0];
        const known = MCP_TOOL_SERVER_NAMES.find((s) => s === server);
        return [
          known
            ? { path: at, message: `unknown MCP tool "${entry}": server ${server} has no such toolset or tool`, hint: `toolsets of ${server}: ${Object.keys(MCP_TOOL_SERVERS[known].toolsets).map((ts) => `${server}/${ts}`).join(', ')} (or one of their tools, catalog/mcp-tools.ts)` }
            : { path: at, message: `unknown MCP tool "${entry}": no tool server ${server}`, hint: `tool servers in catalog/mcp-tools.ts: ${MCP_TOOL_SERVER_NAMES.join(', ')}` },
        ];
      });
    },
    (t) => {
      const llm = t.spec.llm;
      if (!llm || !(llm.monthlyBudget > t.spec.budget.monthly)) return [];
      return [
        {
          path: ['spec', 'llm', 'monthlyBudget'],
          message: `LLM budget ${llm.monthlyBudget} exceeds the tenant's monthly budget ${t.spec.budget.monthly}`,
          hint: 'LLM spend is part of the monthly budget; raise budget.monthly or lower llm.monthlyBudget',
        },
      ];
    },
    (t) => {
      if (!t.spec.retrieval) return [];
      const without = t.spec.environments.filter((e) => ctx.environments.find((env) => env.name === e && !env.data.retrieval));
      if (without.length === 0) return [];
      return [
        {
          path: ['spec', 'retrieval'],
          message: `retrieval needs the retrieval database, which ${without.join(', ')} ${without.length === 1 ? 'does' : 'do'} not have (no data.retrieval in config/environments/${without[0]}.yaml)`,
          hint: `ask the platform team to set data.retrieval.embeddingDimensions in ${without.join(', ')}, or set retrieval: false`,
        },
      ];
    },
    (t) =>
      t.spec.network.allowEgressTo.flatMap((target, i): Finding[] => {
        const [host, port] = splitHostPort(target);
        const at = ['spec', 'network', 'allowEgressTo', i];
        const out: Finding[] = [];
        if (port < 1 || port > 65535) out.push({ path: at, message: `port ${port} is outside 1-65535` });
        if (host.includes('/')) {
          if (!parseCidr(host)) out.push({ path: at, message: `${host} is not a valid network (host bits set or prefix > 32)` });
          else if (cidrContains('10.0.0.0/8', host) || cidrContains('172.16.0.0/12', host) || cidrContains('192.168.0.0/16', host)) {
            out.push({ path: at, message: `${host} is a private range; tenants may not open egress into the platform's networks`, hint: 'reach platform services through their in-cluster Services instead' });
          }
        }
        return out;
      }),
  ];
}

/**
 * One finding per entitled model outside the tenant's data boundary, at that model's entry: a
 * tenant that accepts only self-hosted models never gets a route to a cloud provider by mistake.
 */
export function dataBoundaryFindings(t: Tenant, models: ModelCatalogue): Finding[] {
  const llm = t.spec.llm;
  // An invalid class is the schema's finding; the entries cannot be judged against it.
  if (!llm?.maxDataBoundary) return [];
  const byId = new Map(models.models.map((m) => [m.id, m]));
  return llm.models.flatMap((id, i): Finding[] => {
    const m = byId.get(id);
    if (!m || boundaryCovers(llm.maxDataBoundary, m.dataBoundary)) return [];
    const inside = models.models.filter((o) => boundaryCovers(llm.maxDataBoundary, o.dataBoundary)).map((o) => o.id);
    return [
      {
        path: ['spec', 'llm', 'models', i],
        message: `model ${id} is ${m.dataBoundary}, beyond the tenant's llm.maxDataBoundary ${llm.maxDataBoundary}`,
        hint: `remove it, or (with the data owner's approval) set llm.maxDataBoundary: ${m.dataBoundary}; models inside ${llm.maxDataBoundary}: ${inside.join(', ') || 'none'}`,
      },
    ];
  });
}

/** All semantic checks of one tenant at once. */
export function checkTenant(t: Tenant, fileName: string, ctx: TenantContext): Finding[] {
  return tenantChecks(fileName, ctx).flatMap((check) => check(t));
}

function checkAgainstEnvironment(t: Tenant, env: EnvironmentConfig, part: 'quota' | 'budget' | 'gitops'): Finding[] {
  const out: Finding[] = [];
  if (part === 'quota') {
    const quota = t.spec.quota;
    const limits = env.tenancy.maxQuota;
    for (const key of ['cpu', 'memory', 'storage'] as const) {
      if ((parseQuantity(quota[key]) ?? 0) > (parseQuantity(limits[key]) ?? 0)) {
        out.push({ path: ['spec', 'quota', key], message: `${key} ${quota[key]} exceeds the ${env.name} limit of ${limits[key]}`, hint: 'ask the platform team to raise tenancy.maxQuota, or lower the quota' });
      }
    }
    if (quota.pods > limits.pods) out.push({ path: ['spec', 'quota', 'pods'], message: `pods ${quota.pods} exceeds the ${env.name} limit of ${limits.pods}` });
    if (quota.gpu > 0 && !env.aks.nodePools.gpu.enabled) {
      out.push({ path: ['spec', 'quota', 'gpu'], message: `environment ${env.name} has no GPU pool, so the GPU quota must be 0`, hint: `remove ${env.name} from environments or set quota.gpu: 0` });
    } else if (quota.gpu > limits.gpu) {
      out.push({ path: ['spec', 'quota', 'gpu'], message: `gpu ${quota.gpu} exceeds the ${env.name} limit of ${limits.gpu}` });
    }
  }
  if (part === 'budget' && t.spec.budget.currency !== env.finops.currency) {
    out.push({ path: ['spec', 'budget', 'currency'], message: `${env.name} is billed in ${env.finops.currency}, not ${t.spec.budget.currency}`, hint: 'Azure budgets are always in the billing currency' });
  }
  if (part === 'budget' && t.spec.llm && env.finops.currency !== CHARGEBACK_CURRENCY) {
    out.push({
      path: ['spec', 'llm', 'monthlyBudget'],
      message: `${env.name} is billed in ${env.finops.currency}, but the router books LLM spend in ${CHARGEBACK_CURRENCY} (catalog/chargeback.ts), so this budget could not be compared with the spend`,
      hint: `leave ${env.name} out of this tenant's environments, or have the platform team move CHARGEBACK_CURRENCY and the rates in config/models.yaml to ${env.finops.currency}`,
    });
  }
  if (part === 'gitops') {
    t.spec.gitops.repoURLs.forEach((url, i) => {
      const host = new URL(url).hostname;
      if (!env.tenancy.allowedRepoHosts.includes(host)) {
        out.push({ path: ['spec', 'gitops', 'repoURLs', i], message: `repository host ${host} is not allowed in ${env.name}`, hint: `allowed hosts: ${env.tenancy.allowedRepoHosts.join(', ')}` });
      }
    });
  }
  return out;
}
