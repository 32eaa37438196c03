/** The WAF edge on the synthesized JSON: only where the environment turns it on, every published host behind the WAF, origins over Private Link only. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadEnvironment } from '../../config/load';
import { ingressAddress, INGRESS_PRIVATE_LINK_SERVICE, platformHostname } from '../../catalog/edge';
import { WAF_MANAGED_RULE_SETS } from '../../constructs/edge/front-door';
import { ENVIRONMENTS, synthApp } from '../helpers/synth';

const app = synthApp();

describe('the WAF edge', () => {
  it('exists exactly where network.edge.frontDoor is on', () => {
    for (const name of ENVIRONMENTS) {
      assert.equal(`${name}-edge` in app.stacks, loadEnvironment(name).network.edge.frontDoor.enabled, name);
    }
    assert.ok('prod-edge' in app.stacks, 'the example production environment publishes its API through the edge');
  });

  const env = loadEnvironment('prod');
  const edge = app.stack('prod-edge');

  it('publishes exactly the listed hosts: a managed TLS 1.2 certificate, a validation record and a CNAME to the endpoint each', () => {
    const hosts = env.network.edge.frontDoor.publicHosts.map((h) => platformHostname(h, env.dns.zoneName));
    const domains = edge.of('azurerm_cdn_frontdoor_custom_domain');
    assert.deepEqual(domains.map((d) => d.config.host_name).sort(), hosts.sort());
    for (const d of domains) assert.deepEqual(d.config.tls, { certificate_type: 'ManagedCertificate', minimum_tls_version: 'TLS12' });
    const labels = hosts.map((h) => h.slice(0, -(env.dns.zoneName.length + 1)));
    assert.deepEqual(edge.of('azurerm_dns_cname_record').map((r) => r.config.name).sort(), labels.sort());
    assert.deepEqual(edge.of('azurerm_dns_txt_record').map((r) => r.config.name).sort(), labels.map((l) => `_dnsauth.${l}`).sort());
    const endpoint = edge.one('azurerm_cdn_frontdoor_endpoint');
    for (const r of edge.of('azurerm_dns_cname_record')) assert.equal(r.config.record, `\${azurerm_cdn_frontdoor_endpoint.${endpoint.id}.host_name}`);
  });

  it('the origin is the internal load balancer over the Private Link service AKS creates for the Gateway', () => {
    const origin = edge.one('azurerm_cdn_frontdoor_origin').config;
    assert.equal(origin.host_name, ingressAddress(env.network.subnets.nodes));
    assert.equal(origin.origin_host_header, undefined, 'the request host goes to the Gateway');
    assert.equal(origin.certificate_name_check_enabled, true);
    assert.match(origin.private_link.private_link_target_id, new RegExp(`/providers/Microsoft\\.Network/privateLinkServices/${INGRESS_PRIVATE_LINK_SERVICE}$`));
    assert.match(origin.private_link.private_link_target_id, /resourceGroups\/\$\{data\.terraform_remote_state\.[^}]+prod-platform[^}]+node_resource_group/);
  });

  it('every domain and the endpoint sit behind the WAF, which blocks in production with both managed rule sets and a rate limit', () => {
    const waf = edge.one('azurerm_cdn_frontdoor_firewall_policy').config;
    assert.equal(waf.mode, 'Prevention');
    assert.deepEqual(waf.managed_rule, WAF_MANAGED_RULE_SETS.map((r) => ({ ...r })));
    assert.equal(waf.custom_rule[0].type, 'RateLimitRule');
    assert.equal(waf.custom_rule[0].rate_limit_threshold, env.network.edge.frontDoor.rateLimitPerMinute);
    const covered = edge.one('azurerm_cdn_frontdoor_security_policy').config.security_policies.firewall.association.domain.map((d: any) => d.cdn_frontdoor_domain_id);
    const ids = [...edge.of('azurerm_cdn_frontdoor_custom_domain'), ...edge.of('azurerm_cdn_frontdoor_endpoint')].map((r) => `\${${r.type}.${r.id}.id}`);
    assert.deepEqual(covered.sort(), ids.sort());
    const route = edge.one('azurerm_cdn_frontdoor_route').config;
    assert.equal(route.link_to_default_domain, false);
    assert.equal(route.forwarding_protocol, 'HttpsOnly');
    assert.equal(route.https_redirect_enabled, true);
  });

  it('the ingress address is the last usable address of the node subnet, and the check can fail on a bad CIDR', () => {
    assert.equal(ingressAddress('10.50.0.0/19'), '10.50.31.254');
    assert.equal(ingressAddress('10.40.0.0/20'), '10.40.15.254');
    assert.throws(() => ingressAddress('10.50.0.0'), /not a CIDR/);
  });
});
