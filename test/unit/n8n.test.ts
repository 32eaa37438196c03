/**
 * The n8n app (rendered/<env>/n8n) for dev (tags) and prod (digests from the fixture lock):
 * upstream schemas, Pod Security restricted, the platform's Gatekeeper constraints, the wiring of
 * every Service, NetworkPolicy, ServiceMonitor, autoscaler and secret reference, the namespace
 * quota at full scale, the routes and the orchestrator's side, and bad workflow files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { loadInputs } from '../../config/inputs';
import { workloadApps } from '../../charts/workloads/apps';
import { credentialKey, credentialTemplate } from '../../charts/control-plane/n8n-import';
import { EdgeChart } from '../../charts/edge/chart';
import { gatewaySignIn } from '../../charts/edge/sign-in';
import { loadServiceContract } from '../../config/gateway-contract';
import type { HostLimits } from '../../catalog/routes';
import { environmentPolicyObjects, toYaml } from '../../cli/lib/gatekeeper';
import { platformApps } from '../../cli/lib/render';
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE, PLATFORM_HOSTS } from '../../catalog/edge';
import { N8N_APPROVAL_WEBHOOK_PATH, N8N_QUEUE_WAITING_LIST, N8N_SECRETS, N8N_WORKFLOW_ENV } from '../../catalog/n8n';
import { credentialSecrets, N8N_CREDENTIALS } from '../../catalog/n8n-credentials';
import { PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { PLATFORM_ROUTES } from '../../catalog/routes';
import { N8N_NAMESPACE, SERVICES } from '../../catalog/services';
import { loadN8nWorkflows } from '../../config/n8n-workflows';
import { parseQuantity } from '../../config/quantity';
import { ValidationError } from '../../config/yaml-validate';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { podSecurityViolations } from '../helpers/pod-security';
import { runTool } from '../helpers/tools';
import { wiringProblems } from '../helpers/wiring';

const FIXTURE_LOCK = resolve(__dirname, '../fixtures/workloads/images.lock.yaml');
const BAD_WORKFLOWS = resolve(__dirname, '../fixtures/n8n-workflows/bad');
const inputs = loadInputs();
const env = (name: string) => inputs.allEnvironments.find((e) => e.name === name)!;
type Json = Record<string, any>;

function renderApp(envName: string, files: Parameters<typeof workloadApps>[0] = {}, app = 'n8n'): Json[] {
  const a = new App();
  workloadApps(files)[app](a, { env: env(envName), models: inputs.models, tenants: inputs.tenants });
  return parseAllDocuments(a.synthYaml()).map((d) => d.toJS()).filter(Boolean);
}

const dev = renderApp('dev');
const prod = renderApp('prod', { lockFile: FIXTURE_LOCK });
const byKind = (objs: Json[], kind: string) => objs.filter((o) => o.kind === kind);
const named = (objs: Json[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name)!;
const podSpecs = (objs: Json[]) => objs.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ o, spec: o.spec.template.spec }));
const configOf = (objs: Json[]) => named(objs, 'ConfigMap', 'n8n-config').data as Record<string, string>;

describe('n8n: rendering', () => {
  it('renders main, webhook and worker Deployments, the import Job and their objects in namespace n8n, dev and prod', () => {
    for (const objs of [dev, prod]) {
      assert.deepEqual(byKind(objs, 'Deployment').map((d) => d.metadata.name).sort(), [SERVICES.n8n.name, SERVICES.n8nWebhook.name, SERVICES.n8nWorker.name].sort());
      assert.equal(byKind(objs, 'Job').length, 1);
      for (const o of objs) assert.equal(o.metadata.namespace, N8N_NAMESPACE, `${o.kind} ${o.metadata.name}`);
    }
    for (const { spec } of podSpecs(prod)) for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) assert.match(c.image, /\/mirror\/n8nio\/n8n:2\.41\.3@sha256:[a-f0-9]{64}$/);
  });

  it('prod without a promoted n8n digest renders nothing, dev runs the tag', () => {
    assert.equal(renderApp('prod').length, 0);
    assert.match(byKind(dev, 'Deployment')[0].spec.template.spec.containers[0].image, /\/mirror\/n8nio\/n8n:2\.41\.3$/);
  });

  it('is an Argo CD app of its own namespace, after its add-ons, before the routes', () => {
    for (const name of ['dev', 'prod']) {
      const app = platformApps(env(name)).find((a) => a.name === 'n8n')!;
      assert.deepEqual(app, { name: 'n8n', namespace: N8N_NAMESPACE, wave: 1 });
      assert.ok(platformApps(env(name)).find((a) => a.name === 'edge')!.wave > app.wave);
    }
  });

  it('every object validates against the upstream Kubernetes and CRD schemas (KEDA, External Secrets, Prometheus operator)', async () => {
    assert.deepEqual(await schemaErrors([...dev, ...prod] as KubeObject[]), []);
  });

  it('no Secret is rendered and no secret value is in the environment: the key and passwords are files from Key Vault', () => {
    for (const o of [...dev, ...prod]) assert.notEqual(o.kind, 'Secret');
    const cfg = configOf(dev);
    const secrets = named(dev, 'ExternalSecret', 'n8n-secrets');
    const mount = byKind(dev, 'Deployment')[0].spec.template.spec.containers[0].volumeMounts.find((m: Json) => m.name === 'secrets').mountPath;
    const keys = secrets.spec.data.map((d: Json) => d.secretKey);
    for (const v of ['N8N_ENCRYPTION_KEY', 'DB_POSTGRESDB_PASSWORD', 'QUEUE_BULL_REDIS_PASSWORD']) {
      assert.equal(cfg[v], undefined, v);
      const file = cfg[`${v}_FILE`];
      assert.ok(file?.startsWith(`${mount}/`), `${v}_FILE under the secret mount`);
      assert.ok(keys.includes(file.slice(mount.length + 1)), `${v}_FILE is a key of the ExternalSecret`);
    }
    assert.deepEqual(secrets.spec.data.map((d: Json) => d.remoteRef.key).sort(), Object.values(N8N_SECRETS).sort());
    for (const d of byKind(dev, 'Deployment')) assert.ok(!d.spec.template.spec.containers[0].envFrom.some((f: Json) => f.secretRef), 'no secret as environment');
  });
});

describe('n8n: security and policy', () => {
  for (const [name, objs] of [['dev', dev], ['prod', prod]] as const) {
    it(`${name}: every pod meets Pod Security restricted (upstream checks), read-only root, memory request = limit`, () => {
      for (const { o, spec } of podSpecs(objs)) {
        assert.deepEqual(podSecurityViolations(spec, o.spec.template.metadata?.annotations ?? {}), [], o.metadata.name);
        assert.equal(spec.automountServiceAccountToken, false);
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          assert.equal(c.securityContext.readOnlyRootFilesystem, true);
          assert.equal(c.resources.requests.memory, c.resources.limits.memory);
          assert.ok(c.resources.requests['ephemeral-storage'] && c.resources.limits['ephemeral-storage']);
        }
      }
    });

    it(`${name}: gator with the environment's constraints finds nothing`, () => {
      const file = join(mkdtempSync(join(tmpdir(), 'gator-n8n-')), 'all.yaml');
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: N8N_NAMESPACE, labels: { 'kubernetes.io/metadata.name': N8N_NAMESPACE, 'pod-security.kubernetes.io/enforce': 'restricted' } } };
      writeFileSync(file, toYaml([...environmentPolicyObjects(env(name)), ns, ...objs]));
      const res = runTool('gator', ['test', '--filename', file, '--output', 'json']);
      const violations = ((res.stdout.trim() ? JSON.parse(res.stdout) : null) ?? []) as Json[];
      assert.deepEqual(violations.filter((v) => v.violatingObject?.kind !== 'Namespace').map((v) => `${v.constraint.metadata.name}: ${v.msg}`), []);
    });
  }

  it('the namespace is restricted and its quota holds prod at full scale (rolling surge included); a quota one pod short fails (negative control)', () => {
    const ns = PLATFORM_NAMESPACES.find((n) => n.name === N8N_NAMESPACE)!;
    assert.equal(ns.podSecurity, 'restricted');
    const quota = ns.quota as { cpu: string; memory: string; pods: number };
    const usage = (objs: Json[]) => {
      let cpu = 0, memory = 0, pods = 0;
      for (const o of objs.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
        const scaler = objs.find((s) => (s.kind === 'HorizontalPodAutoscaler' || s.kind === 'ScaledObject') && s.spec.scaleTargetRef.name === o.metadata.name);
        const max = o.kind === 'Job' ? 1 : scaler ? (scaler.spec.maxReplicas ?? scaler.spec.maxReplicaCount) : o.spec.replicas;
        const surge = o.spec.strategy?.type === 'RollingUpdate' ? Math.ceil(max * 0.25) : 0;
        const spec = o.spec.template.spec;
        const sum = (cs: Json[], k: 'requests' | 'limits', r: string) => cs.reduce((n, c) => n + parseQuantity(c.resources[k][r])!, 0);
        const initMax = (k: 'requests' | 'limits', r: string) => Math.max(0, ...(spec.initContainers ?? []).map((c: Json) => parseQuantity(c.resources[k][r])!));
        const n = max + surge;
        cpu += n * Math.max(sum(spec.containers, 'requests', 'cpu'), initMax('requests', 'cpu'));
        memory += n * Math.max(sum(spec.containers, 'limits', 'memory'), initMax('limits', 'memory'));
        pods += n;
      }
      return { cpu, memory, pods };
    };
    const fits = (u: ReturnType<typeof usage>, q: typeof quota) => u.cpu <= parseQuantity(q.cpu)! && u.memory <= parseQuantity(q.memory)! && u.pods <= q.pods;
    const u = usage(prod);
    assert.ok(u.pods >= 20, `prod at its maxima: ${u.pods} pods`);
    assert.ok(fits(u, quota), `prod needs ${u.cpu} CPU, ${u.memory / 2 ** 30}Gi, ${u.pods} pods; quota ${JSON.stringify(quota)}`);
    assert.equal(fits(u, { ...quota, pods: u.pods - 1 }), false);
    for (const { spec } of podSpecs(prod)) for (const c of spec.containers) {
      assert.ok(parseQuantity(c.resources.limits.memory)! <= parseQuantity(ns.containerMaximum.memory)!);
      assert.ok(parseQuantity(c.resources.limits.cpu)! / parseQuantity(c.resources.requests.cpu)! <= ns.containerMaximum.ratio);
    }
  });
});

describe('n8n: wiring', () => {
  it('every Service, ServiceMonitor, NetworkPolicy, autoscaler, ServiceAccount, ConfigMap and Secret reference resolves (dev and prod)', () => {
    assert.deepEqual(wiringProblems(dev), []);
    assert.deepEqual(wiringProblems(prod), []);
  });

  it('negative control: a renamed Secret, a Service without pods and a ServiceMonitor on a missing port are each reported', () => {
    const broken = structuredClone(dev);
    named(broken, 'ExternalSecret', 'n8n-secrets').spec.target.name = 'n8n-secret-renamed';
    named(broken, 'Service', SERVICES.n8nWorker.name).spec.selector = { 'app.kubernetes.io/name': 'nobody' };
    named(broken, 'ServiceMonitor', SERVICES.n8n.name).spec.endpoints[0].port = 'metrics';
    const problems = wiringProblems(broken).join('\n');
    assert.match(problems, /volume secrets: Secret n8n-secrets is not rendered/);
    assert.match(problems, /TriggerAuthentication n8n-worker-redis password: Secret n8n-secrets is not rendered/);
    assert.match(problems, /Service n8n-worker selects no pods/);
    assert.match(problems, /ServiceMonitor n8n: no Service port named metrics/);
  });

  it('KEDA scales the workers on the Bull waiting list in the n8n Redis, TLS, password from the mounted Secret, one worker per concurrency', () => {
    const so = named(prod, 'ScaledObject', SERVICES.n8nWorker.name);
    const cfg = configOf(prod);
    const [trigger] = so.spec.triggers;
    assert.equal(trigger.type, 'redis');
    assert.equal(trigger.metadata.listName, N8N_QUEUE_WAITING_LIST);
    assert.equal(N8N_QUEUE_WAITING_LIST, `${cfg.QUEUE_BULL_PREFIX}:jobs:wait`);
    assert.equal(trigger.metadata.address, `${cfg.QUEUE_BULL_REDIS_HOST}:${cfg.QUEUE_BULL_REDIS_PORT}`);
    assert.equal(trigger.metadata.enableTLS, 'true');
    const worker = named(prod, 'Deployment', SERVICES.n8nWorker.name).spec.template.spec.containers[0];
    assert.equal(worker.args.join(' '), `worker --concurrency=${trigger.metadata.listLength}`);
    assert.match(cfg.QUEUE_BULL_REDIS_HOST, /n8n.*\.redis\.cache\.windows\.net$/, 'the dedicated cache, not the Entra-only one');
    assert.equal(cfg.EXECUTIONS_MODE, 'queue');
  });

  it('execution data is pruned as configured; telemetry to n8n is off; metrics on', () => {
    const cfg = configOf(prod);
    assert.equal(cfg.EXECUTIONS_DATA_PRUNE, 'true');
    assert.ok(Number(cfg.EXECUTIONS_DATA_MAX_AGE) > 0 && Number(cfg.EXECUTIONS_DATA_PRUNE_MAX_COUNT) > 0);
    assert.equal(cfg.N8N_DIAGNOSTICS_ENABLED, 'false');
    assert.equal(cfg.N8N_METRICS, 'true');
  });

  it('the workflows read only variables the ConfigMap sets; the orchestrator URL is the catalogue Service', () => {
    const cfg = configOf(dev);
    for (const k of Object.keys(N8N_WORKFLOW_ENV)) assert.ok(cfg[k], k);
    const o = SERVICES.orchestrator;
    assert.equal(cfg.PLATFORM_ORCHESTRATOR_URL, `http://${o.name}.${o.namespace}.svc.cluster.local:${o.httpPort}`);
  });

  it('the import Job runs after the sync, credentials first, from the ConfigMap of the shipped workflows', () => {
    const job = byKind(dev, 'Job')[0];
    assert.equal(job.metadata.annotations['argocd.argoproj.io/hook'], 'PostSync');
    const spec = job.spec.template.spec;
    assert.deepEqual(spec.initContainers[0].args.slice(0, 2), ['import:credentials', '--separate']);
    assert.deepEqual(spec.containers[0].args, ['import:workflow', '--separate', '--input=/import/workflows', '--activeState=fromJson']);
    const cm = named(dev, 'ConfigMap', 'n8n-workflows');
    assert.deepEqual(Object.keys(cm.data).sort(), loadN8nWorkflows().map((w) => w.file).sort());
  });

  it('every catalogued credential is templated from its Key Vault secrets into the file n8n imports', () => {
    const es = named(dev, 'ExternalSecret', 'n8n-credentials');
    assert.deepEqual([...new Set(es.spec.data.map((d: Json) => d.remoteRef.key))].sort(), credentialSecrets());
    for (const c of N8N_CREDENTIALS) {
      const template = es.spec.target.template.data[`${c.id}.json`];
      assert.equal(template, credentialTemplate(c));
      // Fill the template as External Secrets would (index . "<key>" | toJson), then read it as n8n does.
      const filled = template.replace(/\{\{ index \. "([^"]+)" \| toJson \}\}/g, (_m: string, key: string) => {
        assert.ok(es.spec.data.some((d: Json) => d.secretKey === key), `${key} is fetched`);
        return JSON.stringify(`value of ${key}`);
      });
      const file = JSON.parse(filled);
      assert.deepEqual({ id: file.id, name: file.name, type: file.type }, { id: c.id, name: c.name, type: c.type });
      for (const [field, source] of Object.entries(c.data)) assert.deepEqual(file.data[field], 'secret' in source ? `value of ${credentialKey(c, field)}` : source.value);
    }
  });
});

describe('n8n: network and routes', () => {
  const policy = (name: string) => named(prod, 'NetworkPolicy', name).spec;
  const envoy = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NAMESPACE } }, podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } } };

  it('main and webhook admit the Gateway proxies (webhook also the orchestrator), workers only Prometheus', () => {
    assert.deepEqual(policy(SERVICES.n8n.name).ingress[0].from, [envoy]);
    const hooks = policy(SERVICES.n8nWebhook.name).ingress[0].from;
    assert.deepEqual(hooks[0], envoy);
    assert.deepEqual(hooks[1].podSelector.matchLabels, { 'app.kubernetes.io/name': SERVICES.orchestrator.name });
    const worker = policy(SERVICES.n8nWorker.name);
    assert.equal(worker.ingress.length, 1);
    assert.deepEqual(worker.ingress[0].from[0].namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': 'observability' });
  });

  it('egress: the private endpoints on 5432 and 6380 for all, the orchestrator and the notification endpoints for the workers only', () => {
    const pe = env('prod').network.subnets.privateEndpoints;
    for (const name of [SERVICES.n8n.name, SERVICES.n8nWebhook.name, 'n8n-import']) {
      assert.deepEqual(policy(name).egress.map((r: Json) => `${r.to[0].ipBlock?.cidr}:${r.ports[0].port}`), [`${pe}:5432`, `${pe}:6380`]);
    }
    const worker = policy(SERVICES.n8nWorker.name).egress;
    assert.ok(worker.some((r: Json) => r.to[0].podSelector?.matchLabels['app.kubernetes.io/name'] === SERVICES.orchestrator.name && r.ports[0].port === SERVICES.orchestrator.httpPort));
    assert.ok(worker.some((r: Json) => r.ports[0].port === 587), 'SMTP submission');
  });

  it("the orchestrator's side (agent-services) admits the n8n workers and reaches the approval webhook of a shipped workflow", () => {
    const agents = renderApp('prod', { lockFile: FIXTURE_LOCK }, 'agent-services');
    const orch = named(agents, 'NetworkPolicy', SERVICES.orchestrator.name).spec;
    assert.ok(orch.ingress[0].from.some((p: Json) => p.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === N8N_NAMESPACE && p.podSelector.matchLabels['app.kubernetes.io/name'] === SERVICES.n8nWorker.name));
    const url = named(agents, 'ConfigMap', `${SERVICES.orchestrator.name}-config`).data.N8N_APPROVAL_URL;
    const w = SERVICES.n8nWebhook;
    assert.equal(url, `http://${w.name}.${w.namespace}.svc.cluster.local:${w.httpPort}/webhook/${N8N_APPROVAL_WEBHOOK_PATH}`);
    assert.ok(named(prod, 'Service', w.name).spec.ports.some((p: Json) => p.port === w.httpPort));
    const served = loadN8nWorkflows().flatMap((f) => f.workflow.nodes).filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => `${n.parameters.httpMethod} ${n.parameters.path}`);
    assert.ok(served.includes(`POST ${N8N_APPROVAL_WEBHOOK_PATH}`));
  });

  it('the edge routes n8n.<zone> to the main Service and hooks.<zone> (webhook paths only, own rate limit) to the webhook Service', () => {
    const a = new App();
    const e = env('prod');
    new EdgeChart(a, 'edge', { env: 'prod', zone: e.dns.zoneName, probes: false, signIn: gatewaySignIn(e.network.edge.signIn!, e.aks.adminGroupObjectIds), contracts: { agentGateway: loadServiceContract().operations } });
    const edge = parseAllDocuments(a.synthYaml()).map((d) => d.toJS()).filter(Boolean) as Json[];
    const limits = (h: 'n8n' | 'n8n-hooks') => PLATFORM_ROUTES[h] as HostLimits & (typeof PLATFORM_ROUTES)[typeof h];
    for (const host of ['n8n', 'n8n-hooks'] as const) {
      const r = limits(host);
      const route = edge.find((o) => o.kind === 'HTTPRoute' && o.spec.hostnames[0] === `${PLATFORM_HOSTS[host].label}.${env('prod').dns.zoneName}`)!;
      assert.equal(route.metadata.namespace, N8N_NAMESPACE);
      const backend = route.spec.rules[0].backendRefs[0];
      const svc = named(prod, 'Service', backend.name);
      assert.ok(svc && svc.spec.ports.some((p: Json) => p.port === backend.port), `${host}: Service ${backend.name}:${backend.port}`);
      const limit = edge.find((o) => o.kind === 'BackendTrafficPolicy' && o.spec.targetRefs[0].name === route.metadata.name)!;
      assert.equal(limit.spec.rateLimit.local.rules[0].limit.requests, r.requestsPerSecond);
    }
    const hooks = edge.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'platform-n8n-hooks')!;
    assert.deepEqual(hooks.spec.rules[0].matches.map((m: Json) => m.path.value), ['/webhook', '/webhook-waiting', '/healthz']);
    assert.ok(limits('n8n-hooks').paths!.includes(limits('n8n-hooks').healthPath), 'the probe path is routed');
    assert.ok(limits('n8n-hooks').requestsPerSecond < limits('n8n').requestsPerSecond);
    // The editor signs in at the Gateway (n8n's OIDC is licensed); the webhooks authenticate themselves (basic auth, header auth).
    assert.equal(PLATFORM_ROUTES.n8n.signIn, true);
    assert.ok(!PLATFORM_ROUTES['n8n-hooks'].signIn);
    const policy = edge.find((o) => o.kind === 'SecurityPolicy' && o.spec.targetRefs[0].name === 'platform-n8n')!;
    assert.equal(policy.metadata.namespace, N8N_NAMESPACE);
    assert.equal(policy.spec.authorization.defaultAction, 'Deny');
    assert.equal(edge.filter((o) => o.kind === 'SecurityPolicy' && o.spec.targetRefs[0].name === 'platform-n8n-hooks').length, 0);
  });
});

describe('n8n: bad workflow files', () => {
  it('invalid JSON and an unknown credential: every problem located (file:line:col), nothing rendered', () => {
    let err: unknown;
    try {
      renderApp('dev', { n8nWorkflowsDir: BAD_WORKFLOWS });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ValidationError, 'rendering stops');
    const text = err.message;
    assert.match(text, /test\/fixtures\/n8n-workflows\/bad\/broken\.json:5:3 not valid JSON: expected ',' or '}', found "\\""/);
    assert.match(text, /unknown-credential\.json:137:27 nodes\.4\.credentials\.httpHeaderAuth: node "Dispatch to orchestrator" references unknown credential httpHeaderAuth "Somebody else" \(id doesNotExist\)/);
    assert.match(text, /unknown-credential\.json:126:16 nodes\.4\.parameters\.url: .*reads \$env\.DB_POSTGRESDB_PASSWORD/);
    assert.match(text, /unknown-credential\.json:115:5 nodes\.4\.retryOnFail: .*does not retry/);
    assert.match(text, /hint: /);
    assert.equal(err.problems.length, 4, 'one problem each, all files at once');
  });

  it('the shipped workflows load (positive control) and point at the dead-letter workflow', () => {
    const wfs = loadN8nWorkflows();
    assert.ok(wfs.length >= 3);
    const dlq = wfs.find((w) => w.workflow.nodes.some((n) => n.type === 'n8n-nodes-base.errorTrigger'))!;
    for (const w of wfs) if (w !== dlq) assert.equal(w.workflow.settings.errorWorkflow, dlq.workflow.id, w.file);
    const waits = wfs.flatMap((w) => w.workflow.nodes).filter((n) => n.type === 'n8n-nodes-base.wait');
    assert.ok(waits.length >= 2 && waits.every((n) => n.parameters.limitWaitTime === true), 'approvals time out and escalate');
  });
});
