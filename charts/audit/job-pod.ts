/**
 * The parts of a pod that runs shell scripts from a ConfigMap and signs in with its workload
 * identity's Entra ID tokens, shared by the audit, ledger and retrieval Jobs: the identity's
 * ServiceAccount and ExternalSecret, the scripts' ConfigMap, the token exchange as the first init
 * container (token.sh writes the tokens to a memory-backed volume the later containers read),
 * the script containers and the pod around them.
 */
import type { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ExternalSecret, q, resources, RESTRICTED_CONTAINER, RESTRICTED_POD, tcp, workloadPod } from '../workloads/common';
import type { Migration } from '../../catalog/audit';
import type { ImageRef } from '../workloads/plan';
import { TOKEN_SCOPES, TOKENS_DIR, WORK_DIR } from './scripts';
import { POSTGRES_PORT } from '../../catalog/data-services';

/** What an app with a migration Job on the platform PostgreSQL is given by its stack. */
export interface MigratedAppProps {
  readonly postgresImage: ImageRef;
  readonly curlImage: ImageRef;
  readonly migrations: readonly Migration[];
  readonly postgresHost: string;
  /** The PostgreSQL role of the migrator: its identity's Azure name (how the server names an Entra admin). */
  readonly migratorRole: string;
  /** The private-endpoint subnet: PostgreSQL (and Blob) are reachable only there. */
  readonly privateEndpointsCidr: string;
  /** CIDR:port of Entra ID, for the token exchange. */
  readonly cloudEndpoints: readonly string[];
}

/** Egress to PostgreSQL's private endpoint. */
export function postgresEgress(privateEndpointsCidr: string): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr: privateEndpointsCidr } }], ports: tcp(POSTGRES_PORT) };
}

/** Where one app's Job pods mount what, and how much node disk their containers may use. */
export interface ScriptPodLayout {
  /** The scripts' ConfigMap's mount path. */
  readonly scriptsDir: string;
  /** A 2Gi volume at WORK_DIR for files passed from one container to the next. */
  readonly work: boolean;
  readonly ephemeralStorage: { readonly request: string; readonly limit: string };
  /** On the workload node pool (its nodeSelector), like the platform's Deployments. */
  readonly workloadPool: boolean;
}

/** What an identity's objects are named after and where its client id is in Key Vault. */
export interface ScriptIdentity {
  readonly serviceAccount: string;
  readonly clientIdSecret: string;
}

type Meta = { readonly namespace: string; readonly labels: Record<string, string>; readonly annotations?: Record<string, string> };

/** The identity's ServiceAccount (no API token mounted) and the ExternalSecret with its client id and `extra` secrets (env var -> Key Vault secret). */
export function scriptIdentity(scope: Construct, identity: ScriptIdentity, meta: Meta, extra: Record<string, string> = {}): void {
  const metadata = { name: identity.serviceAccount, ...meta };
  new k8s.KubeServiceAccount(scope, `${identity.serviceAccount}-sa`, { metadata, automountServiceAccountToken: false });
  new ExternalSecret(scope, `${identity.serviceAccount}-secret`, { metadata, data: { AZURE_CLIENT_ID: identity.clientIdSecret, ...extra } });
}

/** The ConfigMap of a Job's scripts, named like the Job. */
export function scriptFiles(scope: Construct, name: string, meta: Meta, data: Record<string, string>): k8s.KubeConfigMap {
  return new k8s.KubeConfigMap(scope, `${name}-files`, { metadata: { name, ...meta }, data });
}

/**
 * Pod labels that opt in to the workload identity webhook (v1.6.0, pkg/webhook/webhook.go): it
 * mutates init containers as well as containers, each gets the token file, AZURE_TENANT_ID and
 * AZURE_AUTHORITY_HOST. The client id comes from the ExternalSecret (the service account carries
 * no annotation).
 */
export function withWorkloadIdentity(labels: Record<string, string>): Record<string, string> {
  return { ...labels, 'azure.workload.identity/use': 'true' };
}

