/**
 * Egress through Azure Firewall: the node subnet's default route points at the firewall, which
 * admits only what an allow-list names (the AKS FQDN tag, the platform's catalogued destinations,
 * the Git hosts and each tenant's declared egress), logs everything it decides, and denies the
 * rest, including destinations on the threat-intelligence feed. Traffic inside the VNet (private
 * endpoints, the API server) keeps its own routes and never passes the firewall.
 */
import { Construct } from 'constructs';
import { Firewall } from '@cdktf/provider-azurerm/lib/firewall';
import { FirewallPolicy } from '@cdktf/provider-azurerm/lib/firewall-policy';
import { FirewallPolicyRuleCollectionGroup } from '@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { RouteTable } from '@cdktf/provider-azurerm/lib/route-table';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetRouteTableAssociation } from '@cdktf/provider-azurerm/lib/subnet-route-table-association';
import type { Naming } from '../../catalog/naming';

/** Azure requires this exact subnet name for a firewall. */
export const FIREWALL_SUBNET_NAME = 'AzureFirewallSubnet';

/** One allowed destination, with why. */
export interface EgressRule {
  /** Rule name: who needs it (an add-on, a tenant, the Git hosts). */
  readonly name: string;
  readonly fqdns?: string[];
  /** CIDRs (network rules). */
  readonly addresses?: string[];
  readonly port: number;
  readonly reason: string;
}

export interface EgressRuleSet {
  /** Collection name and its rules; collections are evaluated in the order given. */
  readonly name: string;
  readonly rules: EgressRule[];
}

export interface EgressFirewallProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly virtualNetworkName: string;
  readonly subnetCidr: string;
  /** The subnet whose egress goes through the firewall, and its CIDR (the rules' source). */
  readonly nodesSubnetId: string;
  readonly nodesCidr: string;
  readonly sku: 'Standard' | 'Premium';
  readonly zones: string[];
  readonly ruleSets: EgressRuleSet[];
}

const HTTP_PORTS = new Set([80, 443]);

export class EgressFirewall extends Construct {
  readonly firewall: Firewall;
  readonly routeTable: RouteTable;
  readonly policy: FirewallPolicy;

  constructor(scope: Construct, id: string, props: EgressFirewallProps) {
    super(scope, id);
    const { naming, resourceGroupName, location } = props;
    const subnet = new Subnet(this, 'subnet', {
      name: FIREWALL_SUBNET_NAME,
      resourceGroupName,
      virtualNetworkName: props.virtualNetworkName,
      addressPrefixes: [props.subnetCidr],
      defaultOutboundAccessEnabled: false,
    });
    const ip = new PublicIp(this, 'public-ip', {
      name: naming.name('publicIp', 'afw'),
      resourceGroupName,
      location,
      allocationMethod: 'Static',
      sku: 'Standard',
      zones: props.zones,
    });
    this.policy = new FirewallPolicy(this, 'policy', {
      name: naming.name('firewallPolicy'),
      resourceGroupName,
      location,
      sku: props.sku,
      // Known-malicious destinations are dropped even where a rule would allow them.
      threatIntelligenceMode: 'Deny',
      // Premium inspects traffic for known attack signatures and drops it (IDPS).
      ...(props.sku === 'Premium' ? { intrusionDetection: { mode: 'Deny' } } : {}),
      // Network rules with FQDNs resolve through the firewall, so it sees what the nodes see.
      dns: { proxyEnabled: true },
    });
    const collections = props.ruleSets.filter((s) => s.rules.length > 0);
    new FirewallPolicyRuleCollectionGroup(this, 'rules', {
      name: 'platform-egress',
      firewallPolicyId: this.policy.id,
      priority: 100,
      applicationRuleCollection: collections
        .map((set, i) => ({ set, priority: 200 + i * 10 }))
        .filter(({ set }) => set.rules.some((r) => r.fqdns && HTTP_PORTS.has(r.port)))
        .map(({ set, priority }) => ({
          name: set.name,
          priority,
          action: 'Allow',
          rule: set.rules
            .filter((r) => r.fqdns && HTTP_PORTS.has(r.port))
            .map((r) => ({
              name: r.name,
              description: r.reason.slice(0, 140),
              sourceAddresses: [props.nodesCidr],
              ...(r.fqdns![0] === 'AzureKubernetesService' ? { destinationFqdnTags: r.fqdns } : { destinationFqdns: r.fqdns }),
              protocols: [{ type: r.port === 80 ? 'Http' : 'Https', port: r.port }],
            })),
        })),
      networkRuleCollection: collections
        .map((set, i) => ({ set, priority: 200 + i * 10 + 5 }))
        .filter(({ set }) => set.rules.some((r) => r.addresses || !HTTP_PORTS.has(r.port)))
        .map(({ set, priority }) => ({
          name: `${set.name}-network`,
          priority,
          action: 'Allow',
          rule: set.rules
            .filter((r) => r.addresses || !HTTP_PORTS.has(r.port))
            .map((r) => ({
              name: r.name,
              description: r.reason.slice(0, 140),
              sourceAddresses: [props.nodesCidr],
              ...(r.addresses ? { destinationAddresses: r.addresses } : { destinationFqdns: r.fqdns }),
              destinationPorts: [String(r.port)],
              protocols: r.port === 123 ? ['UDP'] : ['TCP'],
            })),
        })),
    });
    this.firewall = new Firewall(this, 'firewall', {
      name: naming.name('firewall'),
      resourceGroupName,
      location,
      skuName: 'AZFW_VNet',
      skuTier: props.sku,
      firewallPolicyId: this.policy.id,
      // The same as the policy's: Azure reports a mismatch between the two.
      threatIntelMode: 'Deny',
      zones: props.zones,
      ipConfiguration: [{ name: 'egress', subnetId: subnet.id, publicIpAddressId: ip.id }],
    });
    this.routeTable = new RouteTable(this, 'route-table', {
      name: naming.name('routeTable', 'aks-nodes'),
      resourceGroupName,
      location,
      // Routes learnt over a gateway must not bypass the firewall.
      bgpRoutePropagationEnabled: false,
      route: [{ name: 'default-via-firewall', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopInIpAddress: this.firewall.ipConfiguration.get(0).privateIpAddress }],
    });
    new SubnetRouteTableAssociation(this, 'nodes-route', { subnetId: props.nodesSubnetId, routeTableId: this.routeTable.id });
  }
}
