/**
 * ShellCheck (pinned, scripts/tools.sh) over the restore drill and the shell the MLflow app runs
 * (its rendered ConfigMaps, exactly what the pods get). Negative control: a script with an
 * unquoted expansion is reported, so a clean result means something.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT, runTool } from '../helpers/tools';

describe('shellcheck', () => {
  it('scripts/restore-drill.sh and scripts/tools.sh are clean', () => {
    const res = runTool('shellcheck', ['--shell=bash', 'scripts/restore-drill.sh', 'scripts/tools.sh']);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  it("the MLflow app's rendered shell scripts are clean (POSIX sh)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'shellcheck-'));
    const files: string[] = [];
    for (const doc of parseAllDocuments(readFileSync(join(ROOT, 'rendered/dev/mlflow/manifests.yaml'), 'utf8'))) {
      const o = doc.toJS();
      if (o?.kind !== 'ConfigMap') continue;
      for (const [key, text] of Object.entries(o.data as Record<string, string>)) {
        if (!key.endsWith('.sh')) continue;
        const file = join(dir, `${o.metadata.name}-${key}`);
        writeFileSync(file, text);
        files.push(file);
      }
    }
    assert.ok(files.length >= 3, files.join(', '));
    const res = runTool('shellcheck', ['--shell=sh', ...files]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  it('negative control: an unquoted expansion is reported', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shellcheck-nc-')), 'bad.sh');
    writeFileSync(file, '#!/bin/sh\nrm -rf $1/tmp\n');
    const res = runTool('shellcheck', ['--shell=sh', file]);
    assert.notEqual(res.status, 0);
    assert.match(res.stdout, /SC2086/);
  });
});
