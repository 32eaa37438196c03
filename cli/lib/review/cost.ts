/**
 * A monthly cost estimate per stack from the price table (config/prices.yaml): node pools at
 * their autoscaling minimum and maximum, plus the fixed-price managed services. It is an
 * estimate with a date, for comparing a change with its base, not a bill.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from '../../../config/yaml-validate';
import { sameStack, type SynthOutput } from './diff';

export const PRICES_FILE = resolve(__dirname, '../../../config/prices.yaml');

const priceSchema = z
  .object({
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    currency: z.string().length(3),
    region: z.string(),
    hoursPerMonth: z.number().positive(),
    vmHourly: z.record(z.string(), z.number().nonnegative()),
    spotFactor: z.number().min(0).max(1),
    postgresMonthly: z.record(z.string(), z.number().nonnegative()),
    postgresStorageGbMonthly: z.number().nonnegative(),
    redisPremiumMonthly: z.record(z.string(), z.number().nonnegative()),
    monthly: z.object({
      aksStandardTier: z.number(),
      containerRegistryPremium: z.number(),
      containerRegistryGeoReplica: z.number(),
      privateEndpoint: z.number(),
      keyVaultPremium: z.number(),
      dnsZone: z.number(),
      privateDnsZone: z.number(),
      azureFirewallStandard: z.number(),
      azureFirewallPremium: z.number(),
      publicIpStandard: z.number(),
      frontDoorPremium: z.number(),
    }).strict(),
  })
  .strict();

export type PriceTable = z.output<typeof priceSchema>;

export function loadPrices(file = PRICES_FILE): PriceTable {
  return loadYamlFile(file, priceSchema);
}

export interface StackCost {
  readonly stack: string;
  readonly min: number;
  readonly max: number;
  /** VM sizes and service SKUs the table does not know; they are not counted. */
  readonly unpriced: string[];
}

type Json = Record<string, any>;

function pool(p: Json, prices: PriceTable, unpriced: Set<string>): [number, number] {
  const hourly = prices.vmHourly[p.vm_size];
  if (hourly === undefined) {
    unpriced.add(p.vm_size);
    return [0, 0];
  }
  const perNode = hourly * prices.hoursPerMonth * (p.priority === 'Spot' ? prices.spotFactor : 1);
  const min = p.auto_scaling_enabled ? p.min_count ?? 0 : p.node_count ?? 1;
  const max = p.auto_scaling_enabled ? p.max_count ?? min : min;
  return [perNode * min, perNode * max];
}

/** The resource types whose SKU or size the price table may lack; a stack without them is always estimated. */
export const MAY_BE_UNPRICED_TYPES = ['azurerm_kubernetes_cluster', 'azurerm_kubernetes_cluster_node_pool', 'azurerm_postgresql_flexible_server', 'azurerm_redis_cache', 'azurerm_firewall', 'azurerm_cdn_frontdoor_profile'];
const MAY_BE_UNPRICED = MAY_BE_UNPRICED_TYPES.map((t) => Buffer.from(`\n    ${JSON.stringify(t)}: `));

const RESOURCE_BLOCK = Buffer.from('\n  "resource": {');
const BLOCK_END = Buffer.from('\n  }');

/**
 * Whether a stack's resources include a type that may be unpriced, read from its text. cdktf
 * writes JSON indented by two spaces and JSON strings hold no raw newline, so the top-level
 * `resource` member runs from its key to the next line of exactly two spaces and a brace, and
 * a type is a key indented by four spaces inside it (a data source of the same type is not).
 * Text in any other layout is parsed.
 */
export function mayBeUnpriced(raw: Buffer, parse: () => Record<string, any>): boolean {
  if (!raw.subarray(0, 4).equals(Buffer.from('{\n  '))) return MAY_BE_UNPRICED_TYPES.some((t) => parse().resource?.[t]);
  const start = raw.indexOf(RESOURCE_BLOCK);
  if (start < 0) return false;
  const end = raw.indexOf(BLOCK_END, start + RESOURCE_BLOCK.length);
  const block = raw.subarray(start, end < 0 ? raw.length : end);
  return MAY_BE_UNPRICED.some((t) => block.includes(t));
}

