/**
 * Names the golden-set gate shares across charts and the observability rules: the runner Job's
 * pod labels (which the router's and vLLM's NetworkPolicies admit), the metrics the runner pushes
 * over OTLP and the service name they carry. One source, so the policy, the runner and the alert
 * can never disagree on a name.
 */

/** The runner's name: its pods, ConfigMap, ServiceAccount and NetworkPolicy (in `platform` and in `serving`). */
export const GOLDEN_SET_NAME = 'golden-set';

/** Labels on the runner's pods; the callee policies select exactly these. */
export const GOLDEN_SET_POD_LABELS = { 'app.kubernetes.io/name': GOLDEN_SET_NAME } as const;

/** What `target` names when the router itself is rolled out (otherwise a catalogue model id). */
export const ROUTER_TARGET = 'llm-router';

/** Where a golden set runs: against the router (with a tenant's key), or straight at a vLLM model. */
export const GOLDEN_SET_TARGETS = [ROUTER_TARGET, 'serving'] as const;
export type GoldenSetTarget = (typeof GOLDEN_SET_TARGETS)[number];

/**
 * Gauges the runner pushes (OTLP/HTTP JSON to the collector, which remote-writes them to
 * Prometheus). No unit on any of them: the collector's Prometheus translation appends unit suffixes
 * (`_ratio` for unit "1"), and these names are already what Prometheus stores.
 */
export const GOLDEN_SET_METRICS = {
  /** 1 when the set met its threshold in the last run, else 0. Labels: set, target. */
  passed: 'golden_set_passed',
  /** Share of the set's cases that passed. Labels: set, target. */
  passRatio: 'golden_set_pass_ratio',
  /** The set's pass threshold. Labels: set, target. */
  threshold: 'golden_set_threshold',
  /** Cases run. Labels: set, target. */
  cases: 'golden_set_cases',
  /** 1 when the case met every expectation. Labels: set, target, case, tenant, model. */
  casePassed: 'golden_set_case_passed',
  /** Seconds the case's completion took. Labels: set, target, case, tenant, model. */
  caseLatency: 'golden_set_case_latency_seconds',
  /** Unix time of the run. Labels: set, target. */
  runTimestamp: 'golden_set_run_timestamp_seconds',
} as const;
