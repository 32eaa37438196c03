/**
 * Imports only point down (../shared/DESIGN.md): catalog/ < config/ < constructs/, charts/ <
 * stacks/ < cli/ and main.ts. The test reads every import of the tree, so a new upward import
 * (config/ reading a construct, a construct reading a stack) fails here with its file and line.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../helpers/tools';

const RANK: Record<string, number> = { catalog: 0, config: 1, constructs: 2, charts: 2, stacks: 3, cli: 4 };

function layerOf(file: string): string | undefined {
  const top = file.split('/')[0];
  // DESIGN.md's top layer is `cli/, main.ts`: the app entry point and the CLI share modules. An import names it without the extension.
  if (top === 'main.ts' || top === 'main') return 'cli';
  return top in RANK ? top : undefined;
}

/** `file:line imports target` for every relative import that points to a higher layer, or across constructs/ and charts/. */
export function upwardImports(files: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    const from = layerOf(path);
    if (!from) continue;
    text.split('\n').forEach((line, i) => {
      const m = /^\s*(?:import|export)\b[^'"]*from\s+'(\.[^']+)'/.exec(line) ?? /^\s*import\s+'(\.[^']+)'/.exec(line);
      if (!m) return;
      const target = normalize(join(dirname(path), m[1]));
      const to = layerOf(target);
      if (!to || to === from) return;
      if (RANK[to] > RANK[from] || (RANK[to] === RANK[from] && to !== from)) found.push(`${path}:${i + 1} imports ${target} (${from} -> ${to})`);
    });
  }
  return found;
}

describe('layers', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.startsWith('test/') && !f.startsWith('bench/') && !f.startsWith('scripts/'))
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

  it('every import of the tree points down', () => {
    assert.ok(files.length > 100, `${files.length} files read`);
    assert.deepEqual(upwardImports(files), []);
  });

  it('the check can fail: config/ importing a construct, a construct importing a stack', () => {
    const found = upwardImports([
      { path: 'config/x.ts', text: "import { ADDONS } from '../constructs/addons/catalog';" },
      { path: 'constructs/aks/x.ts', text: "import type { PlatformStack } from '../../stacks/platform-stack';" },
      { path: 'catalog/x.ts', text: "import { z } from 'zod';" },
      { path: 'main.ts', text: "import { stableJson } from './cli/lib/stable-json';" },
      { path: 'stacks/x.ts', text: "import { buildApp } from '../main';" },
    ]);
    assert.deepEqual(found, [
      'config/x.ts:1 imports constructs/addons/catalog (config -> constructs)',
      'constructs/aks/x.ts:1 imports stacks/platform-stack (constructs -> stacks)',
      'stacks/x.ts:1 imports main (stacks -> cli)',
    ]);
    assert.equal(relative(ROOT, ROOT), '');
  });
});