export function stackCost(name: string, stack: Json | undefined, prices: PriceTable): StackCost {
  const unpriced = new Set<string>();
  let min = 0;
  let max = 0;
  const add = ([a, b]: [number, number]) => {
    min += a;
    max += b;
  };
  const each = (type: string) => Object.values<Json>(stack?.resource?.[type] ?? {});
  const m = prices.monthly;
  for (const c of each('azurerm_kubernetes_cluster')) {
    if (c.sku_tier === 'Standard') add([m.aksStandardTier, m.aksStandardTier]);
    add(pool({ ...c.default_node_pool, priority: 'Regular' }, prices, unpriced));
  }
  for (const p of each('azurerm_kubernetes_cluster_node_pool')) add(pool(p, prices, unpriced));
  for (const r of each('azurerm_container_registry')) {
    const fixed = m.containerRegistryPremium + (r.georeplications?.length ?? 0) * m.containerRegistryGeoReplica;
    add([fixed, fixed]);
  }
  for (const pg of each('azurerm_postgresql_flexible_server')) {
    const compute = prices.postgresMonthly[pg.sku_name];
    if (compute === undefined) unpriced.add(pg.sku_name);
    const monthly = (compute ?? 0) * (pg.high_availability ? 2 : 1) + ((pg.storage_mb ?? 32768) / 1024) * prices.postgresStorageGbMonthly;
    add([monthly, monthly]);
  }
  for (const r of each('azurerm_redis_cache')) {
    const size = `${r.family}${r.capacity}`;
    const monthly = prices.redisPremiumMonthly[size];
    if (r.sku_name !== 'Premium' || monthly === undefined) unpriced.add(`Redis ${r.sku_name} ${size}`);
    add([(monthly ?? 0) * (r.shard_count ?? 1), (monthly ?? 0) * (r.shard_count ?? 1)]);
  }
  for (const f of each('azurerm_firewall')) {
    const monthly = f.sku_tier === 'Premium' ? m.azureFirewallPremium : f.sku_tier === 'Standard' ? m.azureFirewallStandard : undefined;
    if (monthly === undefined) unpriced.add(`Azure Firewall ${f.sku_tier}`);
    add([monthly ?? 0, monthly ?? 0]);
  }
  for (const p of each('azurerm_cdn_frontdoor_profile')) {
    if (p.sku_name !== 'Premium_AzureFrontDoor') unpriced.add(`Front Door ${p.sku_name}`);
    add(p.sku_name === 'Premium_AzureFrontDoor' ? [m.frontDoorPremium, m.frontDoorPremium] : [0, 0]);
  }
  const fixed = each('azurerm_public_ip').length * m.publicIpStandard + each('azurerm_private_endpoint').length * m.privateEndpoint + each('azurerm_dns_zone').length * m.dnsZone + each('azurerm_private_dns_zone').length * m.privateDnsZone;
  add([fixed, fixed]);
  return { stack: name, min: round(min), max: round(max), unpriced: [...unpriced].sort() };
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface EnvironmentCost {
  readonly env: string;
  readonly base: { min: number; max: number };
  readonly head: { min: number; max: number };
  /** head - base, of the maximum (every pool at its autoscaling maximum). */
  readonly difference: number;
  /** Relative to the base maximum; undefined for a new environment. */
  readonly percent?: number;
  /** Stacks left out of both sides because one side has something the price table lacks. */
  readonly notEstimated: string[];
}

export interface BudgetChange {
  readonly tenant: string;
  readonly env: string;
  readonly before?: number;
  readonly after?: number;
}

export interface CostDelta {
  readonly asOf: string;
  readonly currency: string;
  /** Stacks whose estimate changes, or that cannot be estimated on either side. */
  readonly stacks: { stack: string; base: StackCost; head: StackCost; estimated: boolean }[];
  /** Production first, like every per-environment section. */
  readonly environments: EnvironmentCost[];
  readonly budgets: BudgetChange[];
}

function budgetAmount(stack: Json | undefined): number | undefined {
  const b = Object.values<Json>(stack?.resource?.azurerm_consumption_budget_subscription ?? {})[0];
  return b ? Number(b.amount) : undefined;
}

/**
 * A stack with an unpriced SKU on either side is "not estimated": counting the unknown as 0
 * would show a change of SKU as a saving of the whole old price.
 */
export function costDelta(base: SynthOutput, head: SynthOutput, prices = loadPrices(), envOrder: (a: string, b: string) => number = (a, b) => a.localeCompare(b)): CostDelta {
  const names = [...new Set([...Object.keys(base.stacks), ...Object.keys(head.stacks)])].sort();
  const all = names.map((stack) => {
    // A stack that is byte-for-byte the same on both sides costs the same on both: it cannot
    // change a difference, only the totals, and it is parsed and priced only if they are shown.
    if (sameStack(base, head, stack)) {
      let cost: StackCost | undefined;
      const side = () => (cost ??= stackCost(stack, base.stacks[stack], prices));
      // Only a stack with a type the table may lack has to be priced to know whether it is estimated.
      const estimated = !mayBeUnpriced(base.raw!.get(stack)!, () => base.stacks[stack]) || side().unpriced.length === 0;
      return { stack, estimated, same: true, side: { base: side, head: side } };
    }
    const b = stackCost(stack, base.stacks[stack], prices);
    const h = stackCost(stack, head.stacks[stack], prices);
    return { stack, estimated: b.unpriced.length === 0 && h.unpriced.length === 0, same: false, side: { base: () => b, head: () => h } };
  });
  const stacks = all
    .filter((s) => !s.same || !s.estimated)
    .map((s) => ({ stack: s.stack, base: s.side.base(), head: s.side.head(), estimated: s.estimated }))
    .filter((s) => !s.estimated || s.base.min !== s.head.min || s.base.max !== s.head.max);
  const envs = [...new Set(names.map((n) => n.split('-')[0]))].sort(envOrder);
  const environments = envs
    .map((env) => {
      const mine = all.filter((s) => s.stack.startsWith(`${env}-`));
      const counted = mine.filter((s) => s.estimated);
      const notEstimated = mine.filter((s) => !s.estimated).map((s) => s.stack);
      const differs = counted.some((s) => !s.same && (s.side.base().min !== s.side.head().min || s.side.base().max !== s.side.head().max));
      if (!differs && notEstimated.length === 0) return undefined;
      const sum = (side: 'base' | 'head', key: 'min' | 'max') => round(counted.reduce((n, s) => n + s.side[side]()[key], 0));
      const b = { min: sum('base', 'min'), max: sum('base', 'max') };
      const h = { min: sum('head', 'min'), max: sum('head', 'max') };
      const existed = mine.some((s) => base.stacks[s.stack]);
      return {
        env,
        base: b,
        head: h,
        difference: round(h.max - b.max),
        ...(existed && b.max > 0 ? { percent: round(((h.max - b.max) / b.max) * 100) } : {}),
        notEstimated,
      };
    })
    .filter((e): e is EnvironmentCost => e !== undefined && (e.difference !== 0 || e.base.min !== e.head.min || e.notEstimated.length > 0));
  const budgets = names
    .filter((n) => /-tenant-/.test(n) && !sameStack(base, head, n))
    .map((n) => ({ tenant: n.replace(/^[^-]+-tenant-/, ''), env: n.split('-')[0], before: budgetAmount(base.stacks[n]), after: budgetAmount(head.stacks[n]) }))
    .filter((b) => b.before !== b.after)
    .map((b) => ({ tenant: b.tenant, env: b.env, ...(b.before !== undefined ? { before: b.before } : {}), ...(b.after !== undefined ? { after: b.after } : {}) }));
  return { asOf: prices.asOf, currency: prices.currency, stacks, environments, budgets };
}
