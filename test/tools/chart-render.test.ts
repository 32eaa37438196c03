/**
 * The add-ons against their real Helm charts: every `helm_release` of every environment is
 * rendered with `helm template` from its pinned chart archive, with exactly the values the stacks
 * synthesize, at the environment's Kubernetes version. The objects the charts really create are
 * then held to upstream schemas, Pod Security of their namespaces, the platform's own Gatekeeper
 * constraints (and each add-on exemption must still be needed), and the namespace quotas at
 * maximum scale. Each check has a negative control.
 */
import { MLFLOW_SERVER } from '../../catalog/mlflow';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ADDONS, ADDON_NAMES, releaseName, type AddonName } from '../../catalog/addons';
import { OBSERVABILITY_NAMESPACE, PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { PLATFORM_STORAGE_CLASSES } from '../../catalog/storage-classes';
import { grpcEndpoint, PROMETHEUS_REPLICA_LABEL, SIDECAR_DISCOVERY_SERVICE, THANOS, THANOS_PORTS, THANOS_QUERY_URL, THANOS_VERSION } from '../../catalog/thanos';
import { renderEnvironments } from '../../cli/lib/render';
import { ALERTMANAGER_RECEIVERS_SECRET, LOG_AGENT_NAMESPACE, LOKI_GATEWAY_POD_LABELS, LOKI_GATEWAY_POD_PORT, OTEL_LOG_AGENT_NAME, RATIFY_PROVIDER, RATIFY_PROVIDER_PORT } from '../../catalog/cluster-names';
import { SIGNING_CERTIFICATE_NAME } from '../../catalog/supply-chain';
import { HEARTBEAT_RECEIVER } from '../../constructs/addons/values/kube-prometheus-stack';
import { maxNodeCount } from '../../catalog/node-pools';
import { loadInputs } from '../../config/inputs';
import type { EnvironmentConfig } from '../../config/schema';
import { POLICIES, SYSTEM_EXEMPTIONS, UNMIRRORED_ADDONS } from '../../charts/policies/catalog';
import { registryLoginServer, UPSTREAM_REGISTRIES } from '../../catalog/registry-mirrors';
import { referencePod } from '../../charts/policies/samples';
import { callAsync, gatorCall, gatorViolations, type GatorResult } from '../../cli/lib/tools';
import { stackManifests } from '../../cli/lib/stack-manifests';
import {
  chartArchive,
  ChartUnavailableError,
  describeObject,
  imageReferences,
  renderStacks,
  resolveTemplate,
  standIn,
  StandInError,
  type EnvironmentRender,
  type RenderedObject,
} from '../helpers/chart-render';
import { capacityReport, podSources, type LimitDefaults, type Quota } from '../helpers/capacity';
import { schemaErrors } from '../helpers/k8s-schemas';
import { podSecurityViolations } from '../helpers/pod-security';
import { toStack, synthApp } from '../helpers/synth';
import { endpointFlags, endpointProblems } from '../helpers/thanos';
import { ROOT, runTool } from '../helpers/tools';
import { PLATFORM_ROUTE_LIST } from '../../catalog/routes';
import { SERVICES } from '../../catalog/services';
import { AI_GATEWAY_CONTROLLER_LABELS, AI_GATEWAY_NAMESPACE } from '../../catalog/ai-gateway';

const edgeObjects = (env: EnvironmentConfig): Record<string, any>[] =>
  parseAllDocuments(readFileSync(join(ROOT, 'rendered', env.name, 'edge', 'manifests.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);

const inputs = loadInputs();
const app = synthApp();
const stacksOf = (env: EnvironmentConfig) => [`${env.name}-addons`, `${env.name}-observability`, `${env.name}-control-plane`];

/** The rules whose add-on exemptions must each be needed by a rendered object (charts/policies/catalog.ts). */
const CHECKED_EXEMPTIONS = ['readonly-root-filesystem', 'ephemeral-storage', 'allowed-registries'];
const SYSTEM_NAMESPACES = new Set(SYSTEM_EXEMPTIONS.map((e) => e.namespace));

function policyApp(env: EnvironmentConfig): Record<string, any>[] {
  const text = readFileSync(join(ROOT, 'rendered', env.name, 'gatekeeper-policies', 'manifests.yaml'), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o && o.kind !== 'Config');
}

/** The namespaces Gatekeeper's match criteria read: the platform's, and kube-system, which some charts write to. */
function namespaceObjects(env: EnvironmentConfig): Record<string, any>[] {
  const kubeSystem = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } } };
  return [kubeSystem, ...stackManifests(app.stack(`${env.name}-addons`).json).filter((o) => o.kind === 'Namespace')];
}

/** The ResourceQuota and LimitRange of each namespace, as the add-ons stack applies them. */
function namespaceLimits(env: EnvironmentConfig): { quotas: Map<string, Quota>; limitRanges: Map<string, LimitDefaults> } {
  const manifests = stackManifests(app.stack(`${env.name}-addons`).json);
  const quotas = new Map<string, Quota>();
  const limitRanges = new Map<string, LimitDefaults>();
  for (const m of manifests) {
    if (m.kind === 'ResourceQuota') quotas.set(m.metadata.namespace, { cpu: m.spec.hard['requests.cpu'], memory: m.spec.hard['limits.memory'], pods: Number(m.spec.hard.pods) });
    if (m.kind === 'LimitRange') {
      const container = m.spec.limits.find((l: any) => l.type === 'Container');
      limitRanges.set(m.metadata.namespace, { defaultRequest: container.defaultRequest ?? {}, default: container.default ?? {} });
    }
  }
  return { quotas, limitRanges };
}

/** A rendered cdk8s app of the environment, as chart-rendered objects (its pods share the namespaces' quotas). */
function renderedApp(env: EnvironmentConfig, name: string): RenderedObject[] {
  const text = renderEnvironments([env], { models: inputs.models, tenants: inputs.tenants }).get(join(env.name, name, 'manifests.yaml'))!;
  const release = { stack: `${env.name}-${name}`, address: `rendered/${env.name}/${name}`, name: `${name}-app`, chart: 'cdk8s', version: '-', namespace: OBSERVABILITY_NAMESPACE, values: [], set: [], setList: [], setSensitive: [], includeCrds: false };
  return parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter(Boolean)
    .map((object) => ({ object, release, source: `rendered/${env.name}/${name}/manifests.yaml`, hooks: [] }));
}

/** Both environments render at once, while the helper tests run; each test awaits its own. */
const renders = new Map(inputs.allEnvironments.map((env) => [env.name, renderStacks(app, stacksOf(env), env.aks.kubernetesVersion)]));
for (const p of renders.values()) p.catch(() => undefined);

/**
 * One gator run per environment over its rendered charts, with the constraints' add-on exemptions
 * of CHECKED_EXEMPTIONS lifted: the violations inside an exempted namespace show the exemption is
 * needed, and those outside any exemption are what the real constraints deny (excludedNamespaces
 * only filters by namespace, so one run answers both).
 */
const unexemptedRuns = new Map<string, Promise<GatorResult[]>>();
function unexemptedViolations(env: EnvironmentConfig, render: EnvironmentRender): Promise<GatorResult[]> {
  let run = unexemptedRuns.get(env.name);
  if (!run) {
    const policies = policyApp(env).map((p) =>
      CHECKED_EXEMPTIONS.includes(p.metadata?.name) && p.spec?.match ? { ...p, spec: { ...p.spec, match: { ...p.spec.match, excludedNamespaces: [] } } } : p,
    );
    // Test pods only `helm test` would create (UNRUN_TEST_PODS) are left out here as in the Pod Security check.
    run = callAsync(gatorCall([...policies, ...namespaceObjects(env), ...render.objects.filter((o) => !unrunTestPod(o)).map((o) => o.object)]));
    unexemptedRuns.set(env.name, run);
  }
  return run;
}

/** Whether the environment's real constraint excludes the violation's namespace. */
function exempted(env: EnvironmentConfig, v: GatorResult): boolean {
  const constraint = policyApp(env).find((p) => p.kind === v.constraint.kind && p.metadata?.name === v.constraint.metadata.name);
  return ((constraint?.spec?.match?.excludedNamespaces ?? []) as string[]).includes(v.violatingObject.metadata.namespace ?? '');
}

// Each environment's gator run starts as soon as its charts are rendered.
for (const env of inputs.allEnvironments) renders.get(env.name)!.then((r) => unexemptedViolations(env, r)).catch(() => undefined);

const gatorLines = (violations: GatorResult[]) => violations.map((v) => `${v.constraint.metadata.name}: ${v.violatingObject.metadata.namespace ?? ''}/${v.msg}`);


/**
 * Helm test pods a chart renders unconditionally (no value turns them off) and whose image no value
 * changes. Only `helm test` creates them, the platform never runs it, and Pod Security (and the
 * registry allow-list) would refuse them if someone did; every other test pod is checked like any
 * pod, its image included (Grafana's is turned off in its values, redis-ha's run mirrored images).
 */
const UNRUN_TEST_PODS: Record<string, string> = {
  'ratify/templates/tests/test-connection.yaml': 'the ratify chart has no value to leave out its wget test pod, nor one to change its image (busybox, from Docker Hub)',
  'temporal/templates/test.yaml': 'the temporal chart has no value to leave out its cluster-health test pod (no security context value either); its image is the mirrored admin-tools one',
};
const unrunTestPod = (o: RenderedObject) => Boolean(UNRUN_TEST_PODS[o.source]) && o.hooks.includes('test');

/** The mirrored path prefixes: `<login server>/<upstream host>/`, each served by an ACR cache rule. */
const mirrorPrefixes = (loginServer: string) => UPSTREAM_REGISTRIES.map((u) => `${loginServer}/${u.host}/`);

/**
 * Every image of the objects that does not come through the environment's ACR, as
 * `Kind namespace/name (template) path: image`; with `mirrored`, also an ACR image outside the
 * cache rules' paths (no rule would fetch it).
 */
function foreignImages(objects: readonly RenderedObject[], loginServer: string, mirrored: boolean): string[] {
  const prefixes = mirrored ? mirrorPrefixes(loginServer) : [`${loginServer}/`];
  return objects.flatMap((o) =>
    imageReferences(o.object)
      .filter((r) => !prefixes.some((p) => r.image.startsWith(p)))
      .map((r) => `${describeObject(o)} ${r.path}: ${r.image}`),
  );
}

describe('chart rendering: the helpers', () => {
  it('a chart version in neither the repository nor the offline cache fails, naming chart and version', async () => {
    const work = mkdtempSync(join(tmpdir(), 'chart-missing-'));
    await assert.rejects(
      chartArchive({ chart: ADDONS.keda.chart, version: '2.99.0', repository: ADDONS.keda.repository }, work),
      (err: Error) => err instanceof ChartUnavailableError && /chart keda version 2\.99\.0 is in neither its repository .* nor the offline cache .*keda-2\.99\.0\.tgz/.test(err.message),
    );
  });

  it('finds archives the cache packages with a leading v, and checks what an archive holds', async () => {
    const work = mkdtempSync(join(tmpdir(), 'chart-v-'));
    const gateway = await chartArchive({ chart: 'gateway-helm', version: 'v1.9.0' }, work);
    assert.match(gateway.path, /gateway-helm-v1\.9\.0\.tgz$/);
    const cert = await chartArchive({ chart: 'cert-manager', version: 'v1.19.1' }, work);
    assert.equal(cert.source, 'cache');
    await assert.rejects(chartArchive({ chart: 'cert-manager', version: '1.19.1' }, work, join(ROOT, 'test')), ChartUnavailableError);
  });

  it('Terraform template syntax: escapes stay literal, references get typed stand-ins, anything unknown fails', () => {
    const stack = toStack('x-observability', {
      resource: {
        azurerm_storage_account: { good: { name: 'staipobsdev01' }, bad: { name: 'Not_A_Valid_Name' } },
        azurerm_user_assigned_identity: { id: { name: 'id-x' } },
        azurerm_key_vault: { kv: { name: 'kv-x' } },
      },
    });
    const fake = { stack: () => stack };
    const resolve = (t: string) => resolveTemplate(t, (e) => standIn(fake, stack, e));
    assert.equal(resolve('endpoint: $${env:MY_POD_IP}:4317 %%{x}'), 'endpoint: ${env:MY_POD_IP}:4317 %{x}');
    assert.equal(resolve('account: ${azurerm_storage_account.good.name}'), 'account: staipobsdev01');
    const id = resolve('${azurerm_user_assigned_identity.id.client_id}');
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(id, resolve('${data.azurerm_client_config.client.tenant_id}'));
    assert.throws(() => resolve('${azurerm_storage_account.bad.name}'), /not a valid azurerm_storage_account\.name/);
    assert.throws(() => resolve('${azurerm_key_vault.kv.id}'), (e: Error) => e instanceof StandInError && /no stand-in for .*azurerm_key_vault\.id/.test(e.message));
    assert.throws(() => resolve('${upper(azurerm_key_vault.kv.name)}'), /only plain references/);
    assert.throws(() => resolve('%{ if true }x%{ endif }'), /directive/);
  });

  it('Pod Security: the restricted checks agree with every case of the platform rule pod-security, and baseline lets hostPath through only where it should', () => {
    const def = POLICIES.find((p) => p.dir === 'pod-security')!;
    const reference = referencePod();
    assert.deepEqual(podSecurityViolations(reference.spec, reference.annotations), []);
    for (const c of def.podCases!) {
      const pod = referencePod();
      c.mutate(pod);
      const found = podSecurityViolations(pod.spec, pod.annotations);
      if (c.message) assert.ok(found.length > 0, `${c.name} passes restricted`);
      else assert.deepEqual(found, [], c.name);
    }
    const hostPath = referencePod();
    hostPath.spec.volumes = [{ name: 'logs', hostPath: { path: '/var/log/pods' } }];
    assert.deepEqual(podSecurityViolations(hostPath.spec, {}, 'baseline'), ['volume "logs" is a hostPath']);
    const lax = referencePod();
    lax.spec.securityContext = {};
    (lax.spec.containers[0] as any).securityContext = {};
    assert.deepEqual(podSecurityViolations(lax.spec, {}, 'baseline'), []);
    assert.deepEqual(podSecurityViolations(lax.spec, {}).sort(), [
      'container "app": allowPrivilegeEscalation is not false',
      'container "app": capabilities.drop does not include ALL',
      'container "app": runAsNonRoot is not set (pod or container)',
      'container "app": seccompProfile.type unset (pod or container)',
    ]);
  });

  it('capacity: replicas, HPA maximums and DaemonSets per node against the quota; unsized and CPU-limited containers are named', () => {
    const release = { name: 'demo', namespace: 'demo' } as any;
    const obj = (object: any, hooks: string[] = []): RenderedObject => ({ object, release, source: 'demo/templates/x.yaml', hooks });
    const pod = (memory?: string, cpuLimit?: string) => ({
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m', ...(memory ? { memory } : {}) }, ...(memory ? { limits: { memory, ...(cpuLimit ? { cpu: cpuLimit } : {}) } } : {}) } }] },
    });
    const objects = [
      obj({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'demo' }, spec: { replicas: 2, template: pod('1Gi', '1') } }),
      obj({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'demo' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } }),
      obj({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'demo' }, spec: { template: pod() } }),
      obj({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'hook', namespace: 'demo' }, spec: { template: pod('64Gi') } }, ['pre-install']),
    ];
    const report = capacityReport({
      objects,
      quotas: new Map([['demo', { cpu: '1', memory: '4Gi', pods: 10 }]]),
      limitRanges: new Map([['demo', { defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { memory: '256Mi' } }]]),
      maxNodes: 5,
    });
    const demo = report.usage[0];
    // 3 x 1Gi (HPA maximum, not replicas) + 5 x 256Mi (the LimitRange default); the hook is left out.
    assert.equal(demo.memoryLimit, 3 * 2 ** 30 + 5 * 256 * 2 ** 20);
    assert.equal(demo.pods, 8);
    assert.equal(Number(demo.cpuRequest.toFixed(3)), 0.8);
    assert.deepEqual(report.overQuota, ['demo: limits.memory 4.25Gi > quota 4Gi: Deployment demo/web (demo/templates/x.yaml) 3 x 1.00Gi (HPA maxReplicas 3); DaemonSet demo/agent (demo/templates/x.yaml) 5 x 0.25Gi (one per node, 5 nodes)']);
    assert.deepEqual(report.unsized, ['DaemonSet demo/agent (demo/templates/x.yaml) container "c": no requests.memory or limits.memory']);
    assert.deepEqual(report.cpuLimited, ['Deployment demo/web (demo/templates/x.yaml) container "c": limits.cpu 1']);
    const stranger = capacityReport({ objects, quotas: new Map(), limitRanges: new Map(), maxNodes: 1 });
    assert.deepEqual(stranger.overQuota, ['demo: 4 pods but no ResourceQuota']);
  });
});

