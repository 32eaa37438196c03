/**
 * The agent services in namespace `platform`: the gateway (the API behind the platform Gateway's
 * route `api.<zone>` (charts/edge), OIDC, per-tenant rate limits), the orchestrator (runs agent jobs from its queue), the repo
 * adapter (talks to the tenants' git hosts) and the LLM patch worker (asks the router for patches).
 * Call graph, and therefore the NetworkPolicies: Envoy proxies -> gateway -> orchestrator ->
 * {repo adapter, patch worker}; patch worker -> {repo adapter, router}; gateway -> router.
 */
import { Construct } from 'constructs';
import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { METRICS, SERVICES } from '../../catalog/services';
import { AGENT_HEALTH } from '../../catalog/agent-gateway';
import { AUDIT_IDENTITIES } from '../../catalog/audit';
import { auditWriter } from '../audit/writer';
import { cidrEgress, GATEWAY_PROXY_PEER, labelsFor, namespacePeer, otelEgress, PLATFORM_NAMESPACE, podPeer, tcp } from './common';
import { INTERNAL_CA_ISSUER } from '../../catalog/cluster-names';
import { TEMPORAL_FRONTEND_ADDRESS, TEMPORAL_FRONTEND_SERVER_NAME, TEMPORAL_NAMESPACE, TEMPORAL_ORCHESTRATOR_CLIENT, TEMPORAL_PORTS, temporalPodLabels } from '../../catalog/temporal';
import type { WorkloadPlan, ImageRef } from './plan';
import { PlatformService } from './service';
import { ROUTER_NAME, ROUTER_PORT } from './router';

const { gateway: GATEWAY, orchestrator: ORCHESTRATOR, repoAdapter: REPO_ADAPTER, patchWorker: PATCH_WORKER } = SERVICES;
const HEALTH = AGENT_HEALTH;

export interface AgentImages {
  readonly gateway: ImageRef;
  readonly orchestrator: ImageRef;
  readonly repoAdapter: ImageRef;
  readonly patchWorker: ImageRef;
}

export interface AgentServicesChartProps {
  readonly plan: WorkloadPlan;
  readonly images: AgentImages;
  /** Public host of the gateway (routed by the edge app, certificate from cert-manager on the Gateway's listener). */
  readonly gatewayHost: string;
}

