/**
 * Tenant escapes: what an attacker with write access to one tenant namespace would apply, each run
 * through `gator test` with the production environment's templates and constraints (what
 * rendered/prod/gatekeeper-policies carries), the tenant's Namespace as the tenant stack labels it
 * and the inventory the referential rules read. Every hostile object must be denied by exactly the
 * rules named, with a message that names the object and the fix; every legitimate object must be
 * admitted without a single violation, so the corpus also shows the rules do not get in a tenant's
 * way.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputs } from '../../config/inputs';
import type { Tenant } from '../../config/tenant-schema';
import { RESTRICTED_POD_SECURITY, tenantLabels } from '../../constructs/tenant/labels';
import { environmentPolicyObjects, policyEnvironment, toYaml } from '../../cli/lib/gatekeeper';
import { callAsync } from '../../cli/lib/tools';
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE, PLATFORM_GATEWAY, TENANT_LISTENER } from '../../catalog/edge';

type Json = Record<string, any>;

const inputs = loadInputs();
const prod = inputs.allEnvironments.find((e) => e.name === 'prod')!;
const penv = policyEnvironment(prod);
const policies = environmentPolicyObjects(prod);

const tenantOf = (name: string): Tenant => {
  const t = inputs.tenants.find((x) => x.metadata.name === name);
  assert.ok(t && t.spec.environments.includes('prod'), `tenant ${name} runs in prod`);
  return t;
};
const TENANT = tenantOf('acme-search');
const OTHER = tenantOf('fabrikam-payments');
const NS = TENANT.metadata.name;
const DOMAIN = `${NS}.${penv.appsDomain}`;
const ACR = penv.registries[0];
const DIGEST = `sha256:${'4f'.repeat(32)}`;
const IMAGE = `${ACR}/${NS}/chat:2.3.1@${DIGEST}`;

/** The Namespace as the tenant stack creates it (constructs/tenant/namespace.ts). */
const namespaceOf = (t: Tenant): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: t.metadata.name, labels: { ...tenantLabels(t), ...RESTRICTED_POD_SECURITY } } });

const OWN_LABELS = { tenant: NS, 'cost-center': TENANT.spec.costCenter };
const labels = (name: string, extra: Record<string, string> = {}) => ({ ...OWN_LABELS, 'app.kubernetes.io/name': name, ...extra });
const meta = (name: string, extra: Json = {}) => ({ name, namespace: NS, labels: labels(name), ...extra });

// ---- a workload that meets every rule, and ways to break it ------------------------------

function container(overrides: Json = {}): Json {
  return {
    name: 'chat',
    image: IMAGE,
    ports: [{ containerPort: 8080 }],
    resources: {
      requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' },
    },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    livenessProbe: { httpGet: { path: '/live', port: 8080 } },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    ...overrides,
  };
}

function podSpec(overrides: Json = {}, containerOverrides: Json = {}): Json {
  return {
    serviceAccountName: 'workload',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container(containerOverrides)],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
    ...overrides,
  };
}

interface WorkloadOptions {
  spec?: Json;
  container?: Json;
  objectLabels?: Record<string, string>;
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
}

const template = (name: string, o: WorkloadOptions) => ({
  metadata: { labels: o.podLabels ?? labels(name), ...(o.podAnnotations ? { annotations: o.podAnnotations } : {}) },
  spec: podSpec(o.spec, o.container),
});

function deployment(name: string, o: WorkloadOptions = {}): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta(name), labels: o.objectLabels ?? labels(name) },
    spec: { replicas: 2, selector: { matchLabels: { 'app.kubernetes.io/name': name } }, template: template(name, o) },
  };
}

function pod(name: string, o: WorkloadOptions = {}): Json {
  const t = template(name, o);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta(name), ...t.metadata }, spec: t.spec };
}

function controller(kind: 'StatefulSet' | 'DaemonSet' | 'ReplicaSet', name: string, o: WorkloadOptions = {}): Json {
  const d = deployment(name, o);
  return { ...d, kind, spec: { ...d.spec, ...(kind === 'StatefulSet' ? { serviceName: name } : {}), ...(kind === 'DaemonSet' ? { replicas: undefined } : {}) } };
}

function job(name: string, o: WorkloadOptions = {}): Json {
  const t = template(name, o);
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(name), spec: { backoffLimit: 2, template: { ...t, spec: { ...t.spec, restartPolicy: 'Never' } } } };
}

