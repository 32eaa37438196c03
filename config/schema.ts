/**
 * The one definition of an environment file (config/environments/<env>.yaml).
 *
 * Every object is `strict`, so a misspelt key is an error instead of a silently ignored
 * setting. Defaults are the secure choice; turning a protection off is always an explicit key
 * in the file, where a reviewer sees it.
 */
import { z } from 'zod';
import { addonDependencyIssues, addonsSchema, observabilitySchema } from './addons-schema';
import { cidrContains, cidrsOverlap, parseCidr } from '../catalog/cidr';
import { PLATFORM_HOSTS, PLATFORM_HOST_NAMES, type PlatformHostName } from '../catalog/edge';
import { PLATFORM_ROUTE_LIST } from '../catalog/routes';
import { guardRailViolations, RELAXABLE, type RelaxableRule } from './guard-rails';
import { isQuantity } from './quantity';
import { HNSW_MAX_DIMENSIONS } from '../catalog/retrieval';
import { recoverySchema, recoveryViolations } from './recovery';

const dns1123Label = z
  .string()
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'a lowercase DNS-1123 label (a-z, 0-9, "-"), starting with a letter')
  .max(12, 'at most 12 characters (it is part of every resource name)');

const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'an Entra ID object id (UUID)');

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, 'expected an IPv4 network in CIDR form such as 10.20.0.0/16');

const ipOrCidr = z
  .string()
  .refine((v) => parseCidr(v.includes('/') ? v : `${v}/32`) !== undefined, 'expected an IPv4 address or CIDR');

const dnsName = z
  .string()
  .regex(/^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lowercase DNS domain such as dev.ai.example.org');

const tagValue = z.string().min(1).max(256);

/** A Kubernetes quantity; YAML numbers are accepted and kept as strings. */
export const quantity = z
  .union([z.string(), z.number()])
  .transform(String)
  .refine(isQuantity, 'expected a Kubernetes quantity such as "32", "500m" or "128Gi"');

const hostname = z.string().regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'expected a lowercase host name such as dev.azure.com');

const vmSize = z.string().regex(/^Standard_[A-Za-z0-9_]+$/, 'an Azure VM size such as Standard_D4ds_v5');

const zones = z.array(z.enum(['1', '2', '3'])).min(1).default(['1', '2', '3']);

/** Ephemeral OS disks: faster, cheaper, and nothing persists on a node's OS disk. Sizes without a
 * local temp disk or cache large enough need `Managed`. */
const osDiskType = z.enum(['Managed', 'Ephemeral']).default('Ephemeral');

const nodePoolBase = {
  vmSize,
  minCount: z.number().int().min(0).max(1000),
  maxCount: z.number().int().min(1).max(1000),
  maxPods: z.number().int().min(10).max(250).default(50),
  osDiskSizeGb: z.number().int().min(30).max(2048).default(128),
  osDiskType,
  zones,
  /** Encryption at host is on unless a VM size cannot do it; turning it off is explicit. */
  hostEncryption: z.boolean().default(true),
};

const systemPool = z
  .object({ ...nodePoolBase, minCount: z.number().int().min(1).max(1000) })
  .strict();

const workloadPool = z.object(nodePoolBase).strict();

const gpuPool = z
  .object({
    ...nodePoolBase,
    enabled: z.boolean().default(true),
    /** Scale-from-zero is the point of a GPU pool; a non-zero floor is allowed but visible. */
    minCount: z.number().int().min(0).max(1000).default(0),
    gpuModel: z.string().min(1).describe('marketing name of the GPU, used as a node label (e.g. nvidia-a100-80gb)'),
    gpusPerNode: z.number().int().min(1).max(16),
    gpuMemoryGiB: z.number().int().min(8).max(512).describe('memory of ONE GPU, used to size model serving'),
    /** Upper bound of GPUs the environment may ever run; tenant GPU quotas are checked against it. */
    maxGpus: z.number().int().min(0).max(10000),
    spot: z
      .object({
        enabled: z.boolean().default(false),
        /** -1 pays up to the on-demand price, which avoids evictions caused by price alone. */
        maxPrice: z.number().min(-1).default(-1),
      })
      .strict()
      .default({ enabled: false, maxPrice: -1 }),
  })
  .strict();

