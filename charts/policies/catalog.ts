/**
 * The Gatekeeper policy library, described once: each policy's Rego lives in
 * policies/gatekeeper/<dir>/src.rego; this catalogue gives its kind, parameter schema, what it
 * matches, its exemptions (each with a reason), the parameters per environment, and the sample
 * objects its `gator verify` suite is generated from.
 */
import type { EnvironmentConfig } from '../../config/schema';
import { ADDONS } from '../../catalog/addons';
import { PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { DEPRECATED_APIS } from './deprecated-apis';
import { FILE_STORAGE_CLASS_NAMES, KEY_MOUNTED_STORAGE_CLASSES } from '../../catalog/storage-classes';
import { GATEWAY_NAMESPACE, PLATFORM_GATEWAY, TENANT_LISTENER } from '../../catalog/edge';

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

/**
 * Add-on namespaces whose images still come from a public registry, each with why: none, every
 * add-on pulls through the ACR mirror (catalog/registry-mirrors.ts). An entry here must be needed
 * by a rendered object (the chart-render test checks it).
 */
export const UNMIRRORED_ADDONS: Exemption[] = [];

/** Platform namespaces below Pod Security restricted, each with the reason the namespace catalogue gives. */
export const PRIVILEGED_EXEMPTIONS: Exemption[] = PLATFORM_NAMESPACES.filter((n) => n.podSecurity !== 'restricted').map((n) => ({
  namespace: n.name,
  reason: n.podSecurityReason ?? '',
}));

type Json = Record<string, unknown>;

/** A variant of the reference workload, and the message it must produce (none: allowed). */
export interface PodCase {
  readonly name: string;
  readonly mutate: (pod: PodSample) => void;
  /** Regular expression the violation message must match; undefined: the variant is allowed. */
  readonly message?: string;
  /** Only these kinds (default: all pod kinds). */
  readonly kinds?: readonly PodKind[];
  /** Namespace of the sample (default: the sample tenant's). */
  readonly namespace?: string;
}

export interface PodSample {
  labels: Record<string, string>;
  /** Pod (template) annotations. */
  annotations: Record<string, string>;
  spec: Json & { containers: Json[]; initContainers?: Json[]; securityContext?: Json; volumes?: Json[] };
}

export interface ObjectCase {
  readonly name: string;
  readonly object: Json;
  /** Undefined: allowed. */
  readonly message?: string;
  /** Objects Gatekeeper has synced (data.inventory) besides the tenant Namespace. */
  readonly inventory?: Json[];
}

/** A kind the rule reads from Gatekeeper's synced inventory (data.inventory). */
export interface SyncedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
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
  /**
   * Kinds the rule reads from data.inventory: the template says so (requires-sync-data), the
   * rendered Gatekeeper Config syncs them, and every suite case gets the tenant Namespace.
   */
  readonly syncs?: readonly SyncedKind[];
}

/** What constraints need to know about an environment. */
export interface PolicyEnvironment {
  readonly enforcement: EnvironmentConfig['policies']['enforcement'];
  readonly requireDigest: boolean;
  /** The environment's ACR login server plus the configured extra registries. */
  readonly registries: string[];
  /** Tenant ingress hosts live under <namespace>.<this>. */
  readonly appsDomain: string;
  /** The cluster's Kubernetes minor release (aks.kubernetesVersion), e.g. "1.35". */
  readonly kubernetesVersion: string;
}

export const SAMPLE_REGISTRY = 'craipsamples.azurecr.io';
export const SAMPLE_TENANT = 'acme-search';
export const SAMPLE_APPS_DOMAIN = 'apps.dev.ai.example.org';

/** Where tenant routes may attach: the shared Gateway's tenants listener (catalog/edge.ts). */
const ROUTE_PARENT_PARAMETERS = { gatewayNamespace: GATEWAY_NAMESPACE, gatewayName: PLATFORM_GATEWAY, sectionNames: [TENANT_LISTENER] };
const SHARED_GATEWAY_REF = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: GATEWAY_NAMESPACE, name: PLATFORM_GATEWAY };

/** Labels that name who pays: the tenant namespace's own values everywhere inside it. */
export const TENANT_LABELS = ['tenant', 'cost-center'];

const container = (pod: PodSample) => pod.spec.containers[0] as Json & { securityContext: Json; resources: Json; lifecycle?: Json };

const STORAGE_PARAMETERS = { keyMountedClasses: [...KEY_MOUNTED_STORAGE_CLASSES], platformClasses: [...FILE_STORAGE_CLASS_NAMES] };

/** The kinds `match: 'pods'` stands for. */
export const POD_MATCH = [
  { apiGroups: [''], kinds: ['Pod'] },
  { apiGroups: ['apps'], kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] },
  { apiGroups: ['batch'], kinds: ['Job', 'CronJob'] },
];

