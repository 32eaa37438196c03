/**
 * vLLM serving in namespace `serving`: one Deployment per served model on the GPU pool, sized by
 * charts/serving/sizing.ts, scaled by KEDA on the model's waiting requests, reachable only from
 * the LLM router. Weights are cached on a shared (ReadWriteMany) volume per model, so a new
 * replica loads from the cache instead of downloading again.
 */
import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { GPU_TAINTS, POOL_LABEL, SPOT_TAINT } from '../../catalog/node-pools';
import type { GpuPoolConfig } from '../../config/schema';
import {
  cidrEgress, ExternalSecret, labelsFor, metricsIngress, namespacePeer, PLATFORM_NAMESPACE, port, q, RESTRICTED_CONTAINER, RESTRICTED_POD, ScaledObject,
  scratchStorage, selectorFor, SERVING_NAMESPACE, ServiceMonitor, tcp,
} from '../workloads/common';
import { STARTUP_PERIOD_SECONDS } from '../workloads/capacity';
import { GOLDEN_SET_POD_LABELS } from '../../catalog/golden-sets';
import type { ImageRef, ServedModel } from '../workloads/plan';
import { ANALYSIS_TEMPLATES, canaryServiceName } from '../../catalog/rollouts';
import { servingAnalysisTemplates, type AnalysisPolicy, type ServingThresholds } from '../workloads/analysis';
import { ANALYSIS_ARGS, CanaryRollout, ROLLOUT_TARGET, type CanaryPolicy } from '../workloads/rollout';

export const VLLM_PORT = 8000;
/** The pods allowed to call vLLM: the router in namespace `platform` (and the golden-set Job in `serving`). */
export const ROUTER_SELECTOR = { 'app.kubernetes.io/name': 'llm-router' };
const HF_SECRET = 'vllm-huggingface';
/** Private ranges: weight downloads go to the public internet, never into platform networks. */
/**
 * vLLM's scratch space: Triton, Numba and torch.compile caches under /tmp. The weights live on the
 * model cache volume and /dev/shm is memory, so neither counts as node disk.
 */
const VLLM_TMP_SIZE = '10Gi';
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

export interface VllmServingChartProps {
  readonly image: ImageRef;
  readonly models: readonly ServedModel[];
  readonly gpuPool: GpuPoolConfig;
  readonly cache: { readonly storageClassName: string; readonly size: string };
  /** Seconds a terminating replica keeps finishing in-flight generations. */
  readonly drainSeconds: number;
  /** Waiting requests per replica KEDA scales towards. */
  readonly waitingPerReplica: number;
  /** CIDR:port the weights come from; empty = any public address on 443. */
  readonly weightsEndpoints: readonly string[];
  /** Canary delivery through Argo Rollouts (docs/rollouts.md); unset: rolling updates of the Deployments. */
  readonly delivery?: ServingDelivery;
}

export interface ServingDelivery {
  readonly policy: CanaryPolicy;
  readonly analysis: AnalysisPolicy;
  readonly thresholds: ServingThresholds;
  /** Model id -> the least generated tokens per second per GPU its canary must reach under load. */
  readonly minTokensPerGpuSecond: (modelId: string) => number;
}

/** `key=value:Effect` -> a toleration for exactly that taint. */
export function tolerationFor(taint: string): k8s.Toleration {
  const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(taint);
  if (!m) throw new Error(`not a taint: ${taint}`);
  return m[2] !== undefined ? { key: m[1], operator: 'Equal', value: m[2], effect: m[3] } : { key: m[1], operator: 'Exists', effect: m[3] };
}

export function vllmServiceName(modelId: string): string {
  return `vllm-${modelId}`;
}

export function vllmBaseUrl(modelId: string): string {
  return `http://${vllmServiceName(modelId)}.${SERVING_NAMESPACE}.svc.cluster.local:${VLLM_PORT}/v1`;
}

