/**
 * The WAF edge: Azure Front Door Premium publishes chosen platform hosts to the internet and
 * forwards them over Private Link to the internal load balancer in front of the Gateway, so the
 * cluster has no public address at all. Every request passes a WAF policy (Microsoft's default
 * rule set and the bot manager rule set, a per-client rate limit) before it reaches the origin;
 * certificates for the custom domains are Front Door's managed ones, validated through TXT
 * records in the environment's DNS zone.
 */
import { Construct } from 'constructs';
import { CdnFrontdoorCustomDomain } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-custom-domain';
import { CdnFrontdoorCustomDomainAssociation } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-custom-domain-association';
import { CdnFrontdoorEndpoint } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-endpoint';
import { CdnFrontdoorFirewallPolicy } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-firewall-policy';
import { CdnFrontdoorOrigin } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin';
import { CdnFrontdoorOriginGroup } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin-group';
import { CdnFrontdoorProfile } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-profile';
import { CdnFrontdoorRoute } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-route';
import { CdnFrontdoorSecurityPolicy } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-security-policy';
import { DnsCnameRecord } from '@cdktf/provider-azurerm/lib/dns-cname-record';
import { DnsTxtRecord } from '@cdktf/provider-azurerm/lib/dns-txt-record';
import { Diagnostics } from '../monitoring';

/** Managed rule sets the policy runs, at their current versions. */
export const WAF_MANAGED_RULE_SETS = [
  // DRS 2.x scores anomalies; the set's action decides what a request over the threshold gets.
  { type: 'Microsoft_DefaultRuleSet', version: '2.1', action: 'Block' },
  { type: 'Microsoft_BotManagerRuleSet', version: '1.1', action: 'Block' },
] as const;

export interface FrontDoorEdgeProps {
  readonly profileName: string;
  readonly endpointName: string;
  readonly wafPolicyName: string;
  readonly diagnosticsName: string;
  readonly resourceGroupName: string;
  /** Region of the Private Link service (the cluster's). */
  readonly location: string;
  readonly wafMode: 'Prevention' | 'Detection';
  readonly rateLimitPerMinute: number;
  /** Public host name -> the record's name in the zone (its first label). */
  readonly hosts: Readonly<Record<string, string>>;
  readonly dnsZoneId: string;
  readonly dnsZoneName: string;
  readonly dnsResourceGroupName: string;
  /** The internal load balancer's address: the frontend of the Private Link service. */
  readonly originAddress: string;
  readonly privateLinkServiceId: string;
  readonly logAnalyticsWorkspaceId: string;
}

export class FrontDoorEdge extends Construct {
  readonly profile: CdnFrontdoorProfile;
  readonly firewallPolicy: CdnFrontdoorFirewallPolicy;
  readonly endpoint: CdnFrontdoorEndpoint;

