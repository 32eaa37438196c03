/**
 * Temporal's wiring, against the real chart (temporal 1.6.0 from the offline cache, rendered with
 * the values the control-plane stack synthesizes) and the objects the stacks apply around it:
 * every Secret and ServiceAccount a pod names exists, the TLS files the server configuration
 * names are mounted from the certificates' Secrets and the server names clients verify are in
 * those certificates, the NetworkPolicies admit exactly the orchestrator and the Gateway's
 * proxies on ports the pods really serve, the PDBs select pods, the schema Job runs before the
 * services with the server's own admin-tools release, and every Temporal namespace the
 * namespace Job manages is a tenant of that environment (retired tenants left out). Each check
 * has a negative control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SERVICES } from '../../catalog/services';
import { INTERNAL_CA_ISSUER } from '../../catalog/cluster-names';
import {
  TEMPORAL_CERTIFICATES,
  TEMPORAL_FRONTEND_SERVER_NAME,
  TEMPORAL_NAMESPACE,
  TEMPORAL_PORTS,
  TEMPORAL_RETENTION,
  TEMPORAL_SEARCH_ATTRIBUTES,
  TEMPORAL_SERVICE_ACCOUNT,
  temporalPodLabels,
} from '../../catalog/temporal';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { loadInputs } from '../../config/inputs';
import type { Tenant } from '../../config/tenant-schema';
import { TEMPORAL_NAMESPACE_JOB, TEMPORAL_SERVER_VERSION } from '../../constructs/addons/values/temporal';
import { temporalNamespaces } from '../../stacks/tenant-views';
import { renderStacks, type EnvironmentRender } from '../helpers/chart-render';
import { synthApp } from '../helpers/synth';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;

const inputs = loadInputs();
const app = synthApp();
const renders = new Map(inputs.allEnvironments.map((env) => [env.name, renderStacks(app, [`${env.name}-control-plane`], env.aks.kubernetesVersion)]));
for (const p of renders.values()) p.catch(() => undefined);

/** Pod templates of the chart's workloads (Deployments and Jobs), with their owner. */
function podTemplates(objects: Obj[]): { owner: Obj; spec: Obj; labels: Record<string, string> }[] {
  return objects.filter((o) => ['Deployment', 'Job'].includes(o.kind)).map((o) => ({ owner: o, spec: o.spec.template.spec, labels: o.spec.template.metadata?.labels ?? {} }));
}

/** The Secrets a pod names (env secretKeyRef, envFrom, volumes) that are not in `available`, as `Kind/name: secret`. */
export function unresolvedSecrets(objects: Obj[], available: Set<string>): string[] {
  const out: string[] = [];
  for (const { owner, spec } of podTemplates(objects)) {
    const containers = [...(spec.initContainers ?? []), ...spec.containers];
    const names = [
      ...containers.flatMap((c: Obj) => (c.env ?? []).map((e: Obj) => e.valueFrom?.secretKeyRef?.name).filter(Boolean)),
      ...containers.flatMap((c: Obj) => (c.envFrom ?? []).map((e: Obj) => e.secretRef?.name).filter(Boolean)),
      ...(spec.volumes ?? []).map((v: Obj) => v.secret?.secretName).filter(Boolean),
    ];
    for (const n of new Set<string>(names)) if (!available.has(n)) out.push(`${owner.kind}/${owner.metadata.name}: ${n}`);
  }
  return out;
}