export class VllmServingChart extends Chart {
  constructor(scope: Construct, id: string, props: VllmServingChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: SERVING_NAMESPACE });
    const ns = SERVING_NAMESPACE;
    const shared = labelsFor({ name: 'vllm', component: 'model-server', version: props.image.version });

    // Gated models (Llama) need a Hugging Face token to download; it lives in Key Vault.
    new ExternalSecret(this, 'hf-token', { metadata: { name: HF_SECRET, namespace: ns, labels: shared }, data: { HF_TOKEN: 'huggingface-token' } });

    const tolerations = [...GPU_TAINTS, ...(props.gpuPool.spot.enabled ? [SPOT_TAINT] : [])].map(tolerationFor);
    const weightsEgress: k8s.NetworkPolicyEgressRule[] = props.weightsEndpoints.length
      ? props.weightsEndpoints.map(cidrEgress)
      : [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: tcp(443) }];

    for (const served of props.models) {
      const { model, sizing } = served;
      const name = vllmServiceName(model.id);
      const labels = { ...labelsFor({ name, component: 'model-server', version: props.image.version }), 'platform.example.org/model': model.id };
      const selector = selectorFor(name);
      const meta = (suffix = '') => ({ name: `${name}${suffix}`, namespace: ns, labels });
      const tp = sizing.tensorParallelSize;
      // NCCL exchanges tensors through /dev/shm between the GPUs of one replica.
      const shmGiB = Math.max(2, 4 * tp);
      // Host memory: safetensors are staged in RAM while loading, plus vLLM's CPU swap (4 GiB per GPU) and shm.
      const memoryGiB = Math.ceil(sizing.weightsGiB) + 8 + 4 * tp + shmGiB;
      const startupFailures = Math.ceil(served.startupSeconds / STARTUP_PERIOD_SECONDS);
      // Compiled kernels fill most of /tmp on the first start of a model: ask for it up front.
      const storage = scratchStorage(VLLM_TMP_SIZE, '8Gi');

      new k8s.KubeServiceAccount(this, `${model.id}-sa`, { metadata: meta(), automountServiceAccountToken: false });

      new k8s.KubePersistentVolumeClaim(this, `${model.id}-cache`, {
        metadata: meta('-cache'),
        spec: {
          // Shared by every replica of the model, on whichever GPU node it lands.
          accessModes: ['ReadWriteMany'],
          storageClassName: props.cache.storageClassName,
          resources: { requests: { storage: q(props.cache.size) } },
        },
      });

      new k8s.KubeDeployment(this, `${model.id}-deployment`, {
        metadata: meta(),
        spec: {
          revisionHistoryLimit: 3,
          selector: { matchLabels: selector },
          // GPUs are the scarce resource: replace one replica at a time instead of surging onto GPUs that may not exist.
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: port(0), maxUnavailable: port(1) } },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: name,
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: RESTRICTED_POD,
              nodeSelector: { [POOL_LABEL]: 'gpu', 'platform.example.org/gpu-model': props.gpuPool.gpuModel },
              tolerations,
              terminationGracePeriodSeconds: props.drainSeconds + 30,
              topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
              containers: [
                {
                  name: 'vllm',
                  image: props.image.ref,
                  imagePullPolicy: 'IfNotPresent',
                  args: [
                    '--model', model.source,
                    '--served-model-name', model.id,
                    '--tensor-parallel-size', String(tp),
                    '--max-model-len', String(sizing.maxModelLen),
                    '--gpu-memory-utilization', String(sizing.gpuMemoryUtilization),
                    // Quantized checkpoints carry their own dtype in their config.
                    '--dtype', model.dtype === 'bfloat16' || model.dtype === 'float16' ? model.dtype : 'auto',
                    '--port', String(VLLM_PORT),
                    '--download-dir', '/models/hub',
                    // Prompts are tenant data: never in the logs.
                    '--disable-log-requests',
                  ],
                  ports: [{ name: 'http', containerPort: VLLM_PORT, protocol: 'TCP' }],
                  env: [
                    { name: 'HOME', value: '/tmp' },
                    { name: 'HF_HOME', value: '/models/huggingface' },
                    { name: 'VLLM_CACHE_ROOT', value: '/models/vllm' },
                    { name: 'XDG_CACHE_HOME', value: '/tmp/.cache' },
                    { name: 'TRITON_CACHE_DIR', value: '/tmp/triton' },
                    { name: 'NUMBA_CACHE_DIR', value: '/tmp/numba' },
                    { name: 'VLLM_NO_USAGE_STATS', value: '1' },
                    { name: 'DO_NOT_TRACK', value: '1' },
                  ],
                  envFrom: [{ secretRef: { name: HF_SECRET } }],
                  resources: {
                    requests: { cpu: q(String(4 * tp)), memory: q(`${memoryGiB}Gi`), 'ephemeral-storage': q(storage.request), 'nvidia.com/gpu': q(sizing.gpusPerReplica) },
                    limits: { cpu: q(String(8 * tp)), memory: q(`${memoryGiB}Gi`), 'ephemeral-storage': q(storage.limit), 'nvidia.com/gpu': q(sizing.gpusPerReplica) },
                  },
                  securityContext: RESTRICTED_CONTAINER,
                  // Fetching and loading the weights at the worst-case rate, plus CUDA graph capture.
                  startupProbe: { httpGet: { path: '/health', port: port('http') }, periodSeconds: STARTUP_PERIOD_SECONDS, failureThreshold: startupFailures, timeoutSeconds: 5 },
                  livenessProbe: { httpGet: { path: '/health', port: port('http') }, periodSeconds: 15, failureThreshold: 4, timeoutSeconds: 10 },
                  readinessProbe: { httpGet: { path: '/health', port: port('http') }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 },
                  // Out of the endpoints first, then time for in-flight generations before SIGTERM.
                  lifecycle: { preStop: { exec: { command: ['sleep', String(props.drainSeconds)] } } },
                  volumeMounts: [
                    { name: 'cache', mountPath: '/models' },
                    { name: 'shm', mountPath: '/dev/shm' },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'cache', persistentVolumeClaim: { claimName: `${name}-cache` } },
                { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: q(`${shmGiB}Gi`) } },
                { name: 'tmp', emptyDir: { sizeLimit: q(VLLM_TMP_SIZE) } },
              ],
            },
          },
        },
      });

      new k8s.KubeService(this, `${model.id}-service`, {
        metadata: meta(),
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: VLLM_PORT, targetPort: port('http'), protocol: 'TCP' }] },
      });

      new k8s.KubePodDisruptionBudget(this, `${model.id}-pdb`, { metadata: meta(), spec: { maxUnavailable: port(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } });

      const delivery = props.delivery;
      if (delivery) {
        // No route in front of vLLM (the router calls the model's Service): replica weighting, one
        // extra GPU replica at a time, since GPUs are what a surge would take.
        new CanaryRollout(this, `${model.id}-rollout`, {
          metadata: meta(),
          deployment: name,
          selector,
          stableService: name,
          ports: [{ name: 'http', port: VLLM_PORT, targetPort: port('http'), protocol: 'TCP' }],
          policy: delivery.policy,
          templates: [ANALYSIS_TEMPLATES.errorRatio, ANALYSIS_TEMPLATES.latencyP95, ANALYSIS_TEMPLATES.tokensPerGpu],
          args: [
            { name: ANALYSIS_ARGS.workload, value: name },
            { name: ANALYSIS_ARGS.canaryHash, valueFrom: { podTemplateHashValue: 'Latest' } },
            { name: ANALYSIS_ARGS.gpusPerReplica, value: String(sizing.gpusPerReplica) },
            { name: ANALYSIS_ARGS.minTokensPerGpuSecond, value: String(delivery.minTokensPerGpuSecond(model.id)) },
          ],
          goldenSet: { baseUrl: `http://${canaryServiceName(name)}.${ns}.svc.cluster.local:${VLLM_PORT}/v1`, target: model.id },
          maxSurge: 1,
          // A GPU node may have to be added first, then the weights loaded from the cache.
          progressDeadlineSeconds: served.startupSeconds + 900,
        });
      }

      new ScaledObject(this, `${model.id}-scaledobject`, {
        metadata: meta(),
        deployment: name,
        ...(delivery ? { target: ROLLOUT_TARGET } : {}),
        minReplicas: served.minReplicas,
        maxReplicas: served.maxReplicas,
        trigger: { query: `sum(vllm:num_requests_waiting{model_name="${model.id}"})`, threshold: props.waitingPerReplica },
        // A replica takes minutes to start: do not give one back for a short lull.
        cooldownSeconds: 600,
        scaleDownStabilizationSeconds: 900,
      });

      new k8s.KubeNetworkPolicy(this, `${model.id}-netpol`, {
        metadata: meta(),
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            // The router, and the golden-set Job of a model rollout in this namespace (charts/golden-sets).
            { from: [namespacePeer(PLATFORM_NAMESPACE, ROUTER_SELECTOR), { podSelector: { matchLabels: { ...GOLDEN_SET_POD_LABELS } } }], ports: tcp(VLLM_PORT) },
            metricsIngress(VLLM_PORT),
          ],
          egress: weightsEgress,
        },
      });

      new ServiceMonitor(this, `${model.id}-servicemonitor`, { metadata: meta(), selector, port: 'http', interval: '15s' });
    }

    if (props.delivery && props.models.length > 0) {
      servingAnalysisTemplates(this, { namespace: ns, labels: labelsFor({ name: 'vllm', component: 'canary-analysis', version: props.image.version }) }, props.delivery.analysis, props.delivery.thresholds);
    }
  }
}
