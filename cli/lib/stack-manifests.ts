/**
 * The Kubernetes objects inside synthesized cdktf stacks, as manifests, so that the platform's
 * own admission policies can be run over them (gator test) like over the rendered apps.
 * `kubernetes_manifest` resources carry their manifest; typed resources (namespace_v1, ...)
 * are converted with their kind and metadata, which is what the current constraints read, plus
 * the fields a constraint reads beyond metadata (a StorageClass's provisioner and parameters).
 */
type Json = Record<string, any>;

const TYPED: Record<string, { apiVersion: string; kind: string; body?: (config: Json) => Json }> = {
  kubernetes_namespace_v1: { apiVersion: 'v1', kind: 'Namespace' },
  kubernetes_resource_quota_v1: { apiVersion: 'v1', kind: 'ResourceQuota' },
  kubernetes_limit_range_v1: { apiVersion: 'v1', kind: 'LimitRange' },
  kubernetes_service_account_v1: { apiVersion: 'v1', kind: 'ServiceAccount' },
  kubernetes_network_policy_v1: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  kubernetes_role_v1: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  kubernetes_role_binding_v1: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  kubernetes_storage_class_v1: {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    body: (c) => ({
      provisioner: c.storage_provisioner,
      parameters: c.parameters ?? {},
      mountOptions: c.mount_options ?? [],
      reclaimPolicy: c.reclaim_policy,
      allowVolumeExpansion: c.allow_volume_expansion,
      volumeBindingMode: c.volume_binding_mode,
    }),
  },
};

const PATCHES = new Set(['kubernetes_annotations', 'kubernetes_labels']);

/** Resolves `${kubernetes_namespace_v1.<id>.metadata[0].name}` to the namespace's literal name. */
function literal(stack: Json, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(value);
  return ref ? stack.resource.kubernetes_namespace_v1[ref[1]].metadata.name : value;
}

export function stackManifests(stack: Json): Json[] {
  const out: Json[] = [];
  for (const [type, byId] of Object.entries<Record<string, Json>>(stack.resource ?? {})) {
    for (const config of Object.values(byId)) {
      if (type === 'kubernetes_manifest') {
        const m = config.manifest;
        out.push({ ...m, metadata: { ...m.metadata, namespace: literal(stack, m.metadata.namespace) } });
        continue;
      }
      // Patches of objects the platform does not create (AKS's default StorageClass): nothing to admit.
      if (PATCHES.has(type)) continue;
      const typed = TYPED[type];
      if (!typed) {
        if (type.startsWith('kubernetes_')) throw new Error(`no manifest conversion for ${type}; add it to TYPED in cli/lib/stack-manifests.ts`);
        continue;
      }
      const { name, namespace, labels, annotations } = config.metadata;
      const { body, ...head } = typed;
      out.push({ ...head, ...(body ? body(config) : {}), metadata: { name, ...(namespace ? { namespace: literal(stack, namespace) } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } });
    }
  }
  return out;
}
