/**
 * `promtool test rules` for one rule-group set: each call writes the groups and a test file
 * (evaluation every minute) into a fresh temporary folder and returns promtool's result, so a
 * test asserts on the status (0 for a pass, non-zero for its negative control) with the output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runTool } from './tools';

export interface PromtoolRules {
  /** The temporary folder, for other files a test hands promtool. */
  readonly dir: string;
  /** Runs `promtool test rules` on the groups with these unit tests, files named after `name`. */
  test(name: string, tests: unknown[]): ReturnType<typeof runTool>;
}

export function promtoolRules(prefix: string, groups: readonly unknown[]): PromtoolRules {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-prom-`));
  return {
    dir,
    test(name, tests) {
      const rules = join(dir, `${name}-rules.yaml`);
      const file = join(dir, `${name}-test.yaml`);
      writeFileSync(rules, stringify({ groups }, { lineWidth: 0 }));
      writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
      return runTool('promtool', ['test', 'rules', file]);
    },
  };
}

/** The groups' alerts are exactly `severity`'s, each labelled with its severity and linking its runbook anchor. */
export function assertAlertsDocumented(groups: readonly { rules: readonly unknown[] }[], severity: Record<string, string>, runbook: string) {
  const alerts = groups.flatMap((g) => g.rules) as { alert: string; labels: { severity: string }; annotations: { runbook_url: string } }[];
  assert.deepEqual(alerts.map((a) => a.alert).sort(), Object.keys(severity).sort());
  for (const a of alerts) {
    assert.equal(a.labels.severity, severity[a.alert], a.alert);
    assert.equal(a.annotations.runbook_url, `${runbook}#${a.alert.toLowerCase()}`);
  }
}
