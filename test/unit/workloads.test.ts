/**
 * The workload apps (agent-services, llm-serving, llm-router) rendered for dev (tags) and prod
 * (digests from a fixture lock): upstream schemas, the platform's Gatekeeper constraints, and
 * properties every workload must have.
 */
import { MLFLOW_SERVER } from '../../catalog/mlflow';
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE } from '../../catalog/edge';
import { gatewaySignIn } from '../../charts/edge/sign-in';
import { EdgeChart } from '../../charts/edge/chart';
import { loadServiceContract } from '../../config/gateway-contract';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { loadInputs } from '../../config/inputs';
import { loadModelCatalogue } from '../../config/models';
import { workloadApps } from '../../charts/workloads/apps';
import { environmentPolicyObjects, toYaml } from '../../cli/lib/gatekeeper';
import { renderEnvironments } from '../../cli/lib/render';
import type { RenderContext } from '../../charts/app-builder';
import { N8N_NAMESPACE, SERVICES } from '../../catalog/services';
import { MCP_HUB_NAMESPACE } from '../../catalog/mcp-tools';
import { MCP_AUDIT_WRITER } from '../../catalog/audit';
import { SHELL_PROBED } from '../../charts/mcp-hub/audit-writer';
import { LEDGER_SHELL_PROBED } from '../../charts/ledger/chart';
import { TEAM_SPEND_QUERY } from '../../charts/workloads/spend-exporter';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { runTool } from '../helpers/tools';

const FIXTURES = resolve(__dirname, '../fixtures/workloads');
export const FIXTURE_LOCK = join(FIXTURES, 'images.lock.yaml');
const inputs = loadInputs();
const env = (name: string) => inputs.allEnvironments.find((e) => e.name === name)!;

/** app -> objects, rendered with the given files. */
export function render(envName: string, files: Parameters<typeof workloadApps>[0] = {}, ctx: Partial<RenderContext> = {}): Record<string, any[]> {
  const out: Record<string, any[]> = {};
  for (const [name, build] of Object.entries(workloadApps(files))) {
    const app = new App();
    build(app, { env: env(envName), models: inputs.models, tenants: inputs.tenants, ...ctx });
    out[name] = parseAllDocuments(app.synthYaml()).map((d) => d.toJS()).filter(Boolean);
  }
  return out;
}

/** Namespaces the workload apps render into: their own, and the Gateway's (the MCP hub's routes and policies). */
const WORKLOAD_NAMESPACES = ['platform', 'serving', MCP_HUB_NAMESPACE, GATEWAY_NAMESPACE, N8N_NAMESPACE];

/** As the add-ons stack creates them (gator needs a namespace's labels to match constraints). */
const PLATFORM_NAMESPACES = WORKLOAD_NAMESPACES.map((name) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, 'pod-security.kubernetes.io/enforce': 'restricted' } },
}));

/** Deployments whose load does not grow with traffic: a fixed replica count instead of an autoscaler. */
/** Images that serve no /metrics (Presidio: Flask under gunicorn, upstream app.py): no ServiceMonitor scraping a 404. */
const UNMONITORED = [SERVICES.presidioAnalyzer.name, SERVICES.presidioAnonymizer.name];
// MLflow: one replica, two where add-ons are highly available; a registry UI has no load to scale on.
const FIXED_REPLICAS = [SERVICES.spendExporter.name, MCP_AUDIT_WRITER.name, SERVICES.n8n.name, SERVICES.ledgerExporter.name, MLFLOW_SERVER.name];

