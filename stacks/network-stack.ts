/** `<env>-network`: the VNet, subnets, NSGs, private DNS zones and the egress firewall everything else plugs into. */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { EgressFirewall, type EgressRuleSet } from '../constructs/egress-firewall';
import { PlatformNetwork } from '../constructs/network';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';

export interface NetworkStackProps extends EnvironmentStackProps {
  /**
   * The firewall's allow-list, every tenant's declared egress included (stacks/tenant-views.ts):
   * the stack's whole view of the tenant list; undefined where the environment has no firewall.
   */
  readonly egressRuleSets?: readonly EgressRuleSet[];
}

export class NetworkStack extends EnvironmentStack {
  readonly network: PlatformNetwork;
  readonly firewall?: EgressFirewall;

  constructor(scope: Construct, props: NetworkStackProps) {
    super(scope, 'network', props);
    const { env } = props;
    this.network = new PlatformNetwork(this, 'network', {
      naming: this.naming,
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      addressSpace: env.network.addressSpace,
      subnets: env.network.subnets,
      publicIngress: env.network.publicIngress,
      privateApiServer: env.aks.privateCluster,
      platformZoneName: env.dns.zoneName,
    });
    const fw = env.network.egressFirewall;
    if (props.egressRuleSets && env.network.subnets.firewall) {
      this.firewall = new EgressFirewall(this, 'egress-firewall', {
        naming: this.naming,
        resourceGroupName: this.resourceGroup.name,
        location: env.location,
        virtualNetworkName: this.network.vnet.name,
        subnetCidr: env.network.subnets.firewall,
        nodesSubnetId: this.network.subnets.nodes.id,
        nodesCidr: env.network.subnets.nodes,
        sku: fw.sku,
        zones: env.aks.nodePools.system.zones,
        ruleSets: [...props.egressRuleSets],
      });
    }
    new TerraformOutput(this, 'vnet_id', { value: this.network.vnet.id, description: 'ID of the environment VNet' });
  }
}