function cronJob(name: string, o: WorkloadOptions = {}, apiVersion = 'batch/v1'): Json {
  const t = template(name, o);
  return {
    apiVersion,
    kind: 'CronJob',
    metadata: meta(name),
    spec: { schedule: '*/15 * * * *', jobTemplate: { metadata: { labels: labels(name) }, spec: { template: { ...t, spec: { ...t.spec, restartPolicy: 'Never' } } } } },
  };
}

const service = (name: string, spec: Json = {}): Json => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(name),
  spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
});

const ingress = (name: string, spec: Json, apiVersion = 'networking.k8s.io/v1'): Json => ({ apiVersion, kind: 'Ingress', metadata: meta(name), spec: { ingressClassName: 'nginx', ...spec } });

const rule = (host: string | undefined) => ({
  ...(host === undefined ? {} : { host }),
  http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'chat', port: { number: 80 } } } }] },
});

/** The platform Gateway's tenants listener: where a tenant's route belongs. */
const SHARED_GATEWAY = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: GATEWAY_NAMESPACE, name: PLATFORM_GATEWAY, sectionName: TENANT_LISTENER };
const withParents = (route: Json, parentRefs: Json[]): Json => ({ ...route, spec: { ...route.spec, parentRefs } });

const httpRoute = (name: string, hostnames: string[]): Json => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: meta(name),
  spec: { parentRefs: [SHARED_GATEWAY], hostnames, rules: [{ backendRefs: [{ name: 'chat', port: 80 }] }] },
});

const pdb = (name: string, spec: Json, apiVersion = 'policy/v1'): Json => ({
  apiVersion,
  kind: 'PodDisruptionBudget',
  metadata: meta(name),
  spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'chat' } }, ...spec },
});

const claim = (name: string, claimLabels: Record<string, string> | undefined): Json => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: NS, ...(claimLabels ? { labels: claimLabels } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'managed-csi-premium', resources: { requests: { storage: '20Gi' } } },
});

const withContainer = (c: Json): WorkloadOptions => ({ container: c });
const withResources = (requests: Json, limits: Json): WorkloadOptions => ({ container: { resources: { requests, limits } } });
const securityContext = (extra: Json): Json => ({ securityContext: { ...container().securityContext, ...extra } });

/** An Ingress the tenant already runs: Gatekeeper has it in data.inventory. */
const EXISTING_INGRESS = ingress('chat', { rules: [rule(`chat.${DOMAIN}`)], tls: [{ hosts: [`chat.${DOMAIN}`], secretName: 'chat-tls' }] });

// ---- the corpus -----------------------------------------------------------------------------

interface Hostile {
  readonly name: string;
  readonly object: Json;
  /** Constraint names that must deny it, and no other. */
  readonly deniedBy: string[];
  /** What the message must say (the object is always named). */
  readonly message: RegExp;
  readonly inventory?: Json[];
}

interface Legitimate {
  readonly name: string;
  readonly object: Json;
  readonly inventory?: Json[];
}

