/**
 * The platform Gateway end to end, as synthesized and rendered: the cluster-config stack's
 * GatewayClass, EnvoyProxy, Gateway, client policy and redirect route, and the edge app's routes
 * and traffic policies, each validated against the CRDs Envoy Gateway's pinned chart installs
 * (Gateway API v1.6.1 and Envoy Gateway v1.9.0, read from the offline chart cache at test time).
 * Every platform host has a listener cert-manager will issue a certificate for, a route to the
 * backend the catalogue names, and a rate limit; tenants attach only through the wildcard listener
 * of their domain; the data plane runs restricted with read-only root filesystems; and no Ingress
 * is left anywhere. Each check has a negative control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ENVOY_PROXY_CONFIG,
  ENVOY_PROXY_SIZE,
  GATEWAY_CLASS,
  GATEWAY_CONTROLLER,
  GATEWAY_NAMESPACE,
  HTTP_LISTENER,
  PLATFORM_GATEWAY,
  PLATFORM_HOST_NAMES,
  platformHostname,
  TENANT_LISTENER,
  tenantAppsDomain,
} from '../../catalog/edge';
import { hostListener, PLATFORM_ROUTES } from '../../catalog/routes';
import { ACME_ISSUER, BLACKBOX_EXPORTER_NAME, BLACKBOX_EXPORTER_PORT, ENTRA_AUTHORITY, HTTPS_PROBE_MODULE, HTTPS_SIGN_IN_PROBE_MODULE } from '../../catalog/cluster-names';
import { namespaceQuota, PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { parseQuantity } from '../../config/quantity';
import { loadInputs } from '../../config/inputs';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { chartCrds, schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { synthApp } from '../helpers/synth';
import { ROOT } from '../helpers/tools';
import { ADDONS, releaseName } from '../../catalog/addons';
import { SMOKE_JOB } from '../../charts/edge/smoke';
import { EdgeChart } from '../../charts/edge/chart';
import { loadServiceContract } from '../../config/gateway-contract';
import { App } from 'cdk8s';
import { parse } from 'yaml';

type Obj = Record<string, any>;

const inputs = loadInputs();
const app = synthApp();
const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
const renderedApps = (env: string): Record<string, Obj[]> =>
  Object.fromEntries(readdirSync(join(ROOT, 'rendered', env)).map((a) => [a, docs(readFileSync(join(ROOT, 'rendered', env, a, 'manifests.yaml'), 'utf8'))]));

/**
 * Why cert-manager's Gateway shim would skip a listener (cert-manager v1.19.1
 * pkg/controller/certificate-shim/sync.go validateGatewayListenerBlock): only HTTPS/TLS listeners
 * with a hostname, an explicit tls.mode Terminate and Secret references in the Gateway's own
 * namespace get a Certificate.
 */
export function certificateProblems(gateway: Obj, listener: Obj): string[] {
  const problems: string[] = [];
  if (!['HTTPS', 'TLS'].includes(listener.protocol)) problems.push(`${listener.name}: protocol ${listener.protocol} gets no certificate`);
  if (!listener.hostname) problems.push(`${listener.name}: no hostname`);
  if (listener.tls?.mode !== 'Terminate') problems.push(`${listener.name}: tls.mode is not Terminate`);
  const refs: Obj[] = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0) problems.push(`${listener.name}: no certificateRefs`);
  for (const r of refs) {
    if ((r.group ?? '') !== '' || (r.kind ?? 'Secret') !== 'Secret') problems.push(`${listener.name}: certificateRef ${r.name} is not a core Secret`);
    if (r.namespace && r.namespace !== gateway.metadata.namespace) problems.push(`${listener.name}: certificateRef ${r.name} is in another namespace`);
  }
  if (!gateway.metadata.annotations?.['cert-manager.io/cluster-issuer'] && !gateway.metadata.annotations?.['cert-manager.io/issuer']) problems.push('the Gateway names no issuer');
  return problems;
}

