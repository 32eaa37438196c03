/**
 * The shipped workflows and credentials, written into n8n after every sync by a PostSync hook
 * Job (Argo CD runs it once the Deployments are healthy, i.e. the main process has migrated the
 * database). The credentials come from Key Vault through an ExternalSecret that templates one
 * n8n credential file per catalogue entry; `n8n import:credentials` encrypts them with the
 * instance's key. Then `n8n import:workflow --separate --activeState=fromJson` reads every
 * *.json of the workflows ConfigMap. Both upsert by the fixed ids the files carry, so a re-run
 * updates in place instead of adding copies (n8n 2.41.3 commands/import/*.js).
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { N8nCredential } from '../../catalog/n8n-credentials';
import { CLUSTER_SECRET_STORE, egressOnlyPolicy, hookJob, labelsFor, resources, RESTRICTED_CONTAINER, RESTRICTED_POD } from '../workloads/common';
import type { ImageRef } from '../workloads/plan';
import { N8N_CONFIG, N8N_EPHEMERAL, N8N_SERVICE_ACCOUNT, n8nVolumes } from './n8n-process';

export const N8N_IMPORT = 'n8n-import';
export const N8N_WORKFLOWS_CONFIGMAP = 'n8n-workflows';
export const N8N_CREDENTIALS_SECRET = 'n8n-credentials';
const WORKFLOWS_DIR = '/import/workflows';
const CREDENTIALS_DIR = '/import/credentials';

/** The Secret key an ExternalSecret gives a credential field. */
export const credentialKey = (c: N8nCredential, field: string) => `${c.id}-${field}`;

/** One n8n credential file (what `import:credentials` reads) as an External Secrets template. */
export function credentialTemplate(c: N8nCredential): string {
  const fields = Object.entries(c.data).map(([field, source]) =>
    `${JSON.stringify(field)}:${'secret' in source ? `{{ index . ${JSON.stringify(credentialKey(c, field))} | toJson }}` : JSON.stringify(source.value)}`,
  );
  return `{"id":${JSON.stringify(c.id)},"name":${JSON.stringify(c.name)},"type":${JSON.stringify(c.type)},"data":{${fields.join(',')}}}`;
}

export interface N8nImportProps {
  readonly namespace: string;
  readonly image: ImageRef;
  /** File name -> workflow JSON, as committed under workflows/n8n/. */
  readonly workflows: Record<string, string>;
  readonly credentials: readonly N8nCredential[];
  readonly egress: k8s.NetworkPolicyEgressRule[];
  /** Annotations that order the ConfigMap and the ExternalSecret before the Job (sync wave). */
  readonly dependencyAnnotations: Record<string, string>;
}

export class N8nImport extends Construct {
  constructor(scope: Construct, id: string, props: N8nImportProps) {
    super(scope, id);
    const ns = props.namespace;
    const labels = labelsFor({ name: N8N_IMPORT, component: 'import', version: props.image.version });

    new k8s.KubeConfigMap(this, 'workflows', {
      metadata: { name: N8N_WORKFLOWS_CONFIGMAP, namespace: ns, labels, annotations: props.dependencyAnnotations },
      data: props.workflows,
    });

    new ApiObject(this, 'credentials', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: N8N_CREDENTIALS_SECRET, namespace: ns, labels, annotations: props.dependencyAnnotations },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: CLUSTER_SECRET_STORE },
        target: {
          name: N8N_CREDENTIALS_SECRET,
          creationPolicy: 'Owner',
          deletionPolicy: 'Retain',
          template: { engineVersion: 'v2', type: 'Opaque', data: Object.fromEntries(props.credentials.map((c) => [`${c.id}.json`, credentialTemplate(c)])) },
        },
        data: props.credentials.flatMap((c) =>
          Object.entries(c.data).flatMap(([field, source]) => ('secret' in source ? [{ secretKey: credentialKey(c, field), remoteRef: { key: source.secret } }] : [])),
        ),
      },
    });

    const { volumes, mounts } = n8nVolumes();
    const container = (name: string, args: string[], extra: k8s.VolumeMount): k8s.Container => ({
      name,
      image: props.image.ref,
      imagePullPolicy: 'IfNotPresent',
      command: ['n8n'],
      args,
      envFrom: [{ configMapRef: { name: N8N_CONFIG } }],
      resources: resources({ cpuRequest: '250m', cpuLimit: '1', memory: '1Gi', ephemeralStorage: N8N_EPHEMERAL }),
      securityContext: RESTRICTED_CONTAINER,
      volumeMounts: [...mounts, extra],
    });

    hookJob(this, {
      name: N8N_IMPORT,
      namespace: ns,
      labels,
      hook: { 'argocd.argoproj.io/hook': 'PostSync' },
      pod: {
        serviceAccountName: N8N_SERVICE_ACCOUNT,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: RESTRICTED_POD,
        // Credentials first: the workflows reference them by id.
        initContainers: [container('credentials', ['import:credentials', '--separate', `--input=${CREDENTIALS_DIR}`], { name: 'credentials', mountPath: CREDENTIALS_DIR, readOnly: true })],
        containers: [container('workflows', ['import:workflow', '--separate', `--input=${WORKFLOWS_DIR}`, '--activeState=fromJson'], { name: 'workflows', mountPath: WORKFLOWS_DIR, readOnly: true })],
        volumes: [
          ...volumes,
          { name: 'credentials', secret: { secretName: N8N_CREDENTIALS_SECRET, defaultMode: 0o440 } },
          { name: 'workflows', configMap: { name: N8N_WORKFLOWS_CONFIGMAP } },
        ],
      },
    });
    egressOnlyPolicy(this, { name: N8N_IMPORT, namespace: ns, labels, egress: props.egress });
  }
}
