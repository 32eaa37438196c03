/**
 * How the n8n processes scale: webhook processes on CPU (they only parse requests and enqueue),
 * workers with KEDA on the length of the Bull queue's waiting list in Redis (catalog/n8n.ts
 * N8N_QUEUE_WAITING_LIST): one worker per `concurrency` waiting jobs. KEDA reads the Redis access
 * key from the same Secret the workers mount, through a TriggerAuthentication.
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { N8N_QUEUE_WAITING_LIST } from '../../catalog/n8n';
import { N8N_SECRET } from './n8n-process';
import { REDIS_TLS_PORT } from '../../catalog/data-services';
import { SECRET_FILES } from './n8n-settings';

type Meta = { name: string; namespace: string; labels: Record<string, string> };

export function webhookAutoscaler(scope: Construct, meta: Meta, replicas: { minReplicas: number; maxReplicas: number }): void {
  new k8s.KubeHorizontalPodAutoscalerV2(scope, 'webhook-hpa', {
    metadata: meta,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: meta.name },
      minReplicas: replicas.minReplicas,
      maxReplicas: replicas.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
    },
  });
}

export interface WorkerScalingProps {
  readonly redisHost: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Executions one worker runs at once: the waiting jobs per replica KEDA aims for. */
  readonly concurrency: number;
  /** Seconds a worker finishes its executions after SIGTERM: scale-down waits at least this long between steps. */
  readonly shutdownSeconds: number;
}

export function workerAutoscaler(scope: Construct, meta: Meta, props: WorkerScalingProps): void {
  const auth = `${meta.name}-redis`;
  new ApiObject(scope, 'worker-trigger-auth', {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { ...meta, name: auth },
    spec: { secretTargetRef: [{ parameter: 'password', name: N8N_SECRET, key: SECRET_FILES.redisPassword }] },
  });
  new ApiObject(scope, 'worker-scaledobject', {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: meta,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: meta.name },
      minReplicaCount: props.minReplicas,
      maxReplicaCount: props.maxReplicas,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            // Draining a worker takes up to its shutdown timeout: remove one at a time, no faster.
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: Math.max(60, props.shutdownSeconds) }] },
          },
        },
      },
      triggers: [
        {
          type: 'redis',
          metadata: {
            address: `${props.redisHost}:${REDIS_TLS_PORT}`,
            listName: N8N_QUEUE_WAITING_LIST,
            listLength: String(props.concurrency),
            enableTLS: 'true',
          },
          authenticationRef: { name: auth },
        },
      ],
    },
  });
}
