/**
 * `<env>-cluster-config`: the custom resources of the add-ons (ClusterIssuers, the
 * ClusterSecretStore, the platform Gateway with its class, data plane and client policy, the
 * platform AppProject, Argo CD's repository credentials and root Application). They are `kubernetes_manifest`s, which need their CRDs at plan time, so they
 * live in a stack after `<env>-addons` instead of beside the Helm releases that bring the CRDs.
 */
import { Construct } from 'constructs';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { issuers, platformProject, repositoryCredentials, rootApplication, secretStore } from '../constructs/addons/cluster-config';
import { ClusterAccess } from '../constructs/cluster-access';
import { gatewayObjects } from '../constructs/edge/gateway';
import { ingressAddress, internalGateway } from '../catalog/edge';
import { TENANT_LABEL } from '../constructs/tenant/labels';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { PlatformStack } from './platform-stack';

export interface ClusterConfigStackProps extends EnvironmentStackProps {
  readonly platform: PlatformStack;
}

export class ClusterConfigStack extends EnvironmentStack {
  constructor(scope: Construct, props: ClusterConfigStackProps) {
    super(scope, 'cluster-config', props);
    const { env, platform } = props;
    const cluster = platform.aks.cluster;
    new ClusterAccess(this, 'cluster-access', { clusterName: cluster.name, resourceGroupName: cluster.resourceGroupName });
    const client = new DataAzurermClientConfig(this, 'client', {});
    const gitops = { env: env.name, ...env.addons.gitops };
    const apply = (id: string, manifest: Record<string, unknown>, dependsOn: Manifest[] = []) =>
      new Manifest(this, id, { manifest, ...(dependsOn.length ? { dependsOn } : {}) });

    if (env.addons.certManager.enabled) {
      const [acme, bootstrap, root, ca] = issuers({
        acmeEmail: env.addons.certManager.acme.email,
        acmeServer: env.addons.certManager.acme.server,
        subscriptionId: client.subscriptionId,
        dnsZoneName: platform.dnsZone.name,
        dnsZoneResourceGroup: platform.dnsZone.resourceGroupName,
      });
      apply('issuer-acme', acme);
      const selfSigned = apply('issuer-selfsigned', bootstrap);
      const rootCert = apply('internal-ca-root', root, [selfSigned]);
      apply('issuer-internal-ca', ca, [rootCert]);
    }
    if (env.addons.envoyGateway.enabled) {
      // The Gateway's objects: EnvoyProxy before the class that names it, the class before the Gateway.
      let previous: Manifest[] = [];
      for (const object of gatewayObjects({
        zone: env.dns.zoneName,
        internal: internalGateway(env),
        address: ingressAddress(env.network.subnets.nodes),
        privateLink: env.network.edge.frontDoor.enabled,
        highAvailability: env.addons.highAvailability,
        tenantLabel: TENANT_LABEL,
        mcpHub: env.addons.aiGateway.enabled && env.mcpHub !== undefined,
      })) {
        const id = `gateway-${String(object.kind).toLowerCase()}-${object.metadata.name}`;
        previous = [apply(id, object, previous)];
      }
    }
    const store = env.addons.externalSecrets.enabled ? apply('secret-store', secretStore(platform.vault.vault.vaultUri)) : undefined;
    if (env.addons.argocd.enabled) {
      const project = apply('platform-project', platformProject(gitops));
      const credentials = apply('repository-credentials', repositoryCredentials(gitops), store ? [store] : []);
      apply('root-application', rootApplication(gitops), [project, credentials]);
    }
  }
}
