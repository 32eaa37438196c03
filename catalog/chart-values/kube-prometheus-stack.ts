/**
 * kube-prometheus-stack values: Prometheus with a Thanos sidecar shipping blocks to Blob storage,
 * Alertmanager routed by severity, Grafana with Entra ID login and dashboards from ConfigMaps.
 */
import { z } from 'zod';
import { imageRegistry, resources, serviceAccount, stringMap } from './common';

const json = z.record(z.string(), z.unknown());
const podMetadata = z.strictObject({ labels: stringMap.optional() });
const toggle = z.strictObject({ enabled: z.boolean().optional() });

export const kubePrometheusStackValues = z.strictObject({
  crds: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  defaultRules: z.strictObject({ create: z.boolean().optional(), rules: z.record(z.string(), z.boolean()).optional() }).optional(),
  kubeControllerManager: toggle.optional(),
  kubeScheduler: toggle.optional(),
  kubeEtcd: toggle.optional(),
  kubeProxy: toggle.optional(),
  prometheus: z
    .strictObject({
      serviceAccount: serviceAccount.optional(),
      thanosService: z.strictObject({ enabled: z.boolean().optional() }).optional(),
      prometheusSpec: z
        .strictObject({
          image: imageRegistry.optional(),
          replicas: z.number().int().min(1).optional(),
          retention: z.string().optional(),
          externalLabels: stringMap.optional(),
          enableRemoteWriteReceiver: z.boolean().optional(),
          serviceMonitorSelectorNilUsesHelmValues: z.boolean().optional(),
          podMonitorSelectorNilUsesHelmValues: z.boolean().optional(),
          ruleSelectorNilUsesHelmValues: z.boolean().optional(),
          probeSelectorNilUsesHelmValues: z.boolean().optional(),
          podMetadata: podMetadata.optional(),
          resources: resources.optional(),
          storageSpec: json.optional(),
          thanos: z.strictObject({ objectStorageConfig: z.strictObject({ existingSecret: z.strictObject({ name: z.string(), key: z.string() }) }), resources: resources.optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  alertmanager: z
    .strictObject({
      config: json.optional(),
      alertmanagerSpec: z.strictObject({ image: imageRegistry.optional(), replicas: z.number().int().min(1).optional(), secrets: z.array(z.string()).optional(), retention: z.string().optional(), resources: resources.optional() }).optional(),
    })
    .optional(),
  grafana: z
    .strictObject({
      enabled: z.boolean().optional(),
      image: imageRegistry.optional(),
      replicas: z.number().int().min(1).optional(),
      'grafana.ini': json.optional(),
      rbac: z.strictObject({ namespaced: z.boolean().optional() }).optional(),
      podLabels: stringMap.optional(),
      serviceAccount: serviceAccount.optional(),
      ingress: json.optional(),
      sidecar: json.optional(),
      additionalDataSources: z.array(json).optional(),
      resources: resources.optional(),
      testFramework: toggle.optional(),
    })
    .optional(),
  prometheusOperator: z
    .strictObject({
      image: imageRegistry.optional(),
      resources: resources.optional(),
      // The operator passes these to every config-reloader container it adds to Prometheus and Alertmanager.
      prometheusConfigReloader: z.strictObject({ image: imageRegistry.optional(), resources: resources.optional() }).optional(),
      // The operator's default for the Thanos sidecar it adds to Prometheus (`--thanos-default-base-image`).
      thanosImage: imageRegistry.optional(),
      admissionWebhooks: z.strictObject({ patch: z.strictObject({ image: imageRegistry }).optional() }).optional(),
    })
    .optional(),
  'kube-state-metrics': z.strictObject({ image: imageRegistry.optional(), resources: resources.optional() }).optional(),
  'prometheus-node-exporter': z.strictObject({ image: imageRegistry.optional(), namespaceOverride: z.string().optional(), resources: resources.optional() }).optional(),
  thanosRuler: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});
export type KubePrometheusStackValues = z.input<typeof kubePrometheusStackValues>;
