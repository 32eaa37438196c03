/** ConstraintTemplate and constraint objects for a policy; pure functions, no I/O. */
import { type PolicyDefinition, type PolicyEnvironment, POD_KINDS } from './catalog';

type Json = Record<string, unknown>;

export const TEMPLATE_SYNC_WAVE = '-10';
export const CONSTRAINT_SYNC_WAVE = '0';
const EXEMPTIONS_ANNOTATION = 'platform.example.org/exemptions';

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
      annotations: { 'metadata.gatekeeper.sh/title': def.title, description: `Blocks ${def.blocks}.`, 'argocd.argoproj.io/sync-wave': TEMPLATE_SYNC_WAVE },
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

function withoutRegoV1Import(rego: string): string {
  return rego.replace(/^import rego\.v1\n/m, '');
}

function matchKinds(def: PolicyDefinition): Json[] {
  if (def.match !== 'pods') return def.match;
  return [
    { apiGroups: [''], kinds: ['Pod'] },
    { apiGroups: ['apps'], kinds: POD_KINDS.filter((k) => ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(k)) },
    { apiGroups: ['batch'], kinds: ['Job', 'CronJob'] },
  ];
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
