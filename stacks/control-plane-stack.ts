/**
 * `<env>-control-plane`: the platform services the agents build on that need both the cluster
 * add-ons and the data stack — Temporal today (docs/workflows.md). Its release needs the
 * PostgreSQL databases (`<env>-data`), the internal CA issuer and the Key Vault secret store
 * (`<env>-cluster-config`), and cert-manager's and External Secrets' CRDs for the Certificates and
 * the ExternalSecret it applies first (`<env>-addons`), so it deploys after all three.
 */
import { Construct } from 'constructs';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { AddonContext } from '../constructs/addons/context';
import { installAddon, type AddonReleases } from '../constructs/addons/release';
import { temporalCertificates, temporalDatabaseSecret, temporalServiceAccount } from '../constructs/addons/temporal';
import { temporalChartValues, type TemporalNamespace } from '../constructs/addons/values/temporal';
import { ClusterAccess } from '../constructs/cluster-access';
import type { DataStack } from './data-stack';
import { EnvironmentStack, type EnvironmentStackProps } from './environment-stack';
import type { PlatformStack } from './platform-stack';

export interface ControlPlaneStackProps extends EnvironmentStackProps {
  readonly platform: PlatformStack;
  readonly data: DataStack;
  /** One per tenant of the environment (stacks/tenant-views.ts): the stack's whole view of the tenant list; undefined where Temporal is off. */
  readonly temporalNamespaces?: readonly TemporalNamespace[];
}

export class ControlPlaneStack extends EnvironmentStack {
  readonly releases: AddonReleases = {};

  constructor(scope: Construct, props: ControlPlaneStackProps) {
    super(scope, 'control-plane', props);
    const { env, platform } = props;
    const cluster = platform.aks.cluster;
    new ClusterAccess(this, 'cluster-access', { clusterName: cluster.name, resourceGroupName: cluster.resourceGroupName, helm: true });
    const namespaces = props.temporalNamespaces;
    if (!env.addons.temporal.enabled || !namespaces) return;
    const client = new DataAzurermClientConfig(this, 'client', {});
    const ctx: AddonContext = {
      env,
      highAvailability: env.addons.highAvailability,
      tenantId: client.tenantId,
      clusterName: cluster.name,
      clientIds: {},
      registryLoginServer: platform.registry.registry.loginServer,
    };
    // The chart's pre-install hook (the schema Job) already mounts the secret and runs as the account.
    // The Certificates and the ExternalSecret are waited for until Ready: the hook Job mounts what they write.
    const ready = { condition: [{ type: 'Ready', status: 'True' }] };
    const prerequisites = [
      new Manifest(this, 'temporal-service-account', { manifest: temporalServiceAccount() }),
      ...[...temporalCertificates(), temporalDatabaseSecret()].map((manifest) => new Manifest(this, `temporal-${manifest.kind.toLowerCase()}-${manifest.metadata.name}`, { manifest, wait: ready })),
    ];
    installAddon(this, this.releases, {
      addon: 'temporal',
      values: temporalChartValues(ctx, { postgresHost: props.data.postgres.server.fqdn, namespaces }) as Record<string, unknown>,
      config: env.addons.temporal,
      extra: prerequisites,
      // The schema hook migrates two databases before the services roll.
      timeoutSeconds: 1200,
    });
  }
}