for (const env of inputs.allEnvironments) {
  describe(`chart rendering: ${env.name}`, () => {
    const rendered = (): Promise<EnvironmentRender> => renders.get(env.name)!;
    const maxNodes = maxNodeCount(env.aks.nodePools);

    it('every helm_release of the add-on, observability and control-plane stacks renders from its pinned chart archive', async () => {
      const render = await rendered();
      const enabled = ADDON_NAMES.filter((a) => env.addons[a].enabled);
      assert.deepEqual(render.releases.map((r) => r.chart).sort(), enabled.map((a) => ADDONS[a].chart).sort());
      assert.deepEqual([...render.failures], []);
      for (const r of render.releases) {
        const addon = ADDON_NAMES.find((a) => ADDONS[a].chart === r.chart && releaseName(a) === r.name) as AddonName;
        assert.ok(addon, `${r.name} (${r.chart}) is no catalogued add-on`);
        assert.equal(r.version, env.addons[addon].version ?? ADDONS[addon].version, r.chart);
        assert.equal(r.namespace, ADDONS[addon].namespace, r.chart);
        assert.ok(render.objects.some((o) => o.release === r), `${r.chart} rendered nothing`);
      }
      // The stand-ins reach the keys they were written for (an identity's client id on its service account).
      const sa = render.objects.find((o) => o.object.kind === 'ServiceAccount' && o.object.metadata?.name === 'cert-manager' && o.release.chart === 'cert-manager');
      assert.match(sa?.object.metadata?.annotations?.['azure.workload.identity/client-id'] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4/);
      assert.ok(render.apiVersions.includes('monitoring.coreos.com/v1'), 'the CRDs the charts install are served to the second pass');
    });

    it('every rendered object validates against its upstream schema', async () => {
      const render = await rendered();
      const crds = render.objects.filter((o) => o.object.kind === 'CustomResourceDefinition').map((o) => o.object);
      assert.deepEqual(await schemaErrors(render.objects.map((o) => o.object), { crds }), []);
      // The charts' own CRDs judge their custom resources: a misspelt key and a wrong type fail.
      const prometheus = structuredClone(render.objects.find((o) => o.object.kind === 'Prometheus')!.object) as any;
      prometheus.spec.retentionSize = 5;
      prometheus.spec.replica = 2;
      const errors = await schemaErrors([prometheus], { crds });
      assert.equal(errors.length, 1);
      assert.equal(errors[0], 'Prometheus observability/kube-prometheus-stack-prometheus: /spec must NOT have additional properties (replica), /spec/retentionSize must be string');
    });

    it('every pod meets the Pod Security level its namespace enforces (restricted unless the catalogue gives a reason)', async () => {
      const render = await rendered();
      const problems: string[] = [];
      const unrun = new Set<string>();
      for (const source of podSources(render.objects)) {
        // Only a `helm test` would create these, and nothing runs one (see UNRUN_TEST_PODS).
        if (unrunTestPod(source.owner)) {
          unrun.add(source.owner.source);
          continue;
        }
        const ns = PLATFORM_NAMESPACES.find((n) => n.name === source.namespace);
        if (!ns) {
          problems.push(`${describeObject(source.owner)}: namespace ${source.namespace} is not a platform namespace`);
          continue;
        }
        if (ns.podSecurity === 'privileged') continue;
        // An operator's pods get its own container contexts; the custom resource decides the pod's.
        const spec = source.modelledBy ? { securityContext: source.spec.securityContext, containers: [{ name: '(operator)', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] } : source.spec;
        for (const v of podSecurityViolations(spec, source.annotations, ns.podSecurity)) problems.push(`${describeObject(source.owner)} [${ns.podSecurity}]: ${v}`);
      }
      assert.deepEqual(problems, []);
      const enabled = Object.keys(UNRUN_TEST_PODS).filter((src) => render.objects.some((o) => o.source.startsWith(`${src.split('/')[0]}/`)));
      assert.deepEqual(enabled.filter((src) => !unrun.has(src)), [], 'an entry of UNRUN_TEST_PODS no longer matches a rendered test pod: remove it');
    });

    it("every image of every add-on comes through the environment's ACR mirror (<acr>/<upstream host>/...), and every image of the rendered apps from its ACR", async () => {
      const render = await rendered();
      const loginServer = registryLoginServer(env);
      // The stand-in for the registry's login_server is the name the naming convention gives it.
      const argocd = render.objects.find((o) => o.object.kind === 'StatefulSet' && o.release.chart === 'argo-cd')!;
      assert.ok(imageReferences(argocd.object).every((r) => r.image.startsWith(`${loginServer}/`)), `the stand-in login server is ${loginServer}`);
      // An add-on not yet mirrored would be named in UNMIRRORED_ADDONS, with why (none is).
      const unmirrored = new Set(UNMIRRORED_ADDONS.map((e) => e.namespace));
      const addons = render.objects.filter((o) => !unmirrored.has(o.release.namespace) && !unrunTestPod(o));
      const images = addons.flatMap((o) => imageReferences(o.object));
      assert.ok(images.length >= 20, `${images.length} images found`);
      assert.ok(images.some((r) => r.path.includes('--thanos-default-base-image')) && addons.some((o) => o.object.kind === 'Prometheus' && (o.object.spec as any).image), 'the images operators start are checked too');
      assert.deepEqual(foreignImages(addons, loginServer, true), []);
      const apps = [...renderEnvironments([env], { models: inputs.models, tenants: inputs.tenants })].flatMap(([file, text]) =>
        parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean).map((object) => ({ object, release: render.releases[0], source: `rendered/${file}`, hooks: [] }) as RenderedObject),
      );
      assert.ok(apps.some((o) => imageReferences(o.object).length > 0), 'the rendered apps name images');
      assert.deepEqual(foreignImages(apps, loginServer, false), []);

      // Negative controls: an upstream image, and an ACR path no cache rule serves, are each named.
      const deployment = structuredClone(render.objects.find((o) => o.object.kind === 'Deployment' && o.release.chart === 'keda')!);
      const container = (deployment.object.spec as any).template.spec.containers[0];
      container.image = 'ghcr.io/kedacore/keda:2.18.1';
      assert.deepEqual(foreignImages([deployment], loginServer, true), [`${describeObject(deployment)} .spec.template.spec.containers[0].image: ghcr.io/kedacore/keda:2.18.1`]);
      container.image = `${loginServer}/kedacore/keda:2.18.1`;
      assert.equal(foreignImages([deployment], loginServer, true).length, 1);
      assert.deepEqual(foreignImages([deployment], loginServer, false), []);
      const operator = structuredClone(render.objects.find((o) => o.object.kind === 'Deployment' && o.source.endsWith('prometheus-operator/deployment.yaml'))!);
      const args: string[] = (operator.object.spec as any).template.spec.containers[0].args;
      args.push('--prometheus-default-base-image=quay.io/prometheus/prometheus');
      assert.match(foreignImages([operator], loginServer, true).join('\n'), /\(--prometheus-default-base-image\): quay\.io\/prometheus\/prometheus$/);
    });

    it("the platform's Gatekeeper constraints admit every rendered object (gator test with rendered/<env>/gatekeeper-policies)", async () => {
      const render = await rendered();
      const violations = (await unexemptedViolations(env, render)).filter((v) => !exempted(env, v));
      assert.deepEqual(gatorLines(violations), []);
    });

    it('the conformance check catches a chart object that breaks a rule in an add-on namespace', async () => {
      const render = await rendered();
      const deployment = render.objects.find((o) => o.object.kind === 'Deployment' && o.object.metadata?.namespace === 'keda')!;
      const bad = structuredClone(deployment.object) as any;
      bad.spec.template.spec.hostNetwork = true;
      // And a second copy pulling its image straight from upstream: add-on namespaces have no registry exemption.
      const upstream = structuredClone(deployment.object) as any;
      upstream.metadata.name = 'upstream';
      upstream.spec.template.spec.containers[0].image = 'ghcr.io/kedacore/keda:2.18.1';
      const violations = gatorViolations([...policyApp(env), ...namespaceObjects(env), bad, upstream]);
      assert.deepEqual([...new Set(violations.map((v) => `${v.constraint.metadata.name}: ${v.violatingObject.metadata.name}`))].sort(), ['allowed-registries: upstream', `pod-security: ${bad.metadata.name}`]);
    });

    it("Envoy Gateway's extension manager calls the AI gateway controller Service the chart renders, whose pods the namespaces' policies admit", async (t) => {
      if (!env.addons.aiGateway.enabled) return t.skip('no AI gateway here');
      const render = await rendered();
      const of = (chart: string) => render.objects.filter((o) => o.release.chart === chart).map((o) => o.object as any);
      const eg = of(ADDONS.envoyGateway.chart);
      const config = parse(eg.find((o) => o.kind === 'ConfigMap' && o.data?.['envoy-gateway.yaml'])!.data['envoy-gateway.yaml']);
      const problems = extensionWiring(config, of(ADDONS.aiGateway.chart), eg);
      assert.deepEqual(problems, []);
      // Negative control: a wrong port and a wrong host are both named.
      const wrong = structuredClone(config);
      wrong.extensionManager.service.fqdn = { hostname: `ai-gateway.${AI_GATEWAY_NAMESPACE}.svc.cluster.local`, port: 1064 };
      assert.match(extensionWiring(wrong, of(ADDONS.aiGateway.chart), eg).join('\n'), /no Service ai-gateway/);
      assert.ok(config.extensionApis.enableBackend, 'the Backend API the MCP hub uses');
    });

    it("Ratify registers the provider the image-signature constraint names, at its Service's port, and trusts the Key Vault signing certificate", async () => {
      const render = await rendered();
      const ratify = render.objects.filter((o) => o.source.startsWith('ratify/')).map((o) => o.object as any);
      const provider = ratify.find((o) => o.kind === 'Provider' && o.metadata?.name === RATIFY_PROVIDER);
      assert.ok(provider, `a Provider named ${RATIFY_PROVIDER}`);
      const url = new URL(provider.spec.url);
      const service = ratify.find((o) => o.kind === 'Service' && o.metadata?.name === url.hostname.split('.')[0]);
      assert.equal(url.hostname, `${service?.metadata?.name}.gatekeeper-system`);
      assert.ok(service.spec.ports.some((p: any) => p.port === RATIFY_PROVIDER_PORT), 'the Service serves the provider port');
      assert.equal(Number(url.port), RATIFY_PROVIDER_PORT);
      const constraint = parseAllDocuments(readFileSync(join(ROOT, 'rendered', env.name, 'image-signatures', 'manifests.yaml'), 'utf8')).map((d) => d.toJS()).find((o) => o.kind === 'PlatformImageSignatures');
      assert.equal(constraint.spec.parameters.provider, provider.metadata.name);
      const kmp = ratify.find((o) => o.kind === 'KeyManagementProvider');
      assert.deepEqual(kmp.spec.parameters.certificates.map((c: any) => c.name), [SIGNING_CERTIFICATE_NAME]);
      const verifier = ratify.find((o) => o.kind === 'Verifier' && o.spec.name === 'notation');
      assert.match(JSON.stringify(verifier.spec.parameters.trustPolicyDoc), /"registryScopes":\["[a-z0-9]+\.azurecr\.io"\]/);
    });

    it('the log agent: restricted but for its read-only hostPath of /var/log/pods, pushing to a Loki gateway Service that routes OTLP, and allowed to reach only those pods', async () => {
      const render = await rendered();
      const agent = podSources(render.objects).filter((s) => s.namespace === LOG_AGENT_NAMESPACE);
      assert.deepEqual(agent.map((s) => `${s.owner.object.kind}/${s.owner.object.metadata?.name}`), [`DaemonSet/${OTEL_LOG_AGENT_NAME}-agent`]);
      const pod = agent[0].spec;
      assert.deepEqual(podSecurityViolations(pod, agent[0].annotations, 'restricted'), ['volume "pod-logs" is a hostPath', 'volume "pod-logs" of type hostPath']);
      assert.deepEqual(pod.volumes.filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path), ['/var/log/pods']);
      const mounts = pod.containers.flatMap((c: any) => c.volumeMounts).filter((m: any) => m.name === 'pod-logs');
      assert.ok(mounts.length > 0 && mounts.every((m: any) => m.readOnly === true), 'the node\'s logs are mounted read-only');
      assert.ok(pod.containers.every((c: any) => c.securityContext.readOnlyRootFilesystem === true));

      const config = parse(render.objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata?.namespace === LOG_AGENT_NAMESPACE)!.object.data.relay);
      assert.deepEqual(config.service.pipelines.logs.receivers, ['filelog']);
      assert.deepEqual(Object.keys(config.service.pipelines), ['logs'], 'the agent runs no pipeline but logs');
      const endpoint = new URL(config.exporters[config.service.pipelines.logs.exporters[0]].endpoint);
      const [svcName, svcNamespace] = endpoint.hostname.split('.');
      const service = render.objects.find((o) => o.object.kind === 'Service' && o.object.metadata?.name === svcName && o.object.metadata?.namespace === svcNamespace);
      assert.ok(service, `${endpoint.hostname} is a Service the charts render`);
      const port = (service.object.spec as any).ports.find((p: any) => p.port === Number(endpoint.port || 80));
      assert.ok(port, `the Service listens on ${endpoint.port || 80}`);
      const selector = (service.object.spec as any).selector as Record<string, string>;
      const backends = podSources(render.objects).filter((s) => s.namespace === svcNamespace && Object.entries(selector).every(([k, v]) => (s.owner.object.spec as any).template?.metadata?.labels?.[k] === v));
      assert.equal(backends.length, 1, 'one Deployment serves the Service');
      const containerPort = backends[0].spec.containers.flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === port.targetPort || p.containerPort === port.targetPort);
      assert.equal(containerPort.containerPort, LOKI_GATEWAY_POD_PORT);
      const nginx = render.objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata?.name === svcName && o.object.metadata?.namespace === svcNamespace)!.object.data['nginx.conf'];
      assert.match(nginx, new RegExp(`location = ${endpoint.pathname}/v1/logs \\{\\s*proxy_pass\\s+http://loki(-write)?\\.`));

      // The namespace's egress (from the add-ons stack) selects exactly those pods on that port.
      const egress = stackManifests(app.stack(`${env.name}-addons`).json).find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === LOG_AGENT_NAMESPACE && o.metadata.name === 'allow-egress');
      assert.deepEqual(egress?.spec.egress, [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': svcNamespace } }, podSelector: { matchLabels: { ...LOKI_GATEWAY_POD_LABELS } } }], ports: [{ port: LOKI_GATEWAY_POD_PORT, protocol: 'TCP' }] },
      ]);
      const gatewayLabels = (backends[0].owner.object.spec as any).template.metadata.labels;
      for (const [k, v] of Object.entries(LOKI_GATEWAY_POD_LABELS)) assert.equal(gatewayLabels[k], v, `the gateway pods carry ${k}=${v}`);
    });

    it("the edge Probes' prober is the blackbox exporter Service the chart renders, serving the module they name", async () => {
      const render = await rendered();
      const probes = edgeObjects(env).filter((o) => o.kind === 'Probe');
      assert.ok(probes.length >= 4, `${probes.length} probes`);
      for (const probe of probes) {
        const [host, port] = probe.spec.prober.url.split(':');
        const [svcName, svcNamespace] = host.split('.');
        const service = render.objects.find((o) => o.object.kind === 'Service' && o.object.metadata?.name === svcName && o.object.metadata?.namespace === svcNamespace);
        assert.ok(service, `${probe.spec.prober.url} is a Service the charts render`);
        assert.ok((service.object.spec as any).ports.some((p: any) => p.port === Number(port)), `port ${port}`);
        const config = render.objects.find((o) => o.object.kind === 'ConfigMap' && o.release.chart === 'prometheus-blackbox-exporter')!;
        assert.ok(parse(config.object.data['blackbox.yaml']).modules[probe.spec.module], `module ${probe.spec.module}`);
      }
    });

    it("every platform route's backend is a Service the charts render (Argo CD, Grafana), on the port the route names", async () => {
      const render = await rendered();
      // Routes to the rendered apps' Services (catalog/services.ts, catalog/mlflow.ts) are checked against those apps (workloads, n8n, mlflow tests).
      const appServices = [...Object.values(SERVICES), MLFLOW_SERVER];
      for (const r of PLATFORM_ROUTE_LIST.filter((x) => !appServices.some((s) => s.name === x.service && s.namespace === x.namespace))) {
        const service = render.objects.find((o) => o.object.kind === 'Service' && o.object.metadata?.name === r.service && o.object.metadata?.namespace === r.namespace);
        assert.ok(service, `${r.host}: Service ${r.namespace}/${r.service}`);
        assert.ok((service.object.spec as any).ports.some((p: any) => p.port === r.port), `${r.host}: port ${r.port}`);
      }
      assert.equal(render.objects.filter((o) => ['Ingress', 'IngressClass'].includes(o.object.kind)).length, 0, 'no chart renders an Ingress');
    });

    it(`every namespace holds its pods at maximum scale within its quota (${maxNodes} nodes), every container sized explicitly, none CPU-limited`, async (t) => {
      const render = await rendered();
      // The observability namespace also runs the pods its rendered app adds (Thanos): they count against the same quota.
      const app = renderedApp(env, 'observability');
      assert.ok(podSources(app).length >= 3, 'the rendered Thanos pods are counted');
      const report = capacityReport({ objects: [...render.objects, ...app], ...namespaceLimits(env), maxNodes });
      assert.deepEqual({ overQuota: report.overQuota, unsized: report.unsized, cpuLimited: report.cpuLimited }, { overQuota: [], unsized: [], cpuLimited: [] });
      const obs = report.usage.find((u) => u.namespace === OBSERVABILITY_NAMESPACE)!;
      t.diagnostic(`${OBSERVABILITY_NAMESPACE} with the rendered app: ${obs.pods} pods, ${(obs.cpuRequest).toFixed(2)} CPU requested, ${(obs.memoryLimit / 2 ** 30).toFixed(1)}Gi memory limits (quota ${obs.quota?.pods} pods, ${obs.quota?.cpu} CPU, ${obs.quota?.memory})`);
      // Negative control: the rendered pods are what tips a quota sized for the charts alone.
      const quotas = namespaceLimits(env);
      const charts = capacityReport({ objects: render.objects, ...quotas, maxNodes }).usage.find((n) => n.namespace === OBSERVABILITY_NAMESPACE)!;
      const tight = new Map(quotas.quotas);
      tight.set(OBSERVABILITY_NAMESPACE, { ...tight.get(OBSERVABILITY_NAMESPACE)!, pods: charts.pods });
      const over = capacityReport({ objects: [...render.objects, ...app], quotas: tight, limitRanges: quotas.limitRanges, maxNodes }).overQuota;
      assert.equal(over.length, 1);
      assert.match(over[0], new RegExp(`^${OBSERVABILITY_NAMESPACE}: \\d+ pods > quota ${charts.pods}$`));
    });

    it("the dead-man's switch as the chart deploys it: the chart's own Watchdog rule, with its labels, routes to the heartbeat receiver in the Alertmanager Secret the chart renders", async () => {
      const render = await rendered();
      const watchdog = render.objects
        .filter((o) => o.object.kind === 'PrometheusRule')
        .flatMap((o) => (o.object.spec as any).groups.flatMap((g: any) => g.rules))
        .find((r: any) => r.alert === 'Watchdog');
      assert.ok(watchdog, 'kube-prometheus-stack renders the Watchdog rule');
      const secret = render.objects.find((o) => o.object.kind === 'Secret' && o.object.metadata?.name === 'alertmanager-kube-prometheus-stack-alertmanager')!.object as any;
      const file = join(mkdtempSync(join(tmpdir(), 'am-chart-')), 'alertmanager.yaml');
      writeFileSync(file, Buffer.from(secret.data['alertmanager.yaml'], 'base64'));
      assert.equal(runTool('amtool', ['check-config', file]).status, 0);
      const labels = Object.entries({ alertname: 'Watchdog', namespace: OBSERVABILITY_NAMESPACE, ...watchdog.labels }).map(([k, v]) => `${k}=${v}`);
      assert.equal(runTool('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).stdout.trim(), HEARTBEAT_RECEIVER, labels.join(' '));
      // The receiver's URL file is in the Secret the Alertmanager pods mount.
      const alertmanager = render.objects.find((o) => o.object.kind === 'Alertmanager')!.object as any;
      assert.ok(alertmanager.spec.secrets.includes(ALERTMANAGER_RECEIVERS_SECRET));
    });

    it("Thanos against the chart: Query reaches every sidecar through the chart's discovery Service; the sidecar runs Query's release; Grafana's Prometheus data source is Query", async () => {
      const render = await rendered();
      const app = renderedApp(env, 'observability').map((o) => o.object);
      const all = [...render.objects.map((o) => o.object), ...app];
      const query = app.find((o) => o.kind === 'Deployment' && o.metadata?.name === THANOS.query.name) as any;
      const endpoints = endpointFlags(query.spec.template.spec.containers[0].args);
      const sidecars = grpcEndpoint(SIDECAR_DISCOVERY_SERVICE.name, SIDECAR_DISCOVERY_SERVICE.portName);
      assert.ok(endpoints.includes(sidecars), endpoints.join(' '));
      for (const e of endpoints) assert.deepEqual(endpointProblems(e, all), [], e);
      // Negative controls: without the chart's discovery Service, or with a Prometheus that runs no sidecar.
      const withoutDiscovery = all.filter((o) => !(o.kind === 'Service' && o.metadata?.name === SIDECAR_DISCOVERY_SERVICE.name));
      assert.deepEqual(endpointProblems(sidecars, withoutDiscovery), [`${sidecars}: no Service ${OBSERVABILITY_NAMESPACE}/${SIDECAR_DISCOVERY_SERVICE.name} is rendered`]);
      const noSidecar = all.map((o) => (o.kind === 'Prometheus' ? { ...o, spec: { ...(o.spec as any), thanos: undefined } } : o));
      assert.match(endpointProblems(sidecars, noSidecar)[0], /no pod behind Service .* serves port grpc/);

      // The operator gives the sidecar the release Query, Store Gateway and Compactor run, and labels each replica with the label Query deduplicates on.
      const operatorArgs = render.objects.flatMap((o) => (o.object.kind === 'Deployment' ? ((o.object.spec as any).template.spec.containers as any[]).flatMap((c) => c.args ?? []) : []));
      const base = operatorArgs.find((a: string) => a.startsWith('--thanos-default-base-image='));
      assert.equal(base?.split(':').pop(), THANOS_VERSION);
      const prometheus = render.objects.find((o) => o.object.kind === 'Prometheus')!.object as any;
      assert.ok([undefined, '', PROMETHEUS_REPLICA_LABEL].includes(prometheus.spec.replicaExternalLabelName), 'the operator default, prometheus_replica');
      assert.equal(prometheus.spec.replicaExternalLabelNameClear, undefined);
      assert.equal(prometheus.spec.storage.volumeClaimTemplate.spec.storageClassName, PLATFORM_STORAGE_CLASSES.premiumDisks.name);
      // The missing-endpoint alerts expect one sidecar per Prometheus replica and every Store Gateway replica.
      const rules = (app.find((o) => o.kind === 'PrometheusRule' && o.metadata?.name === 'thanos') as any).spec.groups[0].rules.filter((r: any) => r.alert === 'ThanosQueryMissingEndpoints');
      const store = app.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === THANOS.store.name) as any;
      const want = Object.fromEntries(rules.map((r: any) => [r.labels.store_type, Number(/< (\d+)$/.exec(r.expr)![1])]));
      assert.deepEqual(want, { sidecar: prometheus.spec.replicas, store: store.spec.replicas });

      // Grafana's default Prometheus data source, as the chart writes it, is Query's HTTP Service.
      const cm = render.objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata?.name === 'kube-prometheus-stack-grafana-datasource')!.object as any;
      const datasources = parse(cm.data['datasource.yaml']).datasources as any[];
      const prom = datasources.filter((d) => d.type === 'prometheus');
      assert.deepEqual(prom.map((d) => [d.uid, d.url, d.isDefault]), [['prometheus', THANOS_QUERY_URL, true]]);
      const url = new URL(THANOS_QUERY_URL);
      assert.deepEqual(endpointProblems(`${url.hostname}:${url.port}`, all), []);
      const svc = app.find((o) => o.kind === 'Service' && o.metadata?.name === url.hostname.split('.')[0]) as any;
      assert.equal(svc.spec.ports.find((p: any) => p.port === Number(url.port)).name, THANOS_PORTS.http.name);
    });
  });
}