  constructor(scope: Construct, id: string, props: FrontDoorEdgeProps) {
    super(scope, id);
    const rg = props.resourceGroupName;
    this.profile = new CdnFrontdoorProfile(this, 'profile', {
      name: props.profileName,
      resourceGroupName: rg,
      // Premium: managed WAF rule sets, bot protection and Private Link origins need it.
      skuName: 'Premium_AzureFrontDoor',
      responseTimeoutSeconds: 120,
    });
    const profileId = this.profile.id;

    this.firewallPolicy = new CdnFrontdoorFirewallPolicy(this, 'waf', {
      name: props.wafPolicyName,
      resourceGroupName: rg,
      skuName: this.profile.skuName,
      enabled: true,
      mode: props.wafMode,
      requestBodyCheckEnabled: true,
      managedRule: WAF_MANAGED_RULE_SETS.map((r) => ({ ...r })),
      customRule: [
        {
          name: 'RateLimitPerClientIp',
          type: 'RateLimitRule',
          action: 'Block',
          priority: 100,
          rateLimitDurationInMinutes: 1,
          rateLimitThreshold: props.rateLimitPerMinute,
          // Every request counts: the condition matches any client address.
          matchCondition: [{ matchVariable: 'RemoteAddr', operator: 'IPMatch', negationCondition: true, matchValues: ['255.255.255.255/32'] }],
        },
      ],
    });

    this.endpoint = new CdnFrontdoorEndpoint(this, 'endpoint', { name: props.endpointName, cdnFrontdoorProfileId: profileId, enabled: true });

    const originGroup = new CdnFrontdoorOriginGroup(this, 'origin-group', {
      name: 'platform-gateway',
      cdnFrontdoorProfileId: profileId,
      sessionAffinityEnabled: false,
      loadBalancing: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 },
      healthProbe: { protocol: 'Https', requestType: 'HEAD', path: '/', intervalInSeconds: 60 },
    });
    const origin = new CdnFrontdoorOrigin(this, 'origin', {
      name: 'platform-gateway-ilb',
      cdnFrontdoorOriginGroupId: originGroup.id,
      enabled: true,
      hostName: props.originAddress,
      // Unset: the request's own host name goes to the Gateway, which routes and serves TLS by it.
      certificateNameCheckEnabled: true,
      httpsPort: 443,
      httpPort: 80,
      priority: 1,
      weight: 1000,
      privateLink: {
        privateLinkTargetId: props.privateLinkServiceId,
        location: props.location,
        requestMessage: 'Front Door edge of the platform gateway',
      },
    });

    const domains = Object.entries(props.hosts).map(([host, label]) => {
      const domain = new CdnFrontdoorCustomDomain(this, `domain-${label}`, {
        name: host.replace(/\./g, '-'),
        cdnFrontdoorProfileId: profileId,
        dnsZoneId: props.dnsZoneId,
        hostName: host,
        tls: { certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS12' },
      });
      new DnsTxtRecord(this, `validation-${label}`, {
        name: `_dnsauth.${label}`,
        zoneName: props.dnsZoneName,
        resourceGroupName: props.dnsResourceGroupName,
        ttl: 3600,
        record: [{ value: domain.validationToken }],
      });
      new DnsCnameRecord(this, `cname-${label}`, {
        name: label,
        zoneName: props.dnsZoneName,
        resourceGroupName: props.dnsResourceGroupName,
        ttl: 3600,
        record: this.endpoint.hostName,
      });
      return domain;
    });

    const route = new CdnFrontdoorRoute(this, 'route', {
      name: 'platform-hosts',
      cdnFrontdoorEndpointId: this.endpoint.id,
      cdnFrontdoorOriginGroupId: originGroup.id,
      cdnFrontdoorOriginIds: [origin.id],
      cdnFrontdoorCustomDomainIds: domains.map((d) => d.id),
      patternsToMatch: ['/*'],
      supportedProtocols: ['Http', 'Https'],
      httpsRedirectEnabled: true,
      forwardingProtocol: 'HttpsOnly',
      // Only the custom domains answer; the *.azurefd.net name would bypass host-based routing.
      linkToDefaultDomain: false,
      enabled: true,
    });
    domains.forEach((d, i) => new CdnFrontdoorCustomDomainAssociation(this, `domain-route-${i}`, { cdnFrontdoorCustomDomainId: d.id, cdnFrontdoorRouteIds: [route.id] }));

    new CdnFrontdoorSecurityPolicy(this, 'security-policy', {
      name: 'platform-waf',
      cdnFrontdoorProfileId: profileId,
      securityPolicies: {
        firewall: {
          cdnFrontdoorFirewallPolicyId: this.firewallPolicy.id,
          association: { domain: [this.endpoint.id, ...domains.map((d) => d.id)].map((cdnFrontdoorDomainId) => ({ cdnFrontdoorDomainId })), patternsToMatch: ['/*'] },
        },
      },
    });

    new Diagnostics(this, 'diagnostics', {
      name: props.diagnosticsName,
      targetResourceId: profileId,
      workspaceId: props.logAnalyticsWorkspaceId,
      categories: ['FrontDoorAccessLog', 'FrontDoorHealthProbeLog', 'FrontDoorWebApplicationFirewallLog'],
    });
  }
}
