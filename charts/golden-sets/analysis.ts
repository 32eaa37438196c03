/**
 * The golden-set gate of one namespace: an Argo Rollouts AnalysisTemplate (catalog/rollouts.ts
 * ANALYSIS_TEMPLATES.goldenSet) whose `job` metric runs the runner (runner.ts) against the canary
 * a Rollout names in its arguments, the sets it may run there in a ConfigMap, and an egress-only
 * NetworkPolicy: the Job reaches the canary it checks, the collector's OTLP/HTTP port and nothing
 * else, and nothing reaches it. The Job succeeds when every set meets its threshold; otherwise the
 * measurement fails and Argo Rollouts aborts the rollout (failureLimit 0).
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { GOLDEN_SET_NAME, GOLDEN_SET_POD_LABELS } from '../../catalog/golden-sets';
import { ANALYSIS_TEMPLATES, GOLDEN_SET_ARGS } from '../../catalog/rollouts';
import { OTEL_COLLECTOR_NAME } from '../../catalog/cluster-names';
import type { GoldenSet } from '../../config/golden-sets';
import {
  egressOnlyPolicy, ExternalSecret, labelsFor, namespacePeer, OBSERVABILITY_NAMESPACE, q, resources, RESTRICTED_CONTAINER, scratchStorage, tcp, workloadPod,
} from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { GOLDEN_SET_RUNNER_PY, RUNNER_FILE } from './runner';

export const OTLP_HTTP_PORT = 4318;
const SETS_DIR = '/etc/golden-set';
const TMP_SIZE = '64Mi';
/** Seconds the whole run may take: a set is small, but a cold canary answers slowly. */
const DEADLINE_SECONDS = 900;

/** How the runner authenticates to what it calls. */
export type GoldenSetAuth =
  /** Mints a short-lived key of each case's tenant team with the router's master key (Key Vault secret `masterKeySecret`). */
  | { readonly kind: 'tenant-keys'; readonly masterKeySecret: string }
  /** vLLM serves without keys; only the NetworkPolicies decide who reaches it. */
  | { readonly kind: 'none' };

export interface GoldenSetAnalysisProps {
  readonly namespace: string;
  readonly environment: string;
  /** An image with python3 (the router's). */
  readonly image: ImageRef;
  /** `llm-router` sets in `platform`, `serving` sets in `serving`; already filtered to what runs in this environment. */
  readonly sets: readonly GoldenSet[];
  readonly auth: GoldenSetAuth;
  /** Where the canaries it checks run (the router's or the model servers' pods and port). */
  readonly canaryEgress: k8s.NetworkPolicyEgressRule;
}

/** `{{args.<name>}}`: Argo Rollouts fills it in from the Rollout's analysis step. */
const arg = (name: string) => `{{args.${name}}}`;

export class GoldenSetAnalysis extends Construct {
  constructor(scope: Construct, id: string, props: GoldenSetAnalysisProps) {
    super(scope, id);
    const ns = props.namespace;
    const labels = labelsFor({ name: GOLDEN_SET_NAME, component: 'golden-set', version: props.image.version });
    const meta = { name: GOLDEN_SET_NAME, namespace: ns, labels };

    new k8s.KubeConfigMap(this, 'sets', {
      metadata: meta,
      data: {
        [RUNNER_FILE]: GOLDEN_SET_RUNNER_PY,
        ...Object.fromEntries(props.sets.map((s) => [`${s.name}.json`, `${JSON.stringify(s, null, 2)}\n`])),
      },
    });
    new k8s.KubeServiceAccount(this, 'sa', { metadata: meta, automountServiceAccountToken: false });

    const env: k8s.EnvVar[] = [
      { name: 'HOME', value: '/tmp' },
      // Read-only root file system: no byte-code caches.
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
      { name: 'PYTHONUNBUFFERED', value: '1' },
      { name: 'OTEL_SERVICE_NAME', value: GOLDEN_SET_NAME },
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: `service.namespace=${ns},deployment.environment=${props.environment}` },
      { name: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', value: `http://${OTEL_COLLECTOR_NAME}.${OBSERVABILITY_NAMESPACE}.svc:${OTLP_HTTP_PORT}/v1/metrics` },
    ];
    if (props.auth.kind === 'tenant-keys') {
      // Only the master key, not the router's whole secret (database URL, salt key).
      new ExternalSecret(this, 'key', { metadata: meta, data: { ROUTER_MASTER_KEY: props.auth.masterKeySecret } });
      env.push({ name: 'ROUTER_MASTER_KEY', valueFrom: { secretKeyRef: { name: GOLDEN_SET_NAME, key: 'ROUTER_MASTER_KEY' } } });
    }

    const pod: k8s.PodSpec = {
      ...workloadPod(GOLDEN_SET_NAME),
      restartPolicy: 'Never',
      containers: [
        {
          name: 'golden-set',
          image: props.image.ref,
          imagePullPolicy: 'IfNotPresent',
          command: ['python3', `${SETS_DIR}/${RUNNER_FILE}`],
          args: ['--sets', SETS_DIR, '--base-url', arg(GOLDEN_SET_ARGS.baseUrl), '--target', arg(GOLDEN_SET_ARGS.target), '--auth', props.auth.kind],
          env,
          // The runner mostly waits for answers; the namespaces allow a limit of at most twice the request.
          resources: resources({ cpuRequest: '100m', cpuLimit: '200m', memory: '128Mi', ephemeralStorage: scratchStorage(TMP_SIZE, '64Mi') }),
          securityContext: RESTRICTED_CONTAINER,
          volumeMounts: [
            { name: 'sets', mountPath: SETS_DIR, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        { name: 'sets', configMap: { name: GOLDEN_SET_NAME } },
        { name: 'tmp', emptyDir: { sizeLimit: q(TMP_SIZE) } },
      ],
    };

    new ApiObject(this, 'template', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: ANALYSIS_TEMPLATES.goldenSet, namespace: ns, labels },
      spec: {
        args: [{ name: GOLDEN_SET_ARGS.baseUrl }, { name: GOLDEN_SET_ARGS.target }],
        metrics: [
          {
            name: GOLDEN_SET_NAME,
            // One run; a failed Job fails the analysis at once.
            failureLimit: 0,
            provider: {
              job: {
                metadata: { labels },
                // Typed, then serialized as the API expects (quantities as strings).
                spec: k8s.toJson_JobSpec({
                  // A retry would mint keys and book tokens again for the same verdict.
                  backoffLimit: 0,
                  activeDeadlineSeconds: DEADLINE_SECONDS,
                  ttlSecondsAfterFinished: 3600,
                  template: { metadata: { labels: { ...labels, ...GOLDEN_SET_POD_LABELS } }, spec: pod },
                }),
              },
            },
          },
        ],
      },
    });

    egressOnlyPolicy(this, {
      name: GOLDEN_SET_NAME,
      namespace: ns,
      labels,
      egress: [props.canaryEgress, { to: [namespacePeer(OBSERVABILITY_NAMESPACE)], ports: tcp(OTLP_HTTP_PORT) }],
    });
  }
}
