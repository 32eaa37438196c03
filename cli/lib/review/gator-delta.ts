/**
 * Gatekeeper violations a change introduces: each side's objects (rendered apps and the
 * Kubernetes objects of its stacks) against that side's own templates and constraints, with
 * `gator test`; what the head violates and the base did not is new. An unchanged object can
 * only gain a violation through changed constraints, so unless an environment's policies
 * changed, only the objects that differ are evaluated, with the Namespaces they live in (for
 * namespace selectors), and gator gets only the constraints that can match them (gator-scope.ts:
 * it compiles every template it is given). Both sides run at once.
 */
import { POLICY_APP } from '../../../charts/app-names';
import { isPolicyObject } from '../../../charts/policies/objects';
import { stackManifests } from '../stack-manifests';
import { policiesFor } from './gator-scope';
import { callAsync, gatorCall } from '../tools';
import type { SynthOutput } from './diff';
import { objectName, parseManifests, type Violation } from './gitops';
import { envOf } from './model';

type Json = Record<string, any>;

interface Side {
  readonly rendered: Map<string, string>;
  readonly synth: SynthOutput;
}

const key = (o: Json) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** The objects of an environment, from the rendered files and stacks given (policies apart). */
function objects(side: Side, env: string, files: string[], stacks: string[], parsePolicies: (text: string) => Json[]): { policies: () => Json[]; objects: Map<string, Json> } {
  // Parsed only when there is something to evaluate: the policy file is the largest of all.
  const policies = () => parsePolicies(side.rendered.get(`${env}/${POLICY_APP}/manifests.yaml`) ?? '');
  const out = new Map<string, Json>();
  for (const rel of files) for (const o of parseManifests(side.rendered.get(rel) ?? '')) if (!isPolicyObject(o)) out.set(key(o), o);
  for (const s of stacks) for (const o of stackManifests(side.synth.stacks[s] ?? {})) out.set(key(o), o);
  return { policies, objects: out };
}

/**
 * The Namespace objects of the given names, from the environment's stacks. Only stacks whose
 * text names one of them are parsed: with thousands of tenant stacks, each with its own
 * namespace, parsing them all would cost more than the rest of the review.
 */
function namespaces(side: Side, env: string, names: string[]): Map<string, Json> {
  const out = new Map<string, Json>();
  if (names.length === 0) return out;
  const quoted = names.map((n) => Buffer.from(JSON.stringify(n)));
  for (const name of Object.keys(side.synth.stacks)) {
    if (envOf(name) !== env) continue;
    const raw = side.synth.raw?.get(name);
    if (raw && !quoted.some((q) => raw.includes(q))) continue;
    const stack = side.synth.stacks[name];
    if (!stack.resource?.kubernetes_namespace_v1) continue;
    for (const o of stackManifests({ resource: { kubernetes_namespace_v1: stack.resource.kubernetes_namespace_v1 } })) out.set(o.metadata.name, o);
  }
  return out;
}

/** @param trim both sides have these policies: leave out the constraints that cannot match (gator-scope.ts) */
async function violations(env: string, policyObjects: () => Json[], evaluated: Json[], side: Side, trim: boolean): Promise<Violation[]> {
  if (evaluated.length === 0) return [];
  const policies = policyObjects();
  if (!policies.some((o) => o.kind === 'ConstraintTemplate')) return [];
  const names = [...new Set(evaluated.map((o) => o.metadata?.namespace).filter(Boolean))] as string[];
  const ns = namespaces(side, env, names);
  const needed = names.map((n) => ns.get(n)).filter((n): n is Json => n !== undefined);
  const have = new Set(evaluated.map(key));
  const reviewed = [...needed.filter((n) => !have.has(key(n))), ...evaluated];
  const found = await callAsync(gatorCall([...(trim ? policiesFor(policies, reviewed) : policies), ...reviewed]));
  return found.map((v) => ({
    env,
    constraint: v.constraint.metadata.name,
    object: objectName({ kind: v.violatingObject.kind, namespace: v.violatingObject.metadata.namespace, name: v.violatingObject.metadata.name }),
    message: v.msg,
    enforcementAction: v.enforcementAction,
  }));
}

/** @param changedStacks stacks whose JSON differs between the sides */
export async function newViolations(base: Side, head: Side, changedStacks: string[]): Promise<Violation[]> {
  const envs = [...new Set([...head.rendered.keys()].map((rel) => rel.split('/')[0]))].sort();
  const perEnv = await Promise.all(
    envs.map(async (env) => {
      const policyFile = `${env}/${POLICY_APP}/manifests.yaml`;
      const policiesChanged = base.rendered.get(policyFile) !== head.rendered.get(policyFile);
      const all = [...new Set([...base.rendered.keys(), ...head.rendered.keys()])].filter((rel) => rel.startsWith(`${env}/`) && rel !== policyFile);
      const files = policiesChanged ? all : all.filter((rel) => base.rendered.get(rel) !== head.rendered.get(rel));
      const envStacks = (side: Side) => Object.keys(side.synth.stacks).filter((s) => envOf(s) === env);
      const stacks = policiesChanged ? [...new Set([...envStacks(base), ...envStacks(head)])] : changedStacks.filter((s) => envOf(s) === env);
      if (!policiesChanged && files.length === 0 && stacks.length === 0) return [];
      // The policy file is the largest; unchanged, both sides share one reading (nothing modifies it).
      const parsed = new Map<string, Json[]>();
      const parsePolicies = (text: string) => parsed.get(text) ?? parsed.set(text, parseManifests(text)).get(text)!;
      const b = objects(base, env, files, stacks, parsePolicies);
      const h = objects(head, env, files, stacks, parsePolicies);
      // Only what differs can gain a violation, unless the policies themselves changed.
      const differs = (k: string) => policiesChanged || JSON.stringify(b.objects.get(k)) !== JSON.stringify(h.objects.get(k));
      const pick = (side: { objects: Map<string, Json> }) => [...side.objects].filter(([k]) => differs(k)).map(([, o]) => o);
      const vkey = (v: Violation) => `${v.constraint}\u0000${v.object}\u0000${v.message}`;
      const [before, after] = await Promise.all([violations(env, b.policies, pick(b), base, !policiesChanged), violations(env, h.policies, pick(h), head, !policiesChanged)]);
      const seen = new Set(before.map(vkey));
      return after.filter((v) => !seen.has(vkey(v)));
    }),
  );
  return perEnv.flat();
}
