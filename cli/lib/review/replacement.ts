/**
 * What the provider will do with one attribute change, decided from the generated provider
 * facts (catalog/provider-facts) and the classified code-level rules: update in place, rotate a
 * node pool, replace the resource, refuse the change (the apply fails), or "may replace" when
 * the facts do not know the attribute or a rule is not classified.
 */
import { resourceFacts, type ResourceFacts } from '../../../catalog/provider-facts';
import { conditionFires, conditionKey, CONDITIONAL_RULES, guardFails, guardKey, GUARD_RULES } from '../../../catalog/provider-facts/conditions';

export type Effect =
  | { readonly effect: 'in-place' }
  | { readonly effect: 'rotation'; readonly reason: string }
  | { readonly effect: 'replace'; readonly reason: string }
  | { readonly effect: 'may-replace'; readonly reason: string }
  | { readonly effect: 'fails'; readonly reason: string };

/** cdktf and Terraform meta-arguments: they change how Terraform plans, not the resource. */
const META = new Set(['//', 'lifecycle', 'depends_on', 'provider', 'count', 'for_each', 'connection', 'provisioner']);

/** Without list positions: `a.0.b` and `a[name=x].b` are both `a.b`. */
export const normalizePath = (path: string) => path.replace(/\[[^\]]*\]/g, '').replace(/\.\d+(?=\.|$)/g, '');

/** The path and its ancestors, nearest first: `a.b.c`, `a.b`, `a`. */
function lineage(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

const has = (list: readonly string[], path: string) => lineage(path).some((p) => list.includes(p));

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[0];
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return Array.isArray(cur) && cur.length === 1 && typeof cur[0] === 'object' ? cur[0] : cur;
}

export function isSensitive(type: string, path: string): boolean {
  const facts = resourceFacts(type);
  return facts ? has(facts.sensitive, normalizePath(path)) : false;
}

/**
 * @param path dotted path of the changed leaf (list indexes allowed)
 * @param resourceBefore, resourceAfter the whole resource configs: rules compare the values at
 *   their own attribute, which may be an ancestor of the leaf, and some read siblings
 */
export function attributeEffect(type: string, path: string, resourceBefore: Record<string, unknown>, resourceAfter: Record<string, unknown>): Effect {
  const attr = normalizePath(path);
  if (META.has(attr.split('.')[0])) return { effect: 'in-place' };
  const facts = resourceFacts(type);
  if (!facts) return { effect: 'may-replace', reason: `the provider facts have no ${type}` };

  const guard = facts.guards.find((g) => {
    const guarded = g.attributes.find((x) => lineage(attr).includes(x));
    return guarded !== undefined && fails(type, g.message, guarded, resourceBefore, resourceAfter);
  });
  if (guard) return { effect: 'fails', reason: `the provider refuses it: "${guard.message}" (${guard.source})` };

  if (has(facts.forceNew, attr)) return { effect: 'replace', reason: `${attr} forces replacement` };

  for (const rule of facts.conditional.filter((c) => lineage(attr).includes(c.attribute))) {
    const kind = CONDITIONAL_RULES[conditionKey(type, rule.attribute)];
    if (!kind) return { effect: 'may-replace', reason: `the provider may replace on a change of ${rule.attribute} (${rule.source}, not classified)` };
    if (conditionFires(kind, get(resourceBefore, rule.attribute), get(resourceAfter, rule.attribute))) {
      return { effect: 'replace', reason: `${rule.attribute} ${describeChange(get(resourceBefore, rule.attribute), get(resourceAfter, rule.attribute))} forces replacement (${rule.source})` };
    }
  }

  const rotation = rotationOf(facts, attr);
  if (rotation) {
    const tempName = get(resourceAfter, rotation);
    return tempName
      ? { effect: 'rotation', reason: `${attr} is changed by rotating the pool through ${String(tempName)}` }
      : { effect: 'fails', reason: `${attr} needs a node-pool rotation and ${rotation} is not set` };
  }

  if (has(facts.inPlace, attr) || has(facts.computed, attr)) return { effect: 'in-place' };
  return { effect: 'may-replace', reason: `the provider facts do not know ${type}.${attr}` };
}

function fails(type: string, message: string, attribute: string, before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const kind = GUARD_RULES[guardKey(type, message)];
  // An unclassified guard cannot be evaluated; the test on the facts requires a classification.
  if (!kind) return false;
  return guardFails(kind, get(before, attribute), get(after, attribute), before);
}

/** The temporary-name attribute that makes a change of `attr` a rotation, when it is one. */
function rotationOf(facts: ResourceFacts, attr: string): string | undefined {
  const hit = facts.rotation.find((r) => lineage(attr).includes(r));
  if (!hit) return undefined;
  const parent = hit.split('.').slice(0, -1).join('.');
  return parent ? `${parent}.temporary_name_for_rotation` : 'temporary_name_for_rotation';
}

function describeChange(before: unknown, after: unknown): string {
  return `${JSON.stringify(before ?? null)} -> ${JSON.stringify(after ?? null)}`;
}
