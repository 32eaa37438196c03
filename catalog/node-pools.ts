/**
 * Labels and taints of the node pools, as plain data: the pools carry them, and charts and add-on
 * values select and tolerate them (without loading the provider classes).
 */

export const POOL_LABEL = 'platform.example.org/pool';

/** Taints every GPU node carries: GPU workloads tolerate them, nothing else schedules there. */
export const GPU_TAINTS = ['nvidia.com/gpu=present:NoSchedule', 'sku=gpu:NoSchedule'] as const;
/** AKS puts this taint on spot nodes itself; declaring it keeps Terraform from seeing drift. */
export const SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';

/** The GPU pool's labels: what serving workloads select on. */
export function gpuPoolLabels(gpu: { readonly gpuModel: string; readonly gpusPerNode: number; readonly spot: { readonly enabled: boolean } }): Record<string, string> {
  return {
    sku: 'gpu',
    accelerator: 'nvidia',
    // The NVIDIA device plugin chart's default node affinity looks for this label (or NFD's,
    // which the platform does not run); without it the plugin schedules nowhere.
    'nvidia.com/gpu.present': 'true',
    'platform.example.org/gpu-model': gpu.gpuModel,
    'platform.example.org/gpus-per-node': String(gpu.gpusPerNode),
    'platform.example.org/capacity': gpu.spot.enabled ? 'spot' : 'on-demand',
  };
}

/** The node-pool sizes a node count depends on (the environment's `aks.nodePools`). */
export interface PoolMaximums {
  readonly system: { readonly maxCount: number };
  readonly workload: { readonly maxCount: number };
  readonly gpu: { readonly maxCount: number; readonly enabled: boolean };
}

/** Nodes the cluster can have at once when every pool autoscales to its maximum: what a DaemonSet can reach. */
export function maxNodeCount(pools: PoolMaximums): number {
  return pools.system.maxCount + pools.workload.maxCount + (pools.gpu.enabled ? pools.gpu.maxCount : 0);
}
