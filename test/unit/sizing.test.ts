/** vLLM sizing for catalogue models on the environments' GPU pools. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadEnvironment } from '../../config/load';
import { isSelfHosted, loadModelCatalogue, type SelfHostedModel as Model } from '../../config/models';
import { DEFAULT_SIZING, kvBytesPerToken, sizeModel, SizingError, weightsBytes } from '../../charts/serving/sizing';

const models = loadModelCatalogue().models.filter(isSelfHosted);
const model = (id: string): Model => models.find((m) => m.id === id)!;
const pool = (env: string) => loadEnvironment(env).aks.nodePools.gpu;
const GIB = 2 ** 30;

describe('vLLM sizing', () => {
  it('KV cache per token follows the architecture: 2 x layers x kv heads x head dim x 2 bytes', () => {
    assert.equal(kvBytesPerToken(model('llama-3-1-8b-instruct')), 2 * 32 * 8 * 128 * 2);
    assert.equal(weightsBytes(model('llama-3-1-70b-instruct')), 70e9 * 2);
  });

  it('8B on one 80 GB GPU: no tensor parallelism, the full context, memory to spare', () => {
    const s = sizeModel(model('llama-3-1-8b-instruct'), pool('dev'));
    assert.equal(s.tensorParallelSize, 1);
    assert.equal(s.gpusPerReplica, 1);
    // 70 GiB usable - 14.9 GiB weights = 55.1 GiB of KV at 128 KiB/token = 451k tokens; / 4 sequences, in 1024 steps.
    assert.equal(s.maxModelLen, 112640);
    assert.equal(s.gpuMemoryUtilization, 0.9);
    assert.ok(s.weightsGiB > 14 && s.weightsGiB < 15.5, `${s.weightsGiB}`);
    // What was promised fits, and one step more would not: the length is as large as the memory allows.
    const budget = (80 * 0.9 - DEFAULT_SIZING.overheadGiB) * s.tensorParallelSize * GIB - weightsBytes(model('llama-3-1-8b-instruct'));
    const kv = (len: number) => len * DEFAULT_SIZING.concurrentSequences * kvBytesPerToken(model('llama-3-1-8b-instruct'));
    assert.ok(kv(s.maxModelLen) <= budget);
    assert.ok(kv(s.maxModelLen + 1024) > budget);
  });

  it('70B needs tensor parallelism: the smallest TP that leaves room for useful contexts', () => {
    const s = sizeModel(model('llama-3-1-70b-instruct'), pool('prod'));
    assert.equal(pool('prod').gpusPerNode, 4);
    // TP 2 would hold the weights (130 GiB of 140) but leave under 8k tokens per sequence.
    assert.equal(s.tensorParallelSize, 4);
    assert.equal(s.maxModelLen, 121856);
    assert.ok(s.kvCacheGiB > 100);
  });

  it('a model that cannot fit one node is refused with the numbers and the fix', () => {
    assert.throws(
      () => sizeModel(model('llama-3-1-70b-instruct'), pool('dev')),
      (err: unknown) => {
        assert.ok(err instanceof SizingError);
        assert.match(err.message, /model llama-3-1-70b-instruct does not fit the nvidia-a100-80gb pool: it needs about 140\.4 GiB \(130\.4 GiB of bfloat16 weights plus a KV cache for 4 sequences of 8192 tokens\)/);
        assert.match(err.message, /at most 1 GPU\(s\) of 80 GiB leaves 70 GiB/);
        assert.match(err.message, /fix: serve it in an environment with more or larger GPUs per node, or use a quantized variant/);
        return true;
      },
    );
  });

  it('tensor parallelism always divides the attention heads (Qwen 32B has 40)', () => {
    const s = sizeModel(model('qwen2-5-coder-32b-instruct'), pool('prod'));
    assert.equal(model('qwen2-5-coder-32b-instruct').attentionHeads % s.tensorParallelSize, 0);
  });

  it('quantized weights need fewer GPUs', () => {
    const fp8 = { ...model('llama-3-1-70b-instruct'), id: 'llama-70b-fp8', dtype: 'fp8' as const };
    assert.ok(sizeModel(fp8, pool('prod')).tensorParallelSize < sizeModel(model('llama-3-1-70b-instruct'), pool('prod')).tensorParallelSize);
  });
});
