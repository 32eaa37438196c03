/**
 * Gatekeeper violations a change introduces: each side's objects (rendered apps and the
 * Kubernetes objects of its stacks) against that side's own templates and constraints, with
 * `gator test`; what the head violates and the base did not is new. An unchanged object can
 * only gain a violation through changed constraints, so unless an environment's policies
 * changed, only changed objects (plus every Namespace, for namespace selectors) are evaluated.
 */
import { POLICY_APP } from '../../../charts/policies/chart';
import { stackManifests } from '../stack-manifests';
import { gatorViolations } from '../tools';
import type { SynthOutput } from './diff';
import { objectName, parseManifests, type Violation } from './gitops';
import { envOf } from './model';

type Json = Record<string, any>;

interface Side {
  readonly rendered: Map<string, string>;
  readonly synth: SynthOutput;
}

function envObjects(side: Side, env: string, keep: (file: string, text: string) => boolean, keepStack: (stack: string) => boolean): Json[] {
  const policies: Json[] = [];
  const objects: Json[] = [];
  for (const [rel, text] of side.rendered) {
    const [e, app] = rel.split('/');
    if (e !== env) continue;
    if (app === POLICY_APP) policies.push(...parseManifests(text));
    else if (keep(rel, text)) objects.push(...parseManifests(text));
  }
  for (const [name, stack] of Object.entries(side.synth.stacks)) {
    if (envOf(name) !== env) continue;
    const manifests = stackManifests(stack);
    objects.push(...(keepStack(name) ? manifests : manifests.filter((m) => m.kind === 'Namespace')));
  }
  return [...policies, ...objects];
}

function violations(side: Side, env: string, keep: (file: string, text: string) => boolean, keepStack: (stack: string) => boolean): Violation[] {
  const objects = envObjects(side, env, keep, keepStack);
  if (!objects.some((o) => o.kind === 'ConstraintTemplate')) return [];
  return gatorViolations(objects).map((v) => ({
    env,
    constraint: v.constraint.metadata.name,
    object: objectName({ kind: v.violatingObject.kind, namespace: v.violatingObject.metadata.namespace, name: v.violatingObject.metadata.name }),
    message: v.msg,
    enforcementAction: v.enforcementAction,
  }));
}

/** @param changedStacks stacks whose JSON differs between the sides */
export function newViolations(base: Side, head: Side, changedStacks: string[]): Violation[] {
  const envs = [...new Set([...head.rendered.keys()].map((rel) => rel.split('/')[0]))].sort();
  const out: Violation[] = [];
  for (const env of envs) {
    const policyFile = `${env}/${POLICY_APP}/manifests.yaml`;
    const policiesChanged = base.rendered.get(policyFile) !== head.rendered.get(policyFile);
    const changedFiles = [...head.rendered.keys()].filter((rel) => rel.startsWith(`${env}/`) && base.rendered.get(rel) !== head.rendered.get(rel));
    const stacks = changedStacks.filter((s) => envOf(s) === env && stackManifests(head.synth.stacks[s] ?? {}).length > 0);
    if (!policiesChanged && changedFiles.length === 0 && stacks.length === 0) continue;
    const keep = (rel: string) => policiesChanged || changedFiles.includes(rel);
    const keepStack = (s: string) => policiesChanged || stacks.includes(s);
    const key = (v: Violation) => `${v.constraint}\u0000${v.object}\u0000${v.message}`;
    const before = new Set(violations(base, env, keep, keepStack).map(key));
    out.push(...violations(head, env, keep, keepStack).filter((v) => !before.has(key(v))));
  }
  return out;
}
