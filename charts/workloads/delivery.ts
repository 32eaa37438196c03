/** config/workloads.yaml `delivery` as the router's and the model servers' canary settings. */
import type { DeliveryWorkloads } from '../../config/workloads';
import { PLATFORM_ROUTES } from '../../catalog/routes';
import { routeName } from '../edge/routes';
import type { ServingDelivery } from '../serving/vllm';
import type { RouterDelivery } from './router';
import type { RouterModel } from './plan';

/** The router's route (llm.<zone>): the HTTPRoute whose weights the Gateway API plugin sets. */
export const ROUTER_ROUTE = { name: routeName(PLATFORM_ROUTES.llm), namespace: PLATFORM_ROUTES.llm.namespace };

export function routerDelivery(d: DeliveryWorkloads): RouterDelivery {
  return { policy: d, analysis: d.analysis, thresholds: d.router, route: ROUTER_ROUTE };
}

export function servingDelivery(d: DeliveryWorkloads): ServingDelivery {
  return {
    policy: d,
    analysis: d.analysis,
    thresholds: d.serving,
    minTokensPerGpuSecond: (id) => d.serving.perModel[id]?.minTokensPerGpuSecond ?? d.serving.minTokensPerGpuSecond,
  };
}

/**
 * The router's cost analysis compares spend per 1000 tokens with a limit; a limit below the dearest
 * rate the router books would fail every canary that serves that model. The rate that must pass.
 */
export function dearestRatePer1kTokens(routes: readonly RouterModel[]): { served: string; per1k: number } | undefined {
  return routes
    .filter((r) => r.chargeback)
    .map((r) => ({ served: r.served, per1k: Math.max(r.chargeback!.inputPerMillionTokens, r.chargeback!.outputPerMillionTokens) / 1000 }))
    .sort((a, b) => b.per1k - a.per1k)[0];
}
