/**
 * Names the progressive-delivery pieces share across charts: the Rollouts of the LLM router and
 * of every vLLM model refer to AnalysisTemplates by these names, and the golden-set Job is one of
 * those templates. One source, so a step can never name a template nobody renders.
 */

/** AnalysisTemplates, rendered in each namespace that has Rollouts (`platform`, `serving`). */
export const ANALYSIS_TEMPLATES = {
  /** Share of 5xx answers of the canary, from the router's or vLLM's own counters. */
  errorRatio: 'llm-error-ratio',
  /** 95th percentile request latency of the canary. */
  latencyP95: 'llm-latency-p95',
  /** Generated tokens per second per GPU of a vLLM canary. */
  tokensPerGpu: 'vllm-tokens-per-gpu-second',
  /** Router spend per 1000 tokens of the canary, from the router's spend data. */
  costPer1kTokens: 'llm-cost-per-1k-tokens',
  /** Runs the golden sets against the canary (a Job); fails the analysis when a set fails. */
  goldenSet: 'golden-set',
} as const;

/** Arguments the golden-set template takes; the Rollouts pass them. */
export const GOLDEN_SET_ARGS = {
  /** OpenAI-compatible base URL of the canary (ends in /v1). */
  baseUrl: 'base-url',
  /** What was rolled out: `llm-router`, or the catalogue id of a vLLM model. */
  target: 'target',
} as const;

/** The Service that sends traffic only to a Rollout's canary pods. */
export function canaryServiceName(workload: string): string {
  return `${workload}-canary`;
}
