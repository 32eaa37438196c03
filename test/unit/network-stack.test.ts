import { FIREWALL_SUBNET_NAME } from '../../constructs/egress-firewall';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadEnvironment } from '../../config/load';
import { ENVIRONMENTS, refId, synthApp } from '../helpers/synth';

const app = synthApp();

for (const envName of ENVIRONMENTS) {
  const env = loadEnvironment(envName);
  const network = app.stack(`${envName}-network`);

  describe(`${envName}-network`, () => {
    const vnet = network.one('azurerm_virtual_network');
    const subnet = (role: string) => network.one('azurerm_subnet', `subnet-${role}`);

    it('the egress firewall lets every Alertmanager receiver out: PagerDuty and Teams from the catalogue, the ticket webhook and heartbeat from the environment', () => {
      if (!env.network.egressFirewall.enabled) return;
      const group = network.one('azurerm_firewall_policy_rule_collection_group');
      const fqdns = new Set<string>(group.config.application_rule_collection.flatMap((c: any) => c.rule.flatMap((r: any) => r.destination_fqdns ?? [])));
      for (const host of ['events.pagerduty.com', '*.logic.azure.com', ...env.network.egressFirewall.allow.map((a) => a.fqdn)]) assert.ok(fqdns.has(host), `${host} is allowed out`);
      if (env.tier === 'production') assert.ok(env.network.egressFirewall.allow.length >= 2, 'prod names its ticket webhook and heartbeat hosts');
      // n8n's notifications: Teams through the Logic Apps rule above, e-mail by SMTP submission (a network rule on 587).
      const smtp = group.config.network_rule_collection.flatMap((c: any) => c.rule).find((r: any) => (r.destination_fqdns ?? []).includes('smtp.office365.com'));
      assert.deepEqual([smtp?.destination_ports, smtp?.protocols], [['587'], ['TCP']]);
    });

    it('one VNet with the configured address space', () => {
      assert.deepEqual(vnet.config.address_space, [env.network.addressSpace]);
    });

    it('subnets for nodes, the API server and private endpoints, with the configured prefixes', () => {
      assert.deepEqual(subnet('nodes').config.address_prefixes, [env.network.subnets.nodes]);
      assert.deepEqual(subnet('apiServer').config.address_prefixes, [env.network.subnets.apiServer]);
      assert.deepEqual(subnet('privateEndpoints').config.address_prefixes, [env.network.subnets.privateEndpoints]);
      for (const s of network.of('azurerm_subnet')) assert.equal(s.config.default_outbound_access_enabled, false, s.path);
    });

    it('the API server subnet is delegated to AKS', () => {
      const [delegation] = subnet('apiServer').config.delegation;
      assert.equal(delegation.service_delegation.name, 'Microsoft.ContainerService/managedClusters');
    });

    it('private endpoint subnet enforces NSGs on endpoints', () => {
      assert.equal(subnet('privateEndpoints').config.private_endpoint_network_policies, 'Enabled');
    });

    it('every subnet has its own NSG that denies inbound internet traffic', () => {
      const associations = network.of('azurerm_subnet_network_security_group_association');
      assert.equal(associations.length, 3);
      const nsgRefs = new Set(associations.map((a) => a.config.network_security_group_id));
      assert.equal(nsgRefs.size, 3);
      // Azure refuses an NSG on AzureFirewallSubnet; the firewall itself denies what no rule allows.
      for (const s of network.of('azurerm_subnet').filter((x) => x.config.name !== FIREWALL_SUBNET_NAME)) {
        assert.ok(associations.some((a) => a.config.subnet_id === refId(s)), `${s.path} has no NSG`);
      }
      for (const nsg of network.of('azurerm_network_security_group')) {
        const deny = nsg.config.security_rule.find((r: any) => r.name === 'deny-internet-inbound');
        assert.ok(deny, `${nsg.path} lacks deny-internet-inbound`);
        assert.equal(deny.access, 'Deny');
        assert.equal(deny.source_address_prefix, 'Internet');
        const opened = nsg.config.security_rule.filter((r: any) => r.access === 'Allow' && r.source_address_prefix === 'Internet');
        assert.equal(opened.length > 0, env.network.publicIngress && nsg.path.includes('nodes'), `${nsg.path} opens to the internet`);
      }
    });

    it('private DNS zones for ACR, Key Vault, PostgreSQL, Redis, Blob, Files, Azure OpenAI, Content Safety (and AKS when private) and the private twin of the environment zone, linked to the VNet', () => {
      const zones = network.of('azurerm_private_dns_zone').map((z) => z.config.name).sort();
      const expected = [
        'privatelink.azurecr.io',
        'privatelink.vaultcore.azure.net',
        'privatelink.postgres.database.azure.com',
        'privatelink.redis.cache.windows.net',
        'privatelink.blob.core.windows.net',
        'privatelink.file.core.windows.net',
        // Cloud models' accounts (data stack): in every environment, so no zone follows entitlements in and out.
        'privatelink.openai.azure.com',
        'privatelink.cognitiveservices.azure.com',
        ...(env.aks.privateCluster ? [`privatelink.${env.location}.azmk8s.io`] : []),
        // Split horizon: external-dns writes the Gateway's hosts here for clients inside the VNet.
        env.dns.zoneName,
      ].sort();
      assert.deepEqual(zones, expected);
      const links = network.of('azurerm_private_dns_zone_virtual_network_link');
      assert.equal(links.length, zones.length);
      for (const link of links) {
        assert.equal(link.config.virtual_network_id, refId(vnet));
        assert.equal(link.config.registration_enabled, false);
      }
    });
  });
}
