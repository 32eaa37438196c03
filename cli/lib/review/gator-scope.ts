/**
 * The Gatekeeper policies a `gator test` run needs for the objects it reviews. gator compiles
 * every ConstraintTemplate it is given (most of its run time on a small review); a constraint
 * whose `match.kinds` takes none of the reviewed objects' kinds cannot report anything on them,
 * because Gatekeeper tests the kinds first and stops there (pkg/mutation/match/match.go,
 * `Matches`: kindsMatch before the namespace and label selectors, so no match error either).
 *
 * What leaving them out does change: the left-out templates and constraints are no longer
 * reviewed objects themselves, nor in `data.inventory`. Hence three conditions, else all policies:
 * - both sides have the same policies (the review's delta: see gator-delta.ts);
 * - every template kept reads the inventory only where cluster-scoped policy objects cannot be
 *   (Namespaces, the namespaced inventory): no result on a reviewed object changes;
 * - the templates whose constraints review policy objects read only the reviewed object's own
 *   Namespace: a policy object's violations then depend on the policies alone, are the same on
 *   both sides, and a delta drops them with or without the objects left out.
 * No ExpansionTemplate either (its generated objects would need their kinds too).
 */
type Json = Record<string, any>;

const CONSTRAINT_GROUP = 'constraints.gatekeeper.sh';
const TEMPLATE = { group: 'templates.gatekeeper.sh', kind: 'ConstraintTemplate' };

const groupOf = (o: Json) => (String(o.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/')[0] : '');
const isConstraint = (o: Json) => groupOf(o) === CONSTRAINT_GROUP;
const isTemplate = (o: Json) => groupOf(o) === TEMPLATE.group && o.kind === TEMPLATE.kind;

/** Gatekeeper's kindsMatch: no kinds, or an entry whose kinds and apiGroups (empty or `*`: any) both take the object's. */
export function kindsMatch(constraint: Json, group: string, kind: string): boolean {
  const kinds: { apiGroups?: string[]; kinds?: string[] }[] = constraint.spec?.match?.kinds ?? [];
  if (kinds.length === 0) return true;
  const takes = (list: string[] | undefined, value: string) => !list || list.length === 0 || list.includes('*') || list.includes(value);
  return kinds.some((k) => takes(k.kinds, kind) && takes(k.apiGroups, group));
}

/** Rego without its comments (`#` to the end of the line, outside strings), which may name the inventory in prose. */
export function withoutComments(rego: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < rego.length; i++) {
    const c = rego[i];
    if (quote) {
      out += c;
      if (c === '\\' && quote === '"') out += rego[++i] ?? '';
      else if (c === quote) quote = undefined;
    } else if (c === '#') {
      while (i + 1 < rego.length && rego[i + 1] !== '\n') i++;
    } else {
      if (c === '"' || c === '`') quote = c;
      out += c;
    }
  }
  return out;
}

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);

/** Where a template reads `data.inventory`: the code from each read on, comments left out. */
function inventoryReads(template: Json): string[] {
  return strings(template.spec ?? {})
    .map(withoutComments)
    .flatMap((code) => [...code.matchAll(/data\.inventory/g)].map((m) => code.slice(m.index, m.index + 120)));
}

/** Reads that cannot see a template or constraint: the namespaced inventory, and Namespaces. */
const BLIND_TO_POLICIES = /^data\.inventory(\.namespace\b|\.cluster\.v1\.Namespace\b|\.cluster\["v1"\]\["Namespace"\]|\.cluster, \["v1", "Namespace")/;
/**
 * Reads of the reviewed object's own Namespace (lib.workload's `namespace`: the request's, else the
 * object's, else ""), which for a template or constraint (cluster-scoped) is no Namespace on either side.
 */
const OWN_NAMESPACE = /^data\.inventory(\.cluster\.v1\.Namespace\[workload\.namespace\]|\.cluster, \["v1", "Namespace", workload\.namespace\b)/;

export const readsBlindToPolicies = (template: Json): boolean => inventoryReads(template).every((r) => BLIND_TO_POLICIES.test(r));
export const readsOwnNamespaceOnly = (template: Json): boolean => inventoryReads(template).every((r) => OWN_NAMESPACE.test(r));

/**
 * The policies (`policies`: one environment's Gatekeeper objects) that can report on `reviewed`,
 * the objects gator is given besides them: other objects as they are; constraints whose kinds
 * take a reviewed object or a policy object that stays (a template, a constraint); the templates
 * of those. Returns all of `policies` when trimming could change a result on `reviewed`.
 */
export function policiesFor(policies: Json[], reviewed: Json[]): Json[] {
  if (policies.some((o) => o.kind === 'ExpansionTemplate' || o.kind === 'Expansion')) return policies;
  const kinds = new Map<string, [string, string]>();
  const add = (group: string, kind: string) => kinds.set(`${group}/${kind}`, [group, kind]);
  for (const o of [...reviewed, ...policies.filter((p) => !isConstraint(p) && !isTemplate(p))]) add(groupOf(o), String(o.kind));
  // Conservatively every constraint kind, and templates: a kept one is reviewed too.
  add(TEMPLATE.group, TEMPLATE.kind);
  for (const c of policies.filter(isConstraint)) add(CONSTRAINT_GROUP, String(c.kind));

  const kept = new Set(policies.filter((c) => isConstraint(c) && [...kinds.values()].some(([g, k]) => kindsMatch(c, g, k))).map((c) => c.kind));
  // Constraints that review the policy objects themselves (kinds `*`, say).
  const onPolicies = new Set(
    policies.filter((c) => isConstraint(c) && (kindsMatch(c, TEMPLATE.group, TEMPLATE.kind) || policies.some((o) => isConstraint(o) && kindsMatch(c, CONSTRAINT_GROUP, String(o.kind))))).map((c) => c.kind),
  );
  const keptTemplates = policies.filter((t) => isTemplate(t) && kept.has(t.spec?.crd?.spec?.names?.kind));
  // Otherwise a result could depend on the policy objects left out, or differ between the sides.
  if (!keptTemplates.every(readsBlindToPolicies)) return policies;
  if (!keptTemplates.filter((t) => onPolicies.has(t.spec?.crd?.spec?.names?.kind)).every(readsOwnNamespaceOnly)) return policies;
  return policies.filter((o) => (isTemplate(o) ? keptTemplates.includes(o) : isConstraint(o) ? kept.has(o.kind) : true));
}
