/**
 * API versions Kubernetes deprecated and removed, for the Gatekeeper rule deprecated-apis: the
 * rule denies an object in one of these versions once the cluster's version reaches the release
 * that deprecated it (removed versions are also named as no longer served).
 *
 * Source: the upstream Deprecated API Migration Guide,
 * https://kubernetes.io/docs/reference/using-api/deprecation-guide/ (kubernetes/website
 * content/en/docs/reference/using-api/deprecation-guide.md), read 2026-11-30. Its newest removal
 * is v1.32; it lists nothing removed in v1.33 to v1.35. The guide gives the release that stopped
 * serving each version and since when the replacement exists; the release that deprecated it is
 * the one the guide's "deprecated since" notes and the release notes of that version name.
 *
 * Left out on purpose: core/v1 Endpoints (deprecated in v1.33 in favour of EndpointSlice, no
 * removal planned) is still written by the endpoints controller in every namespace, so denying it
 * would break Services; core/v1 ComponentStatus (deprecated in v1.19) is read-only.
 */

export interface DeprecatedApi {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Kubernetes minor release that deprecated it, e.g. "1.16". */
  readonly deprecatedIn: string;
  /** Release that stopped serving it; '' while none is scheduled. */
  readonly removedIn: string;
  /** apiVersion to use instead; '' when the kind itself is gone. */
  readonly replacement: string;
}

const api = (gv: string, kinds: string[], deprecatedIn: string, removedIn: string, replacement: string): DeprecatedApi[] => {
  const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
  return kinds.map((kind) => ({ group, version, kind, deprecatedIn, removedIn, replacement }));
};

export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  // v1.32
  ...api('flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], '1.29', '1.32', 'flowcontrol.apiserver.k8s.io/v1'),
  // v1.29
  ...api('flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], '1.26', '1.29', 'flowcontrol.apiserver.k8s.io/v1'),
  // v1.27
  ...api('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], '1.24', '1.27', 'storage.k8s.io/v1'),
  // v1.26
  ...api('flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], '1.23', '1.26', 'flowcontrol.apiserver.k8s.io/v1'),
  ...api('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], '1.23', '1.26', 'autoscaling/v2'),
  // v1.25
  ...api('batch/v1beta1', ['CronJob'], '1.21', '1.25', 'batch/v1'),
  ...api('discovery.k8s.io/v1beta1', ['EndpointSlice'], '1.21', '1.25', 'discovery.k8s.io/v1'),
  ...api('events.k8s.io/v1beta1', ['Event'], '1.22', '1.25', 'events.k8s.io/v1'),
  ...api('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], '1.22', '1.25', 'autoscaling/v2'),
  ...api('policy/v1beta1', ['PodDisruptionBudget'], '1.21', '1.25', 'policy/v1'),
  ...api('policy/v1beta1', ['PodSecurityPolicy'], '1.21', '1.25', ''),
  ...api('node.k8s.io/v1beta1', ['RuntimeClass'], '1.22', '1.25', 'node.k8s.io/v1'),
  // v1.22
  ...api('admissionregistration.k8s.io/v1beta1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], '1.16', '1.22', 'admissionregistration.k8s.io/v1'),
  ...api('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], '1.16', '1.22', 'apiextensions.k8s.io/v1'),
  ...api('apiregistration.k8s.io/v1beta1', ['APIService'], '1.19', '1.22', 'apiregistration.k8s.io/v1'),
  ...api('authentication.k8s.io/v1beta1', ['TokenReview'], '1.19', '1.22', 'authentication.k8s.io/v1'),
  ...api('authorization.k8s.io/v1beta1', ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview'], '1.19', '1.22', 'authorization.k8s.io/v1'),
  ...api('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], '1.19', '1.22', 'certificates.k8s.io/v1'),
  ...api('coordination.k8s.io/v1beta1', ['Lease'], '1.19', '1.22', 'coordination.k8s.io/v1'),
  ...api('extensions/v1beta1', ['Ingress'], '1.14', '1.22', 'networking.k8s.io/v1'),
  ...api('networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], '1.19', '1.22', 'networking.k8s.io/v1'),
  ...api('rbac.authorization.k8s.io/v1beta1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], '1.17', '1.22', 'rbac.authorization.k8s.io/v1'),
  ...api('scheduling.k8s.io/v1beta1', ['PriorityClass'], '1.14', '1.22', 'scheduling.k8s.io/v1'),
  ...api('storage.k8s.io/v1beta1', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], '1.19', '1.22', 'storage.k8s.io/v1'),
  // v1.16
  ...api('extensions/v1beta1', ['NetworkPolicy'], '1.9', '1.16', 'networking.k8s.io/v1'),
  // Its successor policy/v1beta1 was removed in 1.25 with PodSecurityPolicy itself: nothing replaces it.
  ...api('extensions/v1beta1', ['PodSecurityPolicy'], '1.11', '1.16', ''),
  ...api('extensions/v1beta1', ['DaemonSet', 'Deployment', 'ReplicaSet'], '1.9', '1.16', 'apps/v1'),
  ...api('apps/v1beta1', ['Deployment', 'ReplicaSet', 'StatefulSet'], '1.9', '1.16', 'apps/v1'),
  ...api('apps/v1beta2', ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'], '1.9', '1.16', 'apps/v1'),
];
