/**
 * The MCP hub's audit writer, in the hub's namespace: one pod of the collector (OTLP logs from
 * the Gateway's proxies into a spool file), the token refresher and the loader (the spool into
 * the `audit` database as the `audit-mcp-hub` identity, through charts/audit/writer.ts), a
 * Service the Gateway's EnvoyProxy names as its audit sink, a NetworkPolicy (the proxies in on
 * OTLP, Prometheus on the collector's metrics; out only DNS, PostgreSQL's private endpoint and
 * Entra ID), a PDB, and a ServiceMonitor for the collector's own metrics. A fixed replica count
 * (two where the environment is highly available), no autoscaler: each pod's spool is its own,
 * and CPU says nothing about how far behind a loader is. audit-writer-files.ts says what the containers run and how an event gets through.
 */
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { AUDIT_IDENTITIES, MCP_AUDIT_WRITER } from '../../catalog/audit';
import {
  cidrEgress, ExternalSecret, GATEWAY_PROXY_PEER, labelsFor, metricsIngress, namespacePeer, port, q, resources, RESTRICTED_CONTAINER, selectorFor, ServiceMonitor, tcp,
  spreadOverZonesAndNodes,
  workloadPod,
} from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { POSTGRES_PORT } from '../../catalog/data-services';
import { auditWriter } from '../audit/writer';
import { SCRIPTS_DIR, TOKEN_SCOPES, TOKEN_SH, TOKENS_DIR } from '../audit/scripts';
import { collectorConfig, LOAD_SH, LOAD_SQL, LOADER_LIVE_SH, REFRESH_SH, SHARED_TOKENS_DIR, SPOOL_DIR, TOKEN_FRESH_SH } from './audit-writer-files';

export interface McpAuditWriterProps {
  readonly namespace: string;
  readonly images: { readonly collector: ImageRef; readonly postgres: ImageRef; readonly curl: ImageRef };
  readonly postgresHost: string;
  /** The private-endpoint subnet: PostgreSQL is reachable only there. */
  readonly privateEndpointsCidr: string;
  /** CIDR:port of Entra ID, for the token exchange. */
  readonly cloudEndpoints: readonly string[];
  readonly highAvailability: boolean;
}

const OTLP_PORT_NAME = 'otlp-grpc';
const METRICS_PORT_NAME = 'metrics';
const HEALTH_PORT_NAME = 'health';
/** Room for the spool when the database is away: about an hour of a busy hub's records. */
const SPOOL_SIZE = '1Gi';
const CONFIG_FILE = 'collector.yaml';

/** Containers that run shell loops in images without an HTTP server: probed by command (test/unit/workloads.test.ts accepts these only). */
export const SHELL_PROBED = ['token', 'loader'].map((c) => `${MCP_AUDIT_WRITER.name}/${c}`);
const shellProbe = (script: string, timing: Partial<k8s.Probe>): k8s.Probe => ({ exec: { command: ['/bin/sh', '-c', script] }, timeoutSeconds: 5, ...timing });

const sha = (data: unknown) => createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);

