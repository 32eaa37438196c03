/** NVIDIA device plugin chart values: runs only on the GPU pool, tolerating exactly its taints. */
import { z } from 'zod';
import { GPU_TAINTS, POOL_LABEL, SPOT_TAINT } from '../../node-pool/labels';
import { resources, stringMap, toleration } from './common';
import type { AddonContext } from '../context';

export const nvidiaDevicePluginValues = z.strictObject({
  nodeSelector: stringMap.optional(),
  tolerations: z.array(toleration).optional(),
  priorityClassName: z.string().optional(),
  resources: resources.optional(),
  gfd: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  nfd: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});
export type NvidiaDevicePluginValues = z.input<typeof nvidiaDevicePluginValues>;

/** `key=value:Effect` -> a toleration for exactly that taint. */
export function tolerationFor(taint: string): z.input<typeof toleration> {
  const m = /^([^=]+)=([^:]*):(\w+)$/.exec(taint);
  if (!m) throw new Error(`not a taint: ${taint}`);
  return { key: m[1], operator: 'Equal', value: m[2], effect: m[3] as 'NoSchedule' };
}

export function nvidiaDevicePluginChartValues(ctx: AddonContext): NvidiaDevicePluginValues {
  const gpu = ctx.env.aks.nodePools.gpu;
  return {
    nodeSelector: { [POOL_LABEL]: 'gpu' },
    tolerations: [...GPU_TAINTS, ...(gpu.spot.enabled ? [SPOT_TAINT] : [])].map(tolerationFor),
    priorityClassName: 'system-node-critical',
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    // Feature discovery is for the full GPU operator; the pool's labels already say what the nodes are.
    gfd: { enabled: false },
    nfd: { enabled: false },
  };
}
