/** The strict values schema of every catalogued chart, shared by the environment schema and the releases. */
import type { z } from 'zod';
import type { AddonName } from '../addons';
import { argocdValues } from './argocd';
import { certManagerValues } from './cert-manager';
import { externalDnsValues } from './external-dns';
import { externalSecretsValues } from './external-secrets';
import { gatekeeperValues } from './gatekeeper';
import { envoyGatewayValues } from './envoy-gateway';
import { kedaValues } from './keda';
import { argoRolloutsValues } from './argo-rollouts';
import { kubePrometheusStackValues } from './kube-prometheus-stack';
import { lokiValues } from './loki';
import { nvidiaDevicePluginValues } from './nvidia-device-plugin';
import { otelCollectorValues } from './otel-collector';
import { ratifyValues } from './ratify';
import { tempoValues } from './tempo';
import { blackboxExporterValues } from './blackbox-exporter';
import { temporalValues } from './temporal';
import { aiGatewayCrdsValues, aiGatewayValues } from './ai-gateway';

export const ADDON_VALUES = {
  argocd: argocdValues,
  envoyGateway: envoyGatewayValues,
  aiGatewayCrds: aiGatewayCrdsValues,
  aiGateway: aiGatewayValues,
  certManager: certManagerValues,
  // Two releases of one chart: the public zone and its private twin.
  externalDns: externalDnsValues,
  externalDnsPrivate: externalDnsValues,
  externalSecrets: externalSecretsValues,
  gatekeeper: gatekeeperValues,
  ratify: ratifyValues,
  keda: kedaValues,
  argoRollouts: argoRolloutsValues,
  nvidiaDevicePlugin: nvidiaDevicePluginValues,
  kubePrometheusStack: kubePrometheusStackValues,
  loki: lokiValues,
  tempo: tempoValues,
  otelCollector: otelCollectorValues,
  // The log agent is the same chart as the gateway collector, in DaemonSet mode.
  otelLogAgent: otelCollectorValues,
  blackboxExporter: blackboxExporterValues,
  temporal: temporalValues,
} satisfies Record<AddonName, z.ZodType>;
