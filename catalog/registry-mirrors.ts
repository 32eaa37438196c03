/**
 * The upstream registries the platform pulls from, each mirrored through the environment's ACR by
 * an artifact-cache rule: `<acr>/<upstream host>/<path>` serves `<upstream host>/<path>`, pulled
 * by ACR on first use and kept there. Nodes pull only from ACR (through its private endpoint);
 * the add-ons' values are re-pointed with `mirrorRegistry` and the chart-render test proves that
 * no rendered image names another registry.
 */
import { Naming } from './naming';

export type UpstreamHost = 'docker.io' | 'quay.io' | 'ghcr.io' | 'registry.k8s.io' | 'nvcr.io';

export interface UpstreamRegistry {
  readonly host: UpstreamHost;
  /** Key Vault secrets (names) ACR logs in to the upstream with, where anonymous pulls are throttled. */
  readonly credentials?: { readonly usernameSecret: string; readonly passwordSecret: string; readonly why: string };
  readonly why: string;
}

export const UPSTREAM_REGISTRIES: readonly UpstreamRegistry[] = [
  {
    host: 'docker.io',
    credentials: { usernameSecret: 'acr-cache-dockerhub-username', passwordSecret: 'acr-cache-dockerhub-token', why: 'anonymous Docker Hub pulls are rate-limited per source address, which Azure shares' },
    why: "Gatekeeper, Grafana, Loki (and its gateway and caches), Tempo, the OpenTelemetry Collector, and Argo CD's Redis and HAProxy",
  },
  { host: 'quay.io', why: "Prometheus, Alertmanager, Thanos, the Prometheus operator, node-exporter, Grafana's sidecar, Argo CD, Argo Rollouts and cert-manager" },
  { host: 'ghcr.io', why: "External Secrets, KEDA, Ratify, Dex, Presidio and Argo Rollouts' Gateway API plugin" },
  { host: 'registry.k8s.io', why: "kube-state-metrics, the Prometheus operator's webhook certificate job and external-dns" },
  { host: 'nvcr.io', why: 'the NVIDIA device plugin' },
];


/** The registry part of an image mirrored from `upstream`: `<login server>/<upstream host>`. */
export function mirrorRegistry(loginServer: string, upstream: UpstreamHost): string {
  return `${loginServer}/${upstream}`;
}

/**
 * The environment's ACR login server, from the naming convention alone: what the cdk8s apps
 * (rendered without Terraform) pull through, and what Terraform's `login_server` will be.
 */
export function registryLoginServer(env: { readonly project: string; readonly name: string; readonly location: string; readonly subscriptionId?: string }): string {
  const naming = new Naming({ project: env.project, env: env.name, location: env.location, uniquenessSeed: env.subscriptionId });
  return `${naming.name('containerRegistry')}.azurecr.io`;
}

/** A cache rule's name: letters, digits and dashes only (the provider's rule). */
export function cacheRuleName(host: string): string {
  return `mirror-${host.replace(/[^A-Za-z0-9]+/g, '-')}`;
}
