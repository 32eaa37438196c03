/**
 * Long-term metrics: Thanos Query, Store Gateway and Compactor as the observability app renders
 * them, and their Azure side as the observability stack synthesizes it. Rendered objects against
 * the upstream schemas, Pod Security restricted, sizing and probes, Query deduplicating the
 * replicas and reaching the Store Gateway through a rendered headless Service, the Compactor's
 * retention per resolution and disk, and the workload identity chain from the pod to the Blob
 * container (ExternalSecret -> Key Vault secret -> identity -> federated credential subject ->
 * role on the sidecar's container). Each check has a negative control. The sidecar endpoint and
 * Grafana's data source are resolved against the real kube-prometheus-stack chart in
 * test/tools/chart-render.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { THANOS_OBJSTORE_SECRET } from '../../catalog/cluster-names';
import { OBSERVABILITY_NAMESPACE, PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { PLATFORM_STORAGE_CLASSES } from '../../catalog/storage-classes';
import { registryLoginServer } from '../../catalog/registry-mirrors';
import { PROMETHEUS_REPLICA_LABEL, THANOS, THANOS_BLOB_READERS, thanosImage, THANOS_PORTS, thanosRetentionDays, type ThanosComponentKey } from '../../catalog/thanos';
import { identitySecretName } from '../../charts/observability/thanos';
import { renderEnvironments } from '../../cli/lib/render';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { loadInputs } from '../../config/inputs';
import type { EnvironmentConfig } from '../../config/schema';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { podSecurityViolations } from '../helpers/pod-security';
import { synthApp, type SynthedStack } from '../helpers/synth';
import { endpointFlags, endpointProblems } from '../helpers/thanos';

type Json = Record<string, any>;
const inputs = loadInputs();
const app = synthApp();

function observabilityApp(env: EnvironmentConfig): Json[] {
  const files = renderEnvironments([env], { models: inputs.models, tenants: inputs.tenants });
  return parseAllDocuments(files.get(join(env.name, 'observability', 'manifests.yaml'))!).map((d) => d.toJS()).filter(Boolean);
}

const workload = (objects: Json[], key: ThanosComponentKey) => objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === THANOS[key].name)!;
const container = (w: Json) => w.spec.template.spec.containers[0];

/** Query's problems: it must deduplicate on the operator's replica label. */
export function dedupProblems(query: Json): string[] {
  const args: string[] = container(query).args;
  const labels = args.filter((a) => a.startsWith('--query.replica-label=')).map((a) => a.split('=')[1]);
  return labels.includes(PROMETHEUS_REPLICA_LABEL) ? [] : [`${query.metadata.name} does not deduplicate on ${PROMETHEUS_REPLICA_LABEL} (replica labels: ${labels.join(', ') || 'none'})`];
}

/**
 * The workload identity chain of a component, from the rendered pod to the synthesized role:
 * pod (label, service account, AZURE_CLIENT_ID from a Secret) -> ExternalSecret -> Key Vault
 * secret holding an identity's client id -> that identity's federated credential (subject = the
 * pod's service account) and its role on the Thanos container.
 */
