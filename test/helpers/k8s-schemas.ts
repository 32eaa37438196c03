/**
 * Validates Kubernetes objects against their upstream schemas: kubernetes-models for the
 * built-in API, its CRD packages for add-on kinds. A kind with no known schema is an error,
 * so a new kind cannot slip through unvalidated.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [key: string]: unknown;
}

/** API group -> package carrying its schemas. */
const CRD_PACKAGES: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-cd',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'cilium.io': '@kubernetes-models/cilium',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

function modulePath(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!group) return `kubernetes-models/${version}/${kind}`;
  if (!group.includes('.') || group.endsWith('.k8s.io')) return `kubernetes-models/${group}/${version}/${kind}`;
  const pkg = CRD_PACKAGES[group];
  return pkg ? `${pkg}/${group}/${version}/${kind}` : undefined;
}

/**
 * A Terraform expression (`${...}`) stands where the value is only known at apply time; the
 * schema sees a stand-in that is valid for any string format (base64 included), so the check
 * covers everything around it.
 */
function withoutTerraformExpressions(value: unknown): unknown {
  if (typeof value === 'string') return /^\$\{[\s\S]*\}$/.test(value) ? 'dGVycmFmb3Jt' : value;
  if (Array.isArray(value)) return value.map(withoutTerraformExpressions);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutTerraformExpressions(v)]));
  return value;
}

const describe = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;

/** One line per object that fails its schema (empty when all pass). */
export async function schemaErrors(objects: KubeObject[]): Promise<string[]> {
  const errors: string[] = [];
  for (const obj of objects) {
    const path = modulePath(obj.apiVersion, obj.kind);
    if (!path) {
      errors.push(`${describe(obj)}: no schema package for ${obj.apiVersion} (add one to test/helpers/k8s-schemas.ts)`);
      continue;
    }
    let Model: new (data: unknown) => { validate(): void };
    try {
      const mod = (await import(path)) as Record<string, any>;
      Model = mod[obj.kind] ?? mod.default;
    } catch {
      errors.push(`${describe(obj)}: ${obj.apiVersion} ${obj.kind} is not a known kind (${path})`);
      continue;
    }
    try {
      new Model(withoutTerraformExpressions(obj)).validate();
    } catch (err) {
      errors.push(`${describe(obj)}: ${(err as Error).message}`);
    }
  }
  return errors;
}
