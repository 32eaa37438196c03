/**
 * The `gator verify` suite of a policy, generated from the catalogue: the reference workload as
 * every pod kind (allowed), each variant as every kind it applies to, UPDATE reviews of each pod
 * kind (an UPDATE that keeps a bad pod template is allowed, one that introduces it is denied) and
 * the object cases, each with the inventory Gatekeeper would have synced.
 */
import { POD_KINDS, SAMPLE_REGISTRY, SAMPLE_TENANT, type PodCase, type PodKind, type PodSample, type PolicyDefinition } from './catalog';

type Json = Record<string, unknown>;

export interface SampleFile {
  readonly file: string;
  readonly object: Json;
}

export interface SuiteCase {
  readonly name: string;
  readonly object: string;
  readonly inventory?: string[];
  readonly message?: string;
}

/** A workload that satisfies every policy in the library. */
export function referencePod(): PodSample {
  return {
    labels: { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711', 'app.kubernetes.io/name': 'app' },
    annotations: {},
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: `${SAMPLE_REGISTRY}/team/app:1.4.2`,
          ports: [{ containerPort: 8080 }],
          resources: {
            requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
            limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
          },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          readinessProbe: { httpGet: { path: '/healthz/ready', port: 8080 } },
          livenessProbe: { httpGet: { path: '/healthz/live', port: 8080 } },
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

const API_VERSION: Record<PodKind, string> = {
  Pod: 'v1', Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1',
};

/** The pod wrapped as `kind`, the way a real manifest would carry it. */
export function asKind(kind: PodKind, pod: PodSample, name = 'app', namespace = SAMPLE_TENANT): Json {
  const annotations = Object.keys(pod.annotations).length ? { annotations: pod.annotations } : {};
  const metadata = { name, namespace, labels: pod.labels };
  const template = { metadata: { labels: pod.labels, ...annotations }, spec: pod.spec };
  const selector = { matchLabels: { 'app.kubernetes.io/name': pod.labels['app.kubernetes.io/name'] ?? name } };
  const base = { apiVersion: API_VERSION[kind], kind, metadata };
  switch (kind) {
    case 'Pod':
      return { ...base, metadata: { ...metadata, ...annotations }, spec: pod.spec };
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return { ...base, spec: { selector, template } };
    case 'StatefulSet':
      return { ...base, spec: { serviceName: name, selector, template } };
    case 'Job':
      return { ...base, spec: { template: { ...template, spec: { ...pod.spec, restartPolicy: 'Never' } } } };
    case 'CronJob':
      return { ...base, spec: { schedule: '0 * * * *', jobTemplate: { metadata: { labels: pod.labels }, spec: { template: { ...template, spec: { ...pod.spec, restartPolicy: 'Never' } } } } } };
  }
}

const RESOURCE: Record<PodKind, string> = {
  Pod: 'pods', Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', ReplicaSet: 'replicasets', Job: 'jobs', CronJob: 'cronjobs',
};

/**
 * An UPDATE as the API server sends it to Gatekeeper: gator verify reviews an AdmissionReview
 * case object with its operation and oldObject, which a plain manifest cannot express.
 */
export function updateReview(kind: PodKind, oldObject: Json, object: Json): Json {
  const [group, version] = API_VERSION[kind].includes('/') ? API_VERSION[kind].split('/') : ['', API_VERSION[kind]];
  const metadata = object.metadata as { name: string; namespace: string };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '7f8d2a4e-0c3b-4f6a-9e1d-2b5c8a7f6e01',
      kind: { group, version, kind },
      resource: { group, version, resource: RESOURCE[kind] },
      name: metadata.name,
      namespace: metadata.namespace,
      operation: 'UPDATE',
      userInfo: { username: `system:serviceaccount:${metadata.namespace}:deployer` },
      object,
      oldObject,
    },
  };
}

/** What an owner does to a running object without touching its pods: scale it and annotate it. */
export function scaledAndAnnotated(kind: PodKind, object: Json): Json {
  const metadata = object.metadata as Json;
  const annotated = { ...object, metadata: { ...metadata, annotations: { ...(metadata.annotations as Json), 'platform.example.org/on-call-note': 'scaled for the launch' } } };
  if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(kind)) return annotated;
  return { ...annotated, spec: { ...(object.spec as Json), replicas: 5 } };
}