export class McpAuditWriter extends Construct {
  constructor(scope: Construct, id: string, props: McpAuditWriterProps) {
    super(scope, id);
    const identity = AUDIT_IDENTITIES.mcpHubWriter;
    const name = MCP_AUDIT_WRITER.name;
    const { namespace } = props;
    const labels = labelsFor({ name, component: 'audit-writer', version: props.images.collector.version });
    const selector = selectorFor(name);
    const meta = () => ({ name, namespace, labels });
    const writer = auditWriter(identity, props.postgresHost, props.privateEndpointsCidr);

    // The workload identity's subject is system:serviceaccount:<namespace>:<this name> (stacks/data-stack.ts).
    new k8s.KubeServiceAccount(this, 'sa', { metadata: { name: identity.serviceAccount, namespace, labels }, automountServiceAccountToken: false });
    new ExternalSecret(this, 'identity', { metadata: { name: `${name}-identity`, namespace, labels }, data: writer.secrets });

    const files = {
      [CONFIG_FILE]: stringify(collectorConfig()),
      'token.sh': TOKEN_SH,
      'refresh.sh': REFRESH_SH,
      'load.sh': LOAD_SH,
      'load.sql': LOAD_SQL,
    };
    new k8s.KubeConfigMap(this, 'files', { metadata: meta(), data: files });

    const fromSecret = (key: string): k8s.EnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: `${name}-identity`, key } } });
    const env = (values: Record<string, string>): k8s.EnvVar[] => Object.entries(values).sort(([a], [b]) => a.localeCompare(b)).map(([k, value]) => ({ name: k, value }));
    const scripts: k8s.VolumeMount = { name: 'files', mountPath: SCRIPTS_DIR, readOnly: true };
    const tmp: k8s.VolumeMount = { name: 'tmp', mountPath: '/tmp' };
    const collectorHealth = (overrides: Partial<k8s.Probe>): k8s.Probe => ({ httpGet: { path: '/', port: port(HEALTH_PORT_NAME) }, timeoutSeconds: 2, ...overrides });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta(),
      spec: {
        replicas: props.highAvailability ? 2 : 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: port(0), maxSurge: port(1) } },
        template: {
          metadata: { labels: { ...labels, ...writer.podLabels }, annotations: { 'checksum/config': sha(files) } },
          spec: {
            ...workloadPod(identity.serviceAccount),
            // The loader's last round after the collector's last flush.
            terminationGracePeriodSeconds: 60,
            topologySpreadConstraints: spreadOverZonesAndNodes(selector),
            containers: [
              {
                name: 'collector',
                image: props.images.collector.ref,
                imagePullPolicy: 'IfNotPresent',
                args: [`--config=${SCRIPTS_DIR}/${CONFIG_FILE}`],
                env: [{ name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, { name: 'GOMEMLIMIT', value: '200MiB' }],
                ports: [
                  { name: OTLP_PORT_NAME, containerPort: MCP_AUDIT_WRITER.otlpPort, protocol: 'TCP' },
                  { name: METRICS_PORT_NAME, containerPort: MCP_AUDIT_WRITER.metricsPort, protocol: 'TCP' },
                  { name: HEALTH_PORT_NAME, containerPort: MCP_AUDIT_WRITER.healthPort, protocol: 'TCP' },
                ],
                securityContext: RESTRICTED_CONTAINER,
                resources: resources({ cpuRequest: '100m', cpuLimit: '400m', memory: '256Mi', ephemeralStorage: { request: '256Mi', limit: SPOOL_SIZE } }),
                startupProbe: collectorHealth({ periodSeconds: 2, failureThreshold: 30 }),
                livenessProbe: collectorHealth({ periodSeconds: 20, failureThreshold: 3 }),
                readinessProbe: collectorHealth({ periodSeconds: 5, failureThreshold: 2 }),
                volumeMounts: [scripts, { name: 'spool', mountPath: SPOOL_DIR }],
              },
              {
                name: 'token',
                image: props.images.curl.ref,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/sh', `${SCRIPTS_DIR}/refresh.sh`],
                env: [...env({ HOME: '/tmp', TOKEN_SCOPES: `postgres=${TOKEN_SCOPES.postgres}` }), fromSecret('AZURE_CLIENT_ID')],
                securityContext: RESTRICTED_CONTAINER,
                resources: resources({ cpuRequest: '25m', cpuLimit: '100m', memory: '32Mi', ephemeralStorage: { request: '16Mi', limit: '64Mi' } }),
                // No HTTP server in these images: the probes are the freshness of what the loop writes (SHELL_PROBED).
                startupProbe: shellProbe(TOKEN_FRESH_SH, { periodSeconds: 5, failureThreshold: 60 }),
                livenessProbe: shellProbe(TOKEN_FRESH_SH, { periodSeconds: 60, failureThreshold: 3 }),
                readinessProbe: shellProbe(TOKEN_FRESH_SH, { periodSeconds: 30, failureThreshold: 1 }),
                volumeMounts: [scripts, { name: 'own-tokens', mountPath: TOKENS_DIR }, { name: 'tokens', mountPath: SHARED_TOKENS_DIR }, tmp],
              },
              {
                name: 'loader',
                image: props.images.postgres.ref,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/sh', `${SCRIPTS_DIR}/load.sh`],
                env: [...env({ ...writer.config, HOME: '/tmp' }), { name: 'PGHOST', value: props.postgresHost }, { name: 'PGPORT', value: String(POSTGRES_PORT) }, { name: 'PGDATABASE', value: writer.config.AUDIT_DATABASE_NAME }, { name: 'PGUSER', value: identity.name },
                  // A round never hangs on the database: it fails, and the next one retries.
                  { name: 'PGCONNECT_TIMEOUT', value: '10' }, { name: 'PGOPTIONS', value: '-c statement_timeout=60s' }],
                securityContext: RESTRICTED_CONTAINER,
                resources: resources({ cpuRequest: '100m', cpuLimit: '400m', memory: '128Mi', ephemeralStorage: { request: '64Mi', limit: '256Mi' } }),
                // A loader that has not loaded for LOADER_STALE_SECONDS is restarted; the restarts are what the alert counts.
                startupProbe: shellProbe(LOADER_LIVE_SH, { periodSeconds: 10, failureThreshold: 60 }),
                livenessProbe: shellProbe(LOADER_LIVE_SH, { periodSeconds: 30, failureThreshold: 2 }),
                readinessProbe: shellProbe(LOADER_LIVE_SH, { periodSeconds: 30, failureThreshold: 1 }),
                volumeMounts: [scripts, { name: 'spool', mountPath: SPOOL_DIR }, { name: 'tokens', mountPath: TOKENS_DIR }, tmp],
              },
            ],
            volumes: [
              { name: 'files', configMap: { name } },
              { name: 'spool', emptyDir: { sizeLimit: q(SPOOL_SIZE) } },
              // Access tokens never touch a disk.
              { name: 'tokens', emptyDir: { medium: 'Memory', sizeLimit: q('1Mi') } },
              { name: 'own-tokens', emptyDir: { medium: 'Memory', sizeLimit: q('1Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: q('64Mi') } },
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
          { name: OTLP_PORT_NAME, port: MCP_AUDIT_WRITER.otlpPort, targetPort: port(OTLP_PORT_NAME), protocol: 'TCP', appProtocol: 'grpc' },
          { name: METRICS_PORT_NAME, port: MCP_AUDIT_WRITER.metricsPort, targetPort: port(METRICS_PORT_NAME), protocol: 'TCP' },
        ],
      },
    });

    // One pod may go at a time, also with a single replica (a drain must not wait forever; the loader's last round takes the spool).
    new k8s.KubePodDisruptionBudget(this, 'pdb', { metadata: meta(), spec: { maxUnavailable: port(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } });

    new k8s.KubeNetworkPolicy(this, 'netpol', {
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [GATEWAY_PROXY_PEER], ports: tcp(MCP_AUDIT_WRITER.otlpPort) }, metricsIngress(MCP_AUDIT_WRITER.metricsPort)],
        egress: [
          { to: [namespacePeer('kube-system', { 'k8s-app': 'kube-dns' })], ports: [{ protocol: 'UDP', port: port(53) }, { protocol: 'TCP', port: port(53) }] },
          writer.egress,
          ...props.cloudEndpoints.map(cidrEgress),
        ],
      },
    });

    new ServiceMonitor(this, 'monitor', { metadata: meta(), selector, port: METRICS_PORT_NAME });
  }
}
