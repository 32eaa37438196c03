/**
 * Values schema (strict) — the temporal chart (1.6.0) values the platform sets: the four server
 * services and the Web UI, PostgreSQL persistence and visibility with the schema Job as a Helm
 * pre-install/pre-upgrade hook, mutual TLS from the internal CA, restricted pods and PDBs (its
 * own ServiceMonitors off: the platform renders one). Only keys the platform sets are typed,
 * read from the chart's values.yaml and templates.
 */
import { z } from 'zod';
import { containerSecurityContext, podSecurityContext, resources, stringMap } from './common';

const image = z.strictObject({ repository: z.string(), tag: z.string().regex(/^\d+\.\d+\.\d+$/, 'an exact image tag such as 1.31.2') });
const volume = z.record(z.string(), z.unknown());
const volumeMount = z.strictObject({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional(), subPath: z.string().optional() });
const envVar = z.strictObject({ name: z.string(), value: z.string() });
const minAvailable = z.strictObject({ minAvailable: z.number().int().min(1) });
const serviceMonitor = z.strictObject({ enabled: z.boolean().optional(), interval: z.string().optional(), additionalLabels: stringMap.optional() });

const tlsFiles = z.strictObject({
  certFile: z.string(),
  keyFile: z.string(),
  requireClientAuth: z.boolean().optional(),
  clientCaFiles: z.array(z.string()).optional(),
});
const tlsClient = z.strictObject({ serverName: z.string(), rootCaFiles: z.array(z.string()) });
const tlsGroup = z.strictObject({ server: tlsFiles, client: tlsClient });

/** A SQL datastore: Temporal's own `config.SQL` keys plus the chart's existingSecret/secretKey/createDatabase/manageSchema. */
const sqlStore = z.strictObject({
  pluginName: z.literal('postgres12_pgx'),
  driverName: z.literal('postgres12_pgx'),
  databaseName: z.string(),
  connectAddr: z.string(),
  connectProtocol: z.literal('tcp'),
  user: z.string(),
  existingSecret: z.string(),
  secretKey: z.string(),
  createDatabase: z.boolean(),
  manageSchema: z.boolean(),
  maxConns: z.number().int().min(1),
  maxIdleConns: z.number().int().min(1),
  maxConnLifetime: z.string(),
  tls: z.strictObject({ enabled: z.boolean(), enableHostVerification: z.boolean(), serverName: z.string() }),
});

const serverService = z.strictObject({
  replicaCount: z.number().int().min(1).optional(),
  resources: resources.optional(),
  containerSecurityContext: containerSecurityContext.optional(),
  podDisruptionBudget: minAvailable.optional(),
  metrics: z.strictObject({ serviceMonitor: serviceMonitor.optional() }).optional(),
});

export const temporalValues = z.strictObject({
  serviceAccount: z.strictObject({ create: z.boolean().optional(), name: z.string().optional() }).optional(),
  server: z
    .strictObject({
      image: image.optional(),
      securityContext: podSecurityContext.optional(),
      additionalVolumes: z.array(volume).optional(),
      additionalVolumeMounts: z.array(volumeMount).optional(),
      additionalEnv: z.array(envVar).optional(),
      versionCheckDisabled: z.boolean().optional(),
      metrics: z.strictObject({ annotations: z.strictObject({ enabled: z.boolean() }).optional(), serviceMonitor: serviceMonitor.optional() }).optional(),
      config: z
        .strictObject({
          logLevel: z.string().optional(),
          tls: z
            .strictObject({
              internode: tlsGroup,
              frontend: tlsGroup,
              systemWorker: z.strictObject({ certFile: z.string(), keyFile: z.string(), client: tlsClient }),
              refreshInterval: z.string(),
            })
            .optional(),
          persistence: z
            .strictObject({
              defaultStore: z.literal('default'),
              visibilityStore: z.literal('visibility'),
              numHistoryShards: z.number().int().min(1),
              datastores: z.strictObject({ default: z.strictObject({ sql: sqlStore }), visibility: z.strictObject({ sql: sqlStore }) }),
            })
            .optional(),
          metrics: z.strictObject({ prometheus: z.strictObject({ timerType: z.literal('histogram'), listenAddress: z.string() }) }).optional(),
          namespaces: z.strictObject({ create: z.boolean() }).optional(),
        })
        .optional(),
      frontend: serverService.optional(),
      history: serverService.optional(),
      matching: serverService.optional(),
      worker: serverService.optional(),
    })
    .optional(),
  admintools: z
    .strictObject({
      enabled: z.boolean().optional(),
      image: image.optional(),
      additionalVolumes: z.array(volume).optional(),
      additionalVolumeMounts: z.array(volumeMount).optional(),
    })
    .optional(),
  web: z
    .strictObject({
      replicaCount: z.number().int().min(1).optional(),
      image: image.optional(),
      resources: resources.optional(),
      securityContext: podSecurityContext.optional(),
      containerSecurityContext: containerSecurityContext.optional(),
      podDisruptionBudget: minAvailable.optional(),
      additionalEnv: z.array(envVar).optional(),
      additionalVolumes: z.array(volume).optional(),
      additionalVolumeMounts: z.array(volumeMount).optional(),
    })
    .optional(),
  schema: z
    .strictObject({
      useHelmHooks: z.boolean().optional(),
      backoffLimit: z.number().int().min(0).optional(),
      activeDeadlineSeconds: z.number().int().min(1).optional(),
      resources: resources.optional(),
      securityContext: podSecurityContext.optional(),
      containerSecurityContext: containerSecurityContext.optional(),
    })
    .optional(),
  shims: z.strictObject({ dockerize: z.boolean(), elasticsearchTool: z.boolean() }).optional(),
  /** Extra manifests (templated by the chart): the platform's namespace Job. */
  extraObjects: z.array(z.string()).optional(),
});
export type TemporalValues = z.input<typeof temporalValues>;
