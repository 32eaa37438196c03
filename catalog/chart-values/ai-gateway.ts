/**
 * Values schemas (strict) — Envoy AI Gateway's two charts (v1.1.0): ai-gateway-crds-helm takes no
 * values; ai-gateway-helm's controller and the external processor it injects into the Envoy proxies.
 */
import { z } from 'zod';
import { quantity, resources } from './common';

export const aiGatewayCrdsValues = z.strictObject({});
export type AiGatewayCrdsValues = z.input<typeof aiGatewayCrdsValues>;

const image = z.strictObject({ repository: z.string(), tag: z.string().optional() });
const logLevel = z.enum(['debug', 'info', 'warn', 'error']);
const logFormat = z.enum(['text', 'json']);

const containerSecurityContext = z.strictObject({
  allowPrivilegeEscalation: z.literal(false),
  capabilities: z.strictObject({ drop: z.array(z.string()) }),
  privileged: z.literal(false),
  readOnlyRootFilesystem: z.boolean(),
  runAsNonRoot: z.literal(true),
  runAsUser: z.number().int().min(1),
  runAsGroup: z.number().int().min(1),
  seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }),
});

export const aiGatewayValues = z.strictObject({
  extProc: z
    .strictObject({
      image: image.optional(),
      logLevel: logLevel.optional(),
      logFormat: logFormat.optional(),
    })
    .optional(),
  controller: z
    .strictObject({
      image: image.optional(),
      logLevel: logLevel.optional(),
      logFormat: logFormat.optional(),
      replicaCount: z.number().int().min(1).optional(),
      resources: resources.optional(),
      podDisruptionBudget: z.strictObject({ enabled: z.boolean().optional(), minAvailable: quantity.optional() }).optional(),
      topologySpreadConstraints: z.array(z.record(z.string(), z.unknown())).optional(),
      securityContext: containerSecurityContext.optional(),
      /** cert-manager issues the pod mutator's serving certificate (else the chart generates one with genCA). */
      mutatingWebhook: z.strictObject({ certManager: z.strictObject({ enable: z.boolean() }).optional() }).optional(),
      /**
       * MCP session encryption: the seed is set write-only by the addons stack from Key Vault,
       * never in these values (the chart passes it as a container argument).
       */
      mcp: z.strictObject({ sessionEncryption: z.strictObject({ iterations: z.number().int().min(100000).optional() }).optional() }).optional(),
    })
    .optional(),
  envoyGateway: z.strictObject({ namespace: z.string() }).optional(),
});
export type AiGatewayValues = z.input<typeof aiGatewayValues>;
