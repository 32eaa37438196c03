/**
 * The MCP hub as rendered (charts/mcp-hub): every object against its upstream schema (Envoy AI
 * Gateway's CRDs from its pinned chart, Envoy Gateway's and the Gateway API's from gateway-helm,
 * cert-manager, External Secrets, the Prometheus operator), every name that crosses a boundary
 * resolving (MCPRoute -> Backend -> Service -> container port; certificates -> Secrets -> mounts and
 * TLS references; policies -> the route the controller generates; ServiceMonitor -> Service port;
 * ExternalSecret -> env; Gateway listener and GatewayConfig annotation -> the hub's objects), each
 * tenant reaching exactly the tools its file grants, and the namespace admitting only the
 * Gateway's proxies on the TLS port. Each checker has a negative control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE, PLATFORM_GATEWAY } from '../../catalog/edge';
import { GATEWAY_CONFIG_ANNOTATION } from '../../catalog/ai-gateway';
import { MCP_GATEWAY_CLIENT_SAN, MCP_HUB_NAMESPACE, MCP_SIDECAR_METRICS_PORT, MCP_TOOL_SERVERS, mcpGrants, mcpHostname, mcpTenantRole } from '../../catalog/mcp-tools';
import { PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { MCP_AUDIT_WRITER } from '../../catalog/audit';
import { gatewayObjects } from '../../constructs/edge/gateway';
import { McpHubChart, azureDevOpsCommand } from '../../charts/mcp-hub/chart';
import { MCP_HUB_APP } from '../../charts/app-names';
import { exactTools, MCP_MAIN_ROUTE_PREFIX } from '../../charts/mcp-hub/gateway';
import { tlsSidecarConfig } from '../../charts/mcp-hub/tls-sidecar';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';

type Obj = Record<string, any>;

const ZONE = 'lab.example.org';
const TENANTS = [
  { tenant: 'acme-search', grants: mcpGrants(['azure-devops/work-items', 'azure-devops/repo_pull_request']), requestsPerMinute: 90 },
  { tenant: 'fabrikam', grants: mcpGrants(['azure-devops/pipelines']), requestsPerMinute: 30 },
];

function render(tenants = TENANTS): Obj[] {
  const app = new App();
  new McpHubChart(app, MCP_HUB_APP, {
    zone: ZONE,
    hub: { entraTenantId: '0f1e2d3c-4b5a-4968-8776-655443322110', appId: '5d9e3f40-ab12-4c3d-9e4f-5a6b7c8d9e0f', azureDevOpsOrganization: 'example-org' },
    images: { azureDevOps: { ref: 'craiplab.azurecr.io/mcp/azure-devops-mcp:2.10.0-sg4.0.0', version: '2.10.0-sg4.0.0' }, tlsSidecar: { ref: 'craiplab.azurecr.io/mirror/envoyproxy/envoy:distroless-v1.39.0', version: 'distroless-v1.39.0' },
      collector: { ref: 'craiplab.azurecr.io/docker.io/otel/opentelemetry-collector-contrib:0.138.0', version: '0.138.0' },
      postgres: { ref: 'craiplab.azurecr.io/docker.io/library/postgres:16.15-alpine', version: '16.15-alpine' },
      curl: { ref: 'craiplab.azurecr.io/docker.io/curlimages/curl:8.16.0', version: '8.16.0' } },
    audit: { postgresHost: 'psql-aip-lab.postgres.database.azure.com', privateEndpointsCidr: '10.10.3.0/24', cloudEndpoints: ['20.190.128.0/18:443'] },
    highAvailability: true,
    privateCidrs: ['10.244.0.0/16', '10.0.0.0/16', '10.10.0.0/16'],
    tenants,
  });
  return parseAllDocuments(app.synthYaml()).map((d) => d.toJS()).filter(Boolean);
}

const find = (objs: Obj[], kind: string, namespace: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Every cross-object reference of the hub that does not resolve, one line each. */
function wiringProblems(objs: Obj[]): string[] {
  const out: string[] = [];
  const backends = objs.filter((o) => o.kind === 'Backend');
  for (const route of objs.filter((o) => o.kind === 'MCPRoute')) {
    for (const ref of route.spec.backendRefs) {
      if (!find(objs, 'Backend', route.metadata.namespace, ref.name)) out.push(`MCPRoute ${route.metadata.name}: no Backend ${ref.name} in ${route.metadata.namespace}`);
    }
  }
  for (const b of backends) {
    for (const ep of b.spec.endpoints) {
      const [svcName, svcNs, svc, cluster, local] = ep.fqdn.hostname.split('.');
      const service = find(objs, 'Service', svcNs, svcName);
      if (!service || `${svc}.${cluster}.${local}` !== 'svc.cluster.local') {
        out.push(`Backend ${b.metadata.name}: ${ep.fqdn.hostname} is no rendered Service`);
        continue;
      }
      const sp = service.spec.ports.find((p: Obj) => p.port === ep.fqdn.port);
      if (!sp) out.push(`Backend ${b.metadata.name}: Service ${svcName} has no port ${ep.fqdn.port}`);
      const deploy = objs.find((o) => o.kind === 'Deployment' && o.metadata.namespace === svcNs && matches(service.spec.selector, o.spec.template.metadata.labels));
      if (!deploy) out.push(`Service ${svcName}: selects no Deployment`);
      else if (sp && !deploy.spec.template.spec.containers.some((c: Obj) => (c.ports ?? []).some((p: Obj) => p.name === sp.targetPort))) out.push(`Service ${svcName}: targetPort ${sp.targetPort} is no container port`);
      // The server certificate must name the host the gateway calls (SNI, hostname verification).
      const cert = objs.find((o) => o.kind === 'Certificate' && o.metadata.namespace === svcNs && (o.spec.dnsNames ?? []).includes(b.spec.tls.sni));
      if (!cert) out.push(`Backend ${b.metadata.name}: no Certificate in ${svcNs} names ${b.spec.tls.sni}`);
      else if (deploy && !deploy.spec.template.spec.volumes.some((v: Obj) => v.secret?.secretName === cert.spec.secretName)) out.push(`Deployment ${deploy.metadata.name}: does not mount ${cert.spec.secretName}`);
    }
    for (const ref of [...b.spec.tls.caCertificateRefs, b.spec.tls.clientCertificateRef]) {
      if (!objs.some((o) => o.kind === 'Certificate' && o.metadata.namespace === b.metadata.namespace && o.spec.secretName === ref.name)) out.push(`Backend ${b.metadata.name}: Secret ${ref.name} is written by no Certificate in ${b.metadata.namespace}`);
    }
  }
  for (const p of objs.filter((o) => o.kind === 'SecurityPolicy' || o.kind === 'BackendTrafficPolicy')) {
    for (const t of p.spec.targetRefs) {
      const route = t.name.startsWith(MCP_MAIN_ROUTE_PREFIX) ? find(objs, 'MCPRoute', p.metadata.namespace, t.name.slice(MCP_MAIN_ROUTE_PREFIX.length)) : undefined;
      if (!route) out.push(`${p.kind} ${p.metadata.name}: ${t.name} is the generated route of no MCPRoute in ${p.metadata.namespace}`);
    }
  }
  for (const m of objs.filter((o) => o.kind === 'ServiceMonitor')) {
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.namespace === m.metadata.namespace && matches(m.spec.selector.matchLabels, o.metadata.labels));
    if (!svc) out.push(`ServiceMonitor ${m.metadata.name}: selects no Service`);
    else if (!m.spec.endpoints.every((e: Obj) => svc.spec.ports.some((p: Obj) => p.name === e.port))) out.push(`ServiceMonitor ${m.metadata.name}: port not on Service ${svc.metadata.name}`);
  }
  for (const d of objs.filter((o) => o.kind === 'Deployment')) {
    const ns = d.metadata.namespace;
    const spec = d.spec.template.spec;
    if (!find(objs, 'ServiceAccount', ns, spec.serviceAccountName)) out.push(`Deployment ${d.metadata.name}: no ServiceAccount ${spec.serviceAccountName}`);
    for (const v of spec.volumes) {
      if (v.configMap && !find(objs, 'ConfigMap', ns, v.configMap.name)) out.push(`Deployment ${d.metadata.name}: no ConfigMap ${v.configMap.name}`);
      if (v.secret && !objs.some((o) => o.kind === 'Certificate' && o.metadata.namespace === ns && o.spec.secretName === v.secret.secretName)) out.push(`Deployment ${d.metadata.name}: Secret ${v.secret.secretName} is written by nothing rendered`);
    }
    for (const c of spec.containers) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const es = find(objs, 'ExternalSecret', ns, ref.name);
        if (!es || !es.spec.data.some((x: Obj) => x.secretKey === ref.key)) out.push(`Deployment ${d.metadata.name}: ${e.name} reads ${ref.name}/${ref.key}, which no ExternalSecret writes`);
      }
      // The sidecar's bootstrap file must be in the ConfigMap mounted where the argument points.
      const configArg = (c.args ?? [])[(c.args ?? []).indexOf('--config-path') + 1];
      if ((c.args ?? []).includes('--config-path')) {
        const mount = (c.volumeMounts ?? []).find((m: Obj) => configArg.startsWith(`${m.mountPath}/`));
        const vol = mount && spec.volumes.find((v: Obj) => v.name === mount.name);
        const cm = vol?.configMap && find(objs, 'ConfigMap', ns, vol.configMap.name);
        if (!cm || !(configArg.slice(mount.mountPath.length + 1) in cm.data)) out.push(`container ${c.name}: ${configArg} is in no mounted ConfigMap`);
      }
    }
  }
  return out;
}

