/** ConstraintTemplate and constraint objects for a policy; pure functions, no I/O. */
import { type PolicyDefinition, type PolicyEnvironment, type SyncedKind, POD_MATCH } from './catalog';

type Json = Record<string, unknown>;

export const TEMPLATE_SYNC_WAVE = '-10';
export const CONSTRAINT_SYNC_WAVE = '0';
const EXEMPTIONS_ANNOTATION = 'platform.example.org/exemptions';
/** Gatekeeper reads it to report referential templates whose kinds are not synced. */
const REQUIRES_SYNC_ANNOTATION = 'metadata.gatekeeper.sh/requires-sync-data';

/** The Config singleton Gatekeeper reads its sync list from; the chart does not create one. */
export const GATEKEEPER_CONFIG = { name: 'config', namespace: 'gatekeeper-system' } as const;

export function templateName(def: PolicyDefinition): string {
  return def.kind.toLowerCase();
}

/** The sources of a policy: its Rego module, the shared libraries it imports, and optionally CEL. */
export interface PolicySource {
  readonly rego: string;
  readonly libs: string[];
  /** `variables` and `validations` for the K8sNativeValidation engine, where the rule fits CEL. */
  readonly cel?: Record<string, unknown>;
}

export function constraintTemplate(def: PolicyDefinition, source: PolicySource): Json {
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: {
      name: templateName(def),
      annotations: {
        'metadata.gatekeeper.sh/title': def.title,
        description: `Blocks ${def.blocks}.`,
        'argocd.argoproj.io/sync-wave': TEMPLATE_SYNC_WAVE,
        ...(def.syncs?.length ? { [REQUIRES_SYNC_ANNOTATION]: requiresSyncData(def.syncs) } : {}),
      },
    },
    spec: {
      crd: { spec: { names: { kind: def.kind }, validation: { openAPIV3Schema: { type: 'object', properties: def.parameters } } } },
      targets: [
        {
          target: 'admission.k8s.gatekeeper.sh',
          // Rego v1 through the `code` field; Gatekeeper allows only data.lib/data.inventory
          // imports, and v1 makes `import rego.v1` (kept for opa test) redundant.
          code: [
            ...(source.cel ? [{ engine: 'K8sNativeValidation', source: source.cel }] : []),
            { engine: 'Rego', source: { version: 'v1', rego: withoutRegoV1Import(source.rego), libs: source.libs.map(withoutRegoV1Import) } },
          ],
        },
      ],
    },
  };
}

/**
 * Each kind is its own requirement (all are needed). Gatekeeper trims the surrounding quotes and
 * parses the rest as JSON, so the value is the JSON in quotes, not a JSON-encoded string.
 */
function requiresSyncData(kinds: readonly SyncedKind[]): string {
  return `"${JSON.stringify(kinds.map((k) => [{ groups: [k.group], versions: [k.version], kinds: [k.kind] }]))}"`;
}

/**
 * Gatekeeper's Config: what it replicates into data.inventory for the referential rules (the
 * kinds every policy's `syncs` names), in the order the policies name them.
 */
export function gatekeeperConfig(defs: readonly PolicyDefinition[]): Json {
  // Once per kind: Gatekeeper's readiness tracker hung on duplicate entries (open-policy-agent/gatekeeper#2970).
  const byKey = new Map<string, SyncedKind>();
  for (const k of defs.flatMap((d) => d.syncs ?? [])) if (!byKey.has(`${k.group}/${k.version}/${k.kind}`)) byKey.set(`${k.group}/${k.version}/${k.kind}`, k);
  const syncOnly = [...byKey.values()].map((k) => ({ group: k.group, version: k.version, kind: k.kind }));
  return {
    apiVersion: 'config.gatekeeper.sh/v1alpha1',
    kind: 'Config',
    metadata: { ...GATEKEEPER_CONFIG, annotations: { 'argocd.argoproj.io/sync-wave': TEMPLATE_SYNC_WAVE } },
    spec: { sync: { syncOnly } },
  };
}

function withoutRegoV1Import(rego: string): string {
  return rego.replace(/^import rego\.v1\n/m, '');
}

function matchKinds(def: PolicyDefinition): Json[] {
  return def.match === 'pods' ? POD_MATCH : def.match;
}

export function constraint(def: PolicyDefinition, enforcementAction: string, parameters: Json, labels?: Record<string, string>): Json {
  const exemptions = def.exemptions.map((e) => `${e.namespace}: ${e.reason}`).join('\n');
  return {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: def.kind,
    metadata: {
      name: def.dir,
      ...(labels ? { labels } : {}),
      annotations: { 'argocd.argoproj.io/sync-wave': CONSTRAINT_SYNC_WAVE, ...(exemptions ? { [EXEMPTIONS_ANNOTATION]: exemptions } : {}) },
    },
    spec: {
      enforcementAction,
      match: {
        kinds: matchKinds(def),
        ...(def.exemptions.length ? { excludedNamespaces: def.exemptions.map((e) => e.namespace) } : {}),
        ...(def.tenantOnly ? { namespaceSelector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] } } : {}),
      },
      parameters,
    },
  };
}

export function environmentConstraint(def: PolicyDefinition, env: PolicyEnvironment): Json {
  return constraint(def, env.enforcement, def.constraintParameters(env));
}

/**
 * A Gatekeeper template or constraint: policy, not something policies judge. Conformance checks
 * leave these out of what they evaluate (gator would also try to compile a template it is handed,
 * and cannot compile one that calls an external-data provider).
 */
export function isPolicyObject(o: { apiVersion?: unknown }): boolean {
  return typeof o.apiVersion === 'string' && /^(templates|constraints)\.gatekeeper\.sh\//.test(o.apiVersion);
}