describe('chart rendering: the add-on exemptions', () => {
  it('each add-on exemption from read-only root filesystems, ephemeral storage and the registry allow-list is needed by an object some environment renders', async () => {
    const needed = new Set<string>();
    const present = new Set<string>();
    for (const env of inputs.allEnvironments) {
      const render = await renders.get(env.name)!;
      for (const v of await unexemptedViolations(env, render)) {
        needed.add(`${v.constraint.metadata.name}: ${v.violatingObject.metadata.namespace}`);
      }
      for (const o of render.objects) if (o.object.metadata?.namespace) present.add(o.object.metadata.namespace);
    }
    const exemptions = CHECKED_EXEMPTIONS.flatMap((rule) =>
      POLICIES.find((p) => p.dir === rule)!
        .exemptions.filter((e) => present.has(e.namespace) && !SYSTEM_NAMESPACES.has(e.namespace))
        .map((e) => `${rule}: ${e.namespace}`),
    );
    assert.ok(exemptions.length > 0 && needed.size > 0, 'the check sees exemptions and what needs them');
    assert.deepEqual(exemptions.filter((e) => !needed.has(e)), [], 'exemptions no rendered object needs: remove them from charts/policies/catalog.ts');
  });
});

/**
 * Where Envoy Gateway's extension manager points (its rendered EnvoyGateway config) must be the AI
 * gateway controller's Service, on a port it serves, selecting pods with the labels the namespace
 * policies admit on that port; and Envoy Gateway's controller pods must carry the labels the AI
 * gateway namespace admits them by.
 */