export const TENANT_NAMESPACE_SAMPLE: SampleFile = {
  file: 'samples/namespace.yaml',
  object: {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: SAMPLE_TENANT, labels: { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711', 'pod-security.kubernetes.io/enforce': 'restricted' } },
  },
};

function variant(c: PodCase, kind: PodKind): Json {
  const pod = referencePod();
  c.mutate(pod);
  return asKind(kind, pod, 'app', c.namespace);
}

export function suiteFor(def: PolicyDefinition): { samples: SampleFile[]; cases: SuiteCase[] } {
  const samples: SampleFile[] = [];
  const cases: SuiteCase[] = [];
  // Tenant-only constraints match through the Namespace's labels; referential rules read it.
  const namespaceInventory = def.tenantOnly || def.syncs?.length ? [TENANT_NAMESPACE_SAMPLE.file] : undefined;
  const add = (name: string, object: Json, message?: string, extraInventory?: Json[]) => {
    const file = `samples/${name}.yaml`;
    samples.push({ file, object });
    const inventory = [...(namespaceInventory ?? [])];
    if (extraInventory?.length) {
      const inventoryFile = `samples/${name}.inventory.yaml`;
      extraInventory.forEach((o, i) => samples.push({ file: i === 0 ? inventoryFile : `samples/${name}.inventory-${i}.yaml`, object: o }));
      inventory.push(...extraInventory.map((_, i) => (i === 0 ? inventoryFile : `samples/${name}.inventory-${i}.yaml`)));
    }
    cases.push({ name, object: file, ...(inventory.length ? { inventory } : {}), ...(message ? { message } : {}) });
  };
  const kinds = def.podKinds ?? POD_KINDS;
  const kindsOf = (c: PodCase) => (c.kinds ?? kinds).filter((k) => kinds.includes(k));
  if (def.podCases) {
    for (const kind of kinds) add(`${kind.toLowerCase()}-allowed`, asKind(kind, referencePod()));
    for (const c of def.podCases) {
      for (const kind of kindsOf(c)) add(`${kind.toLowerCase()}-${c.name}`, variant(c, kind), c.message);
    }
    // Per kind, the first denied variant that applies to it: kept through an UPDATE that only
    // scales and annotates (allowed), and introduced by an UPDATE (denied).
    for (const kind of kinds) {
      const denied = def.podCases.find((c) => c.message && kindsOf(c).includes(kind));
      if (!denied) continue;
      const bad = variant(denied, kind);
      add(`${kind.toLowerCase()}-update-keeps-${denied.name}`, updateReview(kind, bad, scaledAndAnnotated(kind, bad)));
      add(`${kind.toLowerCase()}-update-to-${denied.name}`, updateReview(kind, asKind(kind, referencePod(), 'app', denied.namespace), bad), denied.message);
    }
  }
  for (const c of def.objectCases ?? []) add(c.name, c.object, c.message, c.inventory);
  if (namespaceInventory) samples.push(TENANT_NAMESPACE_SAMPLE);
  return { samples, cases };
}

export function suiteDocument(def: PolicyDefinition, cases: SuiteCase[]): Json {
  return {
    kind: 'Suite',
    apiVersion: 'test.gatekeeper.sh/v1alpha1',
    metadata: { name: def.dir },
    tests: [
      {
        name: def.dir,
        template: 'template.yaml',
        constraint: 'constraint.yaml',
        cases: cases.map((c) => ({
          name: c.name,
          object: c.object,
          ...(c.inventory ? { inventory: c.inventory } : {}),
          assertions: c.message ? [{ violations: 'yes', message: c.message }] : [{ violations: 'no' }],
        })),
      },
    ],
  };
}
