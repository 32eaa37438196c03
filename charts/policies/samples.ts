/**
 * The `gator verify` suite of a policy, generated from the catalogue: the reference workload as
 * every pod kind (allowed), and each disallowed variant as every kind it applies to.
 */
import { POD_KINDS, SAMPLE_REGISTRY, SAMPLE_TENANT, type PodKind, type PodSample, type PolicyDefinition } from './catalog';

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
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: `${SAMPLE_REGISTRY}/team/app:1.4.2`,
          ports: [{ containerPort: 8080 }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
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
export function asKind(kind: PodKind, pod: PodSample, name = 'app'): Json {
  const metadata = { name, namespace: SAMPLE_TENANT, labels: pod.labels };
  const template = { metadata: { labels: pod.labels }, spec: pod.spec };
  const selector = { matchLabels: { 'app.kubernetes.io/name': pod.labels['app.kubernetes.io/name'] ?? name } };
  const base = { apiVersion: API_VERSION[kind], kind, metadata };
  switch (kind) {
    case 'Pod':
      return { ...base, spec: pod.spec };
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return { ...base, spec: { selector, template } };
    case 'StatefulSet':
      return { ...base, spec: { serviceName: name, selector, template } };
    case 'Job':
      return { ...base, spec: { template: { ...template, spec: { ...pod.spec, restartPolicy: 'Never' } } } };
    case 'CronJob':
      return { ...base, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...pod.spec, restartPolicy: 'Never' } } } } } };
  }
}

export const TENANT_NAMESPACE_SAMPLE: SampleFile = {
  file: 'samples/namespace.yaml',
  object: {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: SAMPLE_TENANT, labels: { tenant: SAMPLE_TENANT, 'cost-center': 'CC-4711', 'pod-security.kubernetes.io/enforce': 'restricted' } },
  },
};

export function suiteFor(def: PolicyDefinition): { samples: SampleFile[]; cases: SuiteCase[] } {
  const samples: SampleFile[] = [];
  const cases: SuiteCase[] = [];
  const inventory = def.tenantOnly ? [TENANT_NAMESPACE_SAMPLE.file] : undefined;
  const add = (name: string, object: Json, message?: string) => {
    const file = `samples/${name}.yaml`;
    samples.push({ file, object });
    cases.push({ name, object: file, ...(inventory ? { inventory } : {}), ...(message ? { message } : {}) });
  };
  const kinds = def.podKinds ?? POD_KINDS;
  if (def.podCases) {
    for (const kind of kinds) add(`${kind.toLowerCase()}-allowed`, asKind(kind, referencePod()));
    for (const c of def.podCases) {
      for (const kind of (c.kinds ?? kinds).filter((k) => kinds.includes(k))) {
        const pod = referencePod();
        c.mutate(pod);
        add(`${kind.toLowerCase()}-${c.name}`, asKind(kind, pod), c.message);
      }
    }
  }
  for (const c of def.objectCases ?? []) add(c.name, c.object, c.message);
  if (inventory) samples.push(TENANT_NAMESPACE_SAMPLE);
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
