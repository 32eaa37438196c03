/**
 * One MCP tool server of the hub, in its namespace: the server (Streamable HTTP on the pod's
 * loopback) and its TLS sidecar in one pod, the server certificate from the internal CA, the
 * workload identity the server calls its SaaS API with (client id from Key Vault through an
 * ExternalSecret), a Service on the TLS port and the sidecar's stats, a CPU autoscaler, a PDB, a
 * NetworkPolicy admitting only the Gateway's proxies (and Prometheus), and a ServiceMonitor.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { createHash } from 'node:crypto';
import { INTERNAL_CA_ISSUER } from '../../catalog/cluster-names';
import type { McpToolServer } from '../../catalog/mcp-tools';
import {
  ExternalSecret, GATEWAY_PROXY_PEER, labelsFor, metricsIngress, namespacePeer, port, q, resources, RESTRICTED_CONTAINER, scratchStorage, selectorFor, ServiceMonitor, tcp,
  type Resources,
  spreadOverZonesAndNodes,
  workloadPod,
} from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { BOOTSTRAP_FILE, CERT_DIR, CONFIG_DIR, SIDECAR_METRICS_PATH, SIDECAR_METRICS_PORT, SIDECAR_READY_PATH, tlsSidecarConfig } from './tls-sidecar';

export interface ToolServerProps {
  readonly server: McpToolServer;
  readonly namespace: string;
  readonly image: ImageRef;
  readonly tlsSidecarImage: ImageRef;
  /** The server process and its arguments (the bridge command line). */
  readonly command: string[];
  /** Non-secret environment of the server. */
  readonly env: Record<string, string>;
  /** Environment variable -> Key Vault secret name (identifiers such as a client id; no keys). */
  readonly secrets: Record<string, string>;
  readonly workloadIdentity: boolean;
  /** CPU autoscaling between these counts: the bridge starts a server process per request. */
  readonly replicas: { readonly min: number; readonly max: number };
  /** Private ranges the server may not reach on 443 (it calls SaaS APIs only). */
  readonly privateCidrs: readonly string[];
  readonly clientSan: string;
  /** The server's CPU and memory (its node disk follows from its /tmp). */
  readonly resources: Omit<Resources, 'ephemeralStorage'>;
  readonly requestTimeoutSeconds: number;
}

/** The Secret cert-manager writes the tool server's certificate to. */
export const toolServerCertSecret = (server: McpToolServer) => `${server.service}-tls`;
export const toolServerHost = (server: McpToolServer, namespace: string) => `${server.service}.${namespace}.svc.cluster.local`;

/** The MCP server's only writable path: sessions, caches and the bridge's child processes' temp files. */
const TMP_SIZE = '512Mi';
const TLS_PORT_NAME = 'https';
const METRICS_PORT_NAME = 'metrics';
const SIDECAR_NAME = 'tls-sidecar';
/** Envoy proxying a handful of streams: well under its limits; it writes only its logs. */
const SIDECAR_RESOURCES: Resources = { cpuRequest: '50m', cpuLimit: '200m', memory: '128Mi', ephemeralStorage: { request: '64Mi', limit: '256Mi' } };

const sha = (data: unknown) => createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);

export class McpToolServerWorkload extends Construct {
  constructor(scope: Construct, id: string, props: ToolServerProps) {
    super(scope, id);
    const { server, namespace } = props;
    const name = server.service;
    const labels = labelsFor({ name, component: 'mcp-tool-server', version: props.image.version });
    const selector = selectorFor(name);
    const meta = (suffix = '') => ({ name: `${name}${suffix}`, namespace, labels });

    new k8s.KubeServiceAccount(this, 'sa', { metadata: meta(), automountServiceAccountToken: false });
    const secretName = `${name}-identity`;
    if (Object.keys(props.secrets).length > 0) new ExternalSecret(this, 'secrets', { metadata: meta('-identity'), data: props.secrets });

    const hosts = [`${name}.${namespace}.svc`, toolServerHost(server, namespace)];
    new ApiObject(this, 'certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('-tls'),
      spec: {
        secretName: toolServerCertSecret(server),
        commonName: hosts[0],
        dnsNames: hosts,
        usages: ['server auth'],
        duration: '2160h',
        renewBefore: '720h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: INTERNAL_CA_ISSUER },
      },
    });

    const sidecarConfig = tlsSidecarConfig({ tlsPort: server.tlsPort, upstreamPort: server.mcpPort, clientSan: props.clientSan, requestTimeoutSeconds: props.requestTimeoutSeconds });
    new k8s.KubeConfigMap(this, 'sidecar-config', { metadata: meta('-tls-sidecar'), data: sidecarConfig });