/** The namespaces the namespace Job's script creates or updates, with the retention it sets. */
export function managedNamespaces(job: Obj | undefined): { name: string; retention: string }[] {
  if (!job) return [];
  const script: string = job.spec.template.spec.containers[0].command[2];
  return [...script.matchAll(/namespace create --namespace (\S+) --retention (\S+)/g)].map((m) => ({ name: m[1], retention: m[2] }));
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

for (const env of inputs.allEnvironments) {
  describe(`Temporal wiring: ${env.name}`, () => {
    const rendered = async (): Promise<{ render: EnvironmentRender; chart: any[]; stack: any[]; all: any[] }> => {
      const render = await renders.get(env.name)!;
      const chart = render.objects.map((o) => o.object as Obj);
      const stack = stackManifests(app.stack(`${env.name}-control-plane`).json);
      return { render, chart, stack, all: [...chart, ...stack] };
    };

    it('renders the four server services, the Web UI and the schema Job from the pinned chart, no admin-tools Deployment and no chart Secret', async () => {
      const { render, chart } = await rendered();
      assert.deepEqual([...render.failures], []);
      const deployments = chart.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort();
      assert.deepEqual(deployments, ['temporal-frontend', 'temporal-history', 'temporal-matching', 'temporal-web', 'temporal-worker']);
      assert.equal(chart.filter((o) => o.kind === 'Secret').length, 0, 'the password comes from the ExternalSecret, never from chart values');
    });

    it('every Secret a pod names is made by the stack (ExternalSecret target, Certificate secretName); negative control: an unknown one is named', async () => {
      const { chart, stack } = await rendered();
      const available = new Set<string>([
        ...stack.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.target.name),
        ...stack.filter((o) => o.kind === 'Certificate').map((o) => o.spec.secretName),
      ]);
      assert.deepEqual(unresolvedSecrets(chart, available), []);
      available.delete(TEMPORAL_CERTIFICATES.client.secret);
      assert.ok(unresolvedSecrets(chart, available).some((l) => l.endsWith(`: ${TEMPORAL_CERTIFICATES.client.secret}`)));
    });

    it('the release waits for what its hook Job mounts: the ServiceAccount, and the Certificates and ExternalSecret until they are Ready', () => {
      const json = app.stack(`${env.name}-control-plane`).json;
      const manifests = json.resource.kubernetes_manifest as Record<string, Obj>;
      const release = Object.values(json.resource.helm_release as Record<string, Obj>)[0];
      const kinds = ['ServiceAccount', 'Certificate', 'ExternalSecret'];
      const needed = Object.entries(manifests).filter(([, m]) => kinds.includes(m.manifest.kind));
      assert.equal(needed.length, 5);
      for (const [id, m] of needed) {
        assert.ok(release.depends_on.includes(`kubernetes_manifest.${id}`), `${id} before the release`);
        if (m.manifest.kind !== 'ServiceAccount') assert.deepEqual(m.wait, { condition: [{ type: 'Ready', status: 'True' }] }, id);
      }
    });

    it('every pod runs as the stack\'s ServiceAccount, which mounts no token, and the namespace Job says so itself', async () => {
      const { chart, stack } = await rendered();
      const sa = stack.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === TEMPORAL_SERVICE_ACCOUNT && o.metadata.namespace === TEMPORAL_NAMESPACE);
      assert.equal(sa?.automountServiceAccountToken, false);
      const pods = podTemplates(chart);
      assert.ok(pods.length >= 6);
      assert.deepEqual(pods.filter((p) => p.spec.serviceAccountName !== TEMPORAL_SERVICE_ACCOUNT).map((p) => p.owner.metadata.name), []);
      const job = chart.find((o) => o.kind === 'Job' && o.metadata.name === TEMPORAL_NAMESPACE_JOB);
      if (job) assert.equal(job.spec.template.spec.automountServiceAccountToken, false);
    });

    it('mutual TLS: every file the server configuration names is mounted from a Certificate\'s Secret, and the server names clients verify are in those certificates', async () => {
      const { chart, stack } = await rendered();
      const config = parse(chart.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'temporal-config').data['config_template.yaml'].replace(/\{\{[^}]*\}\}/g, 'x'));
      const tls = config.global.tls;
      assert.equal(tls.internode.server.requireClientAuth, true);
      assert.equal(tls.frontend.server.requireClientAuth, true);
      const files: string[] = JSON.stringify(tls).match(/\/etc\/temporal\/tls\/[^"]+/g) ?? [];
      assert.ok(files.length >= 10);
      const certificates = stack.filter((o) => o.kind === 'Certificate');
      const frontend: any = chart.find((o) => o.kind === 'Deployment' && o.metadata.name === 'temporal-frontend');
      const spec = frontend.spec.template.spec;
      const mounts: Obj[] = spec.containers[0].volumeMounts;
      for (const f of files) {
        const mount = mounts.find((m) => f.startsWith(`${m.mountPath}/`));
        assert.ok(mount, `${f} is mounted`);
        const secret = spec.volumes.find((v: Obj) => v.name === mount.name)?.secret?.secretName;
        assert.ok(certificates.some((c) => c.spec.secretName === secret), `${f} comes from a Certificate (${secret})`);
      }
      const names = (secret: string) => certificates.find((c) => c.spec.secretName === secret)?.spec.dnsNames ?? [];
      assert.ok(names(TEMPORAL_CERTIFICATES.internode.secret).includes(tls.internode.client.serverName));
      assert.ok(names(TEMPORAL_CERTIFICATES.frontend.secret).includes(tls.frontend.client.serverName));
      assert.ok(names(TEMPORAL_CERTIFICATES.frontend.secret).includes(tls.systemWorker.client.serverName));
      // The UI verifies the same name, with the client certificate.
      const web = chart.find((o) => o.kind === 'Deployment' && o.metadata.name === 'temporal-web').spec.template.spec.containers[0];
      const webEnv = Object.fromEntries(web.env.map((e: Obj) => [e.name, e.value]));
      assert.ok(names(TEMPORAL_CERTIFICATES.frontend.secret).includes(webEnv.TEMPORAL_TLS_SERVER_NAME));
      assert.ok(certificates.find((c) => c.spec.secretName === TEMPORAL_CERTIFICATES.client.secret).spec.usages.includes('client auth'));
      // Negative control: a name outside the certificate is not in it.
      assert.equal(names(TEMPORAL_CERTIFICATES.frontend.secret).includes('temporal-frontend.other.svc'), false);
    });

    it("NetworkPolicies: the frontend admits the orchestrator's pods on the port it serves, the UI the Gateway's proxies; the orchestrator may leave towards exactly those pods", async () => {
      const { chart } = await rendered();
      const policies = stackManifests(app.stack(`${env.name}-addons`).json).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === TEMPORAL_NAMESPACE);
      const ingress = policies.find((p) => p.metadata.name === 'allow-ingress')!.spec.ingress as Obj[];
      const port = (deployment: string, name: string) =>
        chart.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment).spec.template.spec.containers[0].ports.find((p: Obj) => p.name === name).containerPort;
      const orchestratorRule = ingress.find((r) => r.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === SERVICES.orchestrator.name);
      assert.deepEqual(orchestratorRule?.ports, [{ port: port('temporal-frontend', 'rpc'), protocol: 'TCP' }]);
      assert.equal(orchestratorRule.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], SERVICES.orchestrator.namespace);
      assert.ok(ingress.some((r) => r.ports?.[0]?.port === port('temporal-web', 'http') && r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === 'envoy-gateway-system'));
      // Nobody else from outside reaches the gRPC port.
      const grpcFrom = ingress.filter((r) => !r.ports || r.ports.some((p: Obj) => p.port === TEMPORAL_PORTS.frontend.grpc));
      assert.deepEqual(grpcFrom.map((r) => r.from[0].namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).sort(), ['observability', SERVICES.orchestrator.namespace].sort());
      // The orchestrator's own egress rule selects the frontend pods the chart labels so.
      const agents = readFileSync(join(ROOT, 'rendered', env.name, 'agent-services', 'manifests.yaml'), 'utf8');
      const policy = parseAllDocuments(agents).map((d) => d.toJS()).find((o) => o?.kind === 'NetworkPolicy' && o.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === SERVICES.orchestrator.name);
      if (policy) {
        const egress: any = (policy.spec.egress as Obj[]).find((r) => r.to[0].namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === TEMPORAL_NAMESPACE);
        const frontendLabels = chart.find((o) => o.kind === 'Deployment' && o.metadata.name === 'temporal-frontend').spec.template.metadata.labels;
        assert.ok(matches(egress.to[0].podSelector.matchLabels, frontendLabels));
        assert.equal(matches(egress.to[0].podSelector.matchLabels, temporalPodLabels('history')), false, 'negative control: history pods are not selected');
        assert.deepEqual(egress.ports, [{ port: TEMPORAL_PORTS.frontend.grpc, protocol: 'TCP' }]);
      }
    });

    it("the orchestrator's client certificate: a Certificate of the internal CA for client auth, mounted where its config points, verifying a name the frontend's certificate holds", async () => {
      const { stack } = await rendered();
      const objects = parseAllDocuments(readFileSync(join(ROOT, 'rendered', env.name, 'agent-services', 'manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean) as any[];
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === SERVICES.orchestrator.name);
      if (!deployment) return; // an environment whose agent images are not promoted yet renders none
      const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${SERVICES.orchestrator.name}-config`).data;
      const spec = deployment.spec.template.spec;
      const mount = spec.containers[0].volumeMounts.find((m: Obj) => config.TEMPORAL_TLS_CERT.startsWith(`${m.mountPath}/`));
      const secret = spec.volumes.find((v: Obj) => v.name === mount?.name)?.secret?.secretName;
      const cert = objects.find((o) => o.kind === 'Certificate' && o.spec.secretName === secret);
      assert.ok(cert, `${config.TEMPORAL_TLS_CERT} comes from a Certificate`);
      assert.equal(cert.spec.issuerRef.name, INTERNAL_CA_ISSUER);
      assert.ok(cert.spec.usages.includes('client auth'));
      const frontend = stack.find((o) => o.kind === 'Certificate' && o.spec.secretName === TEMPORAL_CERTIFICATES.frontend.secret);
      assert.equal(frontend.spec.issuerRef.name, cert.spec.issuerRef.name, 'the frontend trusts the CA that issued the client certificate');
      assert.ok(frontend.spec.dnsNames.includes(config.TEMPORAL_TLS_SERVER_NAME));
      assert.equal(config.TEMPORAL_ADDRESS.split(':')[0].startsWith(`${TEMPORAL_FRONTEND_SERVER_NAME}`), true);
    });

    it('PDBs select the pods of a Deployment each (where the environment is highly available)', async () => {
      const { chart } = await rendered();
      const pdbs = chart.filter((o) => o.kind === 'PodDisruptionBudget');
      assert.equal(pdbs.length, env.addons.highAvailability ? 5 : 0);
      for (const pdb of pdbs) {
        const targets = chart.filter((o) => o.kind === 'Deployment' && matches(pdb.spec.selector.matchLabels, o.spec.template.metadata.labels));
        assert.equal(targets.length, 1, pdb.metadata.name);
        assert.ok(targets[0].spec.replicas > pdb.spec.minAvailable, `${pdb.metadata.name}: a drain can evict one`);
      }
    });

    it('the schema Job is a pre-install/pre-upgrade hook with the server\'s own admin-tools release, on the databases the data stack creates, over TLS', async () => {
      const { render, chart } = await rendered();
      const schema = render.objects.find((o) => o.object.kind === 'Job' && o.source.endsWith('server-job.yaml'))!;
      assert.deepEqual(schema.hooks.sort(), ['pre-install', 'pre-upgrade']);
      const init = (schema.object as Obj).spec.template.spec.initContainers as Obj[];
      assert.deepEqual(init.map((c) => c.name), ['manage-schema-default-store', 'manage-schema-visibility-store'], 'no create-database step: the data stack creates them');
      for (const c of init) {
        assert.ok(c.image.endsWith(`/temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`), c.image);
        const envs = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));
        assert.equal(envs.SQL_TLS, 'true');
        assert.equal(envs.SQL_TLS_DISABLE_HOST_VERIFICATION, 'false');
      }
      const server = chart.find((o) => o.kind === 'Deployment' && o.metadata.name === 'temporal-history').spec.template.spec.containers[0].image;
      assert.ok(server.endsWith(`/temporalio/server:${TEMPORAL_SERVER_VERSION}`), server);
      const synthesized = app.stack(`${env.name}-data`).json.resource.azurerm_postgresql_flexible_server_database;
      const databases = Object.values(synthesized as Record<string, Obj>).map((d) => d.name);
      for (const c of init) assert.ok(databases.includes(c.env.find((e: Obj) => e.name === 'SQL_DATABASE').value));
    });

    it('every Temporal namespace the namespace Job manages is a tenant of this environment, with its retention; a retired tenant\'s and another environment\'s are not listed', async () => {
      const { chart } = await rendered();
      const job = chart.find((o) => o.kind === 'Job' && o.metadata.name === TEMPORAL_NAMESPACE_JOB);
      const managed = managedNamespaces(job);
      const tenants = inputs.tenants.filter((t) => t.spec.environments.includes(env.name) && !t.spec.retired);
      assert.deepEqual(managed.map((m) => m.name), tenants.map((t) => t.metadata.name).sort());
      for (const m of managed) {
        const t = tenants.find((x) => x.metadata.name === m.name)!;
        assert.equal(m.retention, `${t.spec.workflows?.retentionDays ?? TEMPORAL_RETENTION.defaultDays}d`);
        const script: string = job.spec.template.spec.containers[0].command[2];
        for (const [name, type] of Object.entries(TEMPORAL_SEARCH_ATTRIBUTES)) assert.match(script, new RegExp(`search-attribute create --namespace ${m.name} .*--name ${name} --type ${type}`));
      }
      assert.ok(job.metadata.annotations['helm.sh/hook'].includes('post-upgrade'), 'updated on every upgrade, after the services');
      // The stack's selection: retired tenants and other environments' tenants are left out.
      const someone = inputs.tenants[0];
      const retired: Tenant = { ...someone, spec: { ...someone.spec, retired: true } };
      const elsewhere: Tenant = { ...someone, metadata: { name: 'elsewhere' }, spec: { ...someone.spec, environments: ['lab'] } };
      const custom: Tenant = { ...someone, metadata: { name: 'custom' }, spec: { ...someone.spec, environments: [env.name], workflows: { retentionDays: 30 } } };
      assert.deepEqual(temporalNamespaces(env.name, [retired, elsewhere, custom]), [{ name: 'custom', retentionDays: 30 }]);
    });
  });
}

describe('Temporal wiring: the helpers can fail', () => {
  it('managedNamespaces reads nothing from no Job, and unresolvedSecrets names a missing envFrom Secret', () => {
    assert.deepEqual(managedNamespaces(undefined), []);
    const pod = { kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { spec: { containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'gone' } }] }] } } } };
    assert.deepEqual(unresolvedSecrets([pod], new Set()), ['Deployment/x: gone']);
  });
});
