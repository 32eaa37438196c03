/**
 * The router's guardrail module in the LiteLLM release the router image runs (.tools/litellm-venv,
 * scripts/tools.sh): loaded by LiteLLM's own guardrail loader from the rendered files and driven
 * through its proxy hooks (router-guardrails/harness.py), with a doctored module as the control.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { toolPath } from '../../cli/lib/tools';

const HARNESS = resolve(__dirname, 'router-guardrails/harness.py');
const RENDERED = resolve(__dirname, '../../rendered/dev/llm-router/manifests.yaml');

function harness(file: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(toolPath('litellm-python'), [HARNESS, file, ...args], { encoding: 'utf8', env: { ...process.env, LITELLM_LOG: 'ERROR' }, timeout: 300_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('router guardrails in the real LiteLLM', () => {
  it('the verification LiteLLM is the router image\'s release', () => {
    const pinned = /^LITELLM_VERSION=(\S+)$/m.exec(readFileSync(resolve(__dirname, '../../scripts/tools.sh'), 'utf8'))?.[1];
    const tag = parse(readFileSync(resolve(__dirname, '../../config/workloads.yaml'), 'utf8')).images.litellm.tag as string;
    assert.equal(`v${pinned}-stable`, tag);
  });

  it('PII masking per team: prompts and completions of the opted-in team only', () => {
    const r = harness(RENDERED);
    assert.equal(r.status, 0, r.out);
    assert.doesNotMatch(r.out, /^FAIL/m);
    assert.equal(r.out.match(/^PASS/gm)?.length, 7, r.out);
  });

  it('cloud moderation: cloud aliases only, with an Entra ID token', () => {
    const r = harness(RENDERED, '--cloud');
    assert.equal(r.status, 0, r.out);
    assert.equal(r.out.match(/^PASS/gm)?.length, 11, r.out);
  });

  it('negative control: a module that masks every team fails', () => {
    const doctored = join(mkdtempSync(join(tmpdir(), 'guardrails-')), 'manifests.yaml');
    const text = readFileSync(RENDERED, 'utf8');
    const broken = text.replace('    return name in (metadata.get(TEAM_METADATA_KEY) or [])', '    return True');
    assert.notEqual(broken, text);
    writeFileSync(doctored, broken);
    const r = harness(doctored);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /^FAIL .*prompt untouched, Presidio not called$/m);
  });
});