function extensionWiring(config: any, aiGateway: any[], envoyGateway: any[]): string[] {
  const out: string[] = [];
  const { hostname, port } = config.extensionManager?.service?.fqdn ?? {};
  const [name, namespace] = String(hostname).split('.');
  const svc = aiGateway.find((o) => o.kind === 'Service' && o.metadata?.name === name && o.metadata?.namespace === namespace);
  if (!svc || hostname !== `${name}.${namespace}.svc.cluster.local`) return [`extension server ${hostname}: no Service ${name} in ${namespace}`];
  if (!svc.spec.ports.some((p: any) => p.port === port)) out.push(`Service ${name} has no port ${port}`);
  const pods = aiGateway.find((o) => o.kind === 'Deployment' && Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels?.[k] === v));
  if (!pods) out.push(`Service ${name} selects no Deployment of the chart`);
  else if (!Object.entries(AI_GATEWAY_CONTROLLER_LABELS).every(([k, v]) => pods.spec.template.metadata.labels[k] === v)) out.push('the controller pods lack AI_GATEWAY_CONTROLLER_LABELS');
  const admitted = PLATFORM_NAMESPACES.find((n) => n.name === namespace)?.ingressFrom?.find((p) => p.ports?.includes(port));
  const egPods = envoyGateway.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'envoy-gateway');
  if (!admitted || !egPods || !Object.entries(admitted.pods ?? {}).every(([k, v]) => egPods.spec.template.metadata.labels?.[k] === v)) out.push(`namespace ${namespace} does not admit Envoy Gateway's controller pods on ${port}`);
  return out;
}
