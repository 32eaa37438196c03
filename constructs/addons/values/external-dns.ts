/**
 * external-dns chart values, one release per zone: `externalDns` writes the public Azure DNS zone,
 * `externalDnsPrivate` the private zone of the same name linked to the VNet. Both read only the
 * HTTPRoutes attached to the platform Gateway (source gateway-httproute, Gateways of its namespace
 * and name), write A records to the Gateway's address with TXT ownership records named for the
 * environment and zone, and delete only what they own (policy sync). Authentication is workload
 * identity: azure.json (a ConfigMap the add-ons stack writes; it holds no secret) turns the
 * extension on, the service account names the identity.
 *
 * Hosts the WAF edge publishes are left out of the public release: their public records are Front
 * Door CNAMEs the edge stack owns. Inside the VNet the private zone answers for them with the
 * Gateway's address.
 */
import { clientId, mirrorRepository, type AddonContext } from '../context';
import type { ExternalDnsValues } from '../../../catalog/chart-values/external-dns';
import { WORKLOAD_IDENTITY_LABEL, workloadIdentityAnnotation } from '../../../catalog/chart-values/common';
import { externalDnsConfigMap } from '../../../catalog/cluster-names';
import { GATEWAY_NAMESPACE, PLATFORM_GATEWAY, platformHostname } from '../../../catalog/edge';
import { releaseName } from '../../../catalog/addons';

/** The TXT owner of an environment's records in one zone: two environments or releases never take over each other's. */
export function txtOwner(project: string, env: string, scope: 'public' | 'private'): string {
  return `${project}-${env}-${scope}`;
}

function values(ctx: AddonContext, addon: 'externalDns' | 'externalDnsPrivate'): ExternalDnsValues {
  const release = releaseName(addon);
  const scope = addon === 'externalDns' ? 'public' : 'private';
  const zone = ctx.env.dns.zoneName;
  const frontDoor = ctx.env.network.edge.frontDoor;
  const published = scope === 'public' && frontDoor.enabled ? frontDoor.publicHosts.map((h) => platformHostname(h, zone)) : [];
  return {
    fullnameOverride: release,
    image: { repository: mirrorRepository(ctx, 'registry.k8s.io', 'external-dns/external-dns') },
    provider: { name: scope === 'public' ? 'azure' : 'azure-private-dns' },
    sources: ['gateway-httproute'],
    gatewayNamespace: GATEWAY_NAMESPACE,
    extraArgs: { 'gateway-name': PLATFORM_GATEWAY, 'azure-config-file': '/etc/kubernetes/azure.json' },
    domainFilters: [zone],
    ...(published.length ? { excludeDomains: published } : {}),
    txtOwnerId: txtOwner(ctx.env.project, ctx.env.name, scope),
    // TXT ownership records beside each A record; a prefix keeps them off the names CNAMEs may use.
    txtPrefix: 'extdns-',
    // Records of a deleted route go with it (only records this owner wrote): no dangling names.
    policy: 'sync',
    registry: 'txt',
    managedRecordTypes: ['A', 'CNAME', 'TXT'],
    interval: '1m',
    triggerLoopOnEvent: true,
    logFormat: 'json',
    serviceAccount: { create: true, name: release, annotations: workloadIdentityAnnotation(clientId(ctx, addon)), labels: { ...WORKLOAD_IDENTITY_LABEL } },
    podLabels: { ...WORKLOAD_IDENTITY_LABEL },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    extraVolumes: [{ name: 'azure-config', configMap: { name: externalDnsConfigMap(release) } }],
    extraVolumeMounts: [{ name: 'azure-config', mountPath: '/etc/kubernetes', readOnly: true }],
  };
}

export const externalDnsChartValues = (ctx: AddonContext) => values(ctx, 'externalDns');
export const externalDnsPrivateChartValues = (ctx: AddonContext) => values(ctx, 'externalDnsPrivate');

/** azure.json for a release: the zone's subscription and resource group, workload identity on. */
export function externalDnsAzureConfig(props: { tenantId: string; subscriptionId: string; resourceGroup: string }): string {
  return JSON.stringify({ tenantId: props.tenantId, subscriptionId: props.subscriptionId, resourceGroup: props.resourceGroup, useWorkloadIdentityExtension: true }, null, 2);
}
