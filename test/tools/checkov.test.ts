/**
 * checkov (framework terraform_json) over the synthesized stacks. Every finding must be listed,
 * with a reason, in policies/checkov/skips.yaml; every listed skip must still match a finding.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, run, tool } from '../helpers/tools';
import { synthApp } from '../helpers/synth';

interface Skip {
  id: string;
  stacks?: string[];
  reason: string;
}

interface Finding {
  id: string;
  stack: string;
  path: string;
  name: string;
}

const skips = (parse(readFileSync(join(ROOT, 'policies/checkov/skips.yaml'), 'utf8')) as { skips: Skip[] }).skips;
const app = synthApp();

function checkov(): { findings: Finding[]; passedByStack: Map<string, number> } {
  const res = run(tool('checkov'), ['-d', join(app.outdir, 'stacks'), '--framework', 'terraform_json', '--output', 'json', '--compact', '--skip-download'], {
    // Offline: no guideline download, no telemetry.
    BC_SKIP_MAPPING: 'TRUE',
    CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false',
  });
  assert.ok(res.stdout.trim(), `checkov printed nothing: ${res.stderr.slice(-2000)}`);
  const parsed = JSON.parse(res.stdout);
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const passedByStack = new Map<string, number>();
  for (const r of reports) {
    for (const p of r.results?.passed_checks ?? []) {
      const stack = basename(dirname(p.file_path));
      passedByStack.set(stack, (passedByStack.get(stack) ?? 0) + 1);
    }
  }
  const findings = reports.flatMap((r: any) =>
    (r.results?.failed_checks ?? []).map((f: any) => ({
      id: f.check_id,
      stack: basename(dirname(f.file_path)),
      path: f.code_block?.map((l: [number, string]) => l[1]).join('').match(/"path": "([^"]+)"/)?.[1] ?? f.resource,
      name: f.check_name,
    })),
  );
  return { findings, passedByStack };
}

const skipped = (f: Finding) => skips.find((s) => s.id === f.id && (!s.stacks || s.stacks.includes(f.stack)));

describe('checkov: terraform_json baseline', () => {
  const { findings, passedByStack } = checkov();

  it('every skip has a reason', () => {
    for (const s of skips) assert.ok(s.reason && s.reason.trim().length > 20, `${s.id} needs a reason`);
  });

  it('evaluated checks in every stack (guards against a scan that silently read nothing)', () => {
    for (const stack of Object.keys(app.stacks)) assert.ok((passedByStack.get(stack) ?? 0) >= 5, `${stack}: ${passedByStack.get(stack) ?? 0} passed checks`);
  });

  it('has no finding that is not listed in policies/checkov/skips.yaml', () => {
    const unlisted = findings.filter((f) => !skipped(f)).map((f) => `${f.id} ${f.stack} ${f.path}: ${f.name}`);
    assert.deepEqual(unlisted, []);
  });

  it('has no stale skip', () => {
    const stale = skips.filter((s) => !findings.some((f) => skipped(f) === s)).map((s) => s.id);
    assert.deepEqual(stale, []);
  });
});