/** The HTTPS URLs the rendered Probes fetch for a host, through the blackbox exporter module a route of that kind needs. */
function probesOf(objects: Obj[], hostname: string, module = HTTPS_PROBE_MODULE): string[] {
  return objects
    .filter((o) => o.kind === 'Probe' && o.spec.module === module && o.spec.prober.url === `${BLACKBOX_EXPORTER_NAME}.observability.svc:${BLACKBOX_EXPORTER_PORT}`)
    .flatMap((o) => o.spec.targets.staticConfig.static as string[])
    .filter((u) => new URL(u).hostname === hostname && u.startsWith('https://'));
}

for (const env of inputs.allEnvironments) {
  const config = stackManifests(app.stack(`${env.name}-cluster-config`).json);
  const rendered = renderedApps(env.name);
  const edge = rendered.edge ?? [];
  const gateway = config.find((o) => o.kind === 'Gateway')!;
  const proxy = config.find((o) => o.kind === 'EnvoyProxy')!;
  const zone = env.dns.zoneName;

  describe(`${env.name}: the platform Gateway`, () => {
    it('GatewayClass -> EnvoyProxy -> Gateway, client policy and redirect route validate against the CRDs of the pinned Envoy Gateway chart', async () => {
      const objects = config.filter((o) => /gateway\.(networking\.k8s|envoyproxy)\.io/.test(o.apiVersion));
      assert.deepEqual(objects.map((o) => o.kind).sort(), ['ClientTrafficPolicy', 'EnvoyProxy', 'Gateway', 'GatewayClass', 'HTTPRoute']);
      assert.deepEqual(await schemaErrors([...objects, ...edge] as KubeObject[]), []);
      const cls = objects.find((o) => o.kind === 'GatewayClass')!;
      assert.equal(cls.spec.controllerName, GATEWAY_CONTROLLER);
      assert.deepEqual(cls.spec.parametersRef, { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: ENVOY_PROXY_CONFIG, namespace: GATEWAY_NAMESPACE });
      assert.equal(gateway.spec.gatewayClassName, GATEWAY_CLASS);
      assert.equal(gateway.metadata.name, PLATFORM_GATEWAY);
    });

    it('every platform host has an HTTPS listener cert-manager issues a certificate for, a route to the catalogued backend, a rate limit and a probe', () => {
      assert.equal(gateway.metadata.annotations['cert-manager.io/cluster-issuer'], ACME_ISSUER);
      for (const host of PLATFORM_HOST_NAMES) {
        const r = PLATFORM_ROUTES[host];
        const hostname = platformHostname(host, zone);
        const listener = gateway.spec.listeners.find((l: Obj) => l.name === hostListener(host));
        assert.ok(listener, `${host}: no listener`);
        assert.equal(listener.hostname, hostname);
        assert.equal(listener.port, 443);
        assert.deepEqual(certificateProblems(gateway, listener), [], host);
        assert.deepEqual(listener.allowedRoutes.namespaces, { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': r.namespace } } }, `${host}: only the backend's namespace attaches`);
        const routes = edge.filter((o) => o.kind === 'HTTPRoute' && o.spec.hostnames.includes(hostname));
        assert.equal(routes.length, 1, `${host}: one route`);
        const route = routes[0];
        assert.equal(route.metadata.namespace, r.namespace, `${host}: the route lives beside its backend (no ReferenceGrant)`);
        assert.deepEqual(route.spec.parentRefs, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: GATEWAY_NAMESPACE, name: PLATFORM_GATEWAY, sectionName: listener.name }]);
        // With Argo Rollouts, a route with a canary Service carries it at weight 0 (docs/rollouts.md).
        const backends = r.canaryService && env.addons.argoRollouts.enabled
          ? [{ group: '', kind: 'Service', name: r.service, port: r.port, weight: 100 }, { group: '', kind: 'Service', name: r.canaryService, port: r.port, weight: 0 }]
          : [{ group: '', kind: 'Service', name: r.service, port: r.port }];
        for (const rule of route.spec.rules) assert.deepEqual(rule.backendRefs, backends);
        const policy = edge.find((o) => o.kind === 'BackendTrafficPolicy' && o.metadata.namespace === r.namespace && o.spec.targetRefs.some((t: Obj) => t.kind === 'HTTPRoute' && t.name === route.metadata.name));
        // Contract routes: test/unit/gateway-contract.test.ts checks one limit per operation.
        if (r.contract === undefined) assert.equal(policy?.spec.rateLimit.local.rules[0].limit.requests, r.requestsPerSecond, `${host}: rate limit`);
        else assert.ok(policy?.spec.rateLimit.local.rules.length > 0, `${host}: rate limits`);
        assert.deepEqual(probesOf(edge, hostname, r.signIn ? HTTPS_SIGN_IN_PROBE_MODULE : HTTPS_PROBE_MODULE), [`https://${hostname}${r.healthPath}`], `${host}: one HTTPS probe`);
      }
      assert.deepEqual(probesOf(edge.filter((o) => o.kind !== 'Probe'), platformHostname('api', zone)), [], 'the probe check can fail');
    });

    it('the certificate check can fail: a wildcard-free HTTP listener, a missing mode, a foreign-namespace secret and a Gateway without issuer', () => {
      const listener = gateway.spec.listeners.find((l: Obj) => l.name === hostListener('api'));
      assert.match(certificateProblems(gateway, { ...listener, protocol: 'HTTP' }).join(), /protocol HTTP/);
      assert.match(certificateProblems(gateway, { ...listener, tls: { certificateRefs: listener.tls.certificateRefs } }).join(), /not Terminate/);
      assert.match(certificateProblems(gateway, { ...listener, tls: { mode: 'Terminate', certificateRefs: [{ name: 'x', namespace: 'platform' }] } }).join(), /another namespace/);
      assert.match(certificateProblems({ ...gateway, metadata: { ...gateway.metadata, annotations: {} } }, listener).join(), /no issuer/);
    });

    it('plain HTTP only redirects to HTTPS; tenants attach through the wildcard listener of their domain only', () => {
      const http = gateway.spec.listeners.find((l: Obj) => l.name === HTTP_LISTENER);
      assert.deepEqual(http.allowedRoutes.namespaces, { from: 'Same' });
      const redirects = config.filter((o) => o.kind === 'HTTPRoute');
      assert.deepEqual(redirects.map((r) => r.spec.rules[0].filters), [[{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]]);
      assert.equal(redirects[0].spec.parentRefs[0].sectionName, HTTP_LISTENER);
      const tenants = gateway.spec.listeners.find((l: Obj) => l.name === TENANT_LISTENER);
      assert.equal(tenants.hostname, `*.${tenantAppsDomain(zone)}`);
      assert.deepEqual(tenants.allowedRoutes.namespaces, { from: 'Selector', selector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] } });
      assert.deepEqual(certificateProblems(gateway, tenants), []);
      // Every listener but HTTP admits a restricted set of namespaces: none says All.
      assert.deepEqual(gateway.spec.listeners.filter((l: Obj) => l.allowedRoutes?.namespaces?.from === 'All'), []);
    });

    it('TLS 1.2 at least with forward-secret AEAD ciphers, request and idle timeouts, on the whole Gateway', () => {
      const ctp = config.find((o) => o.kind === 'ClientTrafficPolicy')!;
      assert.deepEqual(ctp.spec.targetRefs, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: PLATFORM_GATEWAY }]);
      assert.equal(ctp.spec.tls.minVersion, '1.2');
      assert.ok(ctp.spec.tls.ciphers.every((c: string) => /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/.test(c)), ctp.spec.tls.ciphers.join());
      assert.ok(ctp.spec.timeout.http.requestReceivedTimeout && ctp.spec.timeout.http.idleTimeout);
    });

    it('the schema check can fail: a misspelt field, a TLS version the CRD does not know and a route without parents are refused', async () => {
      const ctp = structuredClone(config.find((o) => o.kind === 'ClientTrafficPolicy')!);
      ctp.spec.tls.minVersion = '1.4';
      ctp.spec.timeouts = ctp.spec.timeout;
      const route = structuredClone(edge.find((o) => o.kind === 'HTTPRoute')!);
      route.spec.rules[0].backendRefs[0].port = 'http';
      const errors = await schemaErrors([ctp, route] as KubeObject[]);
      assert.equal(errors.length, 2, errors.join('\n'));
      assert.match(errors[0], /ClientTrafficPolicy .*\/spec must NOT have additional properties \(timeouts\).*\/spec\/tls\/minVersion must be equal to one of the allowed values/);
      assert.match(errors[1], /HTTPRoute .*backendRefs\/0\/port must be integer/);
      assert.ok(chartCrds(ADDONS.envoyGateway).length >= 21, 'the chart carries the Gateway API and Envoy Gateway CRDs');
    });

    it('the data plane: restricted, read-only root filesystems for Envoy and the shutdown manager, sized without CPU limits, spread, autoscaled within the namespace quota', () => {
      const k = proxy.spec.provider.kubernetes;
      const envoy = k.envoyDeployment.container;
      const shutdown = k.envoyDeployment.patch.value.spec.template.spec.containers.find((c: Obj) => c.name === 'shutdown-manager');
      for (const [name, c] of [['envoy', envoy], ['shutdown-manager', shutdown]] as const) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, name);
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], name);
        assert.equal(c.securityContext.runAsNonRoot, true, name);
        assert.equal(c.securityContext.seccompProfile.type, 'RuntimeDefault', name);
        assert.equal(c.resources.limits.cpu, undefined, `${name}: no CPU limit`);
        for (const r of ['cpu', 'memory', 'ephemeral-storage']) assert.ok(c.resources.requests[r], `${name}: requests.${r}`);
        assert.deepEqual(c.volumeMounts.map((m: Obj) => m.mountPath), ['/tmp'], `${name}: a writable /tmp only`);
      }
      assert.equal(k.envoyDeployment.pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      assert.deepEqual(k.envoyDeployment.pod.topologySpreadConstraints.map((t: Obj) => t.topologyKey), ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      const max = k.envoyHpa.maxReplicas;
      assert.equal(Boolean(k.envoyPDB), env.addons.highAvailability);
      const ns = PLATFORM_NAMESPACES.find((n) => n.name === GATEWAY_NAMESPACE)!;
      const quota = namespaceQuota(ns, 1);
      const perProxy = ENVOY_PROXY_SIZE.envoy.memoryMi + ENVOY_PROXY_SIZE.shutdownManager.memoryMi;
      // The proxies at their maximum plus a rolling update's one, beside the controller (3 x 1Gi) and certgen.
      assert.ok(parseQuantity(quota.memory)! >= ((max + 1) * perProxy + 3 * 1024 + 128) * 2 ** 20, `quota ${quota.memory} holds ${max + 1} proxies`);
      assert.ok(parseQuantity(quota.cpu)! >= ((max + 1) * (ENVOY_PROXY_SIZE.envoy.cpuMillis + ENVOY_PROXY_SIZE.shutdownManager.cpuMillis) + 350) / 1000);
    });
  });
}

