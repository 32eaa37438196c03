/**
 * docs/compliance/retention.md against the configuration: every row's Setting resolves to the
 * retention the stacks and charts configure per environment (typed environment config, rendered
 * router config), and a doctored table fails.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadEnvironment } from '../../config/load';
import type { EnvironmentConfig } from '../../config/schema';

const DOC = 'docs/compliance/retention.md';
const ENVS = ['dev', 'prod'] as const;
const CLASSES = ['Prompts', 'Completions', 'Embeddings', 'Audit', 'Telemetry'];

interface Row { readonly line: number; readonly dataClass: string; readonly setting: string; readonly retention: Record<string, string> }

function parseRetentionTable(text: string): Row[] {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^\|\s*Data class\s*\|/.test(l));
  if (header < 0) throw new Error(`${DOC}: no table with a "Data class" column`);
  const cols = lines[header].split('|').slice(1, -1).map((c) => c.trim());
  const rows: Row[] = [];
  for (let i = header + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    const cells = lines[i].split('|').slice(1, -1).map((c) => c.trim());
    const at = (name: string) => cells[cols.indexOf(name)];
    rows.push({ line: i + 1, dataClass: at('Data class'), setting: at('Setting'), retention: Object.fromEntries(ENVS.map((e) => [e, at(e)])) });
  }
  return rows;
}

function routerSpendLogs(env: string): string {
  const docs = readFileSync(`rendered/${env}/llm-router/manifests.yaml`, 'utf8').split(/^---$/m).map((d) => parse(d)).filter(Boolean);
  const files = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'llm-router-files');
  // An environment without the router rendered (images not promoted) keeps nothing there.
  if (!files) return 'not rendered';
  return String(parse(files.data['config.yaml']).general_settings.maximum_spend_logs_retention_period);
}

/** What the configuration says, in the table's notation. */
function configured(setting: string, env: EnvironmentConfig): string {
  const days = (n: number) => `${n}d`;
  switch (setting) {
    case 'router.spendLogs': return routerSpendLogs(env.name);
    case 'observability.retention.logsDays': return days(env.observability.retention.logsDays);
    case 'observability.retention.tracesDays': return days(env.observability.retention.tracesDays);
    case 'observability.retention.metricsDays': return days(env.observability.retention.metricsDays);
    case 'logAnalytics.retentionDays': return days(env.logAnalytics.retentionDays);
    case 'data.storage.auditImmutabilityDays': return days(env.data.storage.auditImmutabilityDays);
    case 'none': return 'until deleted';
    default: throw new Error(`unknown setting ${setting}`);
  }
}

function mismatches(rows: Row[], envs: EnvironmentConfig[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    for (const env of envs) {
      const want = configured(r.setting, env);
      if (want === 'not rendered') continue;
      if (r.retention[env.name] !== want) out.push(`${DOC}:${r.line}: ${r.dataClass} (${r.setting}) says ${r.retention[env.name]} in ${env.name}, the configuration ${want}`);
    }
  }
  return out;
}

describe('compliance: the retention table matches the configured retention', () => {
  const text = readFileSync(DOC, 'utf8');
  const rows = parseRetentionTable(text);
  const envs = ENVS.map((e) => loadEnvironment(e));

  it('covers every data class', () => {
    assert.deepEqual([...new Set(rows.map((r) => r.dataClass))].sort(), [...CLASSES].sort());
  });

  it('every row agrees with the configuration of every environment', () => {
    assert.deepEqual(mismatches(rows, envs), []);
  });

  it('the router rendered for dev carries the spend-log retention (the row is not skipped)', () => {
    assert.equal(routerSpendLogs('dev'), '90d');
  });

  it('negative control: a doctored table fails, naming the row', () => {
    const doctored = text.replace(/(\| Telemetry \| Traces in Tempo \| observability\.retention\.tracesDays \| )7d/, '$130d');
    assert.notEqual(doctored, text);
    const found = mismatches(parseRetentionTable(doctored), envs);
    assert.equal(found.length, 1);
    assert.match(found[0], /Telemetry \(observability\.retention\.tracesDays\) says 30d in dev, the configuration 7d/);
    const spend = text.replace('| router.spendLogs | 90d | 90d |', '| router.spendLogs | 30d | 90d |');
    assert.match(mismatches(parseRetentionTable(spend), envs).join('\n'), /Prompts \(router\.spendLogs\) says 30d in dev/);
    assert.throws(() => mismatches(parseRetentionTable(text.replace('| logAnalytics.retentionDays |', '| logAnalytics.days |')), envs), /unknown setting logAnalytics\.days/);
  });
});
