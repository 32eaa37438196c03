/**
 * The log agent: the OpenTelemetry Collector chart in daemonset mode. Each node's agent tails the
 * container logs the runtime writes under /var/log/pods, labels every line with its namespace,
 * pod, app and tenant, takes the trace id out of JSON lines that carry one, and pushes the lines
 * to Loki over OTLP.
 */
import { mirrorRepository, type AddonContext } from '../context';
import { COLLECTOR_IMAGE, COLLECTOR_PORTS, type OtelCollectorValues } from '../../../catalog/chart-values/otel-collector';
import { agentResources, RESTRICTED_CONTAINER, RUNTIME_DEFAULT_SECCOMP } from '../../../catalog/chart-values/common';
import { LOG_AGENT_NAMESPACE, LOKI_OTLP_ENDPOINT, OTEL_LOG_AGENT_NAME } from '../../../catalog/cluster-names';
import { NODE_AGENTS } from '../../../catalog/namespaces';
import { TENANT_LABEL } from '../../tenant/labels';

/** The chart names its container after itself; the agent skips its own lines, which would echo every export error back. */
const CONTAINER = 'opentelemetry-collector';
const CHECKPOINTS = '/var/lib/otelcol';
const POD_LOGS = '/var/log/pods';

/** A JSON log line's trace and span ids, as the common logging libraries spell them. */
const TRACE_FIELDS = [
  { trace: 'trace_id', span: 'span_id' },
  { trace: 'traceId', span: 'spanId' },
];

/** The agent's pipeline: container log files in, Loki out. */
export function logAgentConfig(ctx: AddonContext): Record<string, unknown> {
  const json = 'attributes.log_json';
  return {
    extensions: {
      // Offsets survive a restart of the container (an emptyDir lives as long as the pod), so a
      // crash neither drops nor repeats lines; a new pod starts at the end of each file.
      file_storage: { directory: CHECKPOINTS },
    },
    receivers: {
      filelog: {
        include: [`${POD_LOGS}/*/*/*.log`],
        // <namespace>_<pod>_<uid>/<container>/<restart>.log
        exclude: [`${POD_LOGS}/${LOG_AGENT_NAMESPACE}_${OTEL_LOG_AGENT_NAME}-*_*/${CONTAINER}/*.log`],
        start_at: 'end',
        storage: 'file_storage',
        include_file_path: true,
        include_file_name: false,
        retry_on_failure: { enabled: true },
        operators: [
          // The CRI format: time, stream and partial-line flag; the file path gives namespace, pod,
          // uid and container as resource attributes, and split lines are joined again.
          { type: 'container', id: 'container-parser', max_log_size: 102400 },
          { type: 'json_parser', id: 'json', if: 'body matches "^\\\\s*\\\\{"', parse_from: 'body', parse_to: json, on_error: 'send_quiet' },
          ...TRACE_FIELDS.map((f) => ({
            type: 'trace_parser',
            id: `trace-${f.trace}`,
            if: `${json} != nil && ${json}.${f.trace} != nil`,
            trace_id: { parse_from: `${json}.${f.trace}` },
            span_id: { parse_from: `${json}.${f.span}` },
            on_error: 'send_quiet',
          })),
          // The body keeps the JSON line; only the ids were wanted as fields.
          { type: 'remove', id: 'drop-json', if: `${json} != nil`, field: json },
        ],
      },
      // The chart's defaults: this agent receives nothing over the network.
      otlp: null,
      jaeger: null,
      zipkin: null,
      prometheus: null,
    },
    processors: {
      k8sattributes: {
        extract: {
          labels: [
            { tag_name: 'app', key: 'app.kubernetes.io/name', from: 'pod' },
            // The namespace's tenant label (tenant namespaces only): whose logs these are.
            { tag_name: 'tenant', key: TENANT_LABEL, from: 'namespace' },
          ],
        },
      },
      'resource/cluster': {
        attributes: [
          { key: 'k8s.cluster.name', value: ctx.clusterName, action: 'upsert' },
          { key: 'deployment.environment.name', value: ctx.env.name, action: 'upsert' },
        ],
      },
      batch: { send_batch_size: 2048, timeout: '2s' },
    },
    exporters: {
      'otlphttp/loki': { endpoint: LOKI_OTLP_ENDPOINT },
      debug: null,
    },
    service: {
      extensions: ['health_check', 'file_storage'],
      pipelines: {
        logs: { receivers: ['filelog'], processors: ['memory_limiter', 'k8sattributes', 'resource/cluster', 'batch'], exporters: ['otlphttp/loki'] },
        metrics: null,
        traces: null,
      },
    },
  };
}

export function otelLogAgentChartValues(ctx: AddonContext): OtelCollectorValues {
  return {
    mode: 'daemonset',
    fullnameOverride: OTEL_LOG_AGENT_NAME,
    image: { repository: mirrorRepository(ctx, 'docker.io', COLLECTOR_IMAGE) },
    // The namespace quota is this size times the node count (catalog/namespaces.ts).
    resources: agentResources(NODE_AGENTS.logAgent),
    // Pods, namespaces and replica sets of the node, for the k8sattributes processor (and its RBAC).
    presets: { kubernetesAttributes: { enabled: true } },
    ports: Object.fromEntries(COLLECTOR_PORTS.map((p) => [p, { enabled: false }])),
    // The runtime writes log files root:root 0640, so group 0 reads them: the agent needs neither
    // uid 0 nor a capability, only the hostPath that puts its namespace outside Pod Security.
    podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, supplementalGroups: [0], ...RUNTIME_DEFAULT_SECCOMP },
    securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
    // Every node, tainted ones (system, GPU, spot) included: their logs matter as much.
    tolerations: [{ operator: 'Exists' }],
    priorityClassName: 'system-node-critical',
    extraVolumes: [
      { name: 'pod-logs', hostPath: { path: POD_LOGS, type: 'Directory' } },
      { name: 'checkpoints', emptyDir: { sizeLimit: '64Mi' } },
    ],
    extraVolumeMounts: [
      { name: 'pod-logs', mountPath: POD_LOGS, readOnly: true },
      { name: 'checkpoints', mountPath: CHECKPOINTS },
    ],
    config: logAgentConfig(ctx),
  };
}