const dev = render('dev');
const prod = render('prod', { lockFile: FIXTURE_LOCK });
const all = (r: Record<string, any[]>) => Object.values(r).flat();
const podSpecs = (objs: any[]) => objs.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ o, spec: o.spec.template.spec, labels: o.spec.template.metadata.labels }));
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('workloads: rendering', () => {
  it('renders all four apps for dev, and for prod once images are promoted', () => {
    for (const r of [dev, prod]) for (const app of ['agent-services', 'llm-serving', 'llm-router', 'edge-demo', 'n8n']) assert.ok(r[app].length > 5, app);
  });

  it('prod without promoted digests renders no workloads, and render still succeeds', () => {
    const fresh = render('prod', { lockFile: join(FIXTURES, 'missing.lock.yaml') });
    assert.deepEqual(Object.values(fresh).map((o) => o.length), Object.keys(fresh).map(() => 0));
  });

  it('re-rendering is byte-identical', () => {
    const once = renderEnvironments([env('dev')], inputs);
    const twice = renderEnvironments([env('dev')], inputs);
    assert.deepEqual([...once], [...twice]);
  });

  it('every object validates against the upstream Kubernetes and CRD schemas', async () => {
    for (const r of [dev, prod]) assert.deepEqual(await schemaErrors(all(r) as KubeObject[]), []);
  });

  it('no Secret is rendered: secrets come only from Key Vault through ExternalSecrets', () => {
    for (const o of [...all(dev), ...all(prod)]) {
      assert.notEqual(o.kind, 'Secret');
      if (o.kind === 'ExternalSecret') {
        assert.equal(o.apiVersion, 'external-secrets.io/v1');
        assert.deepEqual(o.spec.secretStoreRef, { kind: 'ClusterSecretStore', name: 'platform-key-vault' });
      }
    }
    const text = JSON.stringify(all(dev));
    assert.doesNotMatch(text, /password=|sk-[A-Za-z0-9]{10}/i);
  });

  it('conformance: gator test with each environment\'s constraints finds nothing', () => {
    for (const [name, r] of [['dev', dev], ['prod', prod]] as const) {
      const file = join(mkdtempSync(join(tmpdir(), 'gator-wl-')), 'all.yaml');
      writeFileSync(file, toYaml([...environmentPolicyObjects(env(name)), ...PLATFORM_NAMESPACES, ...all(r)]));
      const res = runTool('gator', ['test', '--filename', file, '--output', 'json']);
      const violations = (res.stdout.trim() ? (JSON.parse(res.stdout) as any[] | null) : null) ?? [];
      // The Namespaces are the add-ons stack's objects, judged by its own tests; here they only give gator labels to match.
      const ours = violations.filter((v) => v.violatingObject?.kind !== 'Namespace');
      assert.deepEqual(ours.map((v) => `${name} ${v.constraint.metadata.name}: ${v.msg}`), []);
    }
  });
});

