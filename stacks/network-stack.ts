/** `<env>-network`: the VNet, subnets, NSGs, private DNS zones and the egress firewall everything else plugs into. */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { ADDON_EGRESS, WORKLOAD_EGRESS } from '../catalog/egress';
import type { EnvironmentConfig } from '../config/schema';
import { splitHostPort, type Tenant } from '../config/tenant-schema';
import { ADDON_NAMES } from '../catalog/addons';
import { EgressFirewall, type EgressRule, type EgressRuleSet } from '../constructs/egress-firewall';
import { PlatformNetwork } from '../constructs/network';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';

export interface NetworkStackProps extends EnvironmentStackProps {
  /** The tenants of this environment: their declared egress is allowed through the firewall. */
  readonly tenants?: Tenant[];
}

/** AKS's own dependencies, in the form Microsoft maintains (the FQDN tag), and node time sync. */
const AKS_EGRESS: EgressRule[] = [
  { name: 'aks', fqdns: ['AzureKubernetesService'], port: 443, reason: 'AKS required endpoints: the FQDN tag Microsoft keeps current (MCR, node images, management, Entra ID)' },
  { name: 'ntp', fqdns: ['ntp.ubuntu.com'], port: 123, reason: 'node time synchronisation (AKS required network rule)' },
];

/** The firewall's allow-list for an environment, each rule with who needs it and why. */
export function egressRuleSets(env: EnvironmentConfig, tenants: Tenant[]): EgressRuleSet[] {
  const addons = ADDON_NAMES.filter((a) => env.addons[a].enabled).flatMap((a) =>
    (ADDON_EGRESS[a] ?? []).map((e, i): EgressRule => ({ name: `${a}-${i + 1}`, fqdns: e.fqdns, port: e.port ?? 443, reason: e.reason })),
  );
  const workloads = Object.entries(WORKLOAD_EGRESS).flatMap(([app, entries]) =>
    entries.map((e, i): EgressRule => ({ name: `${app}-${i + 1}`, fqdns: e.fqdns, port: e.port ?? 443, reason: e.reason })),
  );
  const gitHosts = [...new Set([...env.tenancy.allowedRepoHosts, new URL(env.addons.gitops.repoURL).hostname])].sort();
  const tenantRules = tenants
    .filter((t) => t.spec.environments.includes(env.name) && !t.spec.retired)
    .flatMap((t) =>
      t.spec.network.allowEgressTo.map((target, i): EgressRule => {
        const [host, port] = splitHostPort(target);
        const reason = `declared in tenants/${t.metadata.name}.yaml (spec.network.allowEgressTo)`;
        return host.includes('/') ? { name: `${t.metadata.name}-${i + 1}`, addresses: [host], port, reason } : { name: `${t.metadata.name}-${i + 1}`, fqdns: [host], port, reason };
      }),
    );
  return [
    { name: 'aks', rules: AKS_EGRESS },
    { name: 'platform', rules: addons },
    { name: 'workloads', rules: workloads },
    { name: 'git', rules: [{ name: 'git-hosts', fqdns: gitHosts, port: 443, reason: 'Argo CD clones the rendered manifests and the tenants repositories (tenancy.allowedRepoHosts)' }] },
    { name: 'tenants', rules: tenantRules },
    { name: 'environment', rules: env.network.egressFirewall.allow.map((a, i) => ({ name: `allow-${i + 1}`, fqdns: [a.fqdn], port: a.port, reason: a.reason })) },
  ];
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
    if (fw.enabled && env.network.subnets.firewall) {
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
        ruleSets: egressRuleSets(env, props.tenants ?? []),
      });
    }
    new TerraformOutput(this, 'vnet_id', { value: this.network.vnet.id, description: 'ID of the environment VNet' });
  }
}
