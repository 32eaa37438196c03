/**
 * The review's trimmed gator run (cli/lib/review/gator-scope.ts) against the full one, with the
 * real gator, each environment's committed policies and real objects: a tenant's stack and a
 * rendered app, each with a doctored object that violates a constraint (the negative control:
 * both runs must report it).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_APP } from '../../charts/app-names';
import { isPolicyObject } from '../../charts/policies/objects';
import { policiesFor } from '../../cli/lib/review/gator-scope';
import { parseManifests } from '../../cli/lib/review/gitops';
import { envOf } from '../../cli/lib/review/model';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { gatorViolations, REPO, type GatorResult } from '../../cli/lib/tools';
import { synthApp } from '../helpers/synth';

type Json = Record<string, any>;
const app = synthApp();
const rendered = (env: string, name: string) => parseManifests(readFileSync(join(REPO, 'rendered', env, name, 'manifests.yaml'), 'utf8'));
const key = (v: GatorResult) => `${v.constraint.kind}/${v.constraint.metadata.name} ${v.violatingObject.kind}/${v.violatingObject.metadata.namespace ?? ''}/${v.violatingObject.metadata.name}: ${v.msg}`;
const onPolicies = (vs: GatorResult[], yes: boolean) => vs.filter((v) => isPolicyObject(v.violatingObject as Json) === yes).map(key).sort();

/** A tenant's stack objects and a rendered app, with every Namespace of the environment, and two doctored objects. */
function reviewed(env: string): { objects: Json[]; doctored: string[] } {
  const tenant = Object.keys(app.stacks).find((s) => envOf(s) === env && s.includes('-tenant-'))!;
  const tenantObjects = stackManifests(app.stack(tenant).json);
  const namespaces = Object.values(app.stacks)
    .filter((s) => envOf(s.name) === env)
    .flatMap((s) => stackManifests(s.json))
    .filter((o) => o.kind === 'Namespace' && !tenantObjects.some((t) => t.kind === 'Namespace' && t.metadata.name === o.metadata.name));
  const appObjects = rendered(env, 'observability');
  const sa = structuredClone(tenantObjects.find((o) => o.kind === 'ServiceAccount')!);
  sa.metadata = { ...sa.metadata, name: `${sa.metadata.name}-doctored`, labels: { ...sa.metadata.labels, tenant: 'someone-else' } };
  const deployment = structuredClone(appObjects.find((o) => o.kind === 'Deployment')!);
  deployment.metadata.name = `${deployment.metadata.name}-doctored`;
  deployment.spec.template.spec.containers[0].image = 'nginx:latest';
  return { objects: [...namespaces, ...tenantObjects, sa, ...appObjects, deployment], doctored: [`ServiceAccount/${sa.metadata.name}`, `Deployment/${deployment.metadata.name}`] };
}

describe('gator scope: the trimmed run reports what the full run reports', () => {
  for (const env of ['dev', 'prod']) {
    it(`${env}: the same violations on every reviewed object, the doctored ones included`, () => {
      const policies = rendered(env, POLICY_APP);
      const { objects, doctored } = reviewed(env);
      const trimmed = policiesFor(policies, objects);
      assert.ok(trimmed.filter((o) => o.kind === 'ConstraintTemplate').length < policies.filter((o) => o.kind === 'ConstraintTemplate').length, 'something is left out');

      const full = gatorViolations([...policies, ...objects]);
      const fewer = gatorViolations([...trimmed, ...objects]);
      assert.deepEqual(onPolicies(fewer, false), onPolicies(full, false));
      for (const d of doctored) assert.ok(onPolicies(fewer, false).some((v) => v.includes(` ${d.split('/')[0]}/`) && v.includes(`/${d.split('/')[1]}: `)), `${d} is reported: ${onPolicies(fewer, false).join('\n')}`);

      // What the trimmed run no longer reports: violations of the policy objects themselves, which
      // depend on the policies alone (the same with no other object), so a base/head delta drops them.
      assert.deepEqual(onPolicies(full, true), onPolicies(gatorViolations(policies), true));
    });
  }
});
