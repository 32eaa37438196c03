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

/**
 * The Gateway API traffic-router plugin of Argo Rollouts (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi
 * v0.15.0, June 2026, the newest release). The controller loads plugins from an https:// or file://
 * location when it starts (argo-rollouts v1.9.0 utils/plugin/downloader.go); a private cluster cannot
 * reach GitHub's release downloads, so an init container copies the binary out of the project's own
 * image (published to ghcr.io by its docker-publish workflow, FROM alpine, USER 999), which nodes
 * pull through the ACR cache rule like every other image, and the controller reads it as a file.
 */
export const GATEWAY_API_PLUGIN = {
  /** The key under `trafficRouting.plugins` of a Rollout and the name in the controller's config. */
  name: 'argoproj-labs/gatewayAPI',
  upstream: 'ghcr.io',
  repository: 'argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi',
  tag: 'v0.15.0',
  /** Where the image keeps the binary (its Dockerfile). */
  binary: '/bin/rollouts-plugin-trafficrouter-gatewayapi',
  /** The emptyDir the init container copies it into and the controller reads it from. */
  mountPath: '/plugins',
  /** Set on an HTTPRoute while its weights are shifted; Argo CD ignores the route's rules while it is there. */
  inProgressLabel: 'rollouts.argoproj.io/gatewayapi-canary',
} as const;

/** The controller's file:// location of the plugin. */
export const GATEWAY_API_PLUGIN_LOCATION = `file://${GATEWAY_API_PLUGIN.mountPath}/${GATEWAY_API_PLUGIN.binary.split('/').pop()}`;
