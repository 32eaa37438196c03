/**
 * The `addons` and `observability` sections of an environment file. Each add-on can be turned
 * off, pinned to another exact chart version, and given value overrides; overrides are checked
 * against the same strict schemas the platform's own values are typed with, so an unknown key
 * fails synth instead of being ignored by Helm.
 */
import { z } from 'zod';
import { ADDONS, ADDON_NAMES, exactVersion, type AddonName } from '../catalog/addons';
import { ADDON_VALUES } from '../catalog/chart-values';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected an Entra ID object or client id (a GUID)');

function addon<S extends z.ZodType, E extends z.ZodRawShape = {}>(values: S, extra?: E) {
  return z.strictObject({
    enabled: z.boolean().default(true),
    /** Another exact chart version than the catalogue's (catalog/addons.ts). */
    version: exactVersion.optional(),
    /** Merged over the platform's values; only keys of the typed schema are accepted. */
    values: values.optional(),
    ...(extra ?? ({} as E)),
  });
}

export const addonsSchema = z.strictObject({
  /** Several replicas, PDBs and autoscaling for every add-on (off for a cheap dev cluster). */
  highAvailability: z.boolean().default(true),
  /** The repository Argo CD syncs rendered/<env>/ from. */
  gitops: z.strictObject({
    repoURL: z.string().regex(/^https:\/\/[^\s]+$/, 'expected an https:// Git URL'),
    targetRevision: z.string().min(1).default('main'),
  }),
  argocd: addon(ADDON_VALUES.argocd, {
    sso: z.strictObject({
      /** The Entra ID app registration Argo CD logs users in with (federated with argocd-server's service account). */
      clientId: uuid,
      /** Groups with role:admin; defaults to aks.adminGroupObjectIds. Everyone else is read-only. */
      adminGroupObjectIds: z.array(uuid).default([]),
    }),
  }),
  envoyGateway: addon(ADDON_VALUES.envoyGateway).prefault({}),
  aiGatewayCrds: addon(ADDON_VALUES.aiGatewayCrds).prefault({}),
  aiGateway: addon(ADDON_VALUES.aiGateway, {
    /** Raise after replacing the MCP session seed in Key Vault: Terraform re-sends a write-only value only when this changes. */
    sessionSeedRevision: z.number().int().min(1).default(1),
  }).prefault({}),
  certManager: addon(ADDON_VALUES.certManager, {
    acme: z.strictObject({
      email: z.string().regex(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/, 'expected an e-mail address'),
      /** Let's Encrypt staging issues untrusted certificates without the production rate limits. */
      server: z.enum(['production', 'staging']).default('production'),
    }),
  }),
  externalDns: addon(ADDON_VALUES.externalDns).prefault({}),
  externalDnsPrivate: addon(ADDON_VALUES.externalDnsPrivate).prefault({}),
  externalSecrets: addon(ADDON_VALUES.externalSecrets).prefault({}),
  gatekeeper: addon(ADDON_VALUES.gatekeeper, {
    /** What the API server does when Gatekeeper cannot answer; see ADR 0002 before choosing Ignore. */
    failurePolicy: z.enum(['Fail', 'Ignore']).default('Fail'),
  }).prefault({}),
  ratify: addon(ADDON_VALUES.ratify).prefault({}),
  keda: addon(ADDON_VALUES.keda).prefault({}),
  argoRollouts: addon(ADDON_VALUES.argoRollouts).prefault({}),
  nvidiaDevicePlugin: addon(ADDON_VALUES.nvidiaDevicePlugin).prefault({}),
  kubePrometheusStack: addon(ADDON_VALUES.kubePrometheusStack).prefault({}),
  loki: addon(ADDON_VALUES.loki).prefault({}),
  tempo: addon(ADDON_VALUES.tempo).prefault({}),
  otelCollector: addon(ADDON_VALUES.otelCollector).prefault({}),
  otelLogAgent: addon(ADDON_VALUES.otelLogAgent).prefault({}),
  blackboxExporter: addon(ADDON_VALUES.blackboxExporter).prefault({}),
  temporal: addon(ADDON_VALUES.temporal).prefault({}),
});

export const observabilitySchema = z.strictObject({
  retention: z
    .strictObject({
      /** On Prometheus' disk; the Thanos sidecar also ships every block to Blob storage. */
      metricsLocalDays: z.number().int().min(1).max(90).default(15),
      /** In Blob storage (lifecycle rule on the Thanos container). */
      metricsDays: z.number().int().min(30).max(3650).default(395),
      logsDays: z.number().int().min(1).max(3650).default(30),
      tracesDays: z.number().int().min(1).max(365).default(14),
    })
    .prefault({}),
  prometheusVolumeGi: z.number().int().min(10).max(4096).default(100),
  grafana: z.strictObject({
    sso: z.strictObject({
      clientId: uuid,
      /** Grafana admins (through the app registration's Admin app role). */
      adminGroupObjectIds: z.array(uuid).min(1),
      /** Everyone else who may log in at all (Viewer). */
      viewerGroupObjectIds: z.array(uuid).default([]),
    }),
  }),
});

export type AddonsConfig = z.output<typeof addonsSchema>;
export type ObservabilityConfig = z.output<typeof observabilitySchema>;

export interface AddonIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Enabled add-ons whose dependencies are disabled, and add-ons the cluster cannot run. */
export function addonDependencyIssues(addons: AddonsConfig, gpuPoolEnabled: boolean): AddonIssue[] {
  const issues: AddonIssue[] = [];
  for (const name of ADDON_NAMES) {
    if (!addons[name].enabled) continue;
    for (const [dep, why] of Object.entries(ADDONS[name].dependsOn) as [AddonName, string][]) {
      if (addons[dep].enabled) continue;
      issues.push({
        path: ['addons', name, 'enabled'],
        message: `add-on ${name} needs ${dep} (${why}), which is disabled; enable addons.${dep} or set addons.${name}.enabled: false`,
      });
    }
  }
  if (addons.nvidiaDevicePlugin.enabled && !gpuPoolEnabled) {
    issues.push({
      path: ['addons', 'nvidiaDevicePlugin', 'enabled'],
      message: 'add-on nvidiaDevicePlugin runs only on the GPU pool, which is disabled; enable aks.nodePools.gpu or set addons.nvidiaDevicePlugin.enabled: false',
    });
  }
  return issues;
}
