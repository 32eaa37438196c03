/**
 * How to serve a model with vLLM on the environment's GPU pool: tensor-parallel size, GPUs per
 * replica, `--max-model-len` and `--gpu-memory-utilization`, derived from the weights and the KV
 * cache that must fit next to them. A model that cannot fit on one node is refused with the
 * numbers that show why.
 */
import type { SelfHostedModel as Model } from '../../config/models';

export interface GpuPool {
  readonly gpuModel: string;
  readonly gpusPerNode: number;
  /** Memory of one GPU. */
  readonly gpuMemoryGiB: number;
}

export interface SizingOptions {
  /** Fraction of GPU memory vLLM may use (its --gpu-memory-utilization). */
  readonly gpuMemoryUtilization: number;
  /** Per-GPU memory vLLM needs besides weights and KV cache (activations, CUDA graphs). */
  readonly overheadGiB: number;
  /** The KV cache must hold this many sequences of the full --max-model-len at once. */
  readonly concurrentSequences: number;
  /** Below this context a deployment is not worth serving: use more GPUs instead. */
  readonly minModelLen: number;
}

export const DEFAULT_SIZING: SizingOptions = { gpuMemoryUtilization: 0.9, overheadGiB: 2, concurrentSequences: 4, minModelLen: 8192 };

export interface Sizing {
  readonly model: string;
  readonly tensorParallelSize: number;
  readonly gpusPerReplica: number;
  readonly maxModelLen: number;
  readonly gpuMemoryUtilization: number;
  readonly weightsGiB: number;
  readonly kvCacheGiB: number;
  /** Tokens the KV cache holds across all sequences. */
  readonly kvCacheTokens: number;
}

export class SizingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SizingError';
  }
}

const GIB = 2 ** 30;
const WEIGHT_BYTES: Record<Model['dtype'], number> = { bfloat16: 2, float16: 2, fp8: 1, int8: 1, int4: 0.5 };
/** vLLM keeps the KV cache in 16-bit unless told otherwise; 8-bit weights keep an 8-bit cache. */
const KV_BYTES: Record<Model['dtype'], number> = { bfloat16: 2, float16: 2, fp8: 1, int8: 2, int4: 2 };
/** max-model-len is rounded down to a multiple of this (vLLM's block-friendly lengths). */
const LEN_STEP = 1024;

export function weightsBytes(model: Model): number {
  return model.parametersBillion * 1e9 * WEIGHT_BYTES[model.dtype];
}

/** Keys and values of every layer for one token. */
export function kvBytesPerToken(model: Model): number {
  return 2 * model.layers * model.kvHeads * model.headDim * KV_BYTES[model.dtype];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function sizeModel(model: Model, pool: GpuPool, options: SizingOptions = DEFAULT_SIZING): Sizing {
  const usablePerGpu = pool.gpuMemoryGiB * options.gpuMemoryUtilization - options.overheadGiB;
  const weights = weightsBytes(model) / GIB;
  const perToken = kvBytesPerToken(model);
  // Tensor parallelism splits attention heads evenly, so its size must divide them; it stays
  // inside one node, where NVLink makes it pay.
  const candidates = [1, 2, 4, 8, 16].filter((tp) => tp <= pool.gpusPerNode && model.attentionHeads % tp === 0 && (model.kvHeads % tp === 0 || tp % model.kvHeads === 0));
  for (const tp of candidates) {
    const kvGiB = usablePerGpu * tp - weights;
    if (kvGiB <= 0) continue;
    const kvTokens = Math.floor((kvGiB * GIB) / perToken);
    const fit = Math.floor(kvTokens / options.concurrentSequences / LEN_STEP) * LEN_STEP;
    const maxModelLen = Math.min(model.contextLength, fit);
    if (maxModelLen < Math.min(options.minModelLen, model.contextLength)) continue;
    return {
      model: model.id,
      tensorParallelSize: tp,
      gpusPerReplica: tp,
      maxModelLen,
      gpuMemoryUtilization: options.gpuMemoryUtilization,
      weightsGiB: round1(weights),
      kvCacheGiB: round1(kvGiB),
      kvCacheTokens: kvTokens,
    };
  }
  const largest = candidates[candidates.length - 1] ?? 1;
  const needed = weights + (Math.min(options.minModelLen, model.contextLength) * options.concurrentSequences * perToken) / GIB;
  throw new SizingError(
    `model ${model.id} does not fit the ${pool.gpuModel} pool: it needs about ${round1(needed)} GiB ` +
      `(${round1(weights)} GiB of ${model.dtype} weights plus a KV cache for ${options.concurrentSequences} sequences of ` +
      `${Math.min(options.minModelLen, model.contextLength)} tokens), but tensor parallelism over at most ${largest} GPU(s) ` +
      `of ${pool.gpuMemoryGiB} GiB leaves ${round1(usablePerGpu * largest)} GiB at gpu-memory-utilization ${options.gpuMemoryUtilization}; ` +
      'fix: serve it in an environment with more or larger GPUs per node, or use a quantized variant (fp8/int4) in config/models.yaml',
  );
}