describe('workloads: properties of every workload', () => {
  for (const [name, r] of [['dev', dev], ['prod', prod]] as const) {
    const objs = all(r);
    const acr = `craip${name}`;

    it(`${name}: every container is pinned to the environment ACR (digest in prod), resourced, non-root and restricted`, () => {
      for (const { o, spec } of podSpecs(objs)) {
        assert.equal(spec.securityContext.runAsNonRoot, true, o.metadata.name);
        assert.equal(spec.securityContext.seccompProfile.type, 'RuntimeDefault');
        assert.equal(spec.enableServiceLinks, false, o.metadata.name);
        assert.equal(spec.automountServiceAccountToken, false, o.metadata.name);
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          const where = `${o.metadata.name}/${c.name}`;
          assert.match(c.image, new RegExp(`^${acr}[a-z0-9]*\\.azurecr\\.io/`), where);
          assert.match(c.image, /:[A-Za-z0-9_][A-Za-z0-9_.-]*(@|$)/, `${where} has a tag`);
          assert.doesNotMatch(c.image, /:latest(@|$)/, where);
          if (name === 'prod') assert.match(c.image, /@sha256:[a-f0-9]{64}$/, `${where} pinned by digest`);
          for (const kind of ['requests', 'limits']) for (const res of ['cpu', 'memory']) assert.ok(c.resources?.[kind]?.[res], `${where} ${kind}.${res}`);
          assert.equal(c.resources.limits.memory, c.resources.requests.memory, `${where}: memory request = limit`);
          assert.equal(c.securityContext.allowPrivilegeEscalation, false, where);
          assert.equal(c.securityContext.readOnlyRootFilesystem, true, where);
          assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] }, where);
          assert.equal(c.securityContext.privileged, false, where);
        }
      }
    });

    it(`${name}: every Deployment is probed and has a PDB, a NetworkPolicy, an autoscaler, a Service and a ServiceMonitor`, () => {
      const deployments = objs.filter((o) => o.kind === 'Deployment');
      assert.ok(deployments.length >= 6);
      for (const d of deployments) {
        const labels = d.spec.template.metadata.labels;
        const ns = d.metadata.namespace;
        const sameNs = (kind: string) => objs.filter((o) => o.kind === kind && o.metadata.namespace === ns);
        for (const c of d.spec.template.spec.containers) {
          // Shell loops in images without an HTTP server (the MCP hub's audit writer) are probed by command; nothing else is.
          const shell = [...SHELL_PROBED, ...LEDGER_SHELL_PROBED].includes(`${d.metadata.name}/${c.name}`);
          for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) assert.ok(shell ? c[p]?.exec?.command?.length : c[p]?.httpGet?.path, `${d.metadata.name}/${c.name} ${p}`);
        }
        assert.ok(sameNs('PodDisruptionBudget').some((p) => matches(p.spec.selector.matchLabels, labels)), `${d.metadata.name}: PDB`);
        const policies = sameNs('NetworkPolicy').filter((p) => matches(p.spec.podSelector.matchLabels, labels));
        assert.ok(policies.length > 0, `${d.metadata.name}: NetworkPolicy`);
        for (const p of policies) assert.deepEqual(p.spec.policyTypes, ['Ingress', 'Egress']);
        assert.ok(policies.every((p) => p.spec.ingress.every((rule: any) => rule.from?.length > 0)), `${d.metadata.name}: every ingress rule names its callers`);
        const scalers = [...sameNs('HorizontalPodAutoscaler'), ...sameNs('ScaledObject')].filter((s) => s.spec.scaleTargetRef.name === d.metadata.name);
        if (FIXED_REPLICAS.includes(d.metadata.name)) {
          assert.equal(scalers.length, 0, `${d.metadata.name}: a fixed count and no autoscaler`);
          assert.ok(d.spec.replicas >= 1, `${d.metadata.name}: replicas`);
        } else {
          assert.equal(scalers.length, 1, `${d.metadata.name}: exactly one autoscaler`);
          assert.equal(d.spec.replicas, undefined, `${d.metadata.name}: the autoscaler owns replicas`);
        }
        // A Deployment a Rollout took over has its canary Service besides (docs/rollouts.md).
        const rollout = sameNs('Rollout').find((r) => r.spec.workloadRef?.name === d.metadata.name);
        const all = sameNs('Service').filter((s) => matches(s.spec.selector, labels));
        const services = all.filter((s) => s.metadata.name !== rollout?.spec.strategy.canary.canaryService);
        assert.equal(all.length - services.length, rollout ? 1 : 0, `${d.metadata.name}: canary Service`);
        assert.equal(services.length, 1, `${d.metadata.name}: Service`);
        const monitored = sameNs('ServiceMonitor').some((m) => matches(m.spec.selector.matchLabels, services[0].metadata.labels));
        assert.equal(monitored, !UNMONITORED.includes(d.metadata.name), `${d.metadata.name}: ServiceMonitor`);
      }
    });

    it(`${name}: objects carry the app.kubernetes.io labels and live in the platform namespaces`, () => {
      for (const o of objs) {
        assert.ok(WORKLOAD_NAMESPACES.includes(o.metadata.namespace), `${o.kind} ${o.metadata.name}`);
        for (const l of ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/component', 'app.kubernetes.io/version']) assert.ok(o.metadata.labels?.[l], `${o.kind} ${o.metadata.name} ${l}`);
      }
    });
  }
});