const HOSTILE: Hostile[] = [
  // Exposure past the shared ingress controller
  { name: 'node-port', object: service('chat', { type: 'NodePort' }), deniedBy: ['service-type'], message: /type NodePort is not allowed.*fix: use ClusterIP/ },
  { name: 'load-balancer', object: service('chat', { type: 'LoadBalancer' }), deniedBy: ['service-type'], message: /type LoadBalancer is not allowed/ },
  { name: 'external-ips', object: service('chat', { externalIPs: ['10.50.0.10'] }), deniedBy: ['service-external-ips'], message: /spec\.externalIPs .*10\.50\.0\.10.*CVE-2020-8554.*fix: remove spec\.externalIPs/ },
  // Pod Security restricted
  { name: 'privileged', object: deployment('chat', withContainer(securityContext({ privileged: true }))), deniedBy: ['pod-security'], message: /privileged is not allowed/ },
  { name: 'host-path', object: deployment('chat', { spec: { volumes: [{ name: 'tmp', hostPath: { path: '/var/lib/kubelet' } }] } }), deniedBy: ['pod-security'], message: /volume "tmp" of type hostPath is not allowed/ },
  { name: 'host-network', object: pod('chat', { spec: { hostNetwork: true } }), deniedBy: ['pod-security'], message: /hostNetwork is not allowed/ },
  { name: 'host-pid', object: controller('DaemonSet', 'chat', { spec: { hostPID: true } }), deniedBy: ['pod-security'], message: /hostPID is not allowed/ },
  { name: 'host-port', object: deployment('chat', withContainer({ ports: [{ containerPort: 8080, hostPort: 8080 }] })), deniedBy: ['pod-security'], message: /hostPort 8080 is not allowed; fix: expose it through a Service/ },
  { name: 'root-user', object: job('chat', withContainer(securityContext({ runAsUser: 0 }))), deniedBy: ['pod-security'], message: /runAsUser 0 \(root\) is not allowed/ },
  { name: 'sys-admin', object: deployment('chat', withContainer(securityContext({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }))), deniedBy: ['pod-security'], message: /capability SYS_ADMIN may not be added/ },
  { name: 'privilege-escalation', object: controller('StatefulSet', 'chat', withContainer(securityContext({ allowPrivilegeEscalation: true }))), deniedBy: ['pod-security'], message: /allowPrivilegeEscalation must be false/ },
  { name: 'seccomp-unconfined', object: deployment('chat', withContainer(securityContext({ seccompProfile: { type: 'Unconfined' } }))), deniedBy: ['pod-security'], message: /seccompProfile\.type must be RuntimeDefault or Localhost/ },
  // Images
  { name: 'latest-tag', object: deployment('chat', withContainer({ image: `${ACR}/${NS}/chat:latest` })), deniedBy: ['image-tag'], message: /uses the latest tag.*fix: pin a version tag/ },
  { name: 'untagged-undigested', object: pod('chat', withContainer({ image: `${ACR}/${NS}/chat` })), deniedBy: ['image-tag'], message: /has no tag/ },
  { name: 'foreign-registry', object: deployment('chat', withContainer({ image: `docker.io/library/nginx:1.27.0@${DIGEST}` })), deniedBy: ['allowed-registries'], message: /not from an allowed registry; fix: push it to one of/ },
  { name: 'lookalike-registry', object: deployment('chat', withContainer({ image: `${ACR}.evil.example/${NS}/chat:2.3.1@${DIGEST}` })), deniedBy: ['allowed-registries'], message: /not from an allowed registry/ },
  // Cost and ownership labels
  { name: 'missing-cost-center', object: deployment('chat', { objectLabels: { tenant: NS, 'app.kubernetes.io/name': 'chat' } }), deniedBy: ['required-labels'], message: /object label "cost-center" is missing/ },
  { name: 'unlabelled-pod-template', object: deployment('chat', { podLabels: { 'app.kubernetes.io/name': 'chat' } }), deniedBy: ['required-labels'], message: /pod template label "tenant" is missing/ },
  { name: 'foreign-tenant-label', object: deployment('chat', { objectLabels: labels('chat', { tenant: OTHER.metadata.name }), podLabels: labels('chat', { tenant: OTHER.metadata.name }) }), deniedBy: ['tenant-labels'], message: new RegExp(`label tenant="${OTHER.metadata.name}" does not match namespace ${NS}.*fix: set it to the namespace's value`) },
  { name: 'foreign-cost-center', object: cronJob('report', { podLabels: labels('report', { 'cost-center': OTHER.spec.costCenter }) }), deniedBy: ['tenant-labels'], message: new RegExp(`pod template label cost-center="${OTHER.spec.costCenter}" does not match`) },
  { name: 'foreign-label-on-config-map', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS, labels: { tenant: OTHER.metadata.name } }, data: { a: 'b' } }, deniedBy: ['tenant-labels'], message: /ConfigMap\/settings: object label tenant/ },
  // Storage mounted with an account key that opens every share of the account
  { name: 'key-mounted-claim', object: { ...claim('models', OWN_LABELS), spec: { ...claim('models', OWN_LABELS).spec, storageClassName: 'azurefile-csi' } }, deniedBy: ['key-mounted-storage'], message: /storageClassName "azurefile-csi" mounts Azure Files with the account key; fix: use azurefile-mi-premium/ },
  { name: 'inline-azure-file', object: deployment('chat', { spec: { volumes: [{ name: 'share', csi: { driver: 'file.csi.azure.com', volumeAttributes: { secretName: 'storage-key', shareName: 'models' } } }] } }), deniedBy: ['key-mounted-storage'], message: /volume "share" is an inline Azure Files CSI volume/ },
  { name: 'unlabelled-claim', object: claim('data', undefined), deniedBy: ['tenant-labels'], message: /PersistentVolumeClaim\/data: object label tenant is missing/ },
  // Hosts
  { name: 'wildcard-host', object: ingress('chat', { rules: [rule(`*.${penv.appsDomain}`)] }), deniedBy: ['ingress-host'], message: /host "\*\.apps\.ai\.example\.org" \(spec\.rules\[\]\.host\) is a wildcard/ },
  { name: 'foreign-tenant-host', object: ingress('chat', { rules: [rule(`pay.${OTHER.metadata.name}.${penv.appsDomain}`)] }), deniedBy: ['ingress-host'], message: new RegExp(`is outside ${DOMAIN.replace(/\./g, '\\.')}`) },
  { name: 'platform-host', object: ingress('chat', { rules: [rule(`argocd.${prod.dns.zoneName}`)] }), deniedBy: ['ingress-host'], message: /host "argocd\.ai\.example\.org" .* is outside/ },
  { name: 'duplicate-host', object: ingress('chat-v2', { rules: [rule(`chat.${DOMAIN}`)] }), inventory: [EXISTING_INGRESS], deniedBy: ['ingress-host'], message: new RegExp(`host "chat\\.${NS}.*is already served by Ingress/chat in namespace ${NS}`) },
  { name: 'catch-all-default-backend', object: ingress('chat', { defaultBackend: { service: { name: 'chat', port: { number: 80 } } } }), deniedBy: ['ingress-host'], message: /spec\.defaultBackend catches every host/ },
  { name: 'rule-without-host', object: ingress('chat', { rules: [rule(undefined)] }), deniedBy: ['ingress-host'], message: /host "" \(spec\.rules\[\]\.host\) is outside/ },
  { name: 'foreign-tls-host', object: ingress('chat', { rules: [rule(`chat.${DOMAIN}`)], tls: [{ hosts: [`login.${prod.dns.zoneName}`], secretName: 'stolen' }] }), deniedBy: ['ingress-host'], message: /\(spec\.tls\[\]\.hosts\) is outside/ },
  { name: 'catch-all-route', object: httpRoute('chat', []), deniedBy: ['ingress-host'], message: /HTTPRoute\/chat: spec\.hostnames is empty/ },
  { name: 'route-to-foreign-host', object: httpRoute('chat', [`pay.${OTHER.metadata.name}.${penv.appsDomain}`]), deniedBy: ['ingress-host'], message: /HTTPRoute\/chat: host .* is outside/ },
  { name: 'route-to-platform-host', object: httpRoute('chat', [`grafana.${prod.dns.zoneName}`]), deniedBy: ['ingress-host'], message: /HTTPRoute\/chat: host "grafana\.ai\.example\.org" .* is outside/ },
  // Route parents: only the shared Gateway's tenants listener
  { name: 'route-on-own-gateway', object: withParents(httpRoute('chat', [`chat.${DOMAIN}`]), [{ name: 'mine' }]), deniedBy: ['route-parent'], message: new RegExp(`HTTPRoute/chat: spec.parentRefs\\[0\\] is Gateway ${NS}/mine, not the shared Gateway`) },
  { name: 'route-on-platform-listener', object: withParents(httpRoute('chat', [`chat.${DOMAIN}`]), [{ ...SHARED_GATEWAY, sectionName: 'https-argocd' }]), deniedBy: ['route-parent'], message: /names listener "https-argocd"/ },
  { name: 'route-as-mesh-service', object: withParents(httpRoute('chat', [`chat.${DOMAIN}`]), [{ group: '', kind: 'Service', name: 'llm-router', namespace: 'platform' }]), deniedBy: ['route-parent'], message: /is Service platform\/llm-router/ },
  // Probes
  { name: 'null-readiness-probe', object: deployment('chat', withContainer({ readinessProbe: null })), deniedBy: ['required-probes'], message: /readinessProbe is missing/ },
  { name: 'empty-liveness-probe', object: controller('StatefulSet', 'chat', withContainer({ livenessProbe: {} })), deniedBy: ['required-probes'], message: /livenessProbe has no handler; fix: give it one of exec, httpGet, tcpSocket, grpc/ },
  // Sizes
  { name: 'no-requests-or-limits', object: deployment('chat', withResources({ 'ephemeral-storage': '256Mi' }, { 'ephemeral-storage': '2Gi' })), deniedBy: ['container-resources'], message: /resources\.requests\.cpu is missing/ },
  { name: 'no-ephemeral-storage-limit', object: deployment('chat', withResources({ cpu: '250m', memory: '512Mi', 'ephemeral-storage': '256Mi' }, { cpu: '1', memory: '1Gi' })), deniedBy: ['ephemeral-storage'], message: /resources\.limits\.ephemeral-storage is missing/ },
  { name: 'huge-memory', object: deployment('chat', withResources({ cpu: '1', memory: '256Gi', 'ephemeral-storage': '256Mi' }, { cpu: '1', memory: '256Gi', 'ephemeral-storage': '2Gi' })), deniedBy: ['container-limits'], message: /memory 256Gi is above the maximum 16Gi for one container in namespace "acme-search"/ },
  { name: 'huge-cpu-in-millicores', object: controller('ReplicaSet', 'chat', withResources({ cpu: '30000m', memory: '1Gi', 'ephemeral-storage': '256Mi' }, { cpu: '32000m', memory: '1Gi', 'ephemeral-storage': '2Gi' })), deniedBy: ['container-limits'], message: /cpu 32000m is above the maximum 4/ },
  { name: 'tiny-request-big-limit', object: deployment('chat', withResources({ cpu: '10m', memory: '64Mi', 'ephemeral-storage': '256Mi' }, { cpu: '4', memory: '4Gi', 'ephemeral-storage': '2Gi' })), deniedBy: ['container-limits'], message: /cpu limit 4 is more than 5 times its request 10m/ },
  { name: 'gpu-request-below-limit', object: deployment('chat', withResources({ cpu: '1', memory: '1Gi', 'ephemeral-storage': '256Mi', 'nvidia.com/gpu': '1' }, { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi', 'nvidia.com/gpu': '2' })), deniedBy: ['container-resources'], message: /nvidia\.com\/gpu request 1 must equal its limit 2/ },
  // Upgrades and API versions
  { name: 'pdb-max-unavailable-zero', object: pdb('chat', { maxUnavailable: 0 }), deniedBy: ['pdb-disruption'], message: /spec\.maxUnavailable 0 allows no disruption and blocks node drains/ },
  { name: 'pdb-min-available-all', object: pdb('chat', { minAvailable: '100%' }), deniedBy: ['pdb-disruption'], message: /spec\.minAvailable 100% allows no disruption/ },
  { name: 'removed-cronjob-api', object: cronJob('report', {}, 'batch/v1beta1'), deniedBy: ['deprecated-apis'], message: /CronJob\/report: batch\/v1beta1 is no longer served since Kubernetes 1\.25 \(the cluster runs Kubernetes 1\.35\); fix: use apiVersion batch\/v1/ },
  { name: 'removed-pdb-api', object: pdb('chat', { maxUnavailable: 1 }, 'policy/v1beta1'), deniedBy: ['deprecated-apis'], message: /policy\/v1beta1 is no longer served since Kubernetes 1\.25/ },
  { name: 'removed-ingress-api', object: ingress('chat', { rules: [rule(`chat.${DOMAIN}`)] }, 'networking.k8s.io/v1beta1'), deniedBy: ['deprecated-apis'], message: /networking\.k8s\.io\/v1beta1 is no longer served since Kubernetes 1\.22/ },
  // API tokens
  { name: 'automounted-token', object: deployment('chat', { spec: { automountServiceAccountToken: undefined } }), deniedBy: ['service-account-token'], message: /spec\.automountServiceAccountToken must be false in namespace "acme-search"/ },
  { name: 'projected-api-token', object: pod('chat', { spec: { volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'kube-token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] } }), deniedBy: ['service-account-token'], message: /volume "kube-token" projects a service-account token for the Kubernetes API/ },
  // Writable root
  { name: 'writable-root', object: deployment('chat', withContainer(securityContext({ readOnlyRootFilesystem: false }))), deniedBy: ['readonly-root-filesystem'], message: /readOnlyRootFilesystem must be true; fix: .*writable-root\.platform\.example\.org\/chat/ },
  {
    name: 'writable-root-without-reason',
    object: deployment('chat', { container: securityContext({ readOnlyRootFilesystem: false }), podAnnotations: { 'writable-root.platform.example.org/chat': 'legacy' } }),
    deniedBy: ['readonly-root-filesystem'],
    message: /annotation writable-root\.platform\.example\.org\/chat gives no reason \(6 characters, at least 20\)/,
  },
  // Kernel confinement
  { name: 'apparmor-unconfined-annotation', object: deployment('chat', { podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/chat': 'unconfined' } }), deniedBy: ['pod-security-profiles'], message: /leaves the container without AppArmor/ },
  { name: 'apparmor-unconfined-field', object: job('chat', { spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'Unconfined' } } } }), deniedBy: ['pod-security-profiles'], message: /spec\.securityContext\.appArmorProfile\.type Unconfined is not allowed/ },
  { name: 'selinux-user', object: deployment('chat', withContainer(securityContext({ seLinuxOptions: { user: 'system_u', type: 'spc_t' } }))), deniedBy: ['pod-security-profiles'], message: /seLinuxOptions sets user "system_u"/ },
  { name: 'unmasked-proc', object: deployment('chat', withContainer(securityContext({ procMount: 'Unmasked' }))), deniedBy: ['pod-security-profiles'], message: /procMount Unmasked exposes the host's \/proc paths/ },
  { name: 'unsafe-sysctl', object: pod('chat', { spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'kernel.core_pattern', value: '|/tmp/x' }] } } }), deniedBy: ['pod-security-profiles'], message: /sysctl kernel\.core_pattern is outside the safe set/ },
  { name: 'probe-at-metadata-endpoint', object: deployment('chat', withContainer({ livenessProbe: { httpGet: { host: '169.254.169.254', path: '/metadata/identity/oauth2/token', port: 80 } } })), deniedBy: ['host-probes'], message: /livenessProbe\.httpGet\.host "169\.254\.169\.254" aims the kubelet at another host/ },
  { name: 'hook-at-kubelet', object: deployment('chat', withContainer({ lifecycle: { preStop: { tcpSocket: { host: '10.50.0.4', port: 10250 } } } })), deniedBy: ['host-probes'], message: /lifecycle\.preStop\.tcpSocket\.host "10\.50\.0\.4"/ },
];

const LEGITIMATE: Legitimate[] = [
  { name: 'deployment', object: deployment('chat') },
  {
    name: 'stateful-set-with-labelled-claims',
    object: {
      ...controller('StatefulSet', 'index'),
      spec: { ...controller('StatefulSet', 'index').spec, volumeClaimTemplates: [{ metadata: { name: 'data', labels: OWN_LABELS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } } }] },
    },
  },
  { name: 'cron-job', object: cronJob('report') },
  { name: 'job', object: job('reindex') },
  { name: 'service-cluster-ip', object: service('chat') },
  { name: 'ingress-own-subdomain', object: EXISTING_INGRESS },
  { name: 'http-route-own-subdomain', object: httpRoute('api', [`api.${DOMAIN}`]), inventory: [EXISTING_INGRESS] },
  { name: 'pdb-allowing-a-disruption', object: pdb('chat', { maxUnavailable: 1 }) },
  {
    name: 'hpa',
    object: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('chat'),
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat' }, minReplicas: 2, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    },
  },
  { name: 'config-map', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('chat-config'), data: { LOG_LEVEL: 'info' } } },
  {
    name: 'network-policy',
    object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('chat'), spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'chat' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NAMESPACE } }, podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } } }] }] } },
  },
  { name: 'service-account', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('indexer'), automountServiceAccountToken: false } },
  { name: 'labelled-claim', object: claim('data', OWN_LABELS) },
  {
    name: 'reasoned-writable-root',
    object: deployment('legacy', {
      container: securityContext({ readOnlyRootFilesystem: false }),
      podAnnotations: { 'writable-root.platform.example.org/chat': 'the vendor search engine unpacks its index plugins into /opt/engine at start' },
    }),
  },
  {
    name: 'workload-identity-token',
    object: pod('chat', { spec: { volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { path: 'azure-identity-token', audience: 'api://AzureADTokenExchange', expirationSeconds: 3600 } }] } }] } }),
  },
];

