/**
 * Guard rails an environment file cannot talk its way past. Production gets the platform's
 * secure defaults without exception; a non-production environment may relax one only by
 * recording why under `guardRailExceptions.<rule>`. Network sizes, IP allow-lists, the region
 * and the Kubernetes version are checked in every tier. The same rules run as Rego over the
 * synthesized JSON (policies/terraform/guard_rails.rego), so a hand-edited construct cannot
 * bypass them either.
 */
import { AKS_VERSIONS, supportedAksVersions } from '../catalog/aks-versions';
import { AZURE_REGIONS } from '../catalog/azure-regions';
import { coversAllAddresses, parseCidr, prefixOf } from '../catalog/cidr';

/** Registries besides the environment's own ACR that production may pull from, each with why it is trusted. */
export const TRUSTED_REGISTRIES: Readonly<Record<string, string>> = {
  'mcr.microsoft.com': "Microsoft's registry for AKS components and Azure images, published and signed by Microsoft",
};

/** The shortest prefix an IP allow-list entry may have: wider ranges admit whole providers. */
export const MIN_ALLOWED_PREFIX = 16;

/** Azure reserves five addresses in every subnet; a /29 leaves three, the smallest useful. */
export const SMALLEST_SUBNET_PREFIX = 29;
export const AZURE_RESERVED_ADDRESSES = 5;

/**
 * Nodes take one address each: pods get theirs from the overlay (Azure CNI overlay is fixed in
 * constructs/aks; a test ties the two). Upgrades surge by a third of a pool, and a pool
 * rotation (temporary_name_for_rotation) runs a whole second pool for a while.
 */
export const UPGRADE_SURGE = 0.33;

export interface RuleViolation {
  readonly path: (string | number)[];
  readonly message: string;
}

/** A production default a non-production environment may relax, with a recorded reason. */
interface Relaxable {
  readonly path: (string | number)[];
  readonly secure: string;
  readonly relaxed: (env: GuardedEnvironment) => boolean;
}

export const RELAXABLE = {
  publicApiServer: { path: ['aks', 'privateCluster'], secure: 'a private API server (aks.privateCluster: true)', relaxed: (e) => !e.aks.privateCluster },
  publicNetworkAccess: { path: ['publicNetworkAccess'], secure: 'no public network access to ACR and Key Vault (publicNetworkAccess: false)', relaxed: (e) => e.publicNetworkAccess },
  publicIngress: {
    path: ['network', 'publicIngress'],
    secure: 'no public ingress on the cluster (network.publicIngress: false; publish hosts through the WAF edge, network.edge.frontDoor)',
    relaxed: (e) => e.network.publicIngress,
  },
  wafDetectionOnly: {
    path: ['network', 'edge', 'frontDoor', 'wafMode'],
    secure: 'a WAF that blocks what it detects (network.edge.frontDoor.wafMode: Prevention)',
    relaxed: (e) => e.network.edge.frontDoor.enabled && e.network.edge.frontDoor.wafMode !== 'Prevention',
  },
  egressFirewall: { path: ['network', 'egressFirewall', 'enabled'], secure: 'egress through the firewall allow-list (network.egressFirewall.enabled: true)', relaxed: (e) => !e.network.egressFirewall.enabled },
  admissionEnforcement: { path: ['policies', 'enforcement'], secure: 'Gatekeeper enforcement deny (policies.enforcement: deny)', relaxed: (e) => e.policies.enforcement !== 'deny' },
  imageDigests: { path: ['policies', 'requireDigest'], secure: 'images pinned by digest (policies.requireDigest: true)', relaxed: (e) => !e.policies.requireDigest },
  untrustedRegistries: {
    path: ['policies', 'allowedRegistries'],
    secure: `images only from the environment's ACR and ${Object.keys(TRUSTED_REGISTRIES).join(', ')}`,
    relaxed: (e) => e.policies.allowedRegistries.some((r) => !TRUSTED_REGISTRIES[r.split('/')[0]]),
  },
} satisfies Record<string, Relaxable>;

export type RelaxableRule = keyof typeof RELAXABLE;

/** What the rules read; the validated environment has all of it. */
export interface GuardedEnvironment {
  readonly name: string;
  readonly tier: 'production' | 'non-production';
  readonly location: string;
  readonly publicNetworkAccess: boolean;
  readonly guardRailExceptions?: Partial<Record<RelaxableRule, string>>;
  readonly network: {
    readonly subnets: Record<'nodes' | 'apiServer' | 'privateEndpoints', string>;
    readonly publicIngress: boolean;
    readonly egressFirewall: { readonly enabled: boolean };
    readonly edge: { readonly frontDoor: { readonly enabled: boolean; readonly wafMode: string } };
  };
  readonly aks: {
    readonly kubernetesVersion: string;
    readonly privateCluster: boolean;
    readonly authorizedIpRanges: string[];
    readonly nodePools: Record<'system' | 'workload' | 'gpu', { readonly maxCount: number; readonly zones: string[]; readonly enabled?: boolean }>;
  };
  readonly policies: { readonly enforcement: string; readonly requireDigest: boolean; readonly allowedRegistries: string[] };
  readonly data: { readonly postgres: { readonly highAvailability: boolean }; readonly redis: { readonly zones: string[] } };
  readonly azureOpenAI?: { readonly location?: string };
}