export function identityProblems(key: ThanosComponentKey, objects: Json[], stack: SynthedStack): string[] {
  const c = THANOS[key];
  const blob = 'blob' in c ? c.blob : undefined;
  if (!blob) return [];
  const problems: string[] = [];
  const w = workload(objects, key);
  const pod = w.spec.template;
  if (pod.metadata.labels['azure.workload.identity/use'] !== 'true') problems.push(`${c.name}: pod not labelled for workload identity`);
  const sa = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.spec.serviceAccountName && o.metadata.namespace === w.metadata.namespace);
  if (!sa) problems.push(`${c.name}: service account ${pod.spec.serviceAccountName} is not rendered`);
  const ref = container(w).env?.find((e: Json) => e.name === 'AZURE_CLIENT_ID')?.valueFrom?.secretKeyRef;
  const es = objects.find((o) => o.kind === 'ExternalSecret' && o.spec.target.name === ref?.name && o.metadata.namespace === w.metadata.namespace);
  const vaultName = es?.spec.data.find((d: Json) => d.secretKey === ref?.key)?.remoteRef.key;
  if (!vaultName) return [...problems, `${c.name}: AZURE_CLIENT_ID does not come from an ExternalSecret`];
  const secret = stack.of('azurerm_key_vault_secret').find((s) => s.config.name === vaultName);
  const identityRef = /^\$\{azurerm_user_assigned_identity\.([^.]+)\.client_id\}$/.exec(secret?.config.value ?? '')?.[1];
  if (!identityRef) return [...problems, `${c.name}: Key Vault secret ${vaultName} does not hold an identity's client id`];
  const creds = stack.of('azurerm_federated_identity_credential').filter((f) => f.config.parent_id === `\${azurerm_user_assigned_identity.${identityRef}.id}`);
  const subject = `system:serviceaccount:${w.metadata.namespace}:${pod.spec.serviceAccountName}`;
  if (creds.map((f) => f.config.subject).join() !== subject) problems.push(`${c.name}: the identity trusts ${creds.map((f) => f.config.subject).join(', ') || 'nothing'}, not ${subject}`);
  const thanosContainer = stack.of('azurerm_storage_container').find((s) => s.config.name === 'thanos');
  const roles = stack.of('azurerm_role_assignment').filter((r) => r.config.principal_id === `\${azurerm_user_assigned_identity.${identityRef}.principal_id}`);
  const granted = roles.map((r) => `${r.config.role_definition_name} on ${r.config.scope}`);
  const want = `${blob.role} on \${azurerm_storage_container.${thanosContainer?.id}.id}`;
  if (granted.join() !== want) problems.push(`${c.name}: the identity holds ${granted.join(', ') || 'no role'}, not ${want}`);
  return problems;
}

