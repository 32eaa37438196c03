/** `<env>-network`: the VNet, subnets, NSGs and private DNS zones everything else plugs into. */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { PlatformNetwork } from '../constructs/network';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';

export class NetworkStack extends EnvironmentStack {
  readonly network: PlatformNetwork;

  constructor(scope: Construct, props: EnvironmentStackProps) {
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
    });
    new TerraformOutput(this, 'vnet_id', { value: this.network.vnet.id, description: 'ID of the environment VNet' });
  }
}
