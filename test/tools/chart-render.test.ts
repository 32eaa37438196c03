/**
 * The add-ons against their real Helm charts: every `helm_release` of every environment is
 * rendered with `helm template` from its pinned chart archive, with exactly the values the stacks
 * synthesize, at the environment's Kubernetes version. The objects the charts really create are
 * then held to upstream schemas, Pod Security of their namespaces, the platform's own Gatekeeper
 * constraints (and each add-on exemption must still be needed), and the namespace quotas at
 * maximum scale. Each check has a negative control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ADDONS, ADDON_NAMES, releaseName, type AddonName } from '../../catalog/addons';
import { PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { LOG_AGENT_NAMESPACE, LOKI_GATEWAY_POD_LABELS, LOKI_GATEWAY_POD_PORT, OTEL_LOG_AGENT_NAME } from '../../catalog/cluster-names';
import { maxNodeCount } from '../../catalog/node-pools';
import { loadInputs } from '../../config/inputs';
import type { EnvironmentConfig } from '../../config/schema';
import { POLICIES, SYSTEM_EXEMPTIONS } from '../../charts/policies/catalog';
import { referencePod } from '../../charts/policies/samples';
import { callAsync, gatorCall, gatorViolations, type GatorResult } from '../../cli/lib/tools';
import { stackManifests } from '../../cli/lib/stack-manifests';
import {
  chartArchive,
  ChartUnavailableError,
  describeObject,
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
import { ROOT } from '../helpers/tools';

const inputs = loadInputs();
const app = synthApp();
const stacksOf = (env: EnvironmentConfig) => [`${env.name}-addons`, `${env.name}-observability`];

/** The rules whose add-on exemptions must each be needed by a rendered object (charts/policies/catalog.ts). */
const CHECKED_EXEMPTIONS = ['readonly-root-filesystem', 'ephemeral-storage'];
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
    run = callAsync(gatorCall([...policies, ...namespaceObjects(env), ...render.objects.map((o) => o.object)]));
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

    it('every helm_release of the add-on and observability stacks renders from its pinned chart archive', async () => {
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
      for (const source of podSources(render.objects)) {
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
      const violations = gatorViolations([...policyApp(env), ...namespaceObjects(env), bad]);
      assert.deepEqual([...new Set(violations.map((v) => v.constraint.metadata.name))], ['pod-security']);
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

    it(`every namespace holds its pods at maximum scale within its quota (${maxNodes} nodes), every container sized explicitly, none CPU-limited`, async () => {
      const render = await rendered();
      const report = capacityReport({ objects: render.objects, ...namespaceLimits(env), maxNodes });
      assert.deepEqual({ overQuota: report.overQuota, unsized: report.unsized, cpuLimited: report.cpuLimited }, { overQuota: [], unsized: [], cpuLimited: [] });
    });
  });
}

describe('chart rendering: the add-on exemptions', () => {
  it('each add-on exemption from read-only root filesystems and ephemeral storage is needed by an object some environment renders', async () => {
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
