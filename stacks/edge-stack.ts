/**
 * `<env>-edge`, only where `network.edge.frontDoor` is on: Azure Front Door Premium with its WAF
 * policy in front of the Gateway's internal load balancer, over the Private Link service AKS
 * creates for that load balancer (so this stack deploys after the cluster's add-ons and
 * custom resources), plus the public DNS records of the published hosts.
 */
import { Construct } from 'constructs';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { INGRESS_PRIVATE_LINK_SERVICE, ingressAddress, platformHostname, PLATFORM_HOSTS } from '../catalog/edge';
import { FrontDoorEdge } from '../constructs/edge/front-door';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { PlatformStack } from './platform-stack';

export interface EdgeStackProps extends EnvironmentStackProps {
  readonly platform: PlatformStack;
}

export class EdgeStack extends EnvironmentStack {
  readonly frontDoor: FrontDoorEdge;

  constructor(scope: Construct, props: EdgeStackProps) {
    super(scope, 'edge', props);
    const { env, platform } = props;
    const fd = env.network.edge.frontDoor;
    const client = new DataAzurermClientConfig(this, 'client', {});
    const zone = env.dns.zoneName;
    this.frontDoor = new FrontDoorEdge(this, 'front-door', {
      profileName: this.naming.name('frontDoorProfile'),
      endpointName: this.naming.name('frontDoorEndpoint'),
      wafPolicyName: this.naming.name('frontDoorWafPolicy'),
      diagnosticsName: this.naming.name('diagnosticSetting', 'front-door'),
      resourceGroupName: this.resourceGroup.name,
      location: env.location,
      wafMode: fd.wafMode,
      rateLimitPerMinute: fd.rateLimitPerMinute,
      hosts: Object.fromEntries(fd.publicHosts.map((h) => [platformHostname(h, zone), PLATFORM_HOSTS[h].label])),
      dnsZoneId: platform.dnsZone.id,
      dnsZoneName: platform.dnsZone.name,
      dnsResourceGroupName: platform.dnsZone.resourceGroupName,
      originAddress: ingressAddress(env.network.subnets.nodes),
      // AKS names the service after the Gateway's Service annotation, in the node resource group.
      privateLinkServiceId: `/subscriptions/${client.subscriptionId}/resourceGroups/${platform.aks.cluster.nodeResourceGroup}/providers/Microsoft.Network/privateLinkServices/${INGRESS_PRIVATE_LINK_SERVICE}`,
      logAnalyticsWorkspaceId: platform.logs.workspace.id,
    });
  }
}
