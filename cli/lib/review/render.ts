/**
 * Review output: Markdown for one pull-request comment (collapsible sections, kept under the
 * comment size limit by dropping detail before summaries, never cutting a block in half), JSON,
 * and SARIF for code-scanning views.
 */
import { blocking, type ResourceChange, type Review } from './model';

export const MARKDOWN_LIMIT = 60_000;
/** Hidden marker a pipeline uses to find and update its own comment instead of adding one. */
export const COMMENT_MARKER = '<!-- platform-review -->';

const SYMBOL: Record<ResourceChange['action'], string> = { create: '+', update: '~', replace: '-/+', delete: '-' };

function value(v: unknown): string {
  const text = v === undefined ? '(unset)' : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function summaryTable(review: Review): string {
  const changed = review.stacks.filter((s) => s.status !== 'unchanged');
  if (changed.length === 0) return '_No stack changes._\n';
  const rows = changed.map((s) => `| ${s.name} | ${s.status} | ${s.create} | ${s.update} | ${s.replace} | ${s.delete} |`);
  return ['| stack (deploy order) | status | add | change | replace | delete |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

function findingsBlock(review: Review): string {
  if (review.findings.length === 0) return '';
  const icon = { error: '🛑', warning: '⚠️', note: 'ℹ️' };
  return ['### Blocking and warnings', '', ...review.findings.map((f) => `- ${icon[f.level]} **${f.rule}**${f.stack ? ` (${f.stack})` : ''}: ${f.message}`), ''].join('\n');
}

function tenantsBlock(review: Review): string {
  if (review.tenants.length === 0) return '';
  const lines = review.tenants.flatMap((t) => [`- **${t.tenant}** ${t.status} (${t.environments.join(', ')})`, ...t.details.map((d) => `  - ${d}`)]);
  return ['### Tenants', '', ...lines, ''].join('\n');
}

function money(n: number, currency: string): string {
  return `${n.toLocaleString('en-US', { maximumFractionDigits: 0 })} ${currency}`;
}

function range(min: number, max: number, currency: string): string {
  return min === max ? money(min, currency) : `${money(min, currency)} - ${money(max, currency)}`;
}

function costBlock(review: Review): string {
  const c = review.cost;
  if (!c || c.stacks.length === 0) return '';
  const rows = c.stacks.map((s) => {
    const delta = `${s.head.min - s.base.min >= 0 ? '+' : ''}${money(s.head.min - s.base.min, c.currency)} / ${s.head.max - s.base.max >= 0 ? '+' : ''}${money(s.head.max - s.base.max, c.currency)}`;
    const unpriced = s.head.unpriced.length ? ` (not priced: ${s.head.unpriced.join(', ')})` : '';
    return `| ${s.stack} | ${range(s.base.min, s.base.max, c.currency)} | ${range(s.head.min, s.head.max, c.currency)}${unpriced} | ${delta} |`;
  });
  const t = c.total;
  return [
    `### Cost estimate (monthly, list prices as of ${c.asOf}; an estimate, not a quote)`,
    '',
    '| stack | base (min - max nodes) | head | change (min / max) |',
    '|---|---|---|---|',
    ...rows,
    `| **all stacks** | ${range(t.baseMin, t.baseMax, c.currency)} | ${range(t.headMin, t.headMax, c.currency)} | ${money(t.headMin - t.baseMin, c.currency)} / ${money(t.headMax - t.baseMax, c.currency)} |`,
    '',
  ].join('\n');
}

function plansBlock(review: Review): string {
  if (!review.plans?.length) return '';
  const lines = review.plans.flatMap((p) => [
    `- **${p.stack}**: ${p.changes.length} planned change(s)${p.drift.length ? `, ${p.drift.length} drifted outside Terraform` : ''}`,
    ...p.changes.map((c) => `  - ${c.replace ? '**replace** ' : ''}\`${c.address}\` [${c.actions.join(', ')}]`),
    ...p.drift.map((c) => `  - drift: \`${c.address}\` [${c.actions.join(', ')}]`),
  ]);
  return ['### terraform plan', '', ...lines, ''].join('\n');
}

function resourceBlock(r: ResourceChange, withAttributes: boolean): string {
  const head = `${SYMBOL[r.action]} \`${r.path}\` (${r.type})${r.protected && r.action !== 'create' ? ' **protected**' : ''}${r.renamedFrom ? ` (was \`${r.renamedFrom.path}\`?)` : ''}`;
  if (!withAttributes || r.attributes.length === 0) return `- ${head}`;
  const attrs = r.attributes.map((a) => `    ${a.path}: ${value(a.before)} -> ${value(a.after)}${a.forcesReplacement ? '  # forces replacement' : ''}`);
  return [`- ${head}`, '  ```', ...attrs, '  ```'].join('\n');
}

function stackDetails(review: Review, withAttributes: boolean): string[] {
  return review.stacks
    .filter((s) => s.status !== 'unchanged')
    .map((s) => {
      const rs = review.resources.filter((r) => r.stack === s.name);
      const groups = (['delete', 'replace', 'update', 'create'] as const).filter((a) => rs.some((r) => r.action === a));
      const body = groups.flatMap((a) => [`**${a}**`, '', ...rs.filter((r) => r.action === a).map((r) => resourceBlock(r, withAttributes)), '']);
      return [`<details><summary>${s.name}: ${s.create} to add, ${s.update} to change, ${s.replace} to replace, ${s.delete} to delete</summary>`, '', ...body, '</details>', ''].join('\n');
    });
}

export function renderMarkdown(review: Review, limit = MARKDOWN_LIMIT): string {
  const verdict = blocking(review) ? '🛑 blocking findings' : review.stacks.some((s) => s.status !== 'unchanged') ? '✅ changes, nothing blocking' : '✅ no changes';
  const header = [COMMENT_MARKER, `## Platform review: ${verdict}`, '', `Base \`${review.base}\` → head \`${review.head}\`. Offline comparison of the synthesized stacks; no cloud credentials used.`, ''].join('\n');
  const fixed = [header, summaryTable(review), findingsBlock(review), tenantsBlock(review), costBlock(review), plansBlock(review)].join('\n');
  // Whole blocks are dropped, most detailed first: attributes, then per-stack lists.
  for (const withAttributes of [true, false]) {
    const details = stackDetails(review, withAttributes);
    const kept: string[] = [];
    let size = fixed.length;
    const note = '\n_Some stacks are omitted to fit the comment limit; see the JSON report artifact._\n';
    for (const block of details) {
      if (size + block.length + note.length > limit) break;
      kept.push(block);
      size += block.length;
    }
    if (details.length === 0) return fixed;
    if (kept.length === details.length || !withAttributes) {
      return `${fixed}\n### Resources\n\n${kept.join('\n')}${kept.length < details.length ? note : ''}`;
    }
  }
  return fixed;
}

export function renderJson(review: Review): string {
  return `${JSON.stringify({ ...review, blocking: blocking(review) }, null, 2)}\n`;
}

/** SARIF 2.1.0: one result per finding, located at the stack's synthesized file. */
export function renderSarif(review: Review): string {
  const rules = [...new Set(review.findings.map((f) => f.rule))];
  return `${JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'platform-review', informationUri: 'https://platform.example.org/review', rules: rules.map((id) => ({ id, shortDescription: { text: id } })) } },
          results: review.findings.map((f) => ({
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