describe('workloads: vLLM serving', () => {
  const served = (r: Record<string, any[]>) => r['llm-serving'].filter((o) => o.kind === 'Deployment');

  it('serves the union of tenant entitlements, with stand-ins for models the dev pool cannot hold', () => {
    assert.deepEqual(served(dev).map((d) => d.metadata.name).sort(), ['vllm-llama-3-1-8b-instruct', 'vllm-mistral-7b-instruct-v0-3']);
    assert.deepEqual(served(prod).map((d) => d.metadata.name).sort(), ['vllm-llama-3-1-70b-instruct', 'vllm-llama-3-1-8b-instruct', 'vllm-qwen2-5-coder-32b-instruct']);
  });

  it('a 70B replica on prod: 4 GPUs requested = limited, tensor parallel 4, GPU pool scheduling, shm, cache, drain', () => {
    const d = served(prod).find((x) => x.metadata.name === 'vllm-llama-3-1-70b-instruct');
    const spec = d.spec.template.spec;
    const c = spec.containers[0];
    assert.equal(c.resources.requests['nvidia.com/gpu'], 4);
    assert.equal(c.resources.limits['nvidia.com/gpu'], 4);
    const arg = (flag: string) => c.args[c.args.indexOf(flag) + 1];
    assert.equal(arg('--tensor-parallel-size'), '4');
    assert.equal(arg('--max-model-len'), '121856');
    assert.equal(arg('--gpu-memory-utilization'), '0.9');
    assert.equal(arg('--served-model-name'), 'llama-3-1-70b-instruct');
    assert.equal(arg('--model'), 'meta-llama/Llama-3.1-70B-Instruct');
    assert.deepEqual(spec.nodeSelector, { 'platform.example.org/pool': 'gpu', 'platform.example.org/gpu-model': 'nvidia-a100-80gb' });
    assert.deepEqual(spec.tolerations, [
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
      { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
    ]);
    assert.deepEqual(spec.volumes.find((v: any) => v.name === 'shm').emptyDir, { medium: 'Memory', sizeLimit: '16Gi' });
    assert.equal(spec.volumes.find((v: any) => v.name === 'cache').persistentVolumeClaim.claimName, 'vllm-llama-3-1-70b-instruct-cache');
    assert.deepEqual(c.lifecycle.preStop.exec.command, ['sleep', '120']);
    assert.equal(spec.terminationGracePeriodSeconds, 150);
    // 130.4 GiB at 100 MiB/s = 1336 s + 180 s of CUDA graph capture = 1516 s -> 152 checks of 10 s.
    assert.equal(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold, 1520);
    assert.equal(c.livenessProbe.httpGet.path, '/health');
    const pvc = prod['llm-serving'].find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'vllm-llama-3-1-70b-instruct-cache');
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
  });

  it('dev runs on spot GPU nodes: it tolerates the spot taint too', () => {
    const spec = served(dev)[0].spec.template.spec;
    assert.ok(spec.tolerations.some((t: any) => t.key === 'kubernetes.azure.com/scalesetpriority' && t.value === 'spot' && t.effect === 'NoSchedule'));
  });

  it('KEDA scales each model on its own waiting requests, between the configured replicas', () => {
    const so = prod['llm-serving'].find((o) => o.kind === 'ScaledObject' && o.metadata.name === 'vllm-llama-3-1-8b-instruct');
    assert.equal(so.spec.minReplicaCount, 2);
    assert.equal(so.spec.maxReplicaCount, 4);
    assert.equal(so.spec.triggers[0].metadata.query, 'sum(vllm:num_requests_waiting{model_name="llama-3-1-8b-instruct"})');
    assert.equal(so.spec.triggers[0].metadata.serverAddress, 'http://prometheus-operated.observability.svc:9090');
  });

  it('only the router (namespace platform), the canary golden sets of its own namespace and Prometheus reach vLLM', () => {
    const np = dev['llm-serving'].find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'vllm-llama-3-1-8b-instruct');
    assert.deepEqual(np.spec.ingress.map((r: any) => r.from), [
      [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'platform' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'llm-router' } } },
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'golden-set' } } },
      ],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
    ]);
  });
});