for (const env of inputs.allEnvironments) {
  describe(`Thanos: ${env.name}`, () => {
    const objects = observabilityApp(env);
    const stack = app.stack(`${env.name}-observability`);
    const ha = env.addons.highAvailability;
    const thanos = objects.filter((o) => o.metadata?.labels?.['app.kubernetes.io/name']?.startsWith('thanos-'));

    it('Query and Store Gateway (two of each with a PDB where highly available) and one Compactor, on the sidecar\'s Thanos release', () => {
      const shape = Object.fromEntries((Object.keys(THANOS) as ThanosComponentKey[]).map((k) => [k, `${workload(objects, k).kind}/${workload(objects, k).spec.replicas}`]));
      assert.deepEqual(shape, { query: `Deployment/${ha ? 2 : 1}`, store: `StatefulSet/${ha ? 2 : 1}`, compactor: 'StatefulSet/1' });
      const pdbs = thanos.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name).sort();
      assert.deepEqual(pdbs, ha ? [THANOS.query.name, THANOS.store.name].sort() : []);
      for (const k of Object.keys(THANOS) as ThanosComponentKey[]) assert.equal(container(workload(objects, k)).image, thanosImage(registryLoginServer(env)));
      for (const o of thanos) assert.equal(o.metadata.namespace, OBSERVABILITY_NAMESPACE);
    });

    it('every object of the observability app validates against its upstream schema; a mistyped Thanos field fails', async () => {
      assert.deepEqual(await schemaErrors(objects as KubeObject[]), []);
      const bad = structuredClone(workload(objects, 'store'));
      bad.spec.template.spec.containers[0].ports[0].containerPort = String(THANOS_PORTS.http.port);
      const errors = await schemaErrors([bad as KubeObject]);
      assert.equal(errors.length, 1);
      assert.match(errors[0], /StatefulSet observability\/thanos-store: .*containerPort must be integer/);
    });

    it('pods are Pod Security restricted with a read-only root; a root container is caught', () => {
      for (const k of Object.keys(THANOS) as ThanosComponentKey[]) {
        const pod = workload(objects, k).spec.template;
        assert.deepEqual(podSecurityViolations(pod.spec, pod.metadata.annotations ?? {}, 'restricted'), [], k);
        assert.equal(container(workload(objects, k)).securityContext.readOnlyRootFilesystem, true);
        assert.equal(pod.spec.automountServiceAccountToken, false, `${k} needs no Kubernetes API token`);
      }
      const root = structuredClone(workload(objects, 'query').spec.template.spec);
      root.securityContext.runAsNonRoot = false;
      root.containers[0].securityContext.runAsNonRoot = false;
      assert.ok(podSecurityViolations(root, {}, 'restricted').length > 0);
    });

    it('CPU requests, memory requests and limits, no CPU limit; startup, readiness and liveness probes on the HTTP port', () => {
      for (const k of Object.keys(THANOS) as ThanosComponentKey[]) {
        const c = container(workload(objects, k));
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, k);
        assert.equal(c.resources.limits.cpu, undefined, `${k}: no CPU limit`);
        for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.equal(c[p].httpGet.port, THANOS_PORTS.http.name, `${k} ${p}`);
        assert.ok(c.ports.some((p: Json) => p.name === THANOS_PORTS.http.name && p.containerPort === THANOS_PORTS.http.port));
      }
    });

    it(`Query deduplicates on ${PROMETHEUS_REPLICA_LABEL}; without the flag the check fails`, () => {
      const query = workload(objects, 'query');
      assert.deepEqual(dedupProblems(query), []);
      const without = structuredClone(query);
      container(without).args = container(without).args.filter((a: string) => !a.startsWith('--query.replica-label='));
      assert.deepEqual(dedupProblems(without), [`thanos-query does not deduplicate on ${PROMETHEUS_REPLICA_LABEL} (replica labels: none)`]);
    });

    it('Query reaches every Store Gateway replica through a rendered headless Service with a grpc port; wrong names are caught', () => {
      const endpoints = endpointFlags(container(workload(objects, 'query')).args);
      assert.equal(endpoints.length, 2, 'the sidecars and the Store Gateway');
      const store = endpoints.filter((e) => e.includes(THANOS.store.name));
      assert.equal(store.length, 1);
      assert.deepEqual(endpointProblems(store[0], objects), []);
      assert.deepEqual(endpointProblems(store[0].replace('_grpc', '_grcp'), objects), [`${store[0].replace('_grpc', '_grcp')}: Service observability/thanos-store has no port named grcp`]);
      assert.match(endpointProblems(store[0].replace('thanos-store', 'thanos-storegateway'), objects)[0], /no Service observability\/thanos-storegateway is rendered/);
      const notHeadless = objects.map((o) => (o.kind === 'Service' && o.metadata.name === THANOS.store.name ? { ...o, spec: { ...o.spec, clusterIP: undefined } } : o));
      assert.match(endpointProblems(store[0], notHeadless)[0], /is not headless/);
      const noPods = objects.filter((o) => o !== workload(objects, 'store'));
      assert.match(endpointProblems(store[0], noPods)[0], /no pod behind Service observability\/thanos-store serves port grpc/);
    });

    it('the Compactor: one replica, downsampling on, retention per resolution within the Blob lifecycle rule, a premium-SSD volume', () => {
      const compactor = workload(objects, 'compactor');
      const args: string[] = container(compactor).args;
      const r = thanosRetentionDays(env.observability.retention.metricsDays);
      for (const flag of [`--retention.resolution-raw=${r.raw}d`, `--retention.resolution-5m=${r.fiveMinutes}d`, `--retention.resolution-1h=${r.oneHour}d`, '--wait']) assert.ok(args.includes(flag), flag);
      assert.ok(!args.some((a) => a.startsWith('--downsampling.disable')), 'downsampling stays on');
      // Raw blocks must outlive the 40 hours the 5m downsampling needs; nothing outlives the lifecycle rule.
      assert.ok(r.raw >= 2 && r.raw <= r.fiveMinutes && r.fiveMinutes <= r.oneHour && r.oneHour <= env.observability.retention.metricsDays);
      const lifecycle = stack.one('azurerm_storage_management_policy').config.rule.find((x: Json) => x.filters.prefix_match[0] === 'thanos/');
      assert.equal(lifecycle.actions.base_blob.delete_after_days_since_modification_greater_than, r.oneHour);
      const claim = compactor.spec.volumeClaimTemplates[0];
      assert.equal(claim.spec.storageClassName, PLATFORM_STORAGE_CLASSES.premiumDisks.name);
      assert.equal(PLATFORM_STORAGE_CLASSES.premiumDisks.default, true, "the platform's default class");
      assert.equal(claim.spec.resources.requests.storage, `${env.observability.prometheusVolumeGi}Gi`);
      assert.equal(compactor.spec.replicas, 1);
    });

    it('Store Gateway and Compactor read the bucket the sidecar writes (the same objstore Secret); Query reads none', () => {
      const kps = parse(stack.of('helm_release').find((r) => r.config.chart === 'kube-prometheus-stack')!.config.values[0]);
      const sidecar = kps.prometheus.prometheusSpec.thanos.objectStorageConfig.existingSecret;
      assert.deepEqual(sidecar, { name: THANOS_OBJSTORE_SECRET, key: 'objstore.yml' });
      const objstore = stack.of('kubernetes_manifest').find((m) => m.config.manifest.kind === 'Secret' && m.config.manifest.metadata.name === THANOS_OBJSTORE_SECRET)!;
      const encoded = /^\$\{base64encode\("(.*)"\)\}$/s.exec(objstore.config.manifest.data['objstore.yml'])?.[1] ?? '';
      // Workload identity only: no key, no connection string, no IMDS identity; the container is Terraform's.
      assert.match(encoded, /type: AZURE/);
      assert.doesNotMatch(encoded, /storage_account_key|storage_connection_string|user_assigned_id|client_secret/);
      assert.match(encoded, /storage_create_container: false/);
      for (const k of Object.keys(THANOS) as ThanosComponentKey[]) {
        const w = workload(objects, k);
        const volume = w.spec.template.spec.volumes.find((v: Json) => v.secret);
        const file = container(w).args.find((a: string) => a.startsWith('--objstore.config-file='));
        if (k === 'query') {
          assert.equal(volume, undefined);
          assert.equal(file, undefined);
          continue;
        }
        assert.equal(volume.secret.secretName, sidecar.name, k);
        const mount = container(w).volumeMounts.find((m: Json) => m.name === volume.name);
        assert.equal(file, `--objstore.config-file=${mount.mountPath}/${volume.secret.items.find((i: Json) => i.key === sidecar.key).path}`);
      }
    });

    it('workload identity: the pod\'s client id comes from Key Vault, the identity trusts exactly its service account and holds only its role on the Thanos container', () => {
      for (const k of THANOS_BLOB_READERS) assert.deepEqual(identityProblems(k, objects, stack), [], k);
      const reader = stack.of('azurerm_role_assignment').filter((r) => r.config.role_definition_name === 'Storage Blob Data Reader');
      assert.equal(reader.length, 1, 'the Store Gateway only reads');
      // Negative controls: another service account, and the Compactor's identity secret on the Store Gateway.
      const renamed = objects.map((o) => (o === workload(objects, 'store') ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, serviceAccountName: 'default' } } } } : o));
      assert.ok(identityProblems('store', renamed, stack).some((p) => p.includes('not system:serviceaccount:observability:default')));
      const swapped = objects.map((o) =>
        o.kind === 'ExternalSecret' && o.metadata.name === identitySecretName(THANOS.store) ? { ...o, spec: { ...o.spec, data: [{ secretKey: 'AZURE_CLIENT_ID', remoteRef: { key: THANOS.compactor.blob.clientIdSecret } }] } } : o,
      );
      const problems = identityProblems('store', swapped, stack);
      assert.ok(problems.some((p) => p.includes('system:serviceaccount:observability:thanos-compactor, not system:serviceaccount:observability:thanos-store')), problems.join('\n'));
      assert.ok(problems.some((p) => p.includes('Storage Blob Data Contributor')), problems.join('\n'));
    });

    it("the namespace's network policies (add-ons stack) admit Thanos' paths: within the namespace, Blob storage on the private endpoints and Entra ID on 443", () => {
      const ns = PLATFORM_NAMESPACES.find((n) => n.name === OBSERVABILITY_NAMESPACE)!;
      assert.ok(ns.egressCidrs?.some((e) => e.cidrs.some((c) => typeof c !== 'string' && c.subnet === 'privateEndpoints') && e.ports.includes(443)), 'Blob storage through its private endpoint');
      const policies = stackManifests(app.stack(`${env.name}-addons`).json).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === OBSERVABILITY_NAMESPACE);
      const byName = (name: string) => policies.find((p) => p.metadata.name === name)?.spec;
      // Grafana -> Query, Query -> sidecars and Store Gateways: pod to pod inside the namespace, any port.
      assert.deepEqual(byName('allow-same-namespace'), { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
      const egress = byName('allow-egress').egress as Json[];
      const peCidr = app.stack(`${env.name}-network`).one('azurerm_subnet', '/subnet-privateEndpoints').config.address_prefixes[0];
      const https = egress.filter((e) => e.ports?.some((p: Json) => p.port === 443));
      assert.ok(https.some((e) => e.to.some((t: Json) => t.ipBlock?.cidr === '0.0.0.0/0')), 'Entra ID (HTTPS outside the private ranges)');
      assert.ok(https.some((e) => e.to.some((t: Json) => t.ipBlock?.cidr === peCidr)), `Blob storage on the private-endpoint subnet ${peCidr}`);
    });
  });
}
