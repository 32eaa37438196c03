/**
 * The review's risk section names the edge switch: a removed ingress-nginx release, a new platform
 * Gateway, a listener opened to every namespace, a Gateway load balancer that stops being internal.
 * Built from the real synthesized stacks with the change applied to one side.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffSynthOutputs, readSynthOutput, type SynthOutput } from '../../cli/lib/review/diff';
import type { EnvironmentInfo } from '../../cli/lib/review/model';
import { riskFindings } from '../../cli/lib/review/risk';
import { synthApp } from '../helpers/synth';

const head = readSynthOutput(synthApp().outdir);
const environments: EnvironmentInfo[] = [
  { name: 'prod', tier: 'production' },
  { name: 'dev', tier: 'non-production' },
];

type Json = Record<string, any>;
const copy = (s: SynthOutput): SynthOutput => ({ manifest: s.manifest, stacks: structuredClone(s.stacks) });
const manifests = (s: SynthOutput, stack: string, kind: string): [string, Json][] =>
  Object.entries<Json>(s.stacks[stack].resource.kubernetes_manifest ?? {}).filter(([, r]) => r.manifest?.kind === kind);
const risks = (base: SynthOutput, after: SynthOutput) => riskFindings({ base, head: after, environments }, diffSynthOutputs(base, after, environments).resources);

describe('review: the edge switch is named in the risk section', () => {
  it('main before the switch (ingress-nginx installed, no Gateway) -> this branch: edge-switch and gateway-added in every environment', () => {
    const base = copy(head);
    for (const env of ['dev', 'prod']) {
      const addons = base.stacks[`${env}-addons`].resource;
      const eg = Object.entries<Json>(addons.helm_release).find(([, r]) => r.chart === 'gateway-helm')!;
      delete addons.helm_release[eg[0]];
      addons.helm_release.ingressNginx_release_ABC = { name: 'ingress-nginx', chart: 'ingress-nginx', version: '4.13.3', namespace: 'ingress-nginx', values: ['controller:\n  service:\n    annotations:\n      service.beta.kubernetes.io/azure-load-balancer-internal: "true"\n'] };
      for (const [id] of manifests(base, `${env}-cluster-config`, 'Gateway')) delete base.stacks[`${env}-cluster-config`].resource.kubernetes_manifest[id];
    }
    const found = risks(base, head);
    for (const env of ['dev', 'prod']) {
      const sw = found.find((f) => f.rule === 'edge-switch' && f.env === env);
      assert.ok(sw, `${env}: edge-switch`);
      assert.match(sw.message, /ingress-nginx .* removed .* Gateway API/);
      const gw = found.find((f) => f.rule === 'gateway-added' && f.env === env);
      assert.ok(gw, `${env}: gateway-added`);
      assert.match(gw.message, /Gateway envoy-gateway-system\/platform is created .* https-api HTTPS\/443 api\./);
    }
    assert.equal(found.filter((f) => f.rule === 'addon-removed' && /ingress-nginx/.test(f.message)).length, 0, 'named as the switch, not as a generic removal');
  });

  it('a listener opened to every namespace blocks in production; a Gateway that loses its internal load balancer is public access', () => {
    const after = copy(head);
    const [, gw] = manifests(after, 'prod-cluster-config', 'Gateway')[0];
    gw.manifest.spec.listeners.find((l: Json) => l.name === 'tenants').allowedRoutes.namespaces = { from: 'All' };
    const [, proxy] = manifests(after, 'dev-cluster-config', 'EnvoyProxy')[0];
    delete proxy.manifest.spec.provider.kubernetes.envoyService.annotations['service.beta.kubernetes.io/azure-load-balancer-internal'];
    const found = risks(head, after);
    const opened = found.find((f) => f.rule === 'gateway-routes-opened');
    assert.equal(opened?.level, 'error');
    assert.match(opened!.message, /listener tenants admits routes from every namespace/);
    const pub = found.find((f) => f.rule === 'public-access' && f.env === 'dev');
    assert.match(pub?.message ?? '', /Gateway's load balancer is no longer internal/);
  });

  it('no change, no edge finding (the rules can stay quiet)', () => {
    assert.deepEqual(risks(head, copy(head)).filter((f) => ['edge-switch', 'gateway-added', 'gateway-removed', 'gateway-routes-opened'].includes(f.rule)), []);
  });
});
