/**
 * Review output: Markdown for one pull-request comment, JSON (the full report, which both
 * pipelines upload as an artifact), and SARIF for code-scanning views.
 *
 * The Markdown puts what can lose data first (deletions and replacements, production first),
 * then security-relevant changes, then everything else. It always fits MARKDOWN_LIMIT: it is
 * rendered at decreasing levels of detail until it does, and only then cut at a line.
 */
import { objectName, type ObjectChange } from './gitops';
import { differingParts } from './leaf-diff';
import { blocking, environmentOrder, type Finding, type ResourceChange, type Review } from './model';

export const MARKDOWN_LIMIT = 60_000;
/** Hidden marker a pipeline uses to find and update its own comment instead of adding one. */
export const COMMENT_MARKER = '<!-- platform-review -->';
export const ARTIFACT_NAME = 'platform-review';

const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', rotate: '~>', replace: '-/+', delete: '-' };
const ICON = { error: '🛑', warning: '⚠️', note: 'ℹ️' };

/** How much each section may show, from the most detailed level down. */
interface Detail {
  readonly destroysPerEnv: number;
  readonly findings: number;
  readonly stacks: number;
  readonly tenants: number;
  readonly tenantLines: number;
  readonly gitopsObjects: number;
  readonly gitopsFields: boolean;
  readonly costRows: number;
  readonly resourceDetails: 'attributes' | 'names' | 'none';
}

const LEVELS: Detail[] = [
  { destroysPerEnv: 100, findings: 100, stacks: 200, tenants: 50, tenantLines: 60, gitopsObjects: 150, gitopsFields: true, costRows: 50, resourceDetails: 'attributes' },
  { destroysPerEnv: 100, findings: 100, stacks: 200, tenants: 50, tenantLines: 60, gitopsObjects: 150, gitopsFields: true, costRows: 50, resourceDetails: 'names' },
  { destroysPerEnv: 60, findings: 60, stacks: 100, tenants: 30, tenantLines: 40, gitopsObjects: 100, gitopsFields: false, costRows: 30, resourceDetails: 'none' },
  { destroysPerEnv: 25, findings: 25, stacks: 40, tenants: 15, tenantLines: 12, gitopsObjects: 40, gitopsFields: false, costRows: 15, resourceDetails: 'none' },
  { destroysPerEnv: 8, findings: 10, stacks: 10, tenants: 5, tenantLines: 4, gitopsObjects: 0, gitopsFields: false, costRows: 5, resourceDetails: 'none' },
];

