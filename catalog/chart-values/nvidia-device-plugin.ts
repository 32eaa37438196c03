/** Values schema (strict) — NVIDIA device plugin chart values: runs only on the GPU pool, tolerating exactly its taints. */
import { z } from 'zod';
import { imageRepository, resources, stringMap, toleration } from './common';

export const nvidiaDevicePluginValues = z.strictObject({
  image: imageRepository.optional(),
  nodeSelector: stringMap.optional(),
  tolerations: z.array(toleration).optional(),
  priorityClassName: z.string().optional(),
  resources: resources.optional(),
  gfd: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  nfd: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});
export type NvidiaDevicePluginValues = z.input<typeof nvidiaDevicePluginValues>;
