/** Values schema (strict) — prometheus-blackbox-exporter chart values: restricted pod (the chart sets no seccomp profile), sized, HTTPS probe modules. */
import { z } from 'zod';
import { imageRegistry, podSecurityContext, resources } from './common';

const httpModule = z.strictObject({
  prober: z.literal('http'),
  timeout: z.string().regex(/^\d+s$/),
  http: z.strictObject({
    valid_http_versions: z.array(z.string()).optional(),
    valid_status_codes: z.array(z.number().int()).optional(),
    method: z.enum(['GET', 'HEAD']).optional(),
    follow_redirects: z.boolean().optional(),
    fail_if_not_ssl: z.boolean().optional(),
    fail_if_header_not_matches: z.array(z.strictObject({ header: z.string(), regexp: z.string(), allow_missing: z.boolean().optional() })).optional(),
    preferred_ip_protocol: z.enum(['ip4', 'ip6']).optional(),
    tls_config: z.strictObject({ insecure_skip_verify: z.boolean().optional(), min_version: z.enum(['TLS12', 'TLS13']).optional() }).optional(),
  }),
});

export const blackboxExporterValues = z.strictObject({
  image: imageRegistry.optional(),
  fullnameOverride: z.string().optional(),
  replicas: z.number().int().min(1).optional(),
  podDisruptionBudget: z.strictObject({ minAvailable: z.number().int().min(1).optional() }).optional(),
  podSecurityContext: podSecurityContext.optional(),
  resources: resources.optional(),
  config: z.strictObject({ modules: z.record(z.string(), httpModule) }).optional(),
});
export type BlackboxExporterValues = z.input<typeof blackboxExporterValues>;