// ---- running gator ----------------------------------------------------------------------------

interface Violation {
  constraint: { metadata: { name: string } };
  msg: string;
  violatingObject: { kind: string; metadata: { name: string; namespace?: string } };
}

const dir = mkdtempSync(join(tmpdir(), 'tenant-escape-'));
const POLICY_FILE = join(dir, 'policies.yaml');
writeFileSync(POLICY_FILE, toYaml(policies));

/** gator test over the production policies, both tenants' Namespaces, the inventory and the object. */
function gatorTest(name: string, object: Json, inventory: Json[] = []): Promise<Violation[]> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, toYaml([namespaceOf(TENANT), namespaceOf(OTHER), ...inventory, object]));
  return callAsync({
    name: 'gator',
    args: ['test', '--filename', POLICY_FILE, '--filename', file, '--output', 'json'],
    parse: (res) => {
      assert.ok(res.stdout.trim() || res.status === 0, `gator test failed for ${name}: ${res.stderr}`);
      return (res.stdout.trim() ? (JSON.parse(res.stdout) as Violation[] | null) : null) ?? [];
    },
  });
}

/** Runs at most `limit` gator processes at a time (the suite shares two cores with other tests). */
async function inBatches<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const isObject = (v: Violation, o: Json) => v.violatingObject.kind === o.kind && v.violatingObject.metadata.name === o.metadata.name && (v.violatingObject.metadata.namespace ?? '') === (o.metadata.namespace ?? '');