describe('workloads: LLM router', () => {
  const files = (r: Record<string, any[]>) => r['llm-router'].find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'llm-router-files').data;

  it('lists every entitled model by alias with its in-cluster vLLM endpoint, and the fallbacks', () => {
    const cfg = parse(files(prod)['config.yaml']);
    assert.deepEqual(cfg.model_list.map((m: any) => m.model_name), ['llama-3-1-70b-instruct', 'llama-3-1-8b-instruct', 'qwen2-5-coder-32b-instruct']);
    const m70 = cfg.model_list[0].litellm_params;
    const rates = loadModelCatalogue().models.find((m) => m.id === 'llama-3-1-70b-instruct')!.chargeback;
    assert.deepEqual(m70, {
      model: 'hosted_vllm/llama-3-1-70b-instruct',
      api_base: 'http://vllm-llama-3-1-70b-instruct.serving.svc.cluster.local:8000/v1',
      timeout: 600,
      stream_timeout: 120,
      input_cost_per_token: rates.inputPerMillionTokens / 1e6,
      output_cost_per_token: rates.outputPerMillionTokens / 1e6,
    });
    assert.deepEqual(cfg.router_settings.fallbacks, [{ 'llama-3-1-70b-instruct': ['llama-3-1-8b-instruct'] }, { 'qwen2-5-coder-32b-instruct': ['llama-3-1-8b-instruct'] }]);
    assert.equal(cfg.general_settings.master_key, 'os.environ/LITELLM_MASTER_KEY');
    assert.equal(cfg.general_settings.database_url, 'os.environ/DATABASE_URL');
  });

  it('in dev a stand-in answers an alias the pool cannot serve', () => {
    const cfg = parse(files(dev)['config.yaml']);
    const m = cfg.model_list.find((x: any) => x.model_name === 'llama-3-1-70b-instruct');
    assert.equal(m.litellm_params.model, 'hosted_vllm/llama-3-1-8b-instruct');
    // The tenant pays the rate of the model that answered, not of the one it asked for.
    const small = loadModelCatalogue().models.find((x) => x.id === 'llama-3-1-8b-instruct')!.chargeback;
    assert.equal(m.litellm_params.output_cost_per_token, small.outputPerMillionTokens / 1e6);
  });

  it('one team per tenant of the environment with its models, TPM/RPM and monthly budget', () => {
    const teams = JSON.parse(files(prod)['tenants.json']);
    assert.deepEqual(teams.map((t: any) => t.team_id), ['acme-search', 'fabrikam-payments']);
    const acme = teams[0];
    assert.deepEqual([acme.models, acme.tpm_limit, acme.rpm_limit, acme.max_budget, acme.budget_duration], [['llama-3-1-70b-instruct', 'llama-3-1-8b-instruct'], 200000, 600, 1500, '30d']);
    assert.deepEqual(JSON.parse(files(dev)['tenants.json']).map((t: any) => t.team_id), ['acme-search', 'contoso-docs', 'fabrikam-payments']);
  });

  it('migrations run once as a Sync hook before the Deployment; the replicas never migrate', () => {
    const job = dev['llm-router'].find((o) => o.kind === 'Job' && o.metadata.name === 'llm-router-migrate');
    assert.equal(job.metadata.annotations['argocd.argoproj.io/hook'], 'Sync');
    assert.equal(job.metadata.annotations['argocd.argoproj.io/sync-wave'], '-1');
    const cm = dev['llm-router'].find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'llm-router-config');
    assert.equal(cm.data.DISABLE_SCHEMA_UPDATE, 'true');
    // The router's own dependencies; the spend exporter in the same app waits for no hook.
    for (const dep of dev['llm-router'].filter((o) => ['ConfigMap', 'ExternalSecret', 'ServiceAccount'].includes(o.kind) && o.metadata.name.startsWith('llm-router'))) {
      assert.equal(dep.metadata.annotations?.['argocd.argoproj.io/sync-wave'], '-2', `${dep.kind} ${dep.metadata.name} exists before the hook`);
    }
  });

  it('NetworkPolicy: callers are the gateway, the patch worker, the team sync, the golden-set Job, the Gateway\'s Envoy proxies (llm.<zone>) and tenant namespaces; egress only vLLM, the private endpoints, OTLP, Presidio and declared endpoints', () => {
    const np = dev['llm-router'].find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'llm-router');
    assert.deepEqual(np.spec.ingress[0].from, [
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent-gateway' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent-patch-worker' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'llm-router-team-sync' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'golden-set' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } }, podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } } },
      { namespaceSelector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] } },
    ]);
    const egress = np.spec.egress.map((r: any) => `${JSON.stringify(r.to[0].ipBlock?.cidr ?? r.to[0].namespaceSelector?.matchLabels ?? r.to[0].podSelector.matchLabels)}:${r.ports.map((p: any) => p.port).join(',')}`);
    assert.deepEqual(egress, [
      '{"kubernetes.io/metadata.name":"serving"}:8000',
      '"10.40.24.0/21":5432',
      '"10.40.24.0/21":6380',
      // Azure OpenAI's private endpoint: dev has cloud routes (contoso-docs, the A/B test).
      '"10.40.24.0/21":443',
      '{"kubernetes.io/metadata.name":"observability"}:4317',
      '{"app.kubernetes.io/name":"presidio-analyzer"}:3000',
      '"20.190.128.0/18":443',
      '"40.126.0.0/18":443',
    ]);
  });

  it('secrets the router needs come from Key Vault by name', () => {
    const es = dev['llm-router'].find((o) => o.kind === 'ExternalSecret');
    assert.deepEqual(es.spec.data.map((d: any) => `${d.secretKey}=${d.remoteRef.key}`), [
      'AZURE_CLIENT_ID=llm-router-client-id',
      'DATABASE_URL=llm-router-database-url',
      'LITELLM_MASTER_KEY=llm-router-master-key',
      'LITELLM_SALT_KEY=llm-router-salt-key',
    ]);
  });
});

