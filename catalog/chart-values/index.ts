/** The strict values schema of every catalogued chart, shared by the environment schema and the releases. */
import type { z } from 'zod';
import type { AddonName } from '../addons';
import { argocdValues } from './argocd';
import { certManagerValues } from './cert-manager';
import { externalSecretsValues } from './external-secrets';
import { gatekeeperValues } from './gatekeeper';
import { ingressNginxValues } from './ingress-nginx';
import { kedaValues } from './keda';
import { kubePrometheusStackValues } from './kube-prometheus-stack';
import { lokiValues } from './loki';
import { nvidiaDevicePluginValues } from './nvidia-device-plugin';
import { otelCollectorValues } from './otel-collector';
import { tempoValues } from './tempo';

export const ADDON_VALUES = {
  argocd: argocdValues,
  ingressNginx: ingressNginxValues,
  certManager: certManagerValues,
  externalSecrets: externalSecretsValues,
  gatekeeper: gatekeeperValues,
  keda: kedaValues,
  nvidiaDevicePlugin: nvidiaDevicePluginValues,
  kubePrometheusStack: kubePrometheusStackValues,
  loki: lokiValues,
  tempo: tempoValues,
  otelCollector: otelCollectorValues,
  // The log agent is the same chart as the gateway collector, in DaemonSet mode.
  otelLogAgent: otelCollectorValues,
} satisfies Record<AddonName, z.ZodType>;
