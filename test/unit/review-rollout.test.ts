/**
 * The plan review of a model or router change: a new pod template of a Deployment that a Rollout
 * took over is shown as a canary (its weights, how they reach traffic, the analyses that can abort
 * it), not as a plain update. Negative controls: the same change to a Deployment no Rollout owns,
 * a change outside the pod template, and the change that introduces the Rollout stay updates.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { diffRendered, readRendered } from '../../cli/lib/review/gitops';
import { renderMarkdown } from '../../cli/lib/review/render';
import type { Review } from '../../cli/lib/review/model';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;
const base = readRendered(join(ROOT, 'rendered'));
const SERVING = 'dev/llm-serving/manifests.yaml';
const AGENTS = 'dev/agent-services/manifests.yaml';
const ROUTER = 'dev/llm-router/manifests.yaml';

/** The committed render with one file's objects edited. */
function edited(file: string, edit: (objects: Obj[]) => void): Map<string, string> {
  const objects = parseAllDocuments(base.get(file)!).map((d) => d.toJS()).filter(Boolean);
  edit(objects);
  const head = new Map(base);
  head.set(file, objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
  return head;
}
const deployment = (objects: Obj[], namespace: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === namespace)!;

function markdown(head: Map<string, string>): string {
  return renderMarkdown(reviewOf(base, head));
}

function reviewOf(before: Map<string, string>, head: Map<string, string>): Review {
  return {
    base: { ref: 'origin/main', commit: 'a'.repeat(40) },
    head: { commit: 'b'.repeat(40), dirty: false },
    environments: [{ name: 'dev', tier: 'non-production' }],
    stacks: [],
    resources: [],
    tenants: [],
    risks: [],
    findings: [],
    skipped: [],
    gitops: { ...diffRendered(before, head), drift: [] },
  };
}

describe('review: canary delivery of models and the router', () => {
  it('a new vLLM image is a rollout with its canary steps and analyses', () => {
    const head = edited(SERVING, (objects) => {
      const c = deployment(objects, 'serving').spec.template.spec.containers[0];
      c.image = c.image.replace(/:[^:@]+$/, ':v0.10.0');
    });
    const { objects } = diffRendered(base, head);
    const vllm = objects.filter((o) => o.kind === 'Deployment');
    assert.equal(vllm.length, 1);
    assert.equal(vllm[0].action, 'rollout');
    assert.equal(vllm[0].canary, 'canary 10% -> 25% -> 50% -> 100% (replica weighting) with analysis llm-error-ratio, llm-latency-p95, vllm-tokens-per-gpu-second, golden-set, rolled back when an analysis fails');
    const md = markdown(head);
    assert.match(md, /- ~ Deployment serving\/vllm-[a-z0-9-]+ \(apps\/v1\): \*\*rollout\*\*, canary 10% -> 25% -> 50% -> 100%/);
    assert.match(md, /spec\.template\.spec\.containers\.0\.image: .*v0\.10\.0/);
  });

  it('a changed vLLM argument is a rollout too; the router goes through its route weights', () => {
    const serving = diffRendered(base, edited(SERVING, (objects) => deployment(objects, 'serving').spec.template.spec.containers[0].args.push('--enable-prefix-caching'))).objects;
    assert.deepEqual(serving.map((o) => o.action), ['rollout']);
    const router = diffRendered(base, edited(ROUTER, (objects) => (deployment(objects, 'platform').spec.template.spec.containers[0].image += '-next'))).objects;
    assert.deepEqual(router.map((o) => `${o.action} ${o.canary?.split(' with ')[0]}`), ['rollout canary 10% -> 25% -> 50% -> 100% (route weights)']);
  });

  it('negative controls: a Deployment no Rollout owns, a change outside the pod template, the change that introduces the Rollout', () => {
    const agents = diffRendered(base, edited(AGENTS, (objects) => (deployment(objects, 'platform').spec.template.spec.containers[0].image += '-next'))).objects;
    assert.deepEqual(agents.map((o) => o.action), ['update']);
    const outside = diffRendered(base, edited(SERVING, (objects) => (deployment(objects, 'serving').spec.revisionHistoryLimit = 7))).objects;
    assert.deepEqual(outside.map((o) => o.action), ['update']);
    const introduced = edited(SERVING, (objects) => {
      deployment(objects, 'serving').spec.template.spec.containers[0].args.push('--x');
    });
    // The base without Rollouts: the change that brings them is not delivered as a canary.
    const withoutRollouts = new Map(base);
    withoutRollouts.set(SERVING, parseAllDocuments(base.get(SERVING)!).map((d) => d.toJS()).filter((o) => o && o.kind !== 'Rollout').map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
    const first = diffRendered(withoutRollouts, introduced).objects;
    assert.deepEqual(first.filter((o) => o.kind === 'Deployment').map((o) => o.action), ['update']);
    assert.ok(first.some((o) => o.kind === 'Rollout' && o.action === 'create'));
    const md = renderMarkdown({ ...reviewOf(withoutRollouts, introduced) });
    assert.doesNotMatch(md, /\*\*rollout\*\*/);
    assert.match(md, /- ~ Deployment serving\/vllm-[a-z0-9-]+ \(apps\/v1\)$/m);
  });
});
