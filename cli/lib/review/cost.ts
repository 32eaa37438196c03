/**
 * A monthly cost estimate per stack from the price table (config/prices.yaml): node pools at
 * their autoscaling minimum and maximum, plus the fixed-price managed services. It is an
 * estimate with a date, for comparing a change with its base, not a bill.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from '../../../config/yaml-validate';
import type { SynthOutput } from './diff';

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
  const fixed = each('azurerm_private_endpoint').length * m.privateEndpoint + each('azurerm_dns_zone').length * m.dnsZone + each('azurerm_private_dns_zone').length * m.privateDnsZone;
  add([fixed, fixed]);
  return { stack: name, min: round(min), max: round(max), unpriced: [...unpriced].sort() };
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface CostDelta {
  readonly asOf: string;
  readonly currency: string;
  readonly stacks: { stack: string; base: StackCost; head: StackCost }[];
  readonly total: { baseMin: number; baseMax: number; headMin: number; headMax: number };
}

export function costDelta(base: SynthOutput, head: SynthOutput, prices = loadPrices()): CostDelta {
  const names = [...new Set([...Object.keys(base.stacks), ...Object.keys(head.stacks)])].sort();
  const stacks = names
    .map((stack) => ({ stack, base: stackCost(stack, base.stacks[stack], prices), head: stackCost(stack, head.stacks[stack], prices) }))
    .filter((s) => s.base.min !== s.head.min || s.base.max !== s.head.max || s.head.unpriced.length > 0);
  const sum = (side: 'base' | 'head', key: 'min' | 'max') => round(names.reduce((n, stack) => n + stackCost(stack, (side === 'base' ? base : head).stacks[stack], prices)[key], 0));
  return {
    asOf: prices.asOf,
    currency: prices.currency,
    stacks,
    total: { baseMin: sum('base', 'min'), baseMax: sum('base', 'max'), headMin: sum('head', 'min'), headMax: sum('head', 'max') },
  };
}
