/**
 * The Gatekeeper policy library, described once: each policy's Rego lives in
 * policies/gatekeeper/<dir>/src.rego; this catalogue gives its kind, parameter schema, what it
 * matches, its exemptions (each with a reason), the parameters per environment, and the sample
 * objects its `gator verify` suite is generated from.
 */
import type { EnvironmentConfig } from '../../config/schema';
import { ADDONS } from '../../constructs/addons/catalog';
import { PLATFORM_NAMESPACES } from '../../constructs/addons/namespace-catalog';

export const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
export type PodKind = (typeof POD_KINDS)[number];

export interface Exemption {
  readonly namespace: string;
  readonly reason: string;
}

/** Namespaces no workload policy applies to. */
export const SYSTEM_EXEMPTIONS: Exemption[] = [
  { namespace: 'kube-system', reason: 'AKS-managed system components; Microsoft owns their images and security contexts' },
  { namespace: 'kube-public', reason: 'holds only the cluster-info ConfigMap' },
  { namespace: 'kube-node-lease', reason: 'holds only node Lease objects' },
  { namespace: 'gatekeeper-system', reason: 'Gatekeeper must be able to repair itself even when a policy is broken' },
];

/** Platform add-on namespaces that run upstream chart images (pinned by chart version). */
export const ADDON_NAMESPACES = [...new Set([...Object.values(ADDONS).map((a) => a.namespace), 'node-exporter'])]
  .filter((ns) => !SYSTEM_EXEMPTIONS.some((e) => e.namespace === ns))
  .sort();

/**
 * Add-on namespaces exempt from a workload rule their upstream charts cannot meet, with why. Pod
 * Security stays enforced there (and by the namespaces' PSA labels); only rules about how the
 * chart authors pinned, sized and probed their workloads are waived.
 */
export function addonExemptions(reason: string): Exemption[] {
  return ADDON_NAMESPACES.map((namespace) => ({ namespace, reason: `upstream Helm chart pinned by exact version in the add-ons stack; ${reason}` }));
}

/** Platform namespaces below Pod Security restricted, each with the reason the namespace catalogue gives. */
export const PRIVILEGED_EXEMPTIONS: Exemption[] = PLATFORM_NAMESPACES.filter((n) => n.podSecurity !== 'restricted').map((n) => ({
  namespace: n.name,
  reason: n.podSecurityReason ?? '',
}));

type Json = Record<string, unknown>;

/** A disallowed variant of the reference workload, and the message it must produce. */
export interface PodCase {
  readonly name: string;
  readonly mutate: (pod: PodSample) => void;
  /** Regular expression the violation message must match. */
  readonly message: string;
  /** Only these kinds (default: all pod kinds). */
  readonly kinds?: readonly PodKind[];
}

export interface PodSample {
  labels: Record<string, string>;
  spec: Json & { containers: Json[]; securityContext?: Json; volumes?: Json[] };
}

export interface ObjectCase {
  readonly name: string;
  readonly object: Json;
  /** Undefined: allowed. */
  readonly message?: string;
}

export interface PolicyDefinition {
  /** Folder under policies/gatekeeper and the constraint's name. */
  readonly dir: string;
  readonly kind: string;
  readonly title: string;
  readonly blocks: string;
  readonly parameters: Json;
  /** Kinds matched: the pod kinds, or explicit ones. */
  readonly match: 'pods' | { apiGroups: string[]; kinds: string[] }[];
  /** Apply only in namespaces labelled `tenant`. */
  readonly tenantOnly?: boolean;
  readonly exemptions: Exemption[];
  readonly constraintParameters: (env: PolicyEnvironment) => Json;
  /** Parameters for the generated test suite. */
  readonly sampleParameters: Json;
  readonly podCases?: PodCase[];
  /** Kinds the reference workload is tested as (default: all pod kinds). */
  readonly podKinds?: readonly PodKind[];
  readonly objectCases?: ObjectCase[];
}

/** What constraints need to know about an environment. */
export interface PolicyEnvironment {
  readonly enforcement: EnvironmentConfig['policies']['enforcement'];
  readonly requireDigest: boolean;
  /** The environment's ACR login server plus the configured extra registries. */
  readonly registries: string[];
  /** Tenant ingress hosts live under <namespace>.<this>. */
  readonly appsDomain: string;
}

