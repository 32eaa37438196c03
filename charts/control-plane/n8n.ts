/**
 * n8n in queue mode, in its own namespace `n8n` (app `n8n`, rendered/<env>/n8n): one main process
 * (editor UI, REST API, triggers and the leader's housekeeping such as pruning), webhook processes
 * for production webhooks (hooks.<zone>, no sign-in, their own rate limit) and workers that run
 * the executions from the Bull queue in a dedicated Azure Cache for Redis (access key, ADR 0007).
 * State lives in PostgreSQL database `n8n`; the encryption key and the passwords come from Key
 * Vault as files. The editor is published as n8n.<zone> behind the Gateway's Entra ID sign-in,
 * because n8n's own OIDC is licensed (module sso-oidc, licenseFlag feat:oidc). Shipped workflows
 * and credentials are imported after every sync (n8n-import.ts). docs/n8n.md is the operator's view.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { N8N_SECRETS } from '../../catalog/n8n';
import type { N8nCredential } from '../../catalog/n8n-credentials';
import { N8N_NAMESPACE, PLATFORM_NAMESPACE, SERVICES } from '../../catalog/services';
import type { N8nWorkloads } from '../../config/workloads';
import { cidrEgress, ExternalSecret, GATEWAY_PROXY_PEER, labelsFor, namespacePeer, tcp } from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { N8nImport } from './n8n-import';
import { N8N_CONFIG, N8N_SECRET, N8N_SERVICE_ACCOUNT, N8nProcess } from './n8n-process';
import { webhookAutoscaler, workerAutoscaler } from './n8n-scaling';
import { POSTGRES_PORT, REDIS_TLS_PORT } from '../../catalog/data-services';
import { n8nSettings, SECRET_FILES, SHUTDOWN_SECONDS } from './n8n-settings';

export interface N8nChartProps {
  readonly environment: string;
  readonly image: ImageRef;
  readonly config: N8nWorkloads;
  /** File name -> workflow JSON (validated by config/n8n-workflows.ts). */
  readonly workflows: Record<string, string>;
  readonly credentials: readonly N8nCredential[];
  /** The private-endpoint subnet: PostgreSQL and the n8n Redis are reachable only there. */
  readonly privateEndpointsCidr: string;
  readonly postgresHost: string;
  readonly redisHost: string;
  readonly editorHost: string;
  readonly webhookHost: string;
}

const { n8n: MAIN, n8nWebhook: WEBHOOK, n8nWorker: WORKER, orchestrator: ORCHESTRATOR } = SERVICES;
const sha = (data: unknown) => createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);

export class N8nChart extends Chart {
  constructor(scope: Construct, id: string, props: N8nChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: N8N_NAMESPACE });
    const ns = N8N_NAMESPACE;
    const cfg = props.config;
    const labels = labelsFor({ name: MAIN.name, component: 'config', version: props.image.version });
    // Settings and secrets exist before the Deployments (wave 0) start.
    const earlier = { 'argocd.argoproj.io/sync-wave': '-1' };

    const settings = n8nSettings({
      postgresHost: props.postgresHost,
      redisHost: props.redisHost,
      editorHost: props.editorHost,
      webhookHost: props.webhookHost,
      pruning: cfg.pruning,
      workflowEnv: {
        PLATFORM_ORCHESTRATOR_URL: `http://${ORCHESTRATOR.name}.${ORCHESTRATOR.namespace}.svc.cluster.local:${ORCHESTRATOR.httpPort}`,
        PLATFORM_TEAMS_WEBHOOK_URL: cfg.notify.teamsWebhookUrl,
        PLATFORM_NOTIFY_FROM: cfg.notify.from,
        PLATFORM_NOTIFY_TO: cfg.notify.to.join(','),
        PLATFORM_ESCALATE_TO: cfg.notify.escalateTo.join(','),
        PLATFORM_APPROVAL_HOURS: String(cfg.notify.approvalHours),
      },
    });

    new k8s.KubeServiceAccount(this, 'sa', { metadata: { name: N8N_SERVICE_ACCOUNT, namespace: ns, labels, annotations: earlier }, automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: N8N_CONFIG, namespace: ns, labels, annotations: earlier }, data: settings });
    new ExternalSecret(this, 'secrets', {
      metadata: { name: N8N_SECRET, namespace: ns, labels, annotations: earlier },
      data: {
        [SECRET_FILES.encryptionKey]: N8N_SECRETS.encryptionKey,
        [SECRET_FILES.databasePassword]: N8N_SECRETS.databasePassword,
        [SECRET_FILES.redisPassword]: N8N_SECRETS.redisAccessKey,
      },
    });

    const pe = (p: number): k8s.NetworkPolicyEgressRule => ({ to: [{ ipBlock: { cidr: props.privateEndpointsCidr } }], ports: tcp(p) });
    const state = [pe(POSTGRES_PORT), pe(REDIS_TLS_PORT)];
    // Secret rotation is picked up on the next start; a settings change rolls every process.
    const podAnnotations = { 'checksum/config': sha(settings) };
    const common = { image: props.image, podAnnotations };

    new N8nProcess(this, 'main', {
      ...common,
      service: MAIN,
      args: ['start'],
      resources: { cpuRequest: '500m', cpuLimit: '2', memory: '2Gi' },
      replicas: 1,
      callers: [GATEWAY_PROXY_PEER],
      egress: state,
      shutdownSeconds: SHUTDOWN_SECONDS.main,
      // Production webhooks are the webhook processes' (hooks.<zone>); the main keeps the editor's test webhooks.
      env: { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
      // The first start migrates the database.
      startupSeconds: 600,
    });

    const webhook = new N8nProcess(this, 'webhook', {
      ...common,
      service: WEBHOOK,
      args: ['webhook'],
      resources: { cpuRequest: '250m', cpuLimit: '1', memory: '1Gi' },
      // hooks.<zone> through the Gateway; the orchestrator asks for approvals in-cluster.
      callers: [GATEWAY_PROXY_PEER, namespacePeer(PLATFORM_NAMESPACE, { 'app.kubernetes.io/name': ORCHESTRATOR.name })],
      egress: state,
      shutdownSeconds: SHUTDOWN_SECONDS.webhook,
      startupSeconds: 300,
    });
    webhookAutoscaler(this, { name: WEBHOOK.name, namespace: ns, labels: webhook.labels }, cfg.webhook);

    const worker = new N8nProcess(this, 'worker', {
      ...common,
      service: WORKER,
      args: ['worker', `--concurrency=${cfg.worker.concurrency}`],
      resources: { cpuRequest: '1', cpuLimit: '2', memory: '2Gi' },
      callers: [],
      egress: [
        ...state,
        { to: [namespacePeer(PLATFORM_NAMESPACE, { 'app.kubernetes.io/name': ORCHESTRATOR.name })], ports: tcp(ORCHESTRATOR.httpPort) },
        ...cfg.notifyEndpoints.map(cidrEgress),
      ],
      shutdownSeconds: SHUTDOWN_SECONDS.worker,
      startupSeconds: 300,
    });
    workerAutoscaler(this, { name: WORKER.name, namespace: ns, labels: worker.labels }, {
      redisHost: props.redisHost,
      minReplicas: cfg.worker.minReplicas,
      maxReplicas: cfg.worker.maxReplicas,
      concurrency: cfg.worker.concurrency,
      shutdownSeconds: SHUTDOWN_SECONDS.worker,
    });

    new N8nImport(this, 'import', {
      namespace: ns,
      image: props.image,
      workflows: props.workflows,
      credentials: props.credentials,
      egress: state,
      dependencyAnnotations: earlier,
    });
  }
}
