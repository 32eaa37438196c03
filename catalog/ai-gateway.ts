/**
 * Envoy AI Gateway names that cross a boundary, from its v1.1.0 chart (manifests/charts/ai-gateway-helm)
 * and controller: Envoy Gateway calls the controller as its extension server, the API server calls
 * its pod-mutating webhook, Prometheus scrapes it, and the platform Gateway names the GatewayConfig
 * that sizes the external processor the webhook injects into every Envoy proxy pod.
 */
import { ADDONS, releaseName } from './addons';

export const AI_GATEWAY_NAMESPACE = ADDONS.aiGateway.namespace;

/** The chart's `controller.fullnameOverride` default: Deployment, Service and ServiceAccount. */
export const AI_GATEWAY_CONTROLLER = 'ai-gateway-controller';

/** The chart's controller Service ports (values.yaml controller.service.ports). */
export const AI_GATEWAY_PORTS = { webhook: 9443, extensionServer: 1063, metrics: 8080 } as const;

/** The controller pods' labels (the chart's selectorLabels: chart name and release). */
export const AI_GATEWAY_CONTROLLER_LABELS = { 'app.kubernetes.io/name': ADDONS.aiGateway.chart, 'app.kubernetes.io/instance': releaseName('aiGateway') } as const;

/** Envoy Gateway's extension-manager address for the controller (upstream manifests/envoy-gateway-values.yaml). */
export function aiGatewayExtensionServer(): { hostname: string; port: number } {
  return { hostname: `${AI_GATEWAY_CONTROLLER}.${AI_GATEWAY_NAMESPACE}.svc.cluster.local`, port: AI_GATEWAY_PORTS.extensionServer };
}

/** The Gateway annotation that names its GatewayConfig (internal/controller/ai_gateway_route.go GatewayConfigAnnotationKey). */
export const GATEWAY_CONFIG_ANNOTATION = 'aigateway.envoyproxy.io/gateway-config';
/** The platform Gateway's GatewayConfig (same namespace as the Gateway). */
export const PLATFORM_GATEWAY_CONFIG = 'platform-ai-gateway';

/**
 * The external processor's container in each Envoy proxy pod (the MCP proxy and the AI filters):
 * upstream injects it without resources, so the GatewayConfig sets them, and the gateway
 * namespace's quota counts it once per proxy replica.
 */
export const EXTPROC_SIZE = { cpuMillis: 100, memoryRequestMi: 128, memoryLimitMi: 512 } as const;

/**
 * The platform Key Vault secret with the seed the MCP proxies derive their session-encryption key
 * from (`controller.mcp.sessionEncryption.seed`); put there once per environment (docs/mcp-hub.md).
 */
export const MCP_SESSION_SEED_SECRET = 'ai-gateway-mcp-session-seed';
