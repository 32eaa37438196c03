/**
 * The router's guardrails: Presidio PII masking for the tenants that opt in
 * (`spec.llm.guardrails.piiMasking`), and Azure AI Content Safety moderation on every cloud route.
 * LiteLLM loads both from platform_guardrails.py (guardrails-py.ts) next to its config (a custom guardrail `<file>.<Class>`);
 * that file says why they are not LiteLLM's built-in `presidio` and `azure/text_moderations`
 * guardrails attached through team metadata (a LiteLLM Enterprise feature at 1.74.9).
 */
import { SERVICES } from '../../catalog/services';
import type { RouterEntitlement } from '../../config/entitlements';
import type { RouterModel } from './plan';
import { GUARDRAILS_PY } from './guardrails-py';

export const PII_MASKING = 'pii-masking';
export const CLOUD_MODERATION = 'cloud-moderation';
/** Team metadata key the custom guardrail reads (not `guardrails`: that one needs LiteLLM Enterprise). */
export const TEAM_GUARDRAILS_KEY = 'platform_guardrails';
/** The Python module and its settings, mounted next to config.yaml. */
export const GUARDRAILS_MODULE = 'platform_guardrails';
export const GUARDRAILS_SETTINGS_FILE = 'guardrails.json';
/** Azure AI Content Safety severity (FourSeverityLevels: 0, 2, 4, 6) at or above which a text is refused. */
export const MODERATION_SEVERITY_THRESHOLD = 4;

/** A route whose catalogue entry leaves the platform; self-hosted routes carry no boundary or `self-hosted`. */
export type CloudRoutePredicate = (route: RouterModel) => boolean;

/** Keys on the catalogue's data-boundary class of the model that answers the route. */
export const isCloudRoute: CloudRoutePredicate = (route) => route.dataBoundary !== undefined && route.dataBoundary !== 'self-hosted';

/** Aliases with at least one cloud deployment: an alias split between self-hosted and cloud (A/B) is moderated whole. */
export function cloudAliases(routes: readonly RouterModel[], isCloud: CloudRoutePredicate = isCloudRoute): string[] {
  return [...new Set(routes.filter(isCloud).map((r) => r.alias))].sort();
}

/** The `guardrails` block of LiteLLM's config.yaml; moderation only where a cloud route exists. */
export function guardrailsConfig(routes: readonly RouterModel[], isCloud: CloudRoutePredicate = isCloudRoute): { guardrails: Record<string, unknown>[] } {
  const guardrail = (name: string, className: string) => ({
    guardrail_name: name,
    // default_on false: each class decides per request (team metadata, route), see guardrails-py.ts.
    litellm_params: { guardrail: `${GUARDRAILS_MODULE}.${className}`, mode: ['pre_call', 'post_call'], default_on: false },
  });
  return {
    guardrails: [guardrail(PII_MASKING, 'TenantPiiMasking'), ...(cloudAliases(routes, isCloud).length > 0 ? [guardrail(CLOUD_MODERATION, 'CloudModeration')] : [])],
  };
}

/** What platform_guardrails.py reads at start-up. */
export function guardrailsSettings(routes: readonly RouterModel[], isCloud: CloudRoutePredicate = isCloudRoute): Record<string, unknown> {
  return { presidioLanguage: 'en', cloudModeration: { models: cloudAliases(routes, isCloud), severityThreshold: MODERATION_SEVERITY_THRESHOLD } };
}

/** The team metadata entry that turns a tenant's guardrails on; nothing when none is. */
export function teamGuardrails(e: Pick<RouterEntitlement, 'guardrails'>): Record<string, string[]> {
  return e.guardrails.piiMasking ? { [TEAM_GUARDRAILS_KEY]: [PII_MASKING] } : {};
}

/** The router's settings for reaching Presidio (LiteLLM reads PRESIDIO_*_API_BASE). */
export function presidioEnv(): Record<string, string> {
  const url = (s: { name: string; namespace: string; httpPort: number }) => `http://${s.name}.${s.namespace}.svc.cluster.local:${s.httpPort}`;
  return { PRESIDIO_ANALYZER_API_BASE: url(SERVICES.presidioAnalyzer), PRESIDIO_ANONYMIZER_API_BASE: url(SERVICES.presidioAnonymizer) };
}

/** The files mounted next to config.yaml. */
export function guardrailsFiles(routes: readonly RouterModel[], isCloud: CloudRoutePredicate = isCloudRoute): Record<string, string> {
  return {
    [`${GUARDRAILS_MODULE}.py`]: GUARDRAILS_PY,
    [GUARDRAILS_SETTINGS_FILE]: `${JSON.stringify(guardrailsSettings(routes, isCloud), null, 2)}\n`,
  };
}