function value(v: unknown, limit = 120): string {
  const text = v === undefined ? '(unset)' : JSON.stringify(v);
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

/** `before -> after`; two long strings are shown by the part that differs. */
function change(before: unknown, after: unknown): string {
  if (typeof before === 'string' && typeof after === 'string' && Math.max(before.length, after.length) > 120) {
    const [b, a] = differingParts(before, after);
    return `${value(b, 200)} -> ${value(a, 200)}`;
  }
  return `${value(before)} -> ${value(after)}`;
}

/** Backticks inside inline code would end it early. */
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function more(shown: number, total: number, what: string): string[] {
  return total > shown ? [`- _… and ${total - shown} more ${what} (all of them are in review.json)_`] : [];
}

function header(review: Review): string {
  const verdict = blocking(review) ? '🛑 blocking findings' : review.stacks.some((s) => s.status !== 'unchanged') || review.gitops?.apps.length ? '✅ changes, nothing blocking' : '✅ no changes';
  const head = `${review.head.commit.slice(0, 12)}${review.head.dirty ? ' + uncommitted changes' : ''}`;
  const run = review.head.runUrl ? ` ([pipeline run](${review.head.runUrl}))` : '';
  return [COMMENT_MARKER, `## Platform review: ${verdict}`, '', `Base ${code(review.base.ref)} (${review.base.commit.slice(0, 12)}) → head ${code(head)}${run}. Offline comparison of the synthesized stacks and rendered apps; no cloud credentials used.`, ''].join('\n');
}

/** tfcmt-style: every delete and replace, protected or not, per environment with production first. */
function destroysBlock(review: Review, d: Detail): string {
  const loud = review.resources.filter((r) => r.action === 'delete' || r.action === 'replace');
  const unsure = review.findings.filter((f) => f.rule === 'may-replace');
  if (loud.length === 0 && unsure.length === 0) return '';
  const envs = [...new Set([...loud.map((r) => r.env), ...unsure.map((f) => f.env!)])].sort(environmentOrder(review.environments));
  const lines = [`### 🔥 Resource deletion and replacement will happen`, ''];
  for (const env of envs) {
    const replaces = loud.filter((r) => r.env === env && r.action === 'replace');
    const deletes = loud.filter((r) => r.env === env && r.action === 'delete');
    const maybe = unsure.filter((f) => f.env === env);
    lines.push(`**${env}**: ${replaces.length} replaced, ${deletes.length} deleted${maybe.length ? `, ${maybe.length} may be replaced` : ''}`, '');
    // Replacements are never cut: there are few, and each is the kind of change a reviewer must see.
    for (const r of replaces) lines.push(`- **replace** ${code(r.path)} (${r.type})${r.protected ? ' **stateful**' : ''}: ${r.attributes.filter((a) => a.effect === 'replace').map((a) => a.reason).join('; ')}`);
    for (const f of maybe.slice(0, d.destroysPerEnv)) lines.push(`- **may replace** ${f.message}`);
    lines.push(...more(Math.min(maybe.length, d.destroysPerEnv), maybe.length, `possible replacements in ${env}`));
    for (const r of deletes.slice(0, d.destroysPerEnv)) lines.push(`- **delete** ${code(r.path)} (${r.type})${r.protected ? ' **stateful**' : ''}`);
    lines.push(...more(Math.min(deletes.length, d.destroysPerEnv), deletes.length, `deletions in ${env}`), '');
  }
  return lines.join('\n');
}

function findingLines(list: Finding[], limit: number, what: string): string[] {
  const sorted = [...list].sort((a, b) => ['error', 'warning', 'note'].indexOf(a.level) - ['error', 'warning', 'note'].indexOf(b.level));
  return [
    ...sorted.slice(0, limit).map((f) => `- ${ICON[f.level]} **${f.rule}**${f.env ? ` (${f.env})` : ''}: ${f.message}${f.approved ? ` _(approved: ${f.approved})_` : ''}`),
    ...more(Math.min(sorted.length, limit), sorted.length, what),
  ];
}

function risksBlock(review: Review, d: Detail): string {
  if (review.risks.length === 0) return '';
  const order = environmentOrder(review.environments);
  const sorted = [...review.risks].sort((a, b) => order(a.env ?? '', b.env ?? ''));
  return ['### ⚠️ Security-relevant changes', '', ...findingLines(sorted, d.findings, 'risks'), ''].join('\n');
}

function findingsBlock(review: Review, d: Detail): string {
  // Destroys and possible replacements already stand in the section above.
  const rest = review.findings.filter((f) => f.rule !== 'may-replace');
  if (rest.length === 0) return '';
  return ['### Findings', '', ...findingLines(rest, d.findings, 'findings'), ''].join('\n');
}

function summaryTable(review: Review, d: Detail): string {
  const changed = review.stacks.filter((s) => s.status !== 'unchanged');
  if (changed.length === 0) return '_No stack changes._\n';
  const rows = changed.slice(0, d.stacks).map((s) => `| ${s.name} | ${s.status} | ${s.create} | ${s.update} | ${s.rotate} | ${s.replace} | ${s.delete} |`);
  return ['### Stacks', '', '| stack (deploy order) | status | add | change | rotate | replace | delete |', '|---|---|---|---|---|---|---|', ...rows, ...more(rows.length, changed.length, 'changed stacks'), ''].join('\n');
}

function tenantsBlock(review: Review, d: Detail): string {
  if (review.tenants.length === 0) return '';
  const lines = review.tenants.slice(0, d.tenants).flatMap((t) => [
    `- **${t.tenant}** ${t.status} (${t.environments.join(', ')})`,
    ...t.details.slice(0, d.tenantLines).map((x) => `  - ${x}`),
    ...(t.details.length > d.tenantLines ? [`  - _… ${t.details.length - d.tenantLines} more_`] : []),
  ]);
  return ['### Tenants', '', ...lines, ...more(Math.min(review.tenants.length, d.tenants), review.tenants.length, 'tenants'), ''].join('\n');
}

function objectLine(o: ObjectChange, fields: boolean): string[] {
  const head =
    o.action === 'rollout'
      ? `- ~ ${objectName(o)} (${o.apiVersion}): **rollout**, ${o.canary}`
      : `- ${o.action === 'create' ? '+' : o.action === 'delete' ? '-' : '~'} ${objectName(o)} (${o.apiVersion})`;
  if (!fields || o.fields.length === 0) return [head];
  return [head, '  ```', ...o.fields.slice(0, 12).map((f) => `    ${f.path}: ${change(f.before, f.after)}`), ...(o.fields.length > 12 ? [`    … ${o.fields.length - 12} more fields`] : []), '  ```'];
}

function gitopsBlock(review: Review, d: Detail): string {
  const g = review.gitops;
  if (!g) return '';
  const lines = ['### GitOps (rendered apps Argo CD syncs)', ''];
  if (g.apps.length === 0) lines.push('_No rendered app changes._', '');
  else {
    const order = environmentOrder(review.environments);
    const apps = [...g.apps].sort((a, b) => order(a.env, b.env) || a.app.localeCompare(b.app));
    lines.push('| environment | app | status | objects added | changed | removed |', '|---|---|---|---|---|---|', ...apps.map((a) => `| ${a.env} | ${a.app} | ${a.status} | ${a.create} | ${a.update} | ${a.delete} |`), '');
    if (d.gitopsObjects > 0) {
      const objects = g.objects.slice(0, d.gitopsObjects);
      lines.push('<details><summary>Objects</summary>', '', ...objects.flatMap((o) => objectLine(o, d.gitopsFields)), ...more(objects.length, g.objects.length, 'objects'), '', '</details>', '');
    }
  }
  return lines.join('\n');
}

function imagesBlock(review: Review): string {
  if (!review.images?.length) return '';
  const order = environmentOrder(review.environments);
  const ref = (r?: { tag: string; digest: string }) => (r ? `${code(r.tag)} ${code(`${r.digest.slice(0, 19)}…`)}` : '_not locked_');
  const rows = [...review.images]
    .sort((a, b) => order(a.env, b.env))
    .map((p) => `| ${p.env} | ${p.image} | ${ref(p.before)} | ${ref(p.after)} | ${p.after ? `${p.after.from}, ${p.after.at}` : 'removed: its apps stop rendering where digests are required'} |`);
  return ['### Image promotions', '', '| environment | image | runs now | runs after merge | from, since |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}

function money(n: number, currency: string): string {
  return `${n.toLocaleString('en-US', { maximumFractionDigits: 0 })} ${currency}`;
}

function range(min: number, max: number, currency: string): string {
  return min === max ? money(min, currency) : `${money(min, currency)} - ${money(max, currency)}`;
}

const signed = (n: number, currency: string) => `${n >= 0 ? '+' : ''}${money(n, currency)}`;

function costBlock(review: Review, d: Detail): string {
  const c = review.cost;
  if (!c || (c.environments.length === 0 && c.budgets.length === 0)) return '';
  const lines = [`### Cost estimate (monthly, list prices as of ${c.asOf}; an estimate, not a quote)`, ''];
  if (c.environments.length) {
    lines.push('| environment | base (min - max nodes) | head | difference (max) | % | not estimated |', '|---|---|---|---|---|---|');
    for (const e of c.environments) {
      lines.push(`| **${e.env}** | ${range(e.base.min, e.base.max, c.currency)} | ${range(e.head.min, e.head.max, c.currency)} | ${signed(e.difference, c.currency)} | ${e.percent === undefined ? 'new' : `${e.percent >= 0 ? '+' : ''}${e.percent}%`} | ${e.notEstimated.join(', ') || '-'} |`);
    }
    lines.push('');
  }
  const unpriced = c.stacks.filter((s) => !s.estimated);
  if (unpriced.length) {
    lines.push(`Not estimated (the price table has no price for): ${unpriced.map((s) => `${s.stack} (${[...new Set([...s.base.unpriced, ...s.head.unpriced])].join(', ')})`).join('; ')}. Add them to config/prices.yaml.`, '');
  }
  if (c.budgets.length) {
    lines.push('Tenant budgets:', '', ...c.budgets.map((b) => `- ${b.tenant} (${b.env}): ${b.before === undefined ? '(none)' : money(b.before, c.currency)} -> ${b.after === undefined ? '(none)' : money(b.after, c.currency)}`), '');
  }
  const rows = c.stacks.filter((s) => s.estimated).slice(0, d.costRows);
  if (rows.length) {
    lines.push('<details><summary>Per stack</summary>', '', '| stack | base | head |', '|---|---|---|', ...rows.map((s) => `| ${s.stack} | ${range(s.base.min, s.base.max, c.currency)} | ${range(s.head.min, s.head.max, c.currency)} |`), '', '</details>', '');
  }
  return lines.join('\n');
}

function plansBlock(review: Review, d: Detail): string {
  if (!review.plans?.length) return '';
  const lines = review.plans.flatMap((p) => [
    `- **${p.stack}**: ${p.changes.length} planned change(s)${p.drift.length ? `, ${p.drift.length} drifted outside Terraform` : ''}`,
    ...p.changes.slice(0, d.findings).map((c) => `  - ${c.replace ? '**replace** ' : ''}${code(c.address)} [${c.actions.join(', ')}]`),
    ...p.drift.slice(0, d.findings).map((c) => `  - drift: ${code(c.address)} [${c.actions.join(', ')}]`),
  ]);
  return ['### terraform plan', '', ...lines, ''].join('\n');
}

function resourceBlock(r: ResourceChange, withAttributes: boolean): string {
  const head = `${SYMBOL[r.action]} ${code(r.path)} (${r.type})${r.protected && r.action !== 'create' ? ' **stateful**' : ''}${r.renamedFrom ? ` (was ${code(r.renamedFrom.path)}?)` : ''}`;
  if (!withAttributes || r.attributes.length === 0) return `- ${head}`;
  const attrs = r.attributes.slice(0, 30).map((a) => `    ${a.path}: ${change(a.before, a.after)}${a.effect === 'in-place' ? '' : `  # ${a.effect}`}`);
  return [`- ${head}`, '  ```', ...attrs, ...(r.attributes.length > 30 ? [`    … ${r.attributes.length - 30} more attributes`] : []), '  ```'].join('\n');
}

function detailsBlock(review: Review, d: Detail): string {
  if (d.resourceDetails === 'none') return '';
  const blocks = review.stacks
    .filter((s) => s.status !== 'unchanged')
    .map((s) => {
      const rs = review.resources.filter((r) => r.stack === s.name);
      const groups = (['delete', 'replace', 'rotate', 'update', 'create'] as const).filter((a) => rs.some((r) => r.action === a));
      const body = groups.flatMap((a) => [`**${a}**`, '', ...rs.filter((r) => r.action === a).map((r) => resourceBlock(r, d.resourceDetails === 'attributes')), '']);
      return [`<details><summary>${s.name}: ${s.create} to add, ${s.update} to change, ${s.rotate} to rotate, ${s.replace} to replace, ${s.delete} to delete</summary>`, '', ...body, '</details>', ''].join('\n');
    });
  return blocks.length ? `### Resources\n\n${blocks.join('\n')}` : '';
}

/** One line on what the review synthesized and what it took from the cache. */
export function synthesisLine(review: Pick<Review, 'synthesis'>): string | undefined {
  const s = review.synthesis;
  if (!s) return undefined;
  if (!s.cache) return `Synthesis: every stack of both sides synthesized (--no-cache).`;
  const side = (name: string, x: { stacks: number; reused: number; synthesized: number }) => `${name} ${x.reused} of ${x.stacks} reused, ${x.synthesized} synthesized`;
  const base = s.base ? side('base', s.base) : 'base synthesized in full by its own code (it predates the cache)';
  const apps = s.renderedApps ? `; rendered apps ${s.renderedApps.reused} of ${s.renderedApps.reused + s.renderedApps.rendered} reused` : '';
  const how = s.baseApart ? ` The base was synthesized by its own code in a worktree: ${s.baseApart}.` : s.base ? ' Only tenant files differ, so this code synthesized the base from its tenant files.' : '';
  return `Synthesis: reused ${s.reused} stacks from the cache (${side('head', s.head)}; ${base})${apps}.${how}`;
}

function footer(review: Review): string {
  const synthesis = synthesisLine(review);
  const notes = [...(synthesis ? [`- ${synthesis}`] : []), ...review.skipped.map((s) => `- skipped: ${s}`)];
  const where = review.head.runUrl ? `the ${code(ARTIFACT_NAME)} artifact of [this run](${review.head.runUrl})` : `the ${code(ARTIFACT_NAME)} artifact (review.json)`;
  return [...(notes.length ? ['', ...notes] : []), '', `_Full report (every resource, attribute, object and finding): ${where}._`, ''].join('\n');
}

function compose(review: Review, d: Detail): string {
  return [header(review), destroysBlock(review, d), risksBlock(review, d), findingsBlock(review, d), summaryTable(review, d), tenantsBlock(review, d), imagesBlock(review), gitopsBlock(review, d), costBlock(review, d), plansBlock(review, d), detailsBlock(review, d), footer(review)]
    .filter(Boolean)
    .join('\n');
}

/** Cuts at the last whole line that fits, closing an open code block and <details>. */
function cut(text: string, limit: number): string {
  const note = '\n\n_The report was cut to fit the comment; the full report is review.json in the pipeline artifact._\n';
  const reserve = note.length + 64;
  const lines = text.slice(0, limit - reserve).split('\n');
  lines.pop();
  const kept = lines.join('\n');
  const fenceOpen = (kept.match(/^\s*```/gm) ?? []).length % 2 === 1;
  const details = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  return `${kept}${fenceOpen ? '\n```' : ''}${'\n</details>'.repeat(Math.max(0, details))}${note}`;
}

export function renderMarkdown(review: Review, limit = MARKDOWN_LIMIT): string {
  let text = '';
  for (const d of LEVELS) {
    text = compose(review, d);
    if (text.length <= limit) return text;
  }
  return cut(text, limit);
}

/** The comment for a review that could not be made: the reason, and what to do. */
export function renderFailureMarkdown(base: string, head: Review['head'], reason: string): string {
  const run = head.runUrl ? ` ([pipeline run](${head.runUrl}))` : '';
  const body = reason.length > 20_000 ? `${reason.slice(0, 20_000)}\n…` : reason;
  return `${COMMENT_MARKER}\n## Platform review: 🛑 cannot review\n\nBase ${code(base)} → head ${code(head.commit.slice(0, 12))}${run}. The review did not run, so nothing was checked: do not merge on an earlier result.\n\n\`\`\`\n${body.replace(/```/g, "'''")}\n\`\`\`\n`;
}

export function renderJson(review: Review): string {
  return `${JSON.stringify({ ...review, blocking: blocking(review) }, null, 2)}\n`;
}

/** SARIF 2.1.0: one result per finding and risk, located at the stack's synthesized file. */
export function renderSarif(review: Pick<Review, 'findings' | 'risks'>): string {
  const all = [...review.risks, ...review.findings];
  const rules = [...new Set(all.map((f) => f.rule))];
  return `${JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'platform-review', informationUri: 'https://platform.example.org/review', rules: rules.map((id) => ({ id, shortDescription: { text: id } })) } },
          results: all.map((f) => ({
            ruleId: f.rule,
            level: f.level,
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: f.stack ? `cdktf.out/stacks/${f.stack}/cdk.tf.json` : 'cdktf.out/manifest.json' } }, ...(f.path ? { logicalLocations: [{ fullyQualifiedName: f.path }] } : {}) }],
          })),
        },
      ],
    },
    null,
    2,
  )}\n`;
}
