/**
 * Data the Terraform policies need but must not hand-maintain: which azurerm resource types
 * take tags (read from the installed provider's generated types, i.e. its schema), which
 * types are stateful (the PreventDestroyAspect's list), and the guard rails' regions, Kubernetes
 * versions and limits (the same data the environment validation uses). Written to
 * policies/terraform/data/platform.json; a test fails when the file is out of date.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AKS_VERSIONS } from '../../catalog/aks-versions';
import { AZURE_REGIONS } from '../../catalog/azure-regions';
import { MIN_ALLOWED_PREFIX, SMALLEST_SUBNET_PREFIX, TRUSTED_REGISTRIES } from '../../config/guard-rails';
import { STATEFUL_RESOURCE_TYPES } from '../../constructs/protection';

export const POLICY_DATA_FILE = resolve(__dirname, '../../policies/terraform/data/platform.json');

export interface PolicyData {
  readonly provider_version: string;
  readonly taggable_resource_types: string[];
  readonly stateful_resource_types: string[];
  /** catalog/azure-regions.ts: where an environment may deploy. */
  readonly azure_regions: string[];
  /** catalog/aks-versions.ts: the support window of each Kubernetes minor version. */
  readonly aks_versions: Record<string, { ga: string; end_of_life: string }>;
  /** config/guard-rails.ts: the narrowest allow-list prefix and the smallest subnet. */
  readonly min_allowed_prefix: number;
  readonly smallest_subnet_prefix: number;
  /** config/guard-rails.ts: registries production may pull from besides its ACR. */
  readonly trusted_registries: string[];
}

const CONFIG_BLOCK = /export interface \w+Config extends cdktf\.TerraformMetaArguments \{([\s\S]*?)\n\}/;
const RESOURCE_TYPE = /static readonly tfResourceType = "([a-z0-9_]+)"/;

export function providerLibDir(): string {
  return join(dirname(require.resolve('@cdktf/provider-azurerm/package.json')), 'lib');
}

/** Resource types whose configuration has a `tags` argument. */
export function taggableResourceTypes(libDir = providerLibDir()): string[] {
  const types: string[] = [];
  for (const entry of readdirSync(libDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('data-') || entry.name === 'provider') continue;
    let text: string;
    try {
      text = readFileSync(join(libDir, entry.name, 'index.d.ts'), 'utf8');
    } catch {
      continue;
    }
    const type = RESOURCE_TYPE.exec(text)?.[1];
    const config = CONFIG_BLOCK.exec(text)?.[1];
    if (type && config && /\n\s+readonly tags\??:/.test(config)) types.push(type);
  }
  return types.sort();
}

export function policyData(): PolicyData {
  const pkg = JSON.parse(readFileSync(require.resolve('@cdktf/provider-azurerm/package.json'), 'utf8')) as { version: string };
  return {
    provider_version: pkg.version,
    taggable_resource_types: taggableResourceTypes(),
    stateful_resource_types: [...STATEFUL_RESOURCE_TYPES].sort(),
    azure_regions: Object.keys(AZURE_REGIONS).sort(),
    aks_versions: Object.fromEntries(Object.entries(AKS_VERSIONS).map(([v, d]) => [v, { ga: d.ga, end_of_life: d.endOfLife }])),
    min_allowed_prefix: MIN_ALLOWED_PREFIX,
    smallest_subnet_prefix: SMALLEST_SUBNET_PREFIX,
    trusted_registries: Object.keys(TRUSTED_REGISTRIES).sort(),
  };
}

export function renderPolicyData(data: PolicyData = policyData()): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