const NAMESPACE: SyncedKind = { group: '', version: 'v1', kind: 'Namespace' };
const INGRESS: SyncedKind = { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' };
const HTTP_ROUTE: SyncedKind = { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute' };

/** Where a container may write to its image's filesystem: the name part is the container's name. */
export const WRITABLE_ROOT_ANNOTATION_PREFIX = 'writable-root.platform.example.org/';
/** Shorter than this is not a reason anyone can review ("needed", "legacy"). */
export const MIN_WRITABLE_ROOT_REASON = 20;

/**
 * Tenant containers: at most half of the smallest workload node (dev's Standard_D8ds_v5, 8 vCPUs
 * and 32 GiB), so one container always fits beside the node's daemons in every environment and no
 * tenant pod can take a node alone; the ratio is the tenant LimitRange's own default (100m/500m
 * CPU). A tenant that needs more asks in a reviewed change of this constant or of its namespace.
 */
export const TENANT_CONTAINER_MAXIMUM = { cpu: '4', memory: '16Gi', ratio: 5 } as const;

/** Sysctls Pod Security baseline allows (namespaced, and safe to set per pod). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
];

/** SELinux types Pod Security baseline allows (with no user and no role). */
export const CONTAINER_SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Platform namespaces whose pods may mount an API token, with the catalogue's reason. */
export const TOKEN_NAMESPACES = PLATFORM_NAMESPACES.filter((n) => n.serviceAccountToken).map((n) => ({ namespace: n.name, reason: n.serviceAccountToken! }));

/** Per-namespace container maximums from the namespace catalogue. */
export const NAMESPACE_CONTAINER_MAXIMUMS = PLATFORM_NAMESPACES.map((n) => ({ namespace: n.name, ...n.containerMaximum }));

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
    // The add-ons pull through the ACR mirror (catalog/registry-mirrors.ts); the chart-render test
    // checks that each exemption left here is still needed by a rendered object.
    exemptions: [...SYSTEM_EXEMPTIONS, ...UNMIRRORED_ADDONS],
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
    dir: 'service-account-token',
    kind: 'PlatformServiceAccountToken',
    title: 'No API tokens for workloads that do not call the API',
    blocks: 'pods that mount a service-account token for the Kubernetes API (automountServiceAccountToken not false, or a projected token without an audience) outside the catalogued platform namespaces whose controllers call the API; tenant namespaces never',
    parameters: {
      allowedNamespaces: {
        type: 'array',
        description: 'namespaces whose pods may mount an API token, each with the reason from the namespace catalogue',
        items: { type: 'object', properties: { namespace: { type: 'string' }, reason: { type: 'string' } } },
      },
    },
    match: 'pods',
    exemptions: [...SYSTEM_EXEMPTIONS],
    syncs: [NAMESPACE],
    constraintParameters: () => ({ allowedNamespaces: TOKEN_NAMESPACES }),
    sampleParameters: {
      allowedNamespaces: [
        { namespace: 'argocd', reason: 'the application controller reconciles through the API' },
        // Listed by mistake: the tenant label in the inventory still wins.
        { namespace: SAMPLE_TENANT, reason: 'a tenant namespace never gets a token' },
      ],
    },
    podCases: [
      { name: 'token-mounted', mutate: (p) => delete p.spec.automountServiceAccountToken, message: 'automountServiceAccountToken must be false in namespace "acme-search"' },
      { name: 'token-requested', kinds: ['Deployment'], mutate: (p) => (p.spec.automountServiceAccountToken = true), message: 'automountServiceAccountToken must be false' },
      {
        name: 'projected-api-token',
        kinds: ['Deployment'],
        mutate: (p) => (p.spec.volumes = [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }]),
        message: 'volume "token" projects a service-account token for the Kubernetes API',
      },
      {
        name: 'workload-identity-token',
        kinds: ['Deployment'],
        mutate: (p) => (p.spec.volumes = [{ name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'api://AzureADTokenExchange' } }] } }]),
      },
      { name: 'controller-namespace', kinds: ['Deployment'], namespace: 'argocd', mutate: (p) => delete p.spec.automountServiceAccountToken },
    ],
  },
  {
    dir: 'readonly-root-filesystem',
    kind: 'PlatformReadOnlyRootFilesystem',
    title: 'Read-only root filesystems',
    blocks: `containers without \`readOnlyRootFilesystem: true\`, unless the pod template annotates \`${WRITABLE_ROOT_ANNOTATION_PREFIX}<container>\` with a reason of at least ${MIN_WRITABLE_ROOT_REASON} characters`,
    parameters: {
      annotationPrefix: { type: 'string', description: 'pod annotation prefix of a per-container opt-out; the container name follows it' },
      minReasonLength: { type: 'integer', description: 'shortest reason an opt-out may give' },
    },
    match: 'pods',
    exemptions: [
      ...SYSTEM_EXEMPTIONS,
      { namespace: 'observability', reason: 'upstream Helm charts pinned by exact version in the observability stack; Tempo\'s chart documents that it fails with a read-only root, and not every container of kube-prometheus-stack and Loki sets it' },
      { namespace: 'nvidia-device-plugin', reason: 'upstream Helm chart pinned by exact version in the add-ons stack; the device-plugin container has no securityContext value for it (its namespace is privileged for the kubelet socket anyway)' },
    ],
    constraintParameters: () => ({ annotationPrefix: WRITABLE_ROOT_ANNOTATION_PREFIX, minReasonLength: MIN_WRITABLE_ROOT_REASON }),
    sampleParameters: { annotationPrefix: WRITABLE_ROOT_ANNOTATION_PREFIX, minReasonLength: MIN_WRITABLE_ROOT_REASON },
    podCases: [
      { name: 'writable-root', mutate: (p) => (container(p).securityContext.readOnlyRootFilesystem = false), message: 'container "app": securityContext.readOnlyRootFilesystem must be true' },
      { name: 'unset-root', kinds: ['Deployment'], mutate: (p) => delete container(p).securityContext.readOnlyRootFilesystem, message: 'readOnlyRootFilesystem must be true' },
      {
        name: 'writable-init-container',
        kinds: ['Job'],
        mutate: (p) => (p.spec.initContainers = [{ ...container(p), name: 'migrate', securityContext: { ...container(p).securityContext, readOnlyRootFilesystem: false } }]),
        message: 'initContainer "migrate": securityContext.readOnlyRootFilesystem must be true',
      },
      {
        name: 'reasoned-opt-out',
        kinds: ['Deployment', 'Pod'],
        mutate: (p) => {
          container(p).securityContext.readOnlyRootFilesystem = false;
          p.annotations[`${WRITABLE_ROOT_ANNOTATION_PREFIX}app`] = 'the vendor image unpacks its plugins into /opt/app/plugins at start';
        },
      },
      {
        name: 'opt-out-without-reason',
        kinds: ['Deployment'],
        mutate: (p) => {
          container(p).securityContext.readOnlyRootFilesystem = false;
          p.annotations[`${WRITABLE_ROOT_ANNOTATION_PREFIX}app`] = 'needed';
        },
        message: 'gives no reason \\(6 characters, at least 20\\)',
      },
      {
        name: 'opt-out-for-another-container',
        kinds: ['Deployment'],
        mutate: (p) => {
          container(p).securityContext.readOnlyRootFilesystem = false;
          p.annotations[`${WRITABLE_ROOT_ANNOTATION_PREFIX}sidecar`] = 'the sidecar caches downloads in its home directory';
        },
        message: 'container "app": securityContext.readOnlyRootFilesystem must be true',
      },
    ],
  },
  {
    dir: 'pod-security-profiles',
    kind: 'PlatformPodSecurityProfiles',
    title: 'AppArmor, SELinux, /proc and sysctls',
    blocks: 'AppArmor unconfined (annotation or appArmorProfile, pod and container), SELinux options with a user, a role or a type outside the container types, procMount other than Default, sysctls outside the Pod Security baseline safe set, Windows HostProcess',
    parameters: {
      allowedSysctls: { type: 'array', items: { type: 'string' } },
      allowedSELinuxTypes: { type: 'array', items: { type: 'string' } },
    },
    match: 'pods',
    exemptions: [...SYSTEM_EXEMPTIONS],
    constraintParameters: () => ({ allowedSysctls: SAFE_SYSCTLS, allowedSELinuxTypes: CONTAINER_SELINUX_TYPES }),
    sampleParameters: { allowedSysctls: SAFE_SYSCTLS, allowedSELinuxTypes: CONTAINER_SELINUX_TYPES },
    podCases: [
      { name: 'apparmor-unconfined-annotation', mutate: (p) => (p.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined'), message: 'annotation container.apparmor.security.beta.kubernetes.io/app="unconfined" leaves the container without AppArmor' },
      { name: 'apparmor-runtime-default-annotation', kinds: ['Deployment'], mutate: (p) => (p.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'runtime/default') },
      { name: 'apparmor-unconfined-pod', kinds: ['Deployment'], mutate: (p) => (p.spec.securityContext = { ...p.spec.securityContext, appArmorProfile: { type: 'Unconfined' } }), message: 'spec.securityContext.appArmorProfile.type Unconfined is not allowed' },
      { name: 'apparmor-unconfined-container', kinds: ['StatefulSet'], mutate: (p) => (container(p).securityContext.appArmorProfile = { type: 'Unconfined' }), message: 'container "app": securityContext.appArmorProfile.type Unconfined is not allowed' },
      { name: 'apparmor-localhost', kinds: ['Deployment'], mutate: (p) => (container(p).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-app' }) },
      { name: 'selinux-user', kinds: ['Deployment'], mutate: (p) => (p.spec.securityContext = { ...p.spec.securityContext, seLinuxOptions: { user: 'system_u' } }), message: 'seLinuxOptions sets user "system_u"' },
      { name: 'selinux-role', kinds: ['Job'], mutate: (p) => (container(p).securityContext.seLinuxOptions = { role: 'sysadm_r' }), message: 'seLinuxOptions sets role "sysadm_r"' },
      { name: 'selinux-spc-type', kinds: ['DaemonSet'], mutate: (p) => (container(p).securityContext.seLinuxOptions = { type: 'spc_t' }), message: 'type "spc_t" is not a container type' },
      { name: 'selinux-level-only', kinds: ['Deployment'], mutate: (p) => (p.spec.securityContext = { ...p.spec.securityContext, seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } }) },
      { name: 'unmasked-proc', kinds: ['Pod', 'Deployment'], mutate: (p) => (container(p).securityContext.procMount = 'Unmasked'), message: 'securityContext.procMount Unmasked' },
      { name: 'unsafe-sysctl', kinds: ['Pod', 'CronJob'], mutate: (p) => (p.spec.securityContext = { ...p.spec.securityContext, sysctls: [{ name: 'kernel.msgmax', value: '65536' }] }), message: 'sysctl kernel.msgmax is outside the safe set' },
      { name: 'safe-sysctl', kinds: ['Deployment'], mutate: (p) => (p.spec.securityContext = { ...p.spec.securityContext, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] }) },
      { name: 'windows-host-process', kinds: ['Deployment'], mutate: (p) => (container(p).securityContext.windowsOptions = { hostProcess: true }), message: 'windowsOptions.hostProcess runs on the host' },
    ],
  },
  {
    dir: 'host-probes',
    kind: 'PlatformHostProbes',
    title: 'Probes and hooks stay on the pod',
    blocks: 'liveness, readiness and startup probes and postStart/preStop hooks aimed at another host (`httpGet.host`, `tcpSocket.host`)',
    parameters: {},
    match: 'pods',
    exemptions: [...SYSTEM_EXEMPTIONS],
    constraintParameters: () => ({}),
    sampleParameters: {},
    podCases: [
      { name: 'probe-to-metadata-endpoint', mutate: (p) => ((container(p).livenessProbe as Json).httpGet = { host: '169.254.169.254', path: '/metadata/identity/oauth2/token', port: 80 }), message: 'livenessProbe.httpGet.host "169.254.169.254" aims the kubelet at another host' },
      { name: 'tcp-probe-to-api-server', kinds: ['Deployment'], mutate: (p) => (container(p).readinessProbe = { tcpSocket: { host: 'kubernetes.default.svc', port: 443 } }), message: 'readinessProbe.tcpSocket.host "kubernetes.default.svc"' },
      { name: 'pre-stop-to-other-pod', kinds: ['StatefulSet'], mutate: (p) => (container(p).lifecycle = { preStop: { httpGet: { host: '10.244.1.17', path: '/drain', port: 8080 } } }), message: 'lifecycle.preStop.httpGet.host "10.244.1.17"' },
      { name: 'post-start-to-host', kinds: ['Job'], mutate: (p) => (container(p).lifecycle = { postStart: { tcpSocket: { host: '10.0.0.4', port: 10250 } } }), message: 'lifecycle.postStart.tcpSocket.host "10.0.0.4"' },
      { name: 'own-pod-hook', kinds: ['Deployment'], mutate: (p) => (container(p).lifecycle = { preStop: { httpGet: { path: '/drain', port: 8080 } } }) },
    ],
  },
  {
    dir: 'ephemeral-storage',
    kind: 'PlatformEphemeralStorage',
    title: 'Ephemeral storage requests and limits',
    blocks: 'containers without ephemeral-storage requests and limits',
    parameters: {},
    match: 'pods',
    exemptions: [
      ...SYSTEM_EXEMPTIONS,
      ...addonExemptions('its resources come from typed chart values that carry CPU and memory only, and several charts give their init and sidecar containers no resources value at all'),
    ],
    constraintParameters: () => ({}),
    sampleParameters: {},
    podCases: [
      { name: 'no-ephemeral-limit', mutate: (p) => delete (container(p).resources.limits as Json)['ephemeral-storage'], message: 'resources.limits.ephemeral-storage is missing' },
      { name: 'no-ephemeral-request', kinds: ['Deployment'], mutate: (p) => delete (container(p).resources.requests as Json)['ephemeral-storage'], message: 'resources.requests.ephemeral-storage is missing' },
      {
        name: 'init-container-without-storage',
        kinds: ['Job'],
        mutate: (p) => (p.spec.initContainers = [{ ...container(p), name: 'fetch', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } }]),
        message: 'initContainer "fetch": resources.requests.ephemeral-storage is missing',
      },
    ],
  },
  {
    dir: 'container-limits',
    kind: 'PlatformContainerLimits',
    title: 'Container maximums',
    blocks: `containers above their namespace's CPU or memory maximum, or with a limit more than its ratio times the request (tenants: ${TENANT_CONTAINER_MAXIMUM.cpu} CPUs, ${TENANT_CONTAINER_MAXIMUM.memory}, ratio ${TENANT_CONTAINER_MAXIMUM.ratio}; platform namespaces: their catalogue entry); quantities that do not parse`,
    parameters: {
      defaultMaximum: { type: 'object', description: 'maximum for namespaces without their own entry (tenants)', properties: { cpu: { type: 'string' }, memory: { type: 'string' }, ratio: { type: 'number' } } },
      namespaces: {
        type: 'array',
        description: 'maximums of the platform namespaces, from the namespace catalogue',
        items: { type: 'object', properties: { namespace: { type: 'string' }, cpu: { type: 'string' }, memory: { type: 'string' }, ratio: { type: 'number' }, why: { type: 'string' } } },
      },
    },
    match: 'pods',
    exemptions: [...SYSTEM_EXEMPTIONS],
    constraintParameters: () => ({ defaultMaximum: { ...TENANT_CONTAINER_MAXIMUM }, namespaces: NAMESPACE_CONTAINER_MAXIMUMS }),
    sampleParameters: { defaultMaximum: { ...TENANT_CONTAINER_MAXIMUM }, namespaces: [{ namespace: 'serving', cpu: '64', memory: '512Gi', ratio: 2, why: 'vLLM stages weights in host memory' }] },
    podCases: [
      { name: 'huge-memory', mutate: (p) => ((container(p).resources.limits as Json).memory = '64Gi'), message: 'memory 64Gi is above the maximum 16Gi for one container in namespace "acme-search"' },
      { name: 'huge-cpu-in-millicores', kinds: ['Deployment'], mutate: (p) => Object.assign(container(p).resources, { requests: { ...(container(p).resources.requests as Json), cpu: '6000m' }, limits: { ...(container(p).resources.limits as Json), cpu: '8000m' } }), message: 'cpu 8000m is above the maximum 4' },
      { name: 'limit-far-above-request', kinds: ['Deployment', 'CronJob'], mutate: (p) => ((container(p).resources.requests as Json).cpu = '10m'), message: 'cpu limit 500m is more than 5 times its request 10m' },
      { name: 'memory-in-plain-bytes', kinds: ['Deployment'], mutate: (p) => Object.assign(container(p).resources, { requests: { ...(container(p).resources.requests as Json), memory: 134217728 }, limits: { ...(container(p).resources.limits as Json), memory: '536870912' } }) },
      { name: 'memory-in-decimal-units', kinds: ['Deployment'], mutate: (p) => ((container(p).resources.limits as Json).memory = '18G'), message: 'memory 18G is above the maximum 16Gi' },
      { name: 'not-a-quantity', kinds: ['Deployment'], mutate: (p) => ((container(p).resources.limits as Json).memory = '256MB'), message: 'resources.limits.memory 256MB is not a Kubernetes quantity' },
      {
        name: 'serving-namespace-maximum',
        kinds: ['Deployment'],
        namespace: 'serving',
        mutate: (p) => Object.assign(container(p).resources, { requests: { cpu: '16', memory: '180Gi', 'ephemeral-storage': '2Gi' }, limits: { cpu: '32', memory: '180Gi', 'ephemeral-storage': '16Gi' } }),
      },
    ],
  },
  {
    dir: 'required-labels',
    kind: 'PlatformRequiredLabels',
    title: 'Cost and ownership labels',
    blocks: "workloads in tenant namespaces without `tenant`, `cost-center` and `app.kubernetes.io/name` on the object and its pod template (and a CronJob's job template)",
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
    objectCases: [
      {
        name: 'cronjob-unlabelled-job-template',
        object: {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'report', namespace: SAMPLE_TENANT, labels: { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711', 'app.kubernetes.io/name': 'report' } },
          spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata: { labels: { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711', 'app.kubernetes.io/name': 'report' } }, spec: { containers: [], restartPolicy: 'Never' } } } } },
        },
        message: 'CronJob/report: job template label "cost-center" is missing',
      },
    ],
  },
  {
    dir: 'required-probes',
    kind: 'PlatformRequiredProbes',
    title: 'Health probes',
    blocks: 'Deployments and StatefulSets whose containers lack readiness or liveness probes; probes without a handler (`null`, `{}`)',
    parameters: { probes: { type: 'array', items: { type: 'string' } } },
    match: [{ apiGroups: ['apps'], kinds: ['Deployment', 'StatefulSet'] }],
    exemptions: [...SYSTEM_EXEMPTIONS, ...addonExemptions('its probes are the chart authors\' choice, and an atomic release fails an add-on that never becomes ready')],
    constraintParameters: () => ({ probes: ['readinessProbe', 'livenessProbe'] }),
    sampleParameters: { probes: ['readinessProbe', 'livenessProbe'] },
    podKinds: ['Deployment', 'StatefulSet'],
    podCases: [
      { name: 'no-readiness', mutate: (p) => delete container(p).readinessProbe, message: 'readinessProbe is missing' },
      { name: 'no-liveness', mutate: (p) => delete container(p).livenessProbe, message: 'livenessProbe is missing' },
      { name: 'null-readiness', mutate: (p) => (container(p).readinessProbe = null), message: 'readinessProbe is missing' },
      { name: 'empty-liveness', mutate: (p) => (container(p).livenessProbe = {}), message: 'livenessProbe has no handler' },
      { name: 'handlerless-startup', kinds: ['Deployment'], mutate: (p) => (container(p).startupProbe = { periodSeconds: 5, failureThreshold: 30 }), message: 'startupProbe has no handler' },
      { name: 'grpc-and-exec-probes', kinds: ['Deployment'], mutate: (p) => Object.assign(container(p), { readinessProbe: { grpc: { port: 9090 } }, livenessProbe: { exec: { command: ['/bin/healthcheck'] } } }) },
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
    dir: 'service-external-ips',
    kind: 'PlatformServiceExternalIPs',
    title: 'No Service external IPs',
    blocks: 'Services with `spec.externalIPs` (CVE-2020-8554: traffic to those addresses is intercepted cluster-wide)',
    parameters: {},
    match: [{ apiGroups: [''], kinds: ['Service'] }],
    exemptions: [...SYSTEM_EXEMPTIONS],
    constraintParameters: () => ({}),
    sampleParameters: {},
    objectCases: [
      { name: 'cluster-ip', object: service('ClusterIP') },
      { name: 'empty-external-ips', object: withSpec(service('ClusterIP'), { externalIPs: [] }) },
      { name: 'external-ips', object: withSpec(service('ClusterIP'), { externalIPs: ['20.50.2.10'] }), message: 'Service/web: spec.externalIPs .*20.50.2.10.* is not allowed' },
      { name: 'platform-namespace', object: { ...withSpec(service('ClusterIP'), { externalIPs: ['10.0.0.10'] }), metadata: { name: 'web', namespace: 'platform' } }, message: 'CVE-2020-8554' },
    ],
  },
  {
    dir: 'key-mounted-storage',
    kind: 'PlatformKeyMountedStorage',
    title: 'No Azure Files mounted with account keys',
    blocks: 'claims, claim templates and ephemeral volumes of the AKS built-in `azurefile*` classes, and in-tree or inline CSI Azure Files volumes: they mount with the storage account key kept in a Secret; the platform classes (`catalog/storage-classes.ts`) mount with a managed identity',
    parameters: {
      keyMountedClasses: { type: 'array', items: { type: 'string' } },
      platformClasses: { type: 'array', items: { type: 'string' } },
    },
    match: [...POD_MATCH, { apiGroups: [''], kinds: ['PersistentVolumeClaim'] }],
    exemptions: [...SYSTEM_EXEMPTIONS],
    constraintParameters: () => STORAGE_PARAMETERS,
    sampleParameters: STORAGE_PARAMETERS,
    podCases: [
      { name: 'in-tree-azure-file', mutate: (p) => (p.spec.volumes = [{ name: 'share', azureFile: { secretName: 'storage-key', shareName: 'models' } }]), message: 'volume "share" is an in-tree azureFile volume' },
      { name: 'inline-csi-azure-file', kinds: ['Deployment'], mutate: (p) => (p.spec.volumes = [{ name: 'share', csi: { driver: 'file.csi.azure.com', volumeAttributes: { secretName: 'storage-key', shareName: 'models' } } }]), message: 'volume "share" is an inline Azure Files CSI volume' },
      {
        name: 'ephemeral-key-class',
        kinds: ['Job'],
        mutate: (p) => (p.spec.volumes = [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { storageClassName: 'azurefile-csi', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }]),
        message: 'volume "scratch" is an ephemeral claim of class "azurefile-csi"',
      },
    ],
    objectCases: [
      { name: 'claim-default-class', object: claim({ tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711' }) },
      { name: 'claim-platform-class', object: withSpec(claim({}), { storageClassName: FILE_STORAGE_CLASS_NAMES[0] }) },
      { name: 'claim-key-class', object: withSpec(claim({}), { storageClassName: 'azurefile-csi-premium' }), message: `PersistentVolumeClaim/data: storageClassName "azurefile-csi-premium" mounts Azure Files with the account key; fix: use ${FILE_STORAGE_CLASS_NAMES[0]}` },
    ],
  },
  {
    dir: 'pdb-disruption',
    kind: 'PlatformPodDisruptionBudget',
    title: 'Disruption budgets that allow a drain',
    blocks: 'PodDisruptionBudgets that allow no disruption (`maxUnavailable: 0` or `"0%"`, `minAvailable: "100%"`): they block node drains and so AKS upgrades',
    parameters: {},
    match: [{ apiGroups: ['policy'], kinds: ['PodDisruptionBudget'] }],
    exemptions: [...SYSTEM_EXEMPTIONS],
    constraintParameters: () => ({}),
    sampleParameters: {},
    objectCases: [
      { name: 'max-unavailable-one', object: pdb({ maxUnavailable: 1 }) },
      { name: 'max-unavailable-percent', object: pdb({ maxUnavailable: '25%' }) },
      { name: 'min-available-below-all', object: pdb({ minAvailable: '50%' }) },
      { name: 'min-available-count', object: pdb({ minAvailable: 1 }) },
      { name: 'max-unavailable-zero', object: pdb({ maxUnavailable: 0 }), message: 'spec.maxUnavailable 0 allows no disruption' },
      { name: 'max-unavailable-zero-percent', object: pdb({ maxUnavailable: '0%' }), message: 'spec.maxUnavailable 0% allows no disruption' },
      { name: 'min-available-all', object: pdb({ minAvailable: '100%' }), message: 'spec.minAvailable 100% allows no disruption' },
    ],
  },
  {
    dir: 'deprecated-apis',
    kind: 'PlatformDeprecatedAPIs',
    title: 'No deprecated or removed API versions',
    blocks: "objects in an API version that the environment's Kubernetes release (`aks.kubernetesVersion`) has deprecated or no longer serves, from the upstream deprecation guide (`charts/policies/deprecated-apis.ts`)",
    parameters: {
      kubernetesVersion: { type: 'string', description: 'the cluster\'s minor release, e.g. 1.35' },
      apis: {
        type: 'array',
        items: {
          type: 'object',
          properties: { group: { type: 'string' }, version: { type: 'string' }, kind: { type: 'string' }, deprecatedIn: { type: 'string' }, removedIn: { type: 'string' }, replacement: { type: 'string' } },
        },
      },
    },
    match: [{ apiGroups: ['*'], kinds: ['*'] }],
    exemptions: [...SYSTEM_EXEMPTIONS],
    constraintParameters: (env) => ({ kubernetesVersion: env.kubernetesVersion, apis: DEPRECATED_APIS }),
    sampleParameters: { kubernetesVersion: '1.35', apis: DEPRECATED_APIS },
    objectCases: [
      { name: 'current-pdb', object: pdb({ maxUnavailable: 1 }) },
      { name: 'current-cronjob', object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: SAMPLE_TENANT }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } } },
      { name: 'removed-pdb', object: { ...pdb({ maxUnavailable: 1 }), apiVersion: 'policy/v1beta1' }, message: 'PodDisruptionBudget/web: policy/v1beta1 is no longer served since Kubernetes 1.25 \\(the cluster runs Kubernetes 1.35\\); fix: use apiVersion policy/v1' },
      { name: 'removed-cronjob', object: { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'report', namespace: SAMPLE_TENANT }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } }, message: 'batch/v1beta1 is no longer served since Kubernetes 1.25' },
      { name: 'removed-ingress', object: { ...ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), apiVersion: 'extensions/v1beta1' }, message: 'extensions/v1beta1 is no longer served since Kubernetes 1.22 .*networking.k8s.io/v1' },
      { name: 'removed-hpa', object: { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: SAMPLE_TENANT }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 } }, message: 'autoscaling/v2beta2 is no longer served since Kubernetes 1.26' },
      { name: 'removed-cluster-scoped', object: { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] }, message: 'ClusterRole/reader: rbac.authorization.k8s.io/v1beta1' },
      { name: 'pod-security-policy', object: { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'open' }, spec: {} }, message: 'PodSecurityPolicy is gone; remove the object' },
    ],
  },
  {
    dir: 'ingress-host',
    kind: 'PlatformIngressHost',
    title: 'Tenant ingress hosts',
    blocks: 'Ingress and Gateway API route (HTTPRoute, GRPCRoute, TLSRoute) hosts and TLS hosts outside `<namespace>.<apps domain>` in tenant namespaces; wildcard hosts; catch-alls (an Ingress default backend, a rule without a host, a route without hostnames); a host another Ingress or HTTPRoute already serves (synced inventory)',
    parameters: { baseDomain: { type: 'string' } },
    match: [
      { apiGroups: ['networking.k8s.io'], kinds: ['Ingress'] },
      { apiGroups: ['gateway.networking.k8s.io'], kinds: ['HTTPRoute', 'GRPCRoute', 'TLSRoute'] },
    ],
    tenantOnly: true,
    exemptions: [],
    syncs: [NAMESPACE, INGRESS, HTTP_ROUTE],
    constraintParameters: (env) => ({ baseDomain: env.appsDomain }),
    sampleParameters: { baseDomain: SAMPLE_APPS_DOMAIN },
    objectCases: [
      { name: 'own-subdomain', object: ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`) },
      { name: 'own-domain', object: ingress(`${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`) },
      { name: 'other-tenant', object: ingress(`chat.contoso-docs.${SAMPLE_APPS_DOMAIN}`), message: `is outside acme-search.${SAMPLE_APPS_DOMAIN.replace(/\./g, '\\.')}` },
      { name: 'suffix-trick', object: ingress(`evil${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), message: 'is outside' },
      { name: 'no-host', object: ingress(undefined), message: 'host "" \\(spec.rules\\[\\]\\.host\\) is outside' },
      { name: 'wildcard-host', object: ingress(`*.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), message: 'is a wildcard' },
      { name: 'default-backend', object: withSpec(ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), { defaultBackend: { service: { name: 'web', port: { number: 80 } } } }), message: 'spec.defaultBackend catches every host' },
      { name: 'foreign-tls-host', object: withSpec(ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), { tls: [{ hosts: [`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`, 'login.example.org'], secretName: 'chat-tls' }] }), message: '"login.example.org" \\(spec.tls\\[\\]\\.hosts\\) is outside' },
      { name: 'own-tls-host', object: withSpec(ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), { tls: [{ hosts: [`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`], secretName: 'chat-tls' }] }) },
      { name: 'http-route-own-host', object: httpRoute('api', [`api.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`]) },
      { name: 'http-route-foreign-host', object: httpRoute('api', [`api.contoso-docs.${SAMPLE_APPS_DOMAIN}`]), message: 'HTTPRoute/api: host "api.contoso-docs' },
      { name: 'http-route-catch-all', object: httpRoute('api', []), message: 'spec.hostnames is empty' },
      { name: 'grpc-route-wildcard', object: { ...httpRoute('rpc', [`*.${SAMPLE_APPS_DOMAIN}`]), kind: 'GRPCRoute' }, message: 'GRPCRoute/rpc: host .* is a wildcard' },
      {
        name: 'duplicate-host',
        object: ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`),
        inventory: [{ ...ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), metadata: { name: 'chat-old', namespace: SAMPLE_TENANT } }],
        message: 'is already served by Ingress/chat-old in namespace acme-search',
      },
      {
        name: 'duplicate-host-of-route',
        object: ingress(`api.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`),
        inventory: [httpRoute('api', [`api.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`])],
        message: 'is already served by HTTPRoute/api',
      },
      { name: 'same-object-in-inventory', object: ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`), inventory: [ingress(`chat.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`)] },
    ],
  },
  {
    dir: 'route-parent',
    kind: 'PlatformRouteParent',
    title: 'Tenant routes attach to the shared Gateway',
    blocks: "Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute) in tenant namespaces whose parentRefs are anything but the platform's shared Gateway (a Gateway in the tenant's or another namespace, a Service), name a listener of a platform host, a port other than 443, or that have no parent at all",
    parameters: {
      gatewayNamespace: { type: 'string' },
      gatewayName: { type: 'string' },
      sectionNames: { type: 'array', items: { type: 'string' }, description: 'listeners tenant routes may name' },
    },
    match: [{ apiGroups: ['gateway.networking.k8s.io'], kinds: ['HTTPRoute', 'GRPCRoute', 'TLSRoute'] }],
    tenantOnly: true,
    exemptions: [],
    constraintParameters: () => ROUTE_PARENT_PARAMETERS,
    sampleParameters: ROUTE_PARENT_PARAMETERS,
    objectCases: [
      { name: 'own-subdomain-on-shared-gateway', object: tenantRoute([SHARED_GATEWAY_REF]) },
      { name: 'tenant-listener', object: tenantRoute([{ ...SHARED_GATEWAY_REF, sectionName: TENANT_LISTENER }]) },
      { name: 'foreign-parent-gateway', object: tenantRoute([{ name: 'shadow' }]), message: `HTTPRoute/web: spec.parentRefs\\[0\\] is Gateway ${SAMPLE_TENANT}/shadow, not the shared Gateway ${GATEWAY_NAMESPACE}/${PLATFORM_GATEWAY}` },
      { name: 'other-namespace-gateway', object: tenantRoute([{ ...SHARED_GATEWAY_REF, namespace: 'contoso-docs' }]), message: 'is Gateway contoso-docs/platform, not the shared' },
      { name: 'service-parent', object: tenantRoute([{ group: '', kind: 'Service', name: 'web' }]), message: 'is Service acme-search/web' },
      { name: 'platform-listener', object: tenantRoute([{ ...SHARED_GATEWAY_REF, sectionName: 'https-argocd' }]), message: 'names listener "https-argocd"' },
      { name: 'plain-http-port', object: tenantRoute([{ ...SHARED_GATEWAY_REF, port: 80 }]), message: 'names port 80' },
      { name: 'no-parent', object: tenantRoute([]), message: 'spec.parentRefs is empty' },
    ],
  },
  {
    dir: 'tenant-labels',
    kind: 'PlatformTenantLabels',
    title: "Tenant labels are the namespace's own",
    blocks: "`tenant` and `cost-center` labels in a tenant namespace (object, pod template, job template, claim templates) that differ from the namespace's own (synced inventory); claims (PersistentVolumeClaims and claim templates) without them",
    parameters: {
      labels: { type: 'array', items: { type: 'string' } },
      requiredKinds: { type: 'array', items: { type: 'string' }, description: 'kinds that must carry the labels themselves' },
    },
    match: [{ apiGroups: ['*'], kinds: ['*'] }],
    tenantOnly: true,
    exemptions: [],
    syncs: [NAMESPACE],
    constraintParameters: () => ({ labels: TENANT_LABELS, requiredKinds: ['PersistentVolumeClaim'] }),
    sampleParameters: { labels: TENANT_LABELS, requiredKinds: ['PersistentVolumeClaim'] },
    podCases: [
      { name: 'foreign-tenant', mutate: (p) => (p.labels.tenant = 'contoso-docs'), message: 'label tenant="contoso-docs" does not match namespace acme-search \\(tenant="acme-search"\\)' },
      { name: 'foreign-cost-center', kinds: ['Deployment', 'Job'], mutate: (p) => (p.labels['cost-center'] = 'CC-2210'), message: 'label cost-center="CC-2210" does not match namespace acme-search' },
    ],
    objectCases: [
      { name: 'config-map-unlabelled', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: SAMPLE_TENANT }, data: { LOG_LEVEL: 'info' } } },
      { name: 'config-map-own-labels', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: SAMPLE_TENANT, labels: { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711' } }, data: {} } },
      { name: 'service-foreign-tenant', object: { ...service('ClusterIP'), metadata: { name: 'web', namespace: SAMPLE_TENANT, labels: { tenant: 'contoso-docs' } } }, message: 'Service/web: object label tenant="contoso-docs" does not match' },
      { name: 'claim-unlabelled', object: claim({}), message: 'PersistentVolumeClaim/data: object label tenant is missing; fix: set it to the namespace.s value \\(tenant="acme-search"\\)' },
      { name: 'claim-labelled', object: claim({ tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711' }) },
      {
        name: 'claim-template-unlabelled',
        object: {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db', namespace: SAMPLE_TENANT, labels: { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711' } },
          spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db', tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711' } }, spec: { containers: [] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }] },
        },
        message: 'StatefulSet/db: volumeClaimTemplate "data" label cost-center is missing',
      },
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

function withSpec(object: Json, spec: Json): Json {
  return { ...object, spec: { ...(object.spec as Json), ...spec } };
}


/** A tenant route on its own subdomain with the given parents. */
function tenantRoute(parentRefs: Json[]): Json {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: SAMPLE_TENANT },
    spec: { parentRefs, hostnames: [`web.${SAMPLE_TENANT}.${SAMPLE_APPS_DOMAIN}`], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  };
}

function httpRoute(name: string, hostnames: string[]): Json {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: SAMPLE_TENANT },
    spec: { parentRefs: [SHARED_GATEWAY_REF], hostnames, rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  };
}

function pdb(spec: Json): Json {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: SAMPLE_TENANT }, spec: { ...spec, selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } } };
}

function claim(labels: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: SAMPLE_TENANT, labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } };
}

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