describe('workloads: LLM spend exporter', () => {
  const of = (r: Record<string, any[]>, kind: string, name = 'llm-spend-exporter') => r['llm-router'].find((o) => o.kind === kind && o.metadata.name === name);

  it('runs the mirrored sql_exporter, digest-pinned in prod, once, without OpenTelemetry settings, probed on /healthz', () => {
    const d = of(prod, 'Deployment');
    const c = d.spec.template.spec.containers[0];
    assert.match(c.image, /^craipprod[a-z0-9]*\.azurecr\.io\/mirror\/burningalchemist\/sql_exporter:0\.24\.6@sha256:[a-f0-9]{64}$/);
    assert.equal(d.spec.replicas, 1);
    assert.equal(c.env, undefined, 'no OTEL_* settings: it only answers scrapes');
    assert.deepEqual([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path], ['/healthz', '/healthz']);
    assert.deepEqual(c.ports, [{ name: 'http', containerPort: 9399, protocol: 'TCP' }]);
    assert.ok(c.args.includes('--config.file=/etc/sql_exporter/sql_exporter.yml'));
  });

  it('reads one table of the router database with the DSN from Key Vault; the file holds no secret', () => {
    const cfg = parse(of(dev, 'ConfigMap', 'llm-spend-exporter-files').data['sql_exporter.yml']);
    assert.equal(cfg.target, undefined, 'the target comes from SQLEXPORTER_TARGET_*');
    assert.deepEqual(cfg.collectors[0].queries, [{ query_name: 'teams', query: TEAM_SPEND_QUERY }]);
    assert.deepEqual(cfg.collectors[0].metrics.map((m: any) => `${m.metric_name}{${m.key_labels}}=${m.values}`), ['llm_router_team_spend{team}=spend', 'llm_router_team_max_budget{team}=max_budget']);
    assert.equal(of(dev, 'ConfigMap', 'llm-spend-exporter-config').data.SQLEXPORTER_TARGET_COLLECTORS, cfg.collectors[0].collector_name);
    const es = of(dev, 'ExternalSecret', 'llm-spend-exporter-secrets');
    assert.deepEqual(es.spec.data.map((x: any) => `${x.secretKey}=${x.remoteRef.key}`), ['SQLEXPORTER_TARGET_DSN=llm-spend-exporter-database-url']);
  });

  it('NetworkPolicy: only Prometheus gets in, only PostgreSQL in the private-endpoint subnet is reached', () => {
    const np = of(dev, 'NetworkPolicy');
    assert.deepEqual(np.spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }], ports: [{ protocol: 'TCP', port: 9399 }] }]);
    assert.deepEqual(np.spec.egress, [{ to: [{ ipBlock: { cidr: '10.40.24.0/21' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    assert.deepEqual(of(dev, 'ServiceMonitor').spec.endpoints.map((e: any) => e.port), ['http']);
  });
});

describe('workloads: agent services', () => {
  it('gateway requests follow 1 vCPU per 100 RPS, orchestrator 2 vCPU per 50 jobs (prod)', () => {
    const dep = (n: string) => prod['agent-services'].find((o) => o.kind === 'Deployment' && o.metadata.name === n);
    const hpa = prod['agent-services'].find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'agent-gateway');
    // 800 RPS -> 8 vCPU -> 8 replicas of 1 vCPU.
    assert.equal(dep('agent-gateway').spec.template.spec.containers[0].resources.requests.cpu, '1');
    assert.equal(hpa.spec.minReplicas, 8);
    // 300 jobs -> 12 vCPU -> 6 replicas of 2 vCPU, each absorbing 50 queued jobs.
    const so = prod['agent-services'].find((o) => o.kind === 'ScaledObject' && o.metadata.name === 'agent-orchestrator');
    assert.equal(so.spec.minReplicaCount, 6);
    assert.equal(so.spec.triggers[0].metadata.threshold, '50');
    assert.equal(so.spec.triggers[0].metadata.query, 'sum(orchestrator_jobs_queued{namespace="platform"})');
  });

  it('OpenTelemetry is wired into every agent container', () => {
    for (const d of dev['agent-services'].filter((o) => o.kind === 'Deployment')) {
      const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
      assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector.observability.svc:4317');
      assert.equal(env.OTEL_SERVICE_NAME, d.metadata.name);
    }
  });

  it('only the declared callers reach each service', () => {
    const callers = (n: string) =>
      dev['agent-services'].find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === n).spec.ingress[0].from.map((p: any) => p.podSelector?.matchLabels['app.kubernetes.io/name'] ?? p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
    // The platform Gateway's Envoy proxies only (app.kubernetes.io/name: envoy in the gateway namespace).
    assert.deepEqual(callers('agent-gateway'), ['envoy']);
    // n8n's workers dispatch Azure DevOps events and approval decisions (namespace n8n, test/unit/n8n.test.ts).
    assert.deepEqual(callers('agent-orchestrator'), ['agent-gateway', 'n8n-worker']);
    assert.deepEqual(callers('agent-repo-adapter'), ['agent-orchestrator', 'agent-patch-worker']);
    assert.deepEqual(callers('agent-patch-worker'), ['agent-orchestrator']);
  });

  it('the gateway is published by the edge app\'s HTTPRoute on the shared Gateway, and no rendered app holds an Ingress', () => {
    const edgeApp = new App();
    const devEnv = env('dev');
    // As the render does: the Temporal UI's route signs in at the Gateway with the environment's settings.
    new EdgeChart(edgeApp, 'edge', { env: 'dev', zone: devEnv.dns.zoneName, probes: true, signIn: gatewaySignIn(devEnv.network.edge.signIn!, devEnv.aks.adminGroupObjectIds), contracts: { agentGateway: loadServiceContract().operations } });
    const edge = parseAllDocuments(edgeApp.synthYaml()).map((d) => d.toJS()).filter(Boolean);
    const route = edge.find((o: any) => o.kind === 'HTTPRoute' && o.spec.hostnames.includes('api.dev.ai.example.org'));
    assert.equal(route.metadata.namespace, 'platform');
    assert.deepEqual(route.spec.rules[0].backendRefs, [{ group: '', kind: 'Service', name: 'agent-gateway', port: 8080 }]);
    assert.deepEqual(route.spec.parentRefs, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'envoy-gateway-system', name: 'platform', sectionName: 'https-api' }]);
    const proxies = dev['agent-services'].find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'agent-gateway').spec.ingress[0].from[0];
    assert.deepEqual(proxies.podSelector.matchLabels, ENVOY_PROXY_POD_LABELS);
    for (const [app, objects] of Object.entries(dev)) assert.deepEqual(objects.filter((o: any) => o.kind === 'Ingress').map((o: any) => o.metadata.name), [], app);
  });
});
