/** NVIDIA device plugin chart values: runs only on the GPU pool, tolerating exactly its taints. */
import type { z } from 'zod';
import { GPU_TAINTS, POOL_LABEL, SPOT_TAINT } from '../../../catalog/node-pools';
import { mirrorRepository, type AddonContext } from '../context';
import type { NvidiaDevicePluginValues } from '../../../catalog/chart-values/nvidia-device-plugin';
import { agentResources, toleration } from '../../../catalog/chart-values/common';
import { NODE_AGENTS } from '../../../catalog/namespaces';

/** `key=value:Effect` -> a toleration for exactly that taint. */
export function tolerationFor(taint: string): z.input<typeof toleration> {
  const m = /^([^=]+)=([^:]*):(\w+)$/.exec(taint);
  if (!m) throw new Error(`not a taint: ${taint}`);
  return { key: m[1], operator: 'Equal', value: m[2], effect: m[3] as 'NoSchedule' };
}

export function nvidiaDevicePluginChartValues(ctx: AddonContext): NvidiaDevicePluginValues {
  const gpu = ctx.env.aks.nodePools.gpu;
  return {
    image: { repository: mirrorRepository(ctx, 'nvcr.io', 'nvidia/k8s-device-plugin') },
    nodeSelector: { [POOL_LABEL]: 'gpu' },
    tolerations: [...GPU_TAINTS, ...(gpu.spot.enabled ? [SPOT_TAINT] : [])].map(tolerationFor),
    priorityClassName: 'system-node-critical',
    // The namespace quota is this size times the node count (catalog/namespaces.ts).
    resources: agentResources(NODE_AGENTS.nvidiaDevicePlugin),
    // Feature discovery is for the full GPU operator; the pool's labels already say what the nodes are.
    gfd: { enabled: false },
    nfd: { enabled: false },
  };
}
