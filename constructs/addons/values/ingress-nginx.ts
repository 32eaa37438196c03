/** ingress-nginx chart values: internal load balancer unless public ingress is enabled, hardened config. */
import type { AddonContext } from '../context';
import type { IngressNginxValues } from '../../../catalog/chart-values/ingress-nginx';
import { INGRESS_CLASS } from '../../../catalog/cluster-names';

/** A private cluster, or one without public ingress, gets an internal load balancer in the node subnet. */
export function internalLoadBalancer(env: AddonContext['env']): boolean {
  return env.aks.privateCluster || !env.network.publicIngress;
}

export function ingressNginxChartValues(ctx: AddonContext): IngressNginxValues {
  const ha = ctx.highAvailability;
  return {
    controller: {
      replicaCount: ha ? 3 : 1,
      autoscaling: { enabled: ha, minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 70 },
      minAvailable: ha ? 2 : 0,
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      ingressClassResource: { name: INGRESS_CLASS, default: true },
      // Snippets let any Ingress author inject nginx config (CVE-2021-25742 and successors);
      // annotations above High risk (Critical) are refused too.
      allowSnippetAnnotations: false,
      config: { 'annotations-risk-level': 'High', 'ssl-protocols': 'TLSv1.2 TLSv1.3', 'hsts': 'true', 'server-tokens': 'false', 'use-forwarded-headers': 'false' },
      service: {
        externalTrafficPolicy: 'Local',
        annotations: {
          'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
          ...(internalLoadBalancer(ctx.env) ? { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' } : {}),
        },
      },
      metrics: { enabled: true },
      admissionWebhooks: { enabled: true },
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } } },
      ],
    },
  };
}
