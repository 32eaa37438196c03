/**
 * Canary delivery for a Deployment the platform already renders: an Argo Rollout that takes the
 * Deployment over by reference (workloadRef; the Deployment keeps the pod template, so policies,
 * probes and the capacity checks still read it, and the controller scales it down as the Rollout's
 * pods become available), the canary Service, and the steps: a weight, a pause for the metrics to
 * fill, then an analysis that aborts the rollout when it fails (the canary is scaled away and the
 * stable pods keep or regain all traffic). Weights reach traffic through the Gateway API plugin
 * where a route exists, else through replica counts (docs/rollouts.md says why each).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { canaryServiceName, GATEWAY_API_PLUGIN, GOLDEN_SET_ARGS, ANALYSIS_TEMPLATES } from '../../catalog/rollouts';

export const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';
/** An autoscaler's target once a Rollout took a Deployment over: the Rollout's scale subresource. */
export const ROLLOUT_TARGET = { apiVersion: ROLLOUT_API_VERSION, kind: 'Rollout' } as const;

/** The arguments every analysis step passes besides the golden set's. */
export const ANALYSIS_ARGS = {
  /** The canary ReplicaSet's pod-template hash: its pods are named `<rollout>-<hash>-<suffix>`. */
  canaryHash: 'canary-hash',
  /** The Rollout's (and Deployment's and Service's) name. */
  workload: 'workload',
  /** GPUs of one replica (vLLM). */
  gpusPerReplica: 'gpus-per-replica',
  /** The least generated tokens per second per GPU of this model (vLLM). */
  minTokensPerGpuSecond: 'min-tokens-per-gpu-second',
} as const;

/** How a canary proceeds; config/workloads.yaml `delivery`. */
export interface CanaryPolicy {
  readonly steps: readonly number[];
  readonly pauseMinutes: number;
}

export type AnalysisArg = { readonly name: string; readonly value: string } | { readonly name: string; readonly valueFrom: { readonly podTemplateHashValue: 'Latest' | 'Stable' } };

export interface CanaryRolloutProps {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  /** The Deployment whose pod template the Rollout runs. */
  readonly deployment: string;
  readonly selector: Record<string, string>;
  /** The Service every caller uses; with a route it selects only the stable pods once a canary starts. */
  readonly stableService: string;
  /** Ports of the canary Service (the stable Service's). */
  readonly ports: k8s.ServicePort[];
  readonly policy: CanaryPolicy;
  /** AnalysisTemplates (in the Rollout's namespace) every analysis step runs. */
  readonly templates: readonly string[];
  readonly args: readonly AnalysisArg[];
  /** The canary's OpenAI-compatible base URL (ends in /v1) and what the golden set names it. */
  readonly goldenSet: { readonly baseUrl: string; readonly target: string };
  /** The HTTPRoute whose backend weights the Gateway API plugin sets; none: replica weighting. */
  readonly httpRoute?: { readonly name: string; readonly namespace: string };
  /** Extra pods a step may start: GPU workloads add one replica at a time instead of a quarter. */
  readonly maxSurge?: number | string;
  /** Seconds a step may take to become available before the rollout is marked degraded. */
  readonly progressDeadlineSeconds?: number;
}

/** The steps: weight, pause, analysis for each weight; the golden set runs at the first and the last, before promotion. */
export function canarySteps(policy: CanaryPolicy, templates: readonly string[], args: readonly AnalysisArg[], goldenSet: { baseUrl: string; target: string }): Record<string, unknown>[] {
  const golden: AnalysisArg[] = [
    { name: GOLDEN_SET_ARGS.baseUrl, value: goldenSet.baseUrl },
    { name: GOLDEN_SET_ARGS.target, value: goldenSet.target },
  ];
  const last = policy.steps.length - 1;
  return policy.steps.flatMap((weight, i) => {
    const withGolden = i === 0 || i === last;
    const stepArgs = [...args, ...(withGolden ? golden : [])];
    return [
      { setWeight: weight },
      { pause: { duration: `${policy.pauseMinutes}m` } },
      {
        analysis: {
          templates: [...templates, ...(withGolden ? [ANALYSIS_TEMPLATES.goldenSet] : [])].map((templateName) => ({ templateName })),
          ...(stepArgs.length ? { args: stepArgs } : {}),
        },
      },
    ];
  });
}

export class CanaryRollout extends Construct {
  readonly canaryService: string;

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    const { name, namespace, labels } = props.metadata;
    this.canaryService = canaryServiceName(name);

    // Not the workload's own name label: its ServiceMonitor selects Services by that label and
    // would scrape every canary pod a second time under another job.
    const canaryLabels = { ...labels, 'app.kubernetes.io/name': this.canaryService, 'app.kubernetes.io/component': 'canary' };
    new k8s.KubeService(this, 'canary-service', {
      metadata: { name: this.canaryService, namespace, labels: canaryLabels },
      // The controller adds the canary ReplicaSet's pod-template hash to this selector during a rollout.
      spec: { type: 'ClusterIP', selector: props.selector, ports: props.ports },
    });

    new ApiObject(this, 'rollout', {
      apiVersion: ROLLOUT_API_VERSION,
      kind: 'Rollout',
      metadata: { name, namespace, labels },
      spec: {
        // No replicas: the autoscaler owns the count through the Rollout's scale subresource.
        revisionHistoryLimit: 3,
        selector: { matchLabels: props.selector },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deployment, scaleDown: 'progressively' },
        progressDeadlineSeconds: props.progressDeadlineSeconds ?? 600,
        // A canary that stops progressing is rolled back, not left half-way.
        progressDeadlineAbort: true,
        strategy: {
          canary: {
            canaryService: this.canaryService,
            ...(props.httpRoute
              ? {
                  stableService: props.stableService,
                  trafficRouting: { plugins: { [GATEWAY_API_PLUGIN.name]: { httpRoute: props.httpRoute.name, namespace: props.httpRoute.namespace } } },
                  // Old pods linger briefly after a promotion, so a quick abort needs no new pods (traffic routing only).
                  scaleDownDelaySeconds: 30,
                }
              : {}),
            maxSurge: props.maxSurge ?? '25%',
            maxUnavailable: 0,
            steps: canarySteps(props.policy, props.templates, props.args, props.goldenSet),
          },
        },
      },
    });
  }
}
