/**
 * The GitOps half of a review: what Argo CD will sync differently. The base side is the base
 * commit's committed rendered/ (what Argo CD syncs today); the head side is a fresh render of
 * the working tree, which must also equal the head's committed rendered/ (else the merge would
 * ship manifests that the code does not produce). Objects are compared by group, kind,
 * namespace and name, with a field diff; Secret data is redacted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { leafDiff, redact, SECRET_NAME } from './leaf-diff';
import type { Finding } from './model';

type Json = Record<string, any>;

export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly sensitive: boolean;
}

export interface ObjectChange {
  readonly env: string;
  readonly app: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** `rollout`: an update of a Deployment's pod template that a Rollout runs as a canary. */
  readonly action: 'create' | 'update' | 'delete' | 'rollout';
  readonly fields: FieldChange[];
  /** For `rollout`: how the canary proceeds (canaryOf). */
  readonly canary?: string;
}

export interface AppChange {
  readonly env: string;
  readonly app: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly create: number;
  readonly update: number;
  readonly delete: number;
}

export interface Violation {
  readonly env: string;
  readonly constraint: string;
  readonly object: string;
  readonly message: string;
  readonly enforcementAction: string;
}

export interface GitOpsReview {
  readonly apps: AppChange[];
  readonly objects: ObjectChange[];
  /** Gatekeeper violations the head has and the base did not; undefined when not evaluated. */
  readonly newViolations?: Violation[];
  /** rendered/ files whose committed content differs from what the head renders. */
  readonly drift: string[];
}

/** rendered/<env>/<app>/manifests.yaml -> content, relative to rendered/. */
export function readRendered(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      // Dot-names are staging folders and locks of a render run, not rendered output.
      if (e.name.startsWith('.')) continue;
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.yaml')) files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

export function parseManifests(text: string): Json[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Json | null)
    .filter((o): o is Json => o !== null && typeof o === 'object');
}

const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : 'core');
const objectKey = (o: Json) => `${group(o.apiVersion)}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

export function objectName(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function fieldChanges(kind: string, before: Json | undefined, after: Json | undefined): FieldChange[] {
  return leafDiff(before ?? {}, after ?? {}).map(({ path, before: b, after: a }) => {
    const top = path.split('.')[0];
    const sensitive = (kind === 'Secret' && (top === 'data' || top === 'stringData')) || SECRET_NAME.test(path.split('.').pop() ?? '');
    return { path, before: sensitive ? redact(b) : b, after: sensitive ? redact(a) : a, sensitive };
  });
}

function split(rel: string): { env: string; app: string } {
  const [env, app] = rel.split('/');
  return { env, app };
}

/**
 * How a Rollout delivers a change of the Deployment it took over (workloadRef): its weights, how the
 * weight reaches traffic, and the AnalysisTemplates that can abort it (docs/rollouts.md).
 */
export function canaryOf(rollout: Json): string {
  const canary = rollout.spec?.strategy?.canary ?? {};
  const steps: Json[] = canary.steps ?? [];
  const weights = [...steps.filter((s) => typeof s.setWeight === 'number').map((s) => `${s.setWeight}%`), '100%'];
  const templates = [...new Set(steps.flatMap((s) => (s.analysis?.templates ?? []).map((t: Json) => t.templateName as string)))];
  const how = canary.trafficRouting ? 'route weights' : 'replica weighting';
  return `canary ${weights.join(' -> ')} (${how}) with analysis ${templates.length ? templates.join(', ') : 'none'}, rolled back when an analysis fails`;
}

/** Deployments of a rendered file that a Rollout takes over, by namespace/name. */
function rolloutsByDeployment(objects: Iterable<Json>): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const o of objects) {
    const ref = o.kind === 'Rollout' ? o.spec?.workloadRef : undefined;
    if (ref?.kind === 'Deployment') out.set(`${o.metadata?.namespace ?? ''}/${ref.name}`, o);
  }
  return out;
}

/** Per app and object: what a merge changes in what Argo CD syncs. */
export function diffRendered(base: Map<string, string>, head: Map<string, string>): Pick<GitOpsReview, 'apps' | 'objects'> {
  const apps: AppChange[] = [];
  const objects: ObjectChange[] = [];
  for (const rel of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    if (base.get(rel) === head.get(rel)) continue;
    const { env, app } = split(rel);
    const before = new Map(parseManifests(base.get(rel) ?? '').map((o) => [objectKey(o), o]));
    const after = new Map(parseManifests(head.get(rel) ?? '').map((o) => [objectKey(o), o]));
    const changes: ObjectChange[] = [];
    const rollouts = rolloutsByDeployment(after.values());
    const baseRollouts = rolloutsByDeployment(before.values());
    for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const b = before.get(key);
      const a = after.get(key);
      const o = (a ?? b)!;
      const id = { env, app, apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata?.name };
      if (!b) changes.push({ ...id, action: 'create', fields: [] });
      else if (!a) changes.push({ ...id, action: 'delete', fields: [] });
      else {
        const fields = fieldChanges(o.kind, b, a);
        // A new pod template of a Deployment a Rollout took over (on both sides) starts a canary, not a rolling update.
        const rollout = o.kind === 'Deployment' ? rollouts.get(`${o.metadata?.namespace ?? ''}/${o.metadata?.name}`) : undefined;
        const canary = rollout && baseRollouts.has(`${o.metadata?.namespace ?? ''}/${o.metadata?.name}`) && fields.some((f) => f.path.startsWith('spec.template.')) ? canaryOf(rollout) : undefined;
        if (fields.length) changes.push({ ...id, action: canary ? 'rollout' : 'update', fields, ...(canary ? { canary } : {}) });
      }
    }
    const count = (...actions: ObjectChange['action'][]) => changes.filter((c) => actions.includes(c.action)).length;
    apps.push({ env, app, status: !base.has(rel) ? 'added' : !head.has(rel) ? 'removed' : 'changed', create: count('create'), update: count('update', 'rollout'), delete: count('delete') });
    objects.push(...changes);
  }
  return { apps, objects };
}

/** Files whose committed content differs from the fresh render, plus committed files no longer rendered. */
export function renderedDrift(committed: Map<string, string>, rendered: Map<string, string>, envs: string[]): string[] {
  const inScope = (rel: string) => envs.includes(rel.split('/')[0]);
  const stale = [...rendered].filter(([rel, content]) => committed.get(rel) !== content).map(([rel]) => rel);
  const extra = [...committed.keys()].filter((rel) => inScope(rel) && !rendered.has(rel));
  return [...stale, ...extra].map((rel) => `rendered/${rel}`).sort();
}

export function gitopsFindings(gitops: GitOpsReview): Finding[] {
  const findings: Finding[] = [];
  if (gitops.drift.length) {
    findings.push({
      level: 'error',
      rule: 'rendered-drift',
      message: `the committed rendered/ differs from what the head renders (${gitops.drift.slice(0, 5).join(', ')}${gitops.drift.length > 5 ? `, and ${gitops.drift.length - 5} more` : ''}): run \`npx platform render\` and commit the result`,
    });
  }
  for (const v of gitops.newViolations ?? []) {
    findings.push({
      level: v.enforcementAction === 'deny' ? 'error' : 'warning',
      rule: `gatekeeper ${v.constraint}`,
      env: v.env,
      message: `${v.object}: ${v.message} (${v.enforcementAction} in ${v.env})`,
    });
  }
  return findings;
}