/** A record owner: which external-dns release writes a host into which zone, or the edge stack's Front Door CNAME. */
export interface DnsOwners {
  readonly public: string[];
  readonly private: string[];
}

type Release = { values: Obj };
const covers = (release: Release, host: string): boolean => {
  const v = release.values;
  const under = (domain: string) => host === domain || host.endsWith(`.${domain}`);
  return (
    (v.sources ?? []).includes('gateway-httproute') &&
    v.gatewayNamespace === GATEWAY_NAMESPACE &&
    v.extraArgs?.['gateway-name'] === PLATFORM_GATEWAY &&
    (v.domainFilters ?? []).some(under) &&
    !(v.excludeDomains ?? []).some(under) &&
    Boolean(v.txtOwnerId)
  );
};

/** Who writes a host's records: in the public zone exactly one owner, in the private zone the private release. */
export function dnsOwners(host: string, releases: { public?: Release; private?: Release }, frontDoorCnames: string[]): DnsOwners {
  return {
    public: [...(releases.public && covers(releases.public, host) ? ['external-dns'] : []), ...(frontDoorCnames.includes(host) ? ['front-door'] : [])],
    private: releases.private && covers(releases.private, host) ? ['external-dns-private'] : [],
  };
}

for (const env of inputs.allEnvironments) {
  describe(`${env.name}: DNS records for every route host`, () => {
    const addons = app.stack(`${env.name}-addons`);
    const release = (addon: 'externalDns' | 'externalDnsPrivate') => {
      const r = addons.of('helm_release').find((x) => x.config.name === releaseName(addon));
      return r ? { values: parse(r.config.values[0]) as Obj, config: r.config } : undefined;
    };
    const pub = release('externalDns');
    const priv = release('externalDnsPrivate');
    const edgeStack = env.network.edge.frontDoor.enabled ? app.stack(`${env.name}-edge`) : undefined;
    const cnames = (edgeStack?.of('azurerm_dns_cname_record') ?? []).map((r) => `${r.config.name}.${env.dns.zoneName}`);

    it('every platform host and the tenants\' domain has exactly one public record owner and the private release as private owner', () => {
      assert.ok(pub && priv, 'both external-dns releases are installed');
      for (const host of [...PLATFORM_HOST_NAMES.map((h) => platformHostname(h, env.dns.zoneName)), `chat.acme-search.${tenantAppsDomain(env.dns.zoneName)}`]) {
        const owners = dnsOwners(host, { public: pub, private: priv }, cnames);
        assert.equal(owners.public.length, 1, `${host}: public owners ${owners.public.join(', ') || 'none'}`);
        assert.deepEqual(owners.private, ['external-dns-private'], host);
      }
      assert.equal(pub!.values.provider.name, 'azure');
      assert.equal(priv!.values.provider.name, 'azure-private-dns');
      assert.notEqual(pub!.values.txtOwnerId, priv!.values.txtOwnerId);
      assert.match(pub!.values.txtOwnerId, new RegExp(`-${env.name}-public$`));
    });

    it('the owner check can fail: a host outside the zone, an excluded host without a Front Door record, a release watching another Gateway', () => {
      assert.deepEqual(dnsOwners('api.other.example', { public: pub, private: priv }, cnames), { public: [], private: [] });
      const excluding = { values: { ...pub!.values, excludeDomains: [platformHostname('grafana', env.dns.zoneName)] } };
      assert.deepEqual(dnsOwners(platformHostname('grafana', env.dns.zoneName), { public: excluding, private: priv }, []).public, []);
      const elsewhere = { values: { ...priv!.values, extraArgs: { 'gateway-name': 'other' } } };
      assert.deepEqual(dnsOwners(platformHostname('api', env.dns.zoneName), { public: pub, private: elsewhere }, cnames).private, []);
    });

    it('each release authenticates by workload identity with the contributor role on its own zone only, and reads azure.json from a ConfigMap', () => {
      const assignments = addons.of('azurerm_role_assignment');
      for (const [addon, role] of [['externalDns', 'DNS Zone Contributor'], ['externalDnsPrivate', 'Private DNS Zone Contributor']] as const) {
        const r = release(addon)!;
        const name = releaseName(addon);
        assert.equal(r.values.serviceAccount.name, name);
        assert.match(r.values.serviceAccount.annotations['azure.workload.identity/client-id'], /^\$\{azurerm_user_assigned_identity\./);
        assert.equal(r.values.podLabels['azure.workload.identity/use'], 'true');
        const identity = addons.of('azurerm_user_assigned_identity').find((i) => i.config.name.includes(name) && !(name === 'external-dns' && i.config.name.includes('external-dns-private')))!;
        const mine = assignments.filter((a) => String(a.config.principal_id).includes(identity.id));
        assert.deepEqual(mine.map((a) => a.config.role_definition_name), [role], name);
        assert.match(String(mine[0].config.scope), addon === 'externalDns' ? /azurerm_dns_zone/ : /private_dns_zone/);
        const cm = stackManifests(addons.json).find((o) => o.kind === 'ConfigMap' && o.metadata.name === r.values.extraVolumes[0].configMap.name);
        assert.equal(JSON.parse(cm!.data['azure.json']).useWorkloadIdentityExtension, true);
      }
    });
  });
}

describe('no Ingress is left', () => {
  it('no stack synthesizes and no rendered app holds an Ingress, an IngressClass or an ingress-nginx release', () => {
    const found: string[] = [];
    for (const stack of Object.values(app.stacks)) {
      for (const m of stackManifests(stack.json)) if (['Ingress', 'IngressClass'].includes(m.kind)) found.push(`${stack.name}: ${m.kind} ${m.metadata?.name}`);
      for (const r of stack.of('helm_release')) if (r.config.chart === 'ingress-nginx') found.push(`${stack.name}: helm_release ${r.config.name}`);
      for (const type of ['kubernetes_ingress_v1', 'kubernetes_ingress_class_v1']) for (const r of stack.of(type)) found.push(`${stack.name}: ${type} ${r.id}`);
    }
    for (const env of inputs.allEnvironments) {
      for (const [name, objects] of Object.entries(renderedApps(env.name))) for (const o of objects) if (['Ingress', 'IngressClass'].includes(o.kind)) found.push(`rendered/${env.name}/${name}: ${o.kind} ${o.metadata?.name}`);
    }
    assert.deepEqual(found, []);
  });
});

describe('edge smoke test (PostSync)', () => {
  const env = inputs.allEnvironments.find((e) => e.name === 'dev')!;
  const demo = renderedApps('dev')['edge-demo'];
  const config = demo.find((o) => o.kind === 'ConfigMap' && o.metadata.name === SMOKE_JOB)!;
  const job = demo.find((o) => o.kind === 'Job' && o.metadata.name === SMOKE_JOB)!;

  it('runs after every sync of the demo app and checks every platform route, the demo included', () => {
    assert.equal(job.metadata.annotations['argocd.argoproj.io/hook'], 'PostSync');
    assert.equal(config.metadata.annotations['argocd.argoproj.io/hook'], 'PostSync');
    const lines = config.data.routes.trim().split('\n');
    assert.deepEqual(lines, PLATFORM_HOST_NAMES.map((h) => `${platformHostname(h, env.dns.zoneName)} ${PLATFORM_ROUTES[h].healthPath} ${PLATFORM_ROUTES[h].signIn ? 'sign-in' : 'open'}`));
    assert.ok(PLATFORM_HOST_NAMES.includes('demo'));
    const pod = job.spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
    const demoDeploy = demo.find((o) => o.kind === 'Deployment' && o.metadata.name === PLATFORM_ROUTES.demo.service)!;
    assert.equal(pod.containers[0].image, demoDeploy.spec.template.spec.containers[0].image, 'the smoke test runs the pinned demo image');
  });

  /**
   * Runs the script with stand-ins for nslookup and curl: names in BAD_DNS do not resolve, CODES maps
   * a host to its status (000: TLS failure) and, after `@`, the redirect it answers with.
   */
  const run = (badDns: string[], codes: Record<string, string>, routes = config.data.routes) => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-'));
    writeFileSync(join(dir, 'nslookup'), '#!/bin/sh\nfor h in $BAD_DNS; do [ "$h" = "$1" ] && exit 1; done\nexit 0\n', { mode: 0o755 });
    writeFileSync(
      join(dir, 'curl'),
      '#!/bin/sh\nfor a in "$@"; do url="$a"; done\nhost=$(echo "$url" | sed -e "s|https://||" -e "s|/.*||")\nanswer=$(echo "$CODES" | tr " " "\\n" | grep "^$host=" | cut -d= -f2-)\ncode=${answer%%@*}\ncode=${code:-200}\nlocation=""\ncase "$answer" in *@*) location=${answer#*@} ;; esac\nprintf "%s %s" "$code" "$location"\n[ "$code" = "000" ] && exit 35\nexit 0\n',
      { mode: 0o755 },
    );
    writeFileSync(join(dir, 'routes'), routes);
    writeFileSync(join(dir, 'smoke.sh'), config.data['smoke.sh']);
    return spawnSync('/bin/sh', [join(dir, 'smoke.sh')], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin`, ROUTES_FILE: join(dir, 'routes'), BAD_DNS: badDns.join(' '), CODES: Object.entries(codes).map(([h, c]) => `${h}=${c}`).join(' ') },
    });
  };

  it('passes when every route resolves and answers 200, and fails on a name that does not resolve, a TLS failure or a non-200 (negative controls)', () => {
    const host = (h: (typeof PLATFORM_HOST_NAMES)[number]) => platformHostname(h, env.dns.zoneName);
    // Routes that sign in at the Gateway answer with the redirect to Entra ID, as they do when healthy.
    const signedIn: Record<string, string> = Object.fromEntries(
      Object.values(PLATFORM_ROUTES).filter((r) => r.signIn).map((r) => [host(r.host), `302@${ENTRA_AUTHORITY}/tenant/oauth2/v2.0/authorize?client_id=x`]),
    );
    const ok = run([], signedIn);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.trim().split('\n').filter((l) => l.startsWith('ok ')).length, PLATFORM_HOST_NAMES.length);
    const dns = run([host('grafana')], signedIn);
    assert.equal(dns.status, 1);
    assert.match(dns.stdout, new RegExp(`FAIL dns ${host('grafana').replace(/\./g, '\\.')}`));
    const tls = run([], { ...signedIn, [host('api')]: '000' });
    assert.equal(tls.status, 1);
    assert.match(tls.stdout, /FAIL tls\/http api\./);
    const notFound = run([], { ...signedIn, [host('demo')]: '404' });
    assert.equal(notFound.status, 1);
    assert.match(notFound.stdout, /FAIL http demo\..* answered 404/);
    // The other routes are still checked and reported after one fails.
    assert.equal(notFound.stdout.split('\n').filter((l) => l.startsWith('ok ')).length, PLATFORM_HOST_NAMES.length - 1);
  });

  it('a sign-in route passes only with the redirect to Entra ID: an open answer or a redirect elsewhere fails (negative controls)', () => {
    const routes = 'ui.example.org /healthz sign-in\nopen.example.org /healthz open\n';
    const signIn = `302@${ENTRA_AUTHORITY}/tenant/oauth2/v2.0/authorize?client_id=x`;
    const ok = run([], { 'ui.example.org': signIn }, routes);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^ok ui\.example\.org\/healthz$/m);
    const open = run([], {}, routes);
    assert.equal(open.status, 1);
    assert.match(open.stdout, /FAIL sign-in ui\.example\.org\/healthz answered 200 , not the redirect to Entra ID/);
    const elsewhere = run([], { 'ui.example.org': '302@https://evil.example/login' }, routes);
    assert.equal(elsewhere.status, 1);
    assert.match(elsewhere.stdout, /FAIL sign-in .*evil\.example/);
    // An open route that redirects to Entra ID is not "200": the script does not mix the two up.
    const redirected = run([], { 'open.example.org': signIn, 'ui.example.org': signIn }, routes);
    assert.match(redirected.stdout, /FAIL http open\.example\.org\/healthz answered 302/);
  });
});

describe('edge app without the blackbox exporter', () => {
  it('keeps every route and traffic policy, and leaves out only the probes, their alerts and the dashboard', () => {
    const build = (probes: boolean) => {
      const a = new App();
      const signIn = { tenantId: '5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', clientId: '8a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d', clientSecretName: 'gateway-sign-in-client-secret', allowedGroupObjectIds: ['0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'] };
      new EdgeChart(a, 'edge', { env: 'dev', zone: 'dev.ai.example.org', probes, signIn, contracts: { agentGateway: loadServiceContract().operations } });
      return docs(a.synthYaml()).map((o) => o.kind);
    };
    const kinds = (list: string[]) => [...new Set(list)].sort();
    // The sign-in objects of the routes that ask for it (the Temporal UI) stay with the routes.
    assert.deepEqual(kinds(build(false)), ['BackendTrafficPolicy', 'ExternalSecret', 'HTTPRoute', 'SecurityPolicy']);
    assert.deepEqual(kinds(build(true)), ['BackendTrafficPolicy', 'ConfigMap', 'ExternalSecret', 'HTTPRoute', 'Probe', 'PrometheusRule', 'SecurityPolicy']);
    assert.equal(build(false).filter((k) => k === 'HTTPRoute').length, PLATFORM_HOST_NAMES.length);
  });
});