    const serverProbe = (overrides: Partial<k8s.Probe>): k8s.Probe => ({ httpGet: { path: '/healthz', port: port(server.mcpPort) }, timeoutSeconds: 3, ...overrides });
    const sidecarProbe = (overrides: Partial<k8s.Probe>): k8s.Probe => ({ httpGet: { path: SIDECAR_READY_PATH, port: port(METRICS_PORT_NAME) }, timeoutSeconds: 2, ...overrides });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta(),
      spec: {
        // No replicas: the autoscaler owns the count, and Argo CD would otherwise reset it on every sync.
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: port(0), maxSurge: port(1) } },
        template: {
          metadata: {
            labels: { ...labels, ...(props.workloadIdentity ? { 'azure.workload.identity/use': 'true' } : {}) },
            annotations: { 'checksum/config': sha([props.command, props.env, sidecarConfig]) },
          },
          spec: {
            ...workloadPod(name),
            // Open Streamable HTTP responses get time to finish after the endpoint is removed.
            terminationGracePeriodSeconds: 60,
            topologySpreadConstraints: spreadOverZonesAndNodes(selector),
            containers: [
              {
                name: 'mcp-server',
                image: props.image.ref,
                imagePullPolicy: 'IfNotPresent',
                command: props.command,
                env: [
                  ...Object.entries(props.env)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([k, value]) => ({ name: k, value })),
                  ...Object.keys(props.secrets)
                    .sort()
                    .map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: secretName, key: k } } })),
                ],
                // Loopback only in intent: the Service exposes the TLS port, and the namespace's policies admit nothing else.
                ports: [{ name: 'mcp', containerPort: server.mcpPort, protocol: 'TCP' }],
                securityContext: RESTRICTED_CONTAINER,
                resources: resources({ ...props.resources, ephemeralStorage: scratchStorage(TMP_SIZE) }),
                startupProbe: serverProbe({ periodSeconds: 5, failureThreshold: 24 }),
                livenessProbe: serverProbe({ periodSeconds: 20, failureThreshold: 3 }),
                readinessProbe: serverProbe({ periodSeconds: 10, failureThreshold: 3 }),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
              {
                name: SIDECAR_NAME,
                image: props.tlsSidecarImage.ref,
                imagePullPolicy: 'IfNotPresent',
                args: ['--config-path', `${CONFIG_DIR}/${BOOTSTRAP_FILE}`, '--log-level', 'warn', '--drain-time-s', '30'],
                ports: [
                  { name: TLS_PORT_NAME, containerPort: server.tlsPort, protocol: 'TCP' },
                  { name: METRICS_PORT_NAME, containerPort: SIDECAR_METRICS_PORT, protocol: 'TCP' },
                ],
                securityContext: RESTRICTED_CONTAINER,
                resources: resources(SIDECAR_RESOURCES),
                startupProbe: sidecarProbe({ periodSeconds: 2, failureThreshold: 30 }),
                livenessProbe: sidecarProbe({ periodSeconds: 20, failureThreshold: 3 }),
                readinessProbe: sidecarProbe({ periodSeconds: 5, failureThreshold: 2 }),
                volumeMounts: [
                  { name: 'sidecar-config', mountPath: CONFIG_DIR, readOnly: true },
                  { name: 'certs', mountPath: CERT_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: q(TMP_SIZE) } },
              { name: 'sidecar-config', configMap: { name: `${name}-tls-sidecar` } },
              { name: 'certs', secret: { secretName: toolServerCertSecret(server) } },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata: meta(),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: TLS_PORT_NAME, port: server.tlsPort, targetPort: port(TLS_PORT_NAME), protocol: 'TCP', appProtocol: 'https' },
          { name: METRICS_PORT_NAME, port: SIDECAR_METRICS_PORT, targetPort: port(METRICS_PORT_NAME), protocol: 'TCP' },
        ],
      },
    });

    // One pod may go at a time, also with a single replica (a drain must not wait forever).
    new k8s.KubePodDisruptionBudget(this, 'pdb', { metadata: meta(), spec: { maxUnavailable: port(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } });

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: meta(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: props.replicas.min,
        maxReplicas: props.replicas.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
      },
    });

    // The namespace's policies say the same for every pod there; this one names the tool server's own paths.
    new k8s.KubeNetworkPolicy(this, 'netpol', {
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [GATEWAY_PROXY_PEER], ports: tcp(server.tlsPort) },
          metricsIngress(SIDECAR_METRICS_PORT),
        ],
        egress: [
          { to: [namespacePeer('kube-system', { 'k8s-app': 'kube-dns' })], ports: [{ protocol: 'UDP', port: port(53) }, { protocol: 'TCP', port: port(53) }] },
          // The SaaS API and Entra ID (workload identity); which hosts, the egress firewall decides (catalog/egress.ts).
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...props.privateCidrs] } }], ports: tcp(443) },
        ],
      },
    });

    new ServiceMonitor(this, 'monitor', { metadata: meta(), selector, port: METRICS_PORT_NAME, path: SIDECAR_METRICS_PATH });
  }
}