function tierRules(env: GuardedEnvironment): RuleViolation[] {
  const out: RuleViolation[] = [];
  const exceptions = env.guardRailExceptions ?? {};
  for (const [rule, r] of Object.entries(RELAXABLE) as [RelaxableRule, Relaxable][]) {
    const relaxed = r.relaxed(env);
    if (env.tier === 'production' && relaxed) {
      out.push({ path: r.path, message: `production requires ${r.secure}; a production environment cannot relax it` });
    } else if (relaxed && !exceptions[rule]) {
      out.push({ path: r.path, message: `${env.name} relaxes a production guard rail (${r.secure}) without a recorded reason: add guardRailExceptions.${rule} saying why, or keep the secure default` });
    } else if (!relaxed && exceptions[rule]) {
      out.push({ path: ['guardRailExceptions', rule], message: `${env.name} does not relax ${rule}, so the recorded exception is stale: remove it` });
    }
  }
  if (env.tier === 'production' && Object.keys(exceptions).length > 0) {
    out.push({ path: ['guardRailExceptions'], message: 'production environments take no guard-rail exceptions: remove guardRailExceptions' });
  }
  return out;
}

function allowList(env: GuardedEnvironment): RuleViolation[] {
  const ranges = env.aks.authorizedIpRanges;
  const out: RuleViolation[] = ranges
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => prefixOf(r) < MIN_ALLOWED_PREFIX)
    .map(({ r, i }) => ({ path: ['aks', 'authorizedIpRanges', i], message: `${r} admits ${2 ** (32 - prefixOf(r))} addresses; list ranges of /${MIN_ALLOWED_PREFIX} or narrower (your CI egress and office ranges)` }));
  if (ranges.length > 0 && coversAllAddresses(ranges)) {
    out.push({ path: ['aks', 'authorizedIpRanges'], message: `together these ranges admit every IPv4 address (0.0.0.0/0): the API server would be open to the internet` });
  }
  return out;
}

const usable = (cidr: string) => 2 ** (32 - (parseCidr(cidr)?.prefix ?? 32)) - AZURE_RESERVED_ADDRESSES;

function subnets(env: GuardedEnvironment): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const key of ['nodes', 'privateEndpoints'] as const) {
    const c = env.network.subnets[key];
    if ((parseCidr(c)?.prefix ?? 0) > SMALLEST_SUBNET_PREFIX) {
      out.push({ path: ['network', 'subnets', key], message: `${c} is smaller than a /${SMALLEST_SUBNET_PREFIX}: Azure reserves ${AZURE_RESERVED_ADDRESSES} addresses of every subnet` });
    }
  }
  const pools = Object.values(env.aks.nodePools).filter((p) => p.enabled !== false);
  const nodes = pools.reduce((n, p) => n + Math.ceil(p.maxCount * (1 + UPGRADE_SURGE)), 0) + Math.max(...pools.map((p) => p.maxCount));
  const nodeSubnet = env.network.subnets.nodes;
  const prefix = parseCidr(nodeSubnet)?.prefix;
  if (prefix !== undefined && prefix <= SMALLEST_SUBNET_PREFIX && usable(nodeSubnet) < nodes) {
    out.push({
      path: ['network', 'subnets', 'nodes'],
      message: `${nodeSubnet} has ${usable(nodeSubnet)} usable addresses, but the node pools need ${nodes} at their maximum (every pool's maxCount plus a third for upgrade surge, plus one pool rotating)`,
    });
  }
  return out;
}

function region(env: GuardedEnvironment): RuleViolation[] {
  const openAI = env.azureOpenAI?.location;
  const account: RuleViolation[] =
    openAI && !AZURE_REGIONS[openAI]
      ? [{ path: ['azureOpenAI', 'location'], message: `"${openAI}" is not an Azure region; the list is catalog/azure-regions.ts (an eu-cloud model needs one of catalog/data-boundary.ts EU_REGIONS)` }]
      : [];
  return [...account, ...environmentRegion(env)];
}

function environmentRegion(env: GuardedEnvironment): RuleViolation[] {
  const r = AZURE_REGIONS[env.location];
  if (!r) {
    const close = Object.keys(AZURE_REGIONS).filter((k) => k.startsWith(env.location.slice(0, 4)));
    return [{ path: ['location'], message: `"${env.location}" is not an Azure region${close.length ? ` (did you mean ${close.slice(0, 3).join(', ')}?)` : ''}; the list is catalog/azure-regions.ts` }];
  }
  if (r.zones) return [];
  const zonal: RuleViolation[] = [];
  for (const [name, p] of Object.entries(env.aks.nodePools)) if (p.enabled !== false && p.zones.length > 0) zonal.push({ path: ['aks', 'nodePools', name, 'zones'], message: `${env.location} has no availability zones; choose a zonal region` });
  if (env.data.postgres.highAvailability) zonal.push({ path: ['data', 'postgres', 'highAvailability'], message: `${env.location} has no availability zones for a zone-redundant standby; choose a zonal region` });
  return zonal;
}

function kubernetesVersion(env: GuardedEnvironment, today: string): RuleViolation[] {
  const v = env.aks.kubernetesVersion;
  const supported = supportedAksVersions(today);
  if (supported.includes(v)) return [];
  const known = AKS_VERSIONS[v];
  const why = !known ? 'is not a version AKS has released' : known.ga > today ? `is not generally available before ${known.ga}` : `went out of support on ${known.endOfLife}`;
  return [{ path: ['aks', 'kubernetesVersion'], message: `Kubernetes ${v} ${why}; supported on ${today}: ${supported.join(', ')} (catalog/aks-versions.ts)` }];
}

/** Today as YYYY-MM-DD, or PLATFORM_VALIDATION_DATE to reproduce a past validation. */
export function validationDate(vars: NodeJS.ProcessEnv = process.env): string {
  const pinned = vars.PLATFORM_VALIDATION_DATE;
  return pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned) ? pinned : new Date().toISOString().slice(0, 10);
}

export function guardRailViolations(env: GuardedEnvironment, today = validationDate()): RuleViolation[] {
  return [...tierRules(env), ...allowList(env), ...subnets(env), ...region(env), ...kubernetesVersion(env, today)];
}