export const SAMPLE_REGISTRY = 'craipsamples.azurecr.io';
export const SAMPLE_TENANT = 'acme-search';

const container = (pod: PodSample) => pod.spec.containers[0] as Json & { securityContext: Json; resources: Json };

export const POLICIES: PolicyDefinition[] = [
  {
    dir: 'image-tag',
    kind: 'PlatformImageTag',
    title: 'Pinned image versions',
    blocks: 'images without a tag or with `:latest`; in prod also images without a digest',
    parameters: {
      requireDigest: { type: 'boolean', description: 'also require image@sha256:...' },
      exemptImages: { type: 'array', items: { type: 'string' }, description: 'image prefixes exempt from the rule' },
    },
    match: 'pods',
    exemptions: [...SYSTEM_EXEMPTIONS, ...addonExemptions('its images are tagged by the chart release, and digests come with the mirror into ACR')],
    constraintParameters: (env) => ({ requireDigest: env.requireDigest }),
    sampleParameters: { requireDigest: false },
    podCases: [
      { name: 'latest-tag', mutate: (p) => (container(p).image = `${SAMPLE_REGISTRY}/team/app:latest`), message: 'uses the latest tag' },
      { name: 'untagged', mutate: (p) => (container(p).image = `${SAMPLE_REGISTRY}/team/app`), message: 'has no tag' },
      { name: 'latest-init-container', kinds: ['Deployment'], mutate: (p) => (p.spec.initContainers = [{ ...container(p), name: 'init', image: 'craipsamples.azurecr.io:5000/tools:latest' }]), message: 'initContainer "init".*latest' },
    ],
  },
  {
    dir: 'allowed-registries',
    kind: 'PlatformAllowedRegistries',
    title: 'Allowed registries',
    blocks: "images from any registry but the environment's ACR and `policies.allowedRegistries`",
    parameters: {
      registries: { type: 'array', items: { type: 'string' }, description: 'registry hosts (optionally with a path) images may come from' },
      exemptImages: { type: 'array', items: { type: 'string' } },
    },
    match: 'pods',
    exemptions: [
      ...SYSTEM_EXEMPTIONS,
      ...addonExemptions('its images are not yet mirrored into ACR'),
    ],
    constraintParameters: (env) => ({ registries: env.registries }),
    sampleParameters: { registries: [SAMPLE_REGISTRY] },
    podCases: [
      { name: 'docker-hub', mutate: (p) => (container(p).image = 'nginx:1.27.0'), message: 'not from an allowed registry' },
      { name: 'lookalike-host', mutate: (p) => (container(p).image = `${SAMPLE_REGISTRY}.evil.example/team/app:1.0.0`), message: 'not from an allowed registry' },
    ],
  },
  {
    dir: 'container-resources',
    kind: 'PlatformContainerResources',
    title: 'Requests and limits',
    blocks: 'containers without CPU and memory requests and limits; GPU requests that differ from GPU limits',
    parameters: {},
    match: 'pods',
    exemptions: [
      ...SYSTEM_EXEMPTIONS,
      ...addonExemptions('requests and memory limits are set through typed values, CPU limits deliberately not (throttled controllers fail health checks); the namespace quota and LimitRange bound them'),
    ],
    constraintParameters: () => ({}),
    sampleParameters: {},
    podCases: [
      { name: 'no-limits', mutate: (p) => delete container(p).resources.limits, message: 'resources.limits.cpu is missing' },
      { name: 'no-memory-request', mutate: (p) => delete (container(p).resources.requests as Json).memory, message: 'resources.requests.memory is missing' },
      {
        name: 'gpu-request-below-limit',
        mutate: (p) => {
          (container(p).resources.requests as Json)['nvidia.com/gpu'] = '1';
          (container(p).resources.limits as Json)['nvidia.com/gpu'] = '2';
        },
        message: 'nvidia.com/gpu request 1 must equal its limit 2',
      },
    ],
  },
  {
    dir: 'pod-security',
    kind: 'PlatformPodSecurity',
    title: 'Pod Security restricted',
    blocks: 'privileged containers, host namespaces and ports, added capabilities other than NET_BIND_SERVICE, capabilities not dropping ALL, privilege escalation, root, missing seccomp, volume types outside the list',
    parameters: { allowedVolumeTypes: { type: 'array', items: { type: 'string' } } },
    match: 'pods',
    exemptions: [...SYSTEM_EXEMPTIONS, ...PRIVILEGED_EXEMPTIONS],
    constraintParameters: () => ({ allowedVolumeTypes: RESTRICTED_VOLUME_TYPES }),
    sampleParameters: { allowedVolumeTypes: ['configMap', 'emptyDir', 'projected', 'secret', 'persistentVolumeClaim'] },
    podCases: [
      { name: 'privileged', mutate: (p) => (container(p).securityContext.privileged = true), message: 'privileged is not allowed' },
      { name: 'host-network', mutate: (p) => (p.spec.hostNetwork = true), message: 'hostNetwork is not allowed' },
      { name: 'host-pid', mutate: (p) => (p.spec.hostPID = true), message: 'hostPID is not allowed' },
      { name: 'host-port', mutate: (p) => (container(p).ports = [{ containerPort: 8080, hostPort: 8080 }]), message: 'hostPort 8080 is not allowed' },
      { name: 'privilege-escalation', mutate: (p) => (container(p).securityContext.allowPrivilegeEscalation = true), message: 'allowPrivilegeEscalation must be false' },
      { name: 'capabilities-not-dropped', mutate: (p) => (container(p).securityContext.capabilities = { drop: ['NET_RAW'] }), message: 'drop must include ALL' },
      { name: 'sys-admin-added', mutate: (p) => (container(p).securityContext.capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }), message: 'capability SYS_ADMIN may not be added' },
      { name: 'run-as-root', mutate: (p) => (p.spec.securityContext = { ...p.spec.securityContext, runAsNonRoot: false }), message: 'must run as non-root' },
      { name: 'uid-zero', mutate: (p) => (container(p).securityContext.runAsUser = 0), message: 'runAsUser 0' },
      { name: 'no-seccomp', mutate: (p) => (p.spec.securityContext = { runAsNonRoot: true }), message: 'seccompProfile.type must be RuntimeDefault or Localhost' },
      { name: 'unconfined-seccomp', mutate: (p) => (container(p).securityContext.seccompProfile = { type: 'Unconfined' }), message: 'seccompProfile.type must be RuntimeDefault or Localhost' },
      { name: 'host-path', mutate: (p) => (p.spec.volumes = [{ name: 'host', hostPath: { path: '/var/run' } }]), message: 'volume "host" of type hostPath is not allowed' },
    ],
  },
  {
    dir: 'required-labels',
    kind: 'PlatformRequiredLabels',
    title: 'Cost and ownership labels',
    blocks: 'workloads in tenant namespaces without `tenant`, `cost-center` and `app.kubernetes.io/name` on the object and its pod template',
    parameters: { labels: { type: 'array', items: { type: 'string' } } },
    match: 'pods',
    tenantOnly: true,
    exemptions: [],
    constraintParameters: () => ({ labels: REQUIRED_WORKLOAD_LABELS }),
    sampleParameters: { labels: ['tenant', 'cost-center', 'app.kubernetes.io/name'] },
    podCases: [
      { name: 'no-cost-center', mutate: (p) => delete p.labels['cost-center'], message: 'label "cost-center" is missing' },
      { name: 'empty-tenant', mutate: (p) => (p.labels.tenant = ''), message: 'label "tenant" is missing' },
    ],
  },
  {
    dir: 'required-probes',
    kind: 'PlatformRequiredProbes',
    title: 'Health probes',
    blocks: 'Deployments and StatefulSets whose containers lack readiness or liveness probes',
    parameters: { probes: { type: 'array', items: { type: 'string' } } },
    match: [{ apiGroups: ['apps'], kinds: ['Deployment', 'StatefulSet'] }],
    exemptions: [...SYSTEM_EXEMPTIONS, ...addonExemptions('its probes are the chart authors\' choice, and an atomic release fails an add-on that never becomes ready')],
    constraintParameters: () => ({ probes: ['readinessProbe', 'livenessProbe'] }),
    sampleParameters: { probes: ['readinessProbe', 'livenessProbe'] },
    podKinds: ['Deployment', 'StatefulSet'],
    podCases: [
      { name: 'no-readiness', mutate: (p) => delete container(p).readinessProbe, message: 'readinessProbe is missing' },
      { name: 'no-liveness', mutate: (p) => delete container(p).livenessProbe, message: 'livenessProbe is missing' },
    ],
  },
  {
    dir: 'service-type',
    kind: 'PlatformServiceType',
    title: 'No node ports or load balancers for tenants',
    blocks: 'Services of type NodePort or LoadBalancer in tenant namespaces',
    parameters: { disallowedTypes: { type: 'array', items: { type: 'string' } } },
    match: [{ apiGroups: [''], kinds: ['Service'] }],
    tenantOnly: true,
    exemptions: [],
    constraintParameters: () => ({ disallowedTypes: ['NodePort', 'LoadBalancer'] }),
    sampleParameters: { disallowedTypes: ['NodePort', 'LoadBalancer'] },
    objectCases: [
      { name: 'cluster-ip', object: service('ClusterIP') },
      { name: 'default-type', object: service(undefined) },
      { name: 'node-port', object: service('NodePort'), message: 'type NodePort is not allowed' },
      { name: 'load-balancer', object: service('LoadBalancer'), message: 'type LoadBalancer is not allowed' },
    ],
  },
  {
    dir: 'ingress-host',
    kind: 'PlatformIngressHost',
    title: 'Tenant ingress hosts',
    blocks: 'Ingress hosts outside `<namespace>.<apps domain>` in tenant namespaces',
    parameters: { baseDomain: { type: 'string' } },
    match: [{ apiGroups: ['networking.k8s.io'], kinds: ['Ingress'] }],
    tenantOnly: true,
    exemptions: [],
    constraintParameters: (env) => ({ baseDomain: env.appsDomain }),
    sampleParameters: { baseDomain: 'apps.dev.ai.example.org' },
    objectCases: [
      { name: 'own-subdomain', object: ingress(`chat.${SAMPLE_TENANT}.apps.dev.ai.example.org`) },
      { name: 'own-domain', object: ingress(`${SAMPLE_TENANT}.apps.dev.ai.example.org`) },
      { name: 'other-tenant', object: ingress('chat.contoso-docs.apps.dev.ai.example.org'), message: 'is outside acme-search.apps.dev.ai.example.org' },
      { name: 'suffix-trick', object: ingress(`evil${SAMPLE_TENANT}.apps.dev.ai.example.org`), message: 'is outside' },
      { name: 'no-host', object: ingress(undefined), message: 'host "" is outside' },
    ],
  },
  {
    dir: 'tenant-namespace',
    kind: 'PlatformTenantNamespace',
    title: 'Tenant namespaces',
    blocks: 'namespaces outside the platform list without `tenant` and `cost-center` labels or Pod Security `restricted`',
    parameters: { labels: { type: 'array', items: { type: 'string' } } },
    match: [{ apiGroups: [''], kinds: ['Namespace'] }],
    exemptions: [
      ...SYSTEM_EXEMPTIONS,
      { namespace: 'default', reason: 'exists in every cluster; nothing is deployed there (tenant RBAC has no access)' },
      ...PLATFORM_NAMESPACES.filter((n) => !SYSTEM_EXEMPTIONS.some((e) => e.namespace === n.name)).map((n) => ({
        namespace: n.name,
        reason: `platform namespace created by the add-ons stack (Pod Security ${n.podSecurity})`,
      })),
    ],
    constraintParameters: () => ({ labels: ['tenant', 'cost-center'] }),
    sampleParameters: { labels: ['tenant', 'cost-center'] },
    objectCases: [
      { name: 'tenant-namespace', object: namespace(SAMPLE_TENANT, { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711', 'pod-security.kubernetes.io/enforce': 'restricted' }) },
      { name: 'unlabelled', object: namespace('scratch', {}), message: 'label "tenant" is missing' },
      { name: 'baseline-pod-security', object: namespace(SAMPLE_TENANT, { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711', 'pod-security.kubernetes.io/enforce': 'baseline' }), message: 'must be restricted' },
    ],
  },
];

/** Volume types Pod Security "restricted" allows. */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

export const REQUIRED_WORKLOAD_LABELS = ['tenant', 'cost-center', 'app.kubernetes.io/name'];

function service(type: string | undefined): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: SAMPLE_TENANT },
    spec: { ...(type ? { type } : {}), selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

function ingress(host: string | undefined): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: SAMPLE_TENANT },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ ...(host ? { host } : {}), http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  };
}

function namespace(name: string, labels: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}