describe('tenant escapes: the production constraints refuse what a tenant must not do', () => {
  const hostile = new Map<string, Violation[]>();
  const legitimate = new Map<string, Violation[]>();

  before(async () => {
    const all = [...HOSTILE.map((c) => ({ ...c, kind: 'hostile' as const })), ...LEGITIMATE.map((c) => ({ ...c, kind: 'legitimate' as const }))];
    const results = await inBatches(all, 2, (c) => gatorTest(c.name, c.object, c.inventory));
    all.forEach((c, i) => (c.kind === 'hostile' ? hostile : legitimate).set(c.name, results[i]));
  });

  it('the corpus is large and covers every rule of the library', () => {
    assert.ok(HOSTILE.length >= 40, `${HOSTILE.length} hostile objects`);
    assert.ok(LEGITIMATE.length >= 10, `${LEGITIMATE.length} legitimate objects`);
    assert.equal(new Set([...HOSTILE, ...LEGITIMATE].map((c) => c.name)).size, HOSTILE.length + LEGITIMATE.length, 'case names are unique');
    const constraints = policies.filter((o) => o.kind !== 'ConstraintTemplate').map((o) => (o.metadata as { name: string }).name);
    const exercised = new Set(HOSTILE.flatMap((c) => c.deniedBy));
    // tenant-namespace judges Namespaces, which tenants cannot create (their Role has no access).
    assert.deepEqual(constraints.filter((c) => !exercised.has(c)), ['tenant-namespace']);
  });

  for (const c of HOSTILE) {
    it(`denies ${c.name}: ${c.deniedBy.join(', ')}`, () => {
      const violations = hostile.get(c.name)!.filter((v) => isObject(v, c.object));
      assert.deepEqual([...new Set(violations.map((v) => v.constraint.metadata.name))].sort(), [...c.deniedBy].sort(), violations.map((v) => v.msg).join('\n'));
      for (const v of violations) assert.ok(v.msg.startsWith(`${c.object.kind}/${c.object.metadata.name}`), `the message names the object: ${v.msg}`);
      assert.ok(violations.some((v) => c.message.test(v.msg)), `no message matches ${c.message}:\n${violations.map((v) => v.msg).join('\n')}`);
      assert.ok(violations.every((v) => /fix: /.test(v.msg)), 'every message says how to fix it');
    });
  }

  for (const c of LEGITIMATE) {
    it(`admits ${c.name}`, () => {
      assert.deepEqual(legitimate.get(c.name)!.map((v) => `${v.constraint.metadata.name}: ${v.msg}`), []);
    });
  }

  it('negative control: the same objects in a namespace without the tenant label escape the tenant-only rules', async () => {
    // Proves the tenant Namespace is what scopes those rules: without it the wildcard host passes.
    const wildcard = HOSTILE.find((c) => c.name === 'wildcard-host')!;
    const moved = { ...wildcard.object, metadata: { ...wildcard.object.metadata, namespace: 'scratch' } };
    const scratch = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
    const violations = await gatorTest('negative-control', moved, [scratch]);
    assert.deepEqual(violations.filter((v) => isObject(v, moved)), []);
  });
});