const maintenanceWindow = z
  .object({
    dayOfWeek: z.enum(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']),
    startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM'),
    utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'an offset such as +01:00').default('+00:00'),
    durationHours: z.number().int().min(4).max(24).default(4),
  })
  .strict();

export const environmentSchema = z
  .object({
    name: dns1123Label.describe('environment name; must equal the file name'),
    /** Production environments get the strictest guard rails and the review blocks on what may lose their data. */
    tier: z.enum(['production', 'non-production']),
    project: dns1123Label.describe('short project code that prefixes every resource name'),
    location: z.string().regex(/^[a-z0-9]+$/, 'an Azure region name such as westeurope'),
    costCenter: z.string().min(1).max(64),
    /** Optional: pins the provider to one subscription so dev config cannot deploy into prod. */
    subscriptionId: uuid.optional(),
    tags: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a lowercase tag key'), tagValue).default({}),
    state: z
      .object({
        resourceGroupName: z.string().min(1).max(90),
        storageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, '3-24 lowercase letters and digits'),
        containerName: z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'a blob container name'),
      })
      .strict(),
    network: z
      .object({
        addressSpace: cidr,
        subnets: z
          .object({
            nodes: cidr,
            apiServer: cidr.describe('at least a /28, delegated to AKS for API server VNet integration'),
            privateEndpoints: cidr,
            /** AzureFirewallSubnet, at least a /26; needed when the egress firewall is on. */
            firewall: cidr.optional(),
          })
          .strict(),
        /** Opens 80/443 from the internet on the node subnet for a public ingress load balancer. */
        publicIngress: z.boolean().default(false),
        /**
         * The WAF edge: Azure Front Door Premium with a WAF policy (Microsoft's default rule set and
         * bot protection) in front of the internal load balancer, reached over Private Link, so the
         * cluster itself never takes internet traffic. Only hosts listed in `publicHosts` are
         * published; the rest stay internal.
         */
        edge: z
          .object({
            frontDoor: z
              .object({
                enabled: z.boolean().default(false),
                /** Prevention blocks what the rules match; Detection only logs it (production refuses it). */
                wafMode: z.enum(['Prevention', 'Detection']).default('Prevention'),
                /** Platform hosts (catalog/edge.ts) published to the internet. */
                publicHosts: z.array(z.custom<PlatformHostName>((v) => typeof v === 'string', 'expected a host name such as api')).default([]),
                /** Requests per minute one client IP may send before the WAF blocks it. */
                rateLimitPerMinute: z.number().int().min(10).max(100_000).default(1000),
              })
              .strict()
              .default({ enabled: false, wafMode: 'Prevention', publicHosts: [], rateLimitPerMinute: 1000 }),
            /**
             * Entra ID sign-in at the Gateway for the routes that ask for it (catalog/routes.ts
             * `signIn`): one app registration (web, redirect URIs https://<host>/oauth2/callback,
             * `groups` in the ID token) whose client secret the operator seeds in the platform vault.
             */
            signIn: z
              .object({
                tenantId: uuid.describe('the Entra ID tenant (directory) id'),
                clientId: uuid.describe('the app registration (client) id'),
                clientSecretName: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, 'a Key Vault secret name').default('gateway-sign-in-client-secret'),
                /** Groups whose members may pass; empty: the cluster admins (aks.adminGroupObjectIds). */
                allowedGroupObjectIds: z.array(uuid).default([]),
              })
              .strict()
              .optional(),
          })
          .strict()
          .default({ frontDoor: { enabled: false, wafMode: 'Prevention', publicHosts: [], rateLimitPerMinute: 1000 } }),
        /**
         * All egress of the nodes through Azure Firewall (user-defined routing) with an FQDN
         * allow-list built from catalog/egress.ts, the Git hosts and the tenants' declared egress.
         */
        egressFirewall: z
          .object({
            enabled: z.boolean().default(true),
            /** Premium adds intrusion detection and prevention (IDPS, in Deny mode). */
            sku: z.enum(['Standard', 'Premium']).default('Premium'),
            /** Further destinations the platform needs (alert receivers, model downloads), each with why. */
            allow: z
              .array(
                z
                  .object({
                    fqdn: z.string().regex(/^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'expected a host name such as hooks.slack.com or *.blob.core.windows.net'),
                    port: z.number().int().min(1).max(65535).default(443),
                    reason: z.string().min(20, 'say who needs it and why'),
                  })
                  .strict(),
              )
              .default([]),
          })
          .strict()
          .default({ enabled: true, sku: 'Premium', allow: [] }),
      })
      .strict(),
    aks: z
      .object({
        kubernetesVersion: z.string().regex(/^1\.\d{2}$/, 'a minor version such as "1.35" (patches are automatic)'),
        privateCluster: z.boolean().default(true),
        /**
         * The AKS Azure Policy add-on runs its own Gatekeeper and does not support a second one, so
         * it is off: admission control is the platform's Gatekeeper with policies/gatekeeper.
         * Turn it on only for a cluster that uses Azure Policy instead of that library.
         */
        azurePolicyAddon: z.boolean().default(false),
        /** Cilium FQDN egress policies (Advanced Container Networking security); tenants' host egress needs it. */
        fqdnEgressFiltering: z.boolean().default(true),
        authorizedIpRanges: z.array(ipOrCidr).default([]),
        adminGroupObjectIds: z.array(uuid).min(1, 'at least one Entra ID group that administers the cluster'),
        podCidr: cidr.default('192.168.0.0/16'),
        serviceCidr: cidr.default('172.16.0.0/16'),
        dnsServiceIp: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/).default('172.16.0.10'),
        upgrade: z
          .object({
            automaticChannel: z.enum(['patch', 'stable', 'rapid', 'node-image']).default('patch'),
            nodeOsChannel: z.enum(['NodeImage', 'SecurityPatch', 'Unmanaged']).default('NodeImage'),
            maintenanceWindow,
          })
          .strict(),
        nodePools: z.object({ system: systemPool, workload: workloadPool, gpu: gpuPool }).strict(),
      })
      .strict(),
    /** Public network access to ACR and Key Vault; private endpoints are always created. */
    publicNetworkAccess: z.boolean().default(false),
    dns: z.object({ zoneName: dnsName }).strict(),
    logAnalytics: z
      .object({
        retentionDays: z.number().int().min(30).max(730).default(30),
        dailyQuotaGb: z.number().min(-1).default(-1),
      })
      .strict()
      .default({ retentionDays: 30, dailyQuotaGb: -1 }),
    keyVault: z
      .object({ softDeleteRetentionDays: z.number().int().min(7).max(90).default(90) })
      .strict()
      .default({ softDeleteRetentionDays: 90 }),
    containerRegistry: z
      .object({
        geoReplicationLocations: z.array(z.string().regex(/^[a-z0-9]+$/)).default([]),
        untaggedRetentionDays: z.number().int().min(0).max(365).default(7),
      })
      .strict()
      .default({ geoReplicationLocations: [], untaggedRetentionDays: 7 }),
    /** What one tenant may ask for in this environment; tenant files are checked against it. */
    tenancy: z
      .object({
        maxQuota: z
          .object({ cpu: quantity, memory: quantity, gpu: z.number().int().min(0), pods: z.number().int().min(1), storage: quantity })
          .strict(),
        /** Git hosts tenants may deploy from through Argo CD. */
        allowedRepoHosts: z.array(hostname).min(1),
        monitoringNamespace: dns1123Label.max(63).default('observability'),
        argocdNamespace: dns1123Label.max(63).default('argocd'),
        /** Where the LLM router runs; tenant pods may call it. */
        routerNamespace: dns1123Label.max(63).default('platform'),
      })
      .strict(),
    /** PostgreSQL, Redis and Storage of the data stack; Entra ID authentication only. */
    data: z
      .object({
        postgres: z
          .object({
            skuName: z.string().regex(/^(B|GP|MO)_Standard_[A-Za-z0-9_]+$/, 'expected a Flexible Server SKU such as GP_Standard_D4ds_v5'),
            version: z.enum(['15', '16']).default('16'),
            storageMb: z.number().int().min(32768).default(131072),
            backupRetentionDays: z.number().int().min(7).max(35).default(35),
            /** Zone-redundant standby in a second zone (not available on Burstable SKUs). */
            highAvailability: z.boolean().default(true),
            geoRedundantBackup: z.boolean().default(true),
            /** The Entra ID group that administers the server. */
            entraAdmin: z.object({ objectId: z.string().regex(/^[0-9a-f-]{36}$/i, 'expected an Entra ID object id'), principalName: z.string().min(1) }).strict(),
            /**
             * Password logins next to Entra ID, an opt-out for clients that cannot refresh Entra
             * tokens. Absent (the default), the server accepts Entra ID only. The admin password
             * is read from the platform Key Vault at apply time and written write-only: it is in
             * neither plan nor state. Choose it when the server is created: Azure sets the admin
             * login once, and the provider replaces a server to add one later (prevent_destroy
             * then stops the plan).
             */
            passwordLogin: z
              .object({
                reason: z.string().min(30, 'say which client needs password logins and why Entra ID does not work for it'),
                /** Key Vault secret (platform vault) holding the admin password; seed it before deploying. */
                adminSecretName: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, 'a Key Vault secret name').default('postgres-admin-password'),
                /** Bump to push a rotated password from Key Vault to the server. */
                adminPasswordVersion: z.number().int().min(1).default(1),
              })
              .strict()
              .optional(),
          })
          .strict(),
        /** Tenant vector stores (docs/retrieval.md): the `retrieval` database exists only where this is set. */
        retrieval: z
          .object({
            /** Dimensions of the embedding model the tenants' stores hold (e.g. 1536 for text-embedding-3-small). */
            embeddingDimensions: z
              .number()
              .int()
              .min(1)
              .max(HNSW_MAX_DIMENSIONS, `at most ${HNSW_MAX_DIMENSIONS}: pgvector's HNSW index takes vector columns of up to ${HNSW_MAX_DIMENSIONS} dimensions; pick a smaller model or request shortened embeddings (text-embedding-3 models take a dimensions parameter)`),
          })
          .strict()
          .optional(),
        redis: z
          .object({
            capacity: z.number().int().min(1).max(5).default(1),
            zones: zones,
          })
          .strict()
          .default({ capacity: 1, zones: ['1', '2', '3'] }),
        storage: z
          .object({
            replication: z.enum(['ZRS', 'GZRS', 'RAGZRS']).default('ZRS'),
            softDeleteDays: z.number().int().min(7).max(365).default(30),
            /** Audit logs cannot be changed or deleted for this long. */
            auditImmutabilityDays: z.number().int().min(1).max(146000).default(365),
          })
          .strict()
          .default({ replication: 'ZRS', softDeleteDays: 30, auditImmutabilityDays: 365 }),
        /** RPO and RTO per data class (catalog/recovery.ts), checked against the settings above (config/recovery.ts). */
        recovery: recoverySchema.optional(),
      })
      .strict(),
    /** Gatekeeper constraints in this environment (policies/gatekeeper). */
    policies: z
      .object({
        /** deny blocks at admission; warn and dryrun only report (for rolling a new rule out). */
        enforcement: z.enum(['deny', 'warn', 'dryrun']).default('deny'),
        /** Require image digests (image:tag@sha256:...), on top of version tags. */
        requireDigest: z.boolean().default(false),
        /** Registries besides the environment's own ACR that workloads may pull from. */
        allowedRegistries: z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, 'expected a registry host with an optional path, e.g. mcr.microsoft.com')).default([]),
      })
      .strict()
      .default({ enforcement: 'deny', requireDigest: false, allowedRegistries: [] }),
    /**
     * Non-production only: each production guard rail the environment relaxes, with why
     * (config/guard-rails.ts). Production takes none.
     */
    guardRailExceptions: z
      .object(Object.fromEntries(Object.keys(RELAXABLE).map((k) => [k, z.string().min(30, 'say why this environment needs it (at least 30 characters)').optional()])) as Record<RelaxableRule, z.ZodOptional<z.ZodString>>)
      .strict()
      .optional(),
    security: z
      .object({
        /**
         * Defender for Containers is a subscription plan: `manage` puts it in this environment's
         * platform stack; `external` when a central security team owns the subscription's plans
         * (say who in `externalOwner`), so two stacks never fight over one setting.
         */
        defenderForContainers: z.enum(['manage', 'external']).default('manage'),
        externalOwner: z.string().min(10, 'name the team that manages the plan').optional(),
      })
      .strict()
      .default({ defenderForContainers: 'manage' }),
    /**
     * The MCP hub (docs/mcp-hub.md): the Entra ID app registration whose access tokens it accepts
     * (v2 tokens: issuer https://login.microsoftonline.com/<entraTenantId>/v2.0, audience appId),
     * and the Azure DevOps organisation its first tool server works on. Absent: no hub is rendered.
     */
    mcpHub: z
      .object({
        entraTenantId: uuid.describe('the Entra ID tenant that issues the hub tokens'),
        appId: uuid.describe("the hub's app registration (client id): the audience of its v2 access tokens"),
        azureDevOps: z
          .object({ organization: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,48}[A-Za-z0-9]$/, 'an Azure DevOps organization name (dev.azure.com/<organization>)') })
          .strict(),
      })
      .strict()
      .optional(),
    /**
     * The cost ledger's API (docs/cost-ledger.md): PostgREST accepts v2 access tokens of this
     * Entra app registration (audience = appId, issuer = this directory) whose `roles` claim holds
     * the app role `ledger_reader`. Absent: the ledger is loaded but no API is rendered.
     */
    ledger: z
      .object({
        entraTenantId: uuid.describe('the Entra ID tenant that issues the ledger API tokens'),
        appId: uuid.describe("the ledger API's app registration (client id): the audience of its v2 access tokens"),
      })
      .strict()
      .optional(),
    /**
     * Azure OpenAI for the cloud models of config/models.yaml (docs/cloud-models.md): the account
     * exists where a tenant of the environment is entitled to a cloud model or `models` lists one.
     */
    azureOpenAI: z
      .object({
        /** Region of the account (default: the environment's); an eu-cloud deployment needs an EU region. */
        location: z.string().regex(/^[a-z0-9]+$/, 'an Azure region name such as swedencentral').optional(),
        /** Cloud models deployed besides the ones tenants are entitled to (e.g. the cloud side of an A/B test). */
        models: z.array(z.string()).default([]),
      })
      .strict()
      .default({ models: [] }),
    /** Helm add-ons of the addons and observability stacks (catalog/addons.ts). */
    addons: addonsSchema,
    observability: observabilitySchema,
    finops: z
      .object({
        /** The billing currency of the subscription; Azure budgets are always in it. */
        currency: z.enum(['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'JPY', 'AUD', 'CAD']),
      })
      .strict(),
  })
  .strict()
  .superRefine((env, ctx) => {
    const { addressSpace, subnets } = env.network;
    const named = Object.entries(subnets).filter(([, v]) => v !== undefined) as [keyof typeof subnets, string][];
    for (const [key, value] of named) {
      if (!cidrContains(addressSpace, value)) {
        ctx.addIssue({
          code: 'custom',
          path: ['network', 'subnets', key],
          message: `subnet ${value} must lie inside network.addressSpace ${addressSpace}`,
        });
      }
    }
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        if (cidrsOverlap(named[i][1], named[j][1])) {
          ctx.addIssue({
            code: 'custom',
            path: ['network', 'subnets', named[j][0]],
            message: `subnet ${named[j][1]} overlaps subnets.${named[i][0]} ${named[i][1]}`,
          });
        }
      }
    }
    const edge = env.network.edge.frontDoor;
    // Checked here rather than by an enum, so unknown and internal-only hosts are reported together.
    const publishable = PLATFORM_HOST_NAMES.filter((h) => PLATFORM_HOSTS[h].publishable).join(', ');
    for (const [i, host] of edge.publicHosts.entries()) {
      const known = (PLATFORM_HOST_NAMES as string[]).includes(host);
      if (!known || !PLATFORM_HOSTS[host].publishable) {
        const why = known ? `${host} is an operator UI and stays internal` : `${host} is not a platform host (catalog/edge.ts)`;
        ctx.addIssue({ code: 'custom', path: ['network', 'edge', 'frontDoor', 'publicHosts', i], message: `${why}; publish only ${publishable}` });
      }
    }
    if (edge.publicHosts.length > 0 && !edge.enabled) {
      ctx.addIssue({ code: 'custom', path: ['network', 'edge', 'frontDoor', 'enabled'], message: 'publicHosts are published only through the WAF edge; set network.edge.frontDoor.enabled: true' });
    }
    if (edge.enabled && edge.publicHosts.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['network', 'edge', 'frontDoor', 'publicHosts'], message: 'the WAF edge is on but publishes nothing; list the hosts to publish or turn it off' });
    }
    const signInHosts = PLATFORM_ROUTE_LIST.filter((r) => r.signIn).map((r) => r.host);
    if (signInHosts.length > 0 && !env.network.edge.signIn) {
      ctx.addIssue({
        code: 'custom',
        path: ['network', 'edge'],
        message: `${signInHosts.join(', ')} ${signInHosts.length === 1 ? 'signs' : 'sign'} in with Entra ID at the Gateway: set network.edge.signIn (tenantId, clientId of the app registration) so ${signInHosts.length === 1 ? 'it is' : 'they are'} never served unauthenticated`,
      });
    }
    if (env.security.defenderForContainers === 'external' && !env.security.externalOwner) {
      ctx.addIssue({ code: 'custom', path: ['security', 'externalOwner'], message: 'say which team manages the Defender for Containers plan of this subscription' });
    }
    if (env.network.egressFirewall.enabled && !subnets.firewall) {
      ctx.addIssue({ code: 'custom', path: ['network', 'subnets'], message: 'the egress firewall needs network.subnets.firewall (a /26 or larger inside the address space)' });
    }
    if (subnets.firewall && (parseCidr(subnets.firewall)?.prefix ?? 0) > 26) {
      ctx.addIssue({ code: 'custom', path: ['network', 'subnets', 'firewall'], message: 'Azure Firewall needs at least a /26 (AzureFirewallSubnet)' });
    }
    if ((parseCidr(subnets.apiServer)?.prefix ?? 0) > 28) {
      ctx.addIssue({ code: 'custom', path: ['network', 'subnets', 'apiServer'], message: 'API server VNet integration needs at least a /28' });
    }
    for (const key of ['podCidr', 'serviceCidr'] as const) {
      if (cidrsOverlap(env.aks[key], addressSpace)) {
        ctx.addIssue({ code: 'custom', path: ['aks', key], message: `${env.aks[key]} overlaps network.addressSpace ${addressSpace}` });
      }
    }
    if (!cidrContains(env.aks.serviceCidr, `${env.aks.dnsServiceIp}/32`)) {
      ctx.addIssue({ code: 'custom', path: ['aks', 'dnsServiceIp'], message: `must lie inside aks.serviceCidr ${env.aks.serviceCidr}` });
    }
    for (const [pool, spec] of Object.entries(env.aks.nodePools)) {
      if (spec.minCount > spec.maxCount) {
        ctx.addIssue({ code: 'custom', path: ['aks', 'nodePools', pool, 'minCount'], message: `minCount ${spec.minCount} exceeds maxCount ${spec.maxCount}` });
      }
    }
    const gpu = env.aks.nodePools.gpu;
    if (gpu.enabled && gpu.maxGpus > gpu.maxCount * gpu.gpusPerNode) {
      ctx.addIssue({
        code: 'custom',
        path: ['aks', 'nodePools', 'gpu', 'maxGpus'],
        message: `maxGpus ${gpu.maxGpus} is more than the pool can hold (maxCount ${gpu.maxCount} x gpusPerNode ${gpu.gpusPerNode})`,
      });
    }
    const tenantGpus = env.tenancy.maxQuota.gpu;
    if (tenantGpus > (gpu.enabled ? gpu.maxGpus : 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tenancy', 'maxQuota', 'gpu'],
        message: gpu.enabled
          ? `a tenant may not get more GPUs (${tenantGpus}) than the environment has (aks.nodePools.gpu.maxGpus ${gpu.maxGpus})`
          : 'the GPU pool is disabled, so tenancy.maxQuota.gpu must be 0',
      });
    }
    if (env.data.postgres.highAvailability && env.data.postgres.skuName.startsWith('B_')) {
      ctx.addIssue({ code: 'custom', path: ['data', 'postgres', 'highAvailability'], message: 'Burstable (B_) SKUs cannot run a high-availability standby; use a GP_ SKU or set highAvailability: false' });
    }
    for (const issue of addonDependencyIssues(env.addons, env.aks.nodePools.gpu.enabled)) ctx.addIssue({ code: 'custom', ...issue });
    // Temporal 1.31 logs in to PostgreSQL with a password only (docs/adr/0006-temporal-persistence.md).
    if (env.addons.temporal.enabled && !env.data.postgres.passwordLogin) {
      ctx.addIssue({
        code: 'custom',
        path: ['addons', 'temporal', 'enabled'],
        message: 'add-on temporal logs in to PostgreSQL with a password (its schema tool cannot use Entra ID tokens, docs/adr/0006-temporal-persistence.md), which data.postgres.passwordLogin allows; set data.postgres.passwordLogin with a reason, or addons.temporal.enabled: false',
      });
    }
    if (env.aks.privateCluster && env.aks.authorizedIpRanges.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['aks', 'authorizedIpRanges'], message: 'authorized IP ranges apply to a public API server only; remove them or set privateCluster: false' });
    }
    for (const v of guardRailViolations(env)) ctx.addIssue({ code: 'custom', path: v.path, message: v.message });
    if (env.data.recovery) {
      for (const v of recoveryViolations(env.data.recovery, env.data)) ctx.addIssue({ code: 'custom', path: v.path, message: v.message });
    } else if (env.tier === 'production') {
      ctx.addIssue({ code: 'custom', path: ['data'], message: 'a production environment declares its recovery targets: add data.recovery with rpoMinutes and rtoMinutes per data class (catalog/recovery.ts)' });
    }
    if (!env.aks.privateCluster && env.aks.authorizedIpRanges.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['aks', 'authorizedIpRanges'],
        message: 'a public API server must be limited to authorized IP ranges (list your CI egress and office ranges), or set privateCluster: true',
      });
    }
  });

/** The validated environment, with every default filled in. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type NodePoolConfig = z.output<typeof workloadPool>;
export type GpuPoolConfig = z.output<typeof gpuPool>;