/** libpq's connection settings for `user` on `database` of the platform server (the token comes from the password file, PSQL_ENV). */
export function postgresEnv(host: string, database: string, user: string): k8s.EnvVar[] {
  return [
    { name: 'PGHOST', value: host },
    { name: 'PGPORT', value: String(POSTGRES_PORT) },
    { name: 'PGDATABASE', value: database },
    { name: 'PGUSER', value: user },
  ];
}

export interface ScriptContainerProps {
  readonly name: string;
  readonly image: ImageRef;
  /** A script of the ConfigMap, run with /bin/sh. */
  readonly script: string;
  readonly env: k8s.EnvVar[];
  /** The identity's ExternalSecret, as environment. */
  readonly secret: string;
  readonly memory?: string;
}

export function scriptContainer(layout: ScriptPodLayout, c: ScriptContainerProps): k8s.Container {
  return {
    name: c.name,
    image: c.image.ref,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', `${layout.scriptsDir}/${c.script}`],
    env: [{ name: 'HOME', value: '/tmp' }, ...c.env],
    envFrom: [{ secretRef: { name: c.secret } }],
    resources: resources({ cpuRequest: '100m', cpuLimit: '400m', memory: c.memory ?? '256Mi', ephemeralStorage: layout.ephemeralStorage }),
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [
      { name: 'scripts', mountPath: layout.scriptsDir, readOnly: true },
      { name: 'tokens', mountPath: TOKENS_DIR },
      ...(layout.work ? [{ name: 'work', mountPath: WORK_DIR }] : []),
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/** The init container that exchanges the federated token for one access token per scope (token.sh). */
export function tokenContainer(layout: ScriptPodLayout, image: ImageRef, secret: string, scopes: readonly (keyof typeof TOKEN_SCOPES)[]): k8s.Container {
  return scriptContainer(layout, { name: 'token', image, script: 'token.sh', env: [{ name: 'TOKEN_SCOPES', value: scopes.map((s) => `${s}=${TOKEN_SCOPES[s]}`).join(' ') }], secret });
}

/** A Job's pod: `init` in order, each only after the one before succeeded, then `main`. */
export function scriptJobPod(layout: ScriptPodLayout, serviceAccount: string, configMap: string, init: k8s.Container[], main: k8s.Container): k8s.PodSpec {
  const identity = layout.workloadPool
    ? workloadPod(serviceAccount)
    : { serviceAccountName: serviceAccount, automountServiceAccountToken: false, enableServiceLinks: false, securityContext: RESTRICTED_POD };
  return {
    ...identity,
    restartPolicy: 'Never',
    initContainers: init,
    containers: [main],
    volumes: [
      { name: 'scripts', configMap: { name: configMap } },
      // Access tokens never touch a disk.
      { name: 'tokens', emptyDir: { medium: 'Memory', sizeLimit: q('1Mi') } },
      ...(layout.work ? [{ name: 'work', emptyDir: { sizeLimit: q('2Gi') } }] : []),
      { name: 'tmp', emptyDir: { sizeLimit: q('64Mi') } },
    ],
  };
}

export interface ScriptCronJobProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Cron schedule, in UTC. */
  readonly schedule: string;
  /** How late a missed run may still start. */
  readonly startingDeadlineSeconds: number;
  /** Longest a run may take. */
  readonly activeDeadlineSeconds: number;
  readonly pod: k8s.PodSpec;
}

/**
 * A CronJob of a script pod: never two runs at once (a run still going when the next is due
 * finishes first), two retries, the last three runs of each outcome kept; its Jobs carry the
 * app's labels, its pods the workload identity's too.
 */
export function scriptCronJob(scope: Construct, props: ScriptCronJobProps): k8s.KubeCronJob {
  return new k8s.KubeCronJob(scope, props.name, {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
    spec: {
      schedule: props.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: props.startingDeadlineSeconds,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: props.labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: props.activeDeadlineSeconds,
          template: { metadata: { labels: withWorkloadIdentity(props.labels) }, spec: props.pod },
        },
      },
    },
  });
}