describe('MCP hub: the rendered objects', () => {
  const objs = render();

  it('every object validates against its upstream schema (AI gateway CRDs from the pinned chart included)', async () => {
    const kinds = new Set(objs.map((o) => o.kind));
    for (const k of ['MCPRoute', 'Backend', 'GatewayConfig', 'SecurityPolicy', 'BackendTrafficPolicy', 'Certificate', 'ExternalSecret', 'ServiceMonitor', 'Deployment']) assert.ok(kinds.has(k), k);
    assert.deepEqual(await schemaErrors(objs as KubeObject[]), []);
  });

  it('the schema check rejects an MCPRoute field the v1.1.0 CRD does not have (negative control)', async () => {
    const route = structuredClone(objs.find((o) => o.kind === 'MCPRoute')!);
    route.spec.backendRefs[0].toolFilter = { include: ['x'] };
    const errors = await schemaErrors([route as KubeObject]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /toolFilter/);
  });

  it('every Service, Secret, ConfigMap, ServiceAccount, certificate, policy target and ServiceMonitor reference resolves', () => {
    assert.deepEqual(wiringProblems(objs), []);
  });

  it('the wiring check names a broken reference (negative controls)', () => {
    const broken = structuredClone(objs);
    find(broken, 'Backend', GATEWAY_NAMESPACE, 'azure-devops')!.spec.endpoints[0].fqdn.port = 9999;
    broken.find((o) => o.kind === 'SecurityPolicy')!.spec.targetRefs[0].name = `${MCP_MAIN_ROUTE_PREFIX}nobody`;
    broken.find((o) => o.kind === 'ExternalSecret')!.spec.data[0].secretKey = 'OTHER';
    broken.find((o) => o.kind === 'ServiceMonitor')!.spec.endpoints[0].port = 'nope';
    const problems = wiringProblems(broken).join('\n');
    assert.match(problems, /Service azure-devops-mcp has no port 9999/);
    assert.match(problems, /nobody is the generated route of no MCPRoute/);
    assert.match(problems, /AZURE_CLIENT_ID reads azure-devops-mcp-identity\/AZURE_CLIENT_ID, which no ExternalSecret writes/);
    assert.match(problems, /ServiceMonitor azure-devops-mcp: port not on Service/);
  });

  it('each tenant reaches exactly the tools its file grants, only with its app role, at its own rate', () => {
    for (const t of TENANTS) {
      const route = find(objs, 'MCPRoute', GATEWAY_NAMESPACE, `mcp-${t.tenant}`)!;
      assert.deepEqual(route.spec.backendRefs.map((b: Obj) => b.name), Object.keys(t.grants).sort());
      const allowed = new RegExp(route.spec.backendRefs[0].toolSelector.includeRegex[0]);
      const all = Object.values(MCP_TOOL_SERVERS['azure-devops'].toolsets).flat();
      assert.deepEqual(all.filter((tool) => allowed.test(tool)).sort(), t.grants['azure-devops']);
      const policy = find(objs, 'SecurityPolicy', GATEWAY_NAMESPACE, `mcp-${t.tenant}`)!;
      assert.equal(policy.spec.authorization.defaultAction, 'Deny');
      assert.deepEqual(policy.spec.authorization.rules.map((r: Obj) => r.principal.jwt.claims), [[{ name: 'roles', valueType: 'StringArray', values: [mcpTenantRole(t.tenant)] }]]);
      assert.equal(policy.spec.jwt.providers[0].issuer, 'https://login.microsoftonline.com/0f1e2d3c-4b5a-4968-8776-655443322110/v2.0');
      assert.equal(find(objs, 'BackendTrafficPolicy', GATEWAY_NAMESPACE, `mcp-${t.tenant}`)!.spec.rateLimit.local.rules[0].limit.requests, t.requestsPerMinute);
    }
    // Negative controls: a tool granted to nobody, and a prefix of a granted name, are outside the selector.
    const acme = new RegExp(exactTools(TENANTS[0].grants['azure-devops']!));
    assert.ok(!acme.test('pipelines_run') && !acme.test('wit_work_item_write_extra') && acme.test('wit_work_item'));
    assert.throws(() => exactTools(['a.b']), /must be \[a-z0-9_\]/);
  });

  it('a tenant without tools gets no route, and the tool servers still run', () => {
    const none = render([]);
    assert.equal(none.filter((o) => o.kind === 'MCPRoute').length, 0);
    assert.ok(find(none, 'Deployment', MCP_HUB_NAMESPACE, MCP_TOOL_SERVERS['azure-devops'].service));
  });

  it("the Gateway has the hub's listener for its host and names the GatewayConfig the hub renders", () => {
    const gw = gatewayObjects({ zone: ZONE, internal: true, address: '10.0.0.254', privateLink: false, highAvailability: true, tenantLabel: 'tenant', mcpHub: true }).find((o) => o.kind === 'Gateway')!;
    assert.equal(gw.metadata.name, PLATFORM_GATEWAY);
    for (const route of objs.filter((o) => o.kind === 'MCPRoute')) {
      const listener = gw.spec.listeners.find((l: Obj) => l.name === route.spec.parentRefs[0].sectionName);
      assert.ok(listener, route.spec.parentRefs[0].sectionName);
      assert.deepEqual(route.spec.hostnames, [listener.hostname]);
      assert.equal(listener.hostname, mcpHostname(ZONE));
      assert.equal(listener.allowedRoutes.namespaces.from, 'Same');
      assert.equal(route.metadata.namespace, gw.metadata.namespace);
    }
    assert.ok(find(objs, 'GatewayConfig', GATEWAY_NAMESPACE, gw.metadata.annotations[GATEWAY_CONFIG_ANNOTATION]));
    // Negative control: without the hub, no listener and no annotation.
    const plain = gatewayObjects({ zone: ZONE, internal: true, address: '10.0.0.254', privateLink: false, highAvailability: true, tenantLabel: 'tenant' }).find((o) => o.kind === 'Gateway')!;
    assert.ok(!plain.spec.listeners.some((l: Obj) => l.hostname === mcpHostname(ZONE)) && !(GATEWAY_CONFIG_ANNOTATION in plain.metadata.annotations));
  });

  it("the hub's namespace admits only the Gateway's proxies on the tool servers' TLS ports (and Prometheus), and the sidecar admits only the gateway's client name", () => {
    const ns = PLATFORM_NAMESPACES.find((n) => n.name === MCP_HUB_NAMESPACE)!;
    assert.equal(ns.podSecurity, 'restricted');
    assert.equal(ns.serviceAccountToken, undefined);
    const fromGateway = (ns.ingressFrom ?? []).filter((p) => p.namespace === GATEWAY_NAMESPACE);
    // The tool servers' TLS ports and the audit writer's OTLP port (the proxies' access-log records).
    assert.deepEqual(fromGateway.map((p) => [p.pods, p.ports]), [...Object.values(MCP_TOOL_SERVERS).map((s) => [ENVOY_PROXY_POD_LABELS, [s.tlsPort]]), [ENVOY_PROXY_POD_LABELS, [MCP_AUDIT_WRITER.otlpPort]]]);
    // Nothing else, and Prometheus only on the sidecars' stats and the audit collector's metrics: no caller reaches a server's plain port.
    assert.deepEqual((ns.ingressFrom ?? []).filter((p) => p.namespace !== GATEWAY_NAMESPACE).map((p) => [p.namespace, p.ports]), [['observability', [MCP_SIDECAR_METRICS_PORT]], ['observability', [MCP_AUDIT_WRITER.metricsPort]]]);
    const ports = (ns.ingressFrom ?? []).map((p) => p.ports);
    assert.ok(ports.every((p) => p !== undefined) && !Object.values(MCP_TOOL_SERVERS).some((s) => ports.some((p) => p!.includes(s.mcpPort))), 'a plain MCP port is reachable');
    const cert = find(objs, 'Certificate', GATEWAY_NAMESPACE, objs.find((o) => o.kind === 'Backend')!.spec.tls.clientCertificateRef.name)!;
    assert.deepEqual(cert.spec.dnsNames, [MCP_GATEWAY_CLIENT_SAN]);
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === MCP_HUB_NAMESPACE)!;
    const validation = parseAllDocuments(cm.data['client-validation.yaml'])[0].toJS();
    assert.deepEqual(validation.resources[0].validation_context.match_typed_subject_alt_names, [{ san_type: 'DNS', matcher: { exact: MCP_GATEWAY_CLIENT_SAN } }]);
    // The sidecar forwards to the port the server's probes and bridge use.
    const bootstrap = parseAllDocuments(tlsSidecarConfig({ tlsPort: 8443, upstreamPort: 8000, clientSan: 'x', requestTimeoutSeconds: 1 })['envoy.yaml'])[0].toJS();
    assert.equal(bootstrap.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value, 8000);
    const server = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
    assert.equal(server.readinessProbe.httpGet.port, MCP_TOOL_SERVERS['azure-devops'].mcpPort);
    assert.ok(azureDevOpsCommand('org').includes(String(MCP_TOOL_SERVERS['azure-devops'].mcpPort)));
  });
});