export class AgentServicesChart extends Chart {
  constructor(scope: Construct, id: string, props: AgentServicesChartProps) {
    super(scope, id, { disableResourceNameHashes: true, namespace: PLATFORM_NAMESPACE });
    const { plan, images } = props;
    const cfg = plan.config.agents;
    const ns = PLATFORM_NAMESPACE;
    const url = (name: string, p: number) => `http://${name}.${ns}.svc.cluster.local:${p}`;
    const to = (name: string, p: number): k8s.NetworkPolicyEgressRule => ({ to: [podPeer(name)], ports: tcp(p) });
    const cloud = cfg.cloudEndpoints.map(cidrEgress);
    const common = { environment: plan.env, health: HEALTH };
    const queueTrigger = (metric: string, perReplica: number) => ({ query: `sum(${metric}{namespace="${ns}"})`, threshold: perReplica });

    // Per-tenant limits the gateway enforces before anything reaches the router.
    const tenantLimits = Object.fromEntries(plan.entitlements.map((e) => [e.tenant, { requestsPerMinute: e.requestsPerMinute, tokensPerMinute: e.tokensPerMinute }]));

    // The gateway writes audit events with its own workload identity (docs/runbooks/audit.md, "Writing events").
    const audit = auditWriter(AUDIT_IDENTITIES.gatewayWriter, plan.postgresHost, plan.privateEndpointsCidr);
    new PlatformService(this, 'gateway', {
      ...common,
      service: GATEWAY,
      image: images.gateway,
      resources: { cpuRequest: plan.gateway.cpuRequest, cpuLimit: plan.gateway.cpuLimit, memory: plan.gateway.memory },
      scaling: { kind: 'cpu', minReplicas: plan.gateway.replicas, maxReplicas: plan.gateway.maxReplicas, targetUtilization: 70 },
      callers: [GATEWAY_PROXY_PEER],
      egress: [to(ORCHESTRATOR.name, ORCHESTRATOR.httpPort), to(ROUTER_NAME, ROUTER_PORT), audit.egress, otelEgress, ...cloud],
      config: {
        ORCHESTRATOR_URL: url(ORCHESTRATOR.name, ORCHESTRATOR.httpPort),
        LLM_ROUTER_URL: url(ROUTER_NAME, ROUTER_PORT),
        PUBLIC_BASE_URL: `https://${props.gatewayHost}`,
        TENANT_RATE_LIMITS: JSON.stringify(tenantLimits),
        ...audit.config,
      },
      secrets: audit.secrets,
      podLabels: audit.podLabels,
    });

    new PlatformService(this, 'orchestrator', {
      ...common,
      service: ORCHESTRATOR,
      image: images.orchestrator,
      resources: { cpuRequest: plan.orchestrator.cpuRequest, cpuLimit: plan.orchestrator.cpuLimit, memory: plan.orchestrator.memory },
      scaling: {
        kind: 'keda',
        minReplicas: plan.orchestrator.replicas,
        maxReplicas: plan.orchestrator.maxReplicas,
        trigger: queueTrigger(METRICS.jobsQueued.name, plan.orchestrator.jobsPerReplica),
      },
      callers: [podPeer(GATEWAY.name)],
      egress: [
        to(REPO_ADAPTER.name, REPO_ADAPTER.httpPort),
        to(PATCH_WORKER.name, PATCH_WORKER.httpPort),
        // Temporal's frontend only (docs/workflows.md); its namespace admits the orchestrator on this port.
        { to: [namespacePeer(TEMPORAL_NAMESPACE, temporalPodLabels('frontend'))], ports: tcp(TEMPORAL_PORTS.frontend.grpc) },
        otelEgress,
      ],
      config: {
        REPO_ADAPTER_URL: url(REPO_ADAPTER.name, REPO_ADAPTER.httpPort),
        PATCH_WORKER_URL: url(PATCH_WORKER.name, PATCH_WORKER.httpPort),
        // Mutual TLS to the frontend with the certificate below (docs/workflows.md).
        TEMPORAL_ADDRESS: TEMPORAL_FRONTEND_ADDRESS,
        TEMPORAL_TLS_CERT: `${TEMPORAL_ORCHESTRATOR_CLIENT.mountPath}/tls.crt`,
        TEMPORAL_TLS_KEY: `${TEMPORAL_ORCHESTRATOR_CLIENT.mountPath}/tls.key`,
        TEMPORAL_TLS_CA: `${TEMPORAL_ORCHESTRATOR_CLIENT.mountPath}/ca.crt`,
        TEMPORAL_TLS_SERVER_NAME: TEMPORAL_FRONTEND_SERVER_NAME,
        JOBS_PER_REPLICA: String(plan.orchestrator.jobsPerReplica),
      },
      tls: { secretName: TEMPORAL_ORCHESTRATOR_CLIENT.secret, mountPath: TEMPORAL_ORCHESTRATOR_CLIENT.mountPath },
      // A job step in progress is checkpointed on SIGTERM; give it time.
      terminationGraceSeconds: 60,
    });
    // The orchestrator's client certificate for Temporal's frontend, from the CA the frontend trusts.
    new ApiObject(this, 'orchestrator-temporal-tls', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: TEMPORAL_ORCHESTRATOR_CLIENT.secret, namespace: PLATFORM_NAMESPACE, labels: labelsFor({ name: ORCHESTRATOR.name, component: ORCHESTRATOR.component, version: images.orchestrator.version }) },
      spec: {
        secretName: TEMPORAL_ORCHESTRATOR_CLIENT.secret,
        commonName: TEMPORAL_ORCHESTRATOR_CLIENT.commonName,
        usages: ['digital signature', 'client auth'],
        duration: '720h',
        renewBefore: '240h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: { name: INTERNAL_CA_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    });

    new PlatformService(this, 'repo-adapter', {
      ...common,
      service: REPO_ADAPTER,
      image: images.repoAdapter,
      resources: { cpuRequest: cfg.repoAdapter.cpu, cpuLimit: cfg.repoAdapter.cpu, memory: cfg.repoAdapter.memory },
      scaling: { kind: 'cpu', minReplicas: cfg.repoAdapter.minReplicas, maxReplicas: cfg.repoAdapter.maxReplicas, targetUtilization: 70 },
      callers: [podPeer(ORCHESTRATOR.name), podPeer(PATCH_WORKER.name)],
      egress: [otelEgress, ...cfg.repoHosts.map(cidrEgress), ...cloud],
      config: { GIT_HTTP_TIMEOUT_SECONDS: '60' },
      secrets: { GIT_TOKEN: 'agent-repo-adapter-git-token' },
    });

    new PlatformService(this, 'patch-worker', {
      ...common,
      service: PATCH_WORKER,
      image: images.patchWorker,
      resources: { cpuRequest: cfg.patchWorker.cpu, cpuLimit: cfg.patchWorker.cpu, memory: cfg.patchWorker.memory },
      scaling: { kind: 'cpu', minReplicas: cfg.patchWorker.minReplicas, maxReplicas: cfg.patchWorker.maxReplicas, targetUtilization: 70 },
      callers: [podPeer(ORCHESTRATOR.name)],
      egress: [to(ROUTER_NAME, ROUTER_PORT), to(REPO_ADAPTER.name, REPO_ADAPTER.httpPort), otelEgress],
      config: { LLM_ROUTER_URL: url(ROUTER_NAME, ROUTER_PORT), REPO_ADAPTER_URL: url(REPO_ADAPTER.name, REPO_ADAPTER.httpPort) },
      // Its own router key: spend and limits are attributed to the platform, not to a tenant.
      secrets: { LLM_ROUTER_API_KEY: 'agent-patch-worker-router-key' },
      // A patch generation can take minutes; let it finish.
      terminationGraceSeconds: 300,
    });
  }
}
