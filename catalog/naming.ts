/**
 * The naming convention: `<abbreviation>-<project>-<env>-<region>[-<qualifier>...]`, using the
 * Cloud Adoption Framework abbreviations, kept inside each Azure resource type's length and
 * character rules. Globally unique names (registry, vault, storage) carry a short hash so two
 * forks with the same project code do not collide, and so a long name can be shortened without
 * losing uniqueness.
 */
import { createHash } from 'node:crypto';

export interface NamingRule {
  /** CAF abbreviation used as the first segment. */
  readonly abbreviation: string;
  readonly min: number;
  readonly max: number;
  /** The full-name pattern Azure enforces. */
  readonly pattern: RegExp;
  /** The allowed characters, in words, for error messages. */
  readonly describe: string;
  /** Hyphens are not allowed: segments are concatenated. */
  readonly noSeparator?: boolean;
  readonly lowercase?: boolean;
  /** Name must be unique across all of Azure, not only in its resource group. */
  readonly globallyUnique?: boolean;
}

const alnumDashUnderscorePeriod = /^[A-Za-z0-9]([-\w.]*[\w])?$/;

/** Azure's rules, from "Naming rules and restrictions for Azure resources". */
export const NAMING_RULES = {
  resourceGroup: { abbreviation: 'rg', min: 1, max: 90, pattern: /^[-\w.()]*[-\w()]$/, describe: 'letters, digits, "-", "_", ".", "(", ")"; not ending in "."' },
  virtualNetwork: { abbreviation: 'vnet', min: 2, max: 64, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  subnet: { abbreviation: 'snet', min: 1, max: 80, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  networkSecurityGroup: { abbreviation: 'nsg', min: 1, max: 80, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  privateEndpoint: { abbreviation: 'pe', min: 2, max: 64, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  privateDnsZoneLink: { abbreviation: 'pdnslink', min: 1, max: 80, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  kubernetesCluster: { abbreviation: 'aks', min: 1, max: 63, pattern: /^[A-Za-z0-9]([-\w]*[A-Za-z0-9])?$/, describe: 'letters, digits, "-", "_"; start and end alphanumeric' },
  /** Linux node pools: the name also becomes part of the node names. */
  nodePool: { abbreviation: '', min: 1, max: 12, pattern: /^[a-z][a-z0-9]{0,11}$/, describe: 'lowercase letters and digits, starting with a letter', noSeparator: true, lowercase: true },
  containerRegistry: { abbreviation: 'cr', min: 5, max: 50, pattern: /^[a-z0-9]+$/, describe: 'lowercase letters and digits', noSeparator: true, lowercase: true, globallyUnique: true },
  keyVault: { abbreviation: 'kv', min: 3, max: 24, pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, describe: 'letters, digits and single "-", starting with a letter', lowercase: true, globallyUnique: true },
  logAnalyticsWorkspace: { abbreviation: 'log', min: 4, max: 63, pattern: /^[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9]$/, describe: 'letters, digits, "-"; start and end alphanumeric' },
  userAssignedIdentity: { abbreviation: 'id', min: 3, max: 128, pattern: /^[A-Za-z0-9][-\w]*$/, describe: 'letters, digits, "-", "_"; start alphanumeric' },
  storageAccount: { abbreviation: 'st', min: 3, max: 24, pattern: /^[a-z0-9]+$/, describe: 'lowercase letters and digits', noSeparator: true, lowercase: true, globallyUnique: true },
  diagnosticSetting: { abbreviation: 'diag', min: 1, max: 260, pattern: /^[^*<>%&:\\?/+]+$/, describe: 'no *<>%&:\\?/+' },
  consumptionBudget: { abbreviation: 'budget', min: 1, max: 63, pattern: /^[A-Za-z0-9][-\w]*$/, describe: 'letters, digits, "-", "_"' },
  postgresqlFlexibleServer: { abbreviation: 'psql', min: 3, max: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, describe: 'lowercase letters, digits, "-"', lowercase: true, globallyUnique: true },
  firewall: { abbreviation: 'afw', min: 1, max: 80, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  firewallPolicy: { abbreviation: 'afwp', min: 1, max: 80, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  publicIp: { abbreviation: 'pip', min: 1, max: 80, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  routeTable: { abbreviation: 'rt', min: 1, max: 80, pattern: alnumDashUnderscorePeriod, describe: 'letters, digits, "-", "_", "."; start alphanumeric, end alphanumeric or "_"' },
  frontDoorProfile: { abbreviation: 'afd', min: 1, max: 260, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/, describe: 'letters, digits, "-"; start and end alphanumeric' },
  frontDoorEndpoint: { abbreviation: 'fde', min: 1, max: 46, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/, describe: 'letters, digits, "-"; start and end alphanumeric' },
  frontDoorWafPolicy: { abbreviation: 'waf', min: 1, max: 128, pattern: /^[A-Za-z][A-Za-z0-9]*$/, describe: 'letters and digits, starting with a letter', noSeparator: true },
  /** Also the account's custom subdomain (<name>.openai.azure.com), hence globally unique and lowercase. */
  cognitiveAccount: { abbreviation: 'oai', min: 2, max: 64, pattern: /^[a-z0-9](?!.*--)[-a-z0-9]*[a-z0-9]$/, describe: 'lowercase letters, digits and single "-"', lowercase: true, globallyUnique: true },
  redisCache: { abbreviation: 'redis', min: 1, max: 63, pattern: /^[A-Za-z0-9](?!.*--)[-A-Za-z0-9]*[A-Za-z0-9]$/, describe: 'letters, digits and single "-"', globallyUnique: true },
} as const satisfies Record<string, NamingRule>;

export type ResourceKind = keyof typeof NAMING_RULES;

/** Short region codes; an unknown region falls back to its first six letters. */
const REGION_CODES: Record<string, string> = {
  australiaeast: 'aue', brazilsouth: 'brs', canadacentral: 'cac', centralindia: 'inc', centralus: 'cus',
  eastasia: 'ea', eastus: 'eus', eastus2: 'eus2', francecentral: 'frc', germanywestcentral: 'gwc',
  italynorth: 'itn', japaneast: 'jpe', koreacentral: 'krc', northcentralus: 'ncus', northeurope: 'neu',
  norwayeast: 'nwe', polandcentral: 'plc', southafricanorth: 'san', southcentralus: 'scus',
  southeastasia: 'sea', spaincentral: 'spc', swedencentral: 'sdc', switzerlandnorth: 'szn',
  uaenorth: 'uan', uksouth: 'uks', ukwest: 'ukw', westeurope: 'weu', westus: 'wus', westus2: 'wus2',
  westus3: 'wus3',
};

export function regionCode(location: string): string {
  return REGION_CODES[location] ?? location.slice(0, 6);
}

export class NamingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NamingError';
  }
}

export interface NamingContext {
  readonly project: string;
  readonly env: string;
  readonly location: string;
  /** Mixed into the hash of globally unique names; the subscription id where known. */
  readonly uniquenessSeed?: string;
}

const HASH_LENGTH = 6;

export class Naming {
  readonly region: string;

  constructor(private readonly ctx: NamingContext) {
    this.region = regionCode(ctx.location);
  }

  /** The name for a resource of `kind`, optionally qualified (e.g. `name('subnet', 'nodes')`). */
  name(kind: ResourceKind, ...qualifiers: string[]): string {
    const rule: NamingRule = NAMING_RULES[kind];
    const hash = rule.globallyUnique ? this.hash(kind, qualifiers) : undefined;
    const segments = [rule.abbreviation, this.ctx.project, this.ctx.env, this.region, ...qualifiers, hash].filter(
      (s): s is string => Boolean(s),
    );
    let candidate = this.join(rule, segments);
    if (candidate.length > rule.max) {
      // Too long: keep the abbreviation, the uniqueness hash and as much of the rest as fits.
      const tail = hash ?? this.hash(kind, qualifiers);
      const head = this.join(rule, [rule.abbreviation].filter(Boolean));
      const sep = rule.noSeparator ? '' : '-';
      const room = rule.max - head.length - tail.length - (head ? sep.length * 2 : sep.length);
      const middle = this.join(rule, [this.ctx.project, this.ctx.env, ...qualifiers]).replace(/-/g, '').slice(0, Math.max(0, room));
      candidate = [head, middle, tail].filter(Boolean).join(sep);
    }
    if (rule.lowercase) candidate = candidate.toLowerCase();
    assertValidName(kind, candidate);
    return candidate;
  }

  private join(rule: NamingRule, segments: string[]): string {
    const cleaned = segments.map((s) => (rule.noSeparator ? s.replace(/[^A-Za-z0-9]/g, '') : s));
    // "a--b" is legal in a project code but not in every Azure name (Key Vault, Redis).
    return cleaned.join(rule.noSeparator ? '' : '-').replace(/-{2,}/g, '-');
  }

  private hash(kind: string, qualifiers: string[]): string {
    const seed = [this.ctx.uniquenessSeed ?? '', this.ctx.project, this.ctx.env, this.ctx.location, kind, ...qualifiers].join('/');
    return createHash('sha256').update(seed).digest('hex').slice(0, HASH_LENGTH);
  }
}

/** Throws a NamingError unless `name` satisfies Azure's rules for `kind`. */
export function assertValidName(kind: ResourceKind, name: string): void {
  const problem = nameProblem(kind, name);
  if (problem) throw new NamingError(problem);
}

export function nameProblem(kind: ResourceKind, name: string): string | undefined {
  const rule: NamingRule = NAMING_RULES[kind];
  if (name.length < rule.min || name.length > rule.max) {
    return `${kind} name "${name}" has ${name.length} characters; Azure allows ${rule.min}-${rule.max}`;
  }
  if (!rule.pattern.test(name)) {
    return `${kind} name "${name}" is not allowed; Azure allows ${rule.describe}`;
  }
  return undefined;
}
