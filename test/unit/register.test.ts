/**
 * cli/register.js: CommonJS files under node_modules are compiled as they are, and only when
 * nothing in them can be module syntax; everything else still goes through tsx.
 *
 * The check that decides (cli/module-syntax.js) is tried on every place an import or export
 * statement can stand, including after a comment on the same line; its negative control is a
 * file in a CommonJS package that holds module syntax there, which must still load (through
 * tsx), where compiling it as it is throws.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const { mayBeModule, packageType } = require('../../cli/module-syntax.js') as { mayBeModule(s: string): boolean; packageType(dir: string): string };

const work = mkdtempSync(join(tmpdir(), 'register-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function pkg(name: string, manifest: object, files: Record<string, string>): string {
  const dir = join(work, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, ...manifest }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/**
 * Requires each file in a fresh `node --require cli/register.js`: what each exports (functions
 * as 'function'; `[object Module]` for an ES module that Node loaded itself, where tsx gives
 * CommonJS exports), or its error, and how the files were loaded.
 */
function loadWithRegister(files: string[]): { results: Record<string, unknown>; loads: { asTheyAre: number; throughTsx: number } } {
  const script = `
    const { loads } = require(${JSON.stringify(join(REPO, 'cli', 'register.js'))});
    const before = { ...loads };
    const results = {};
    for (const f of ${JSON.stringify(files)}) {
      try {
        const m = require(f);
        results[f] = { kind: Object.prototype.toString.call(m), ...Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'function' ? 'function' : v])) };
      } catch (e) { results[f] = 'error: ' + e.message.split('\\n')[0]; }
    }
    process.stdout.write(JSON.stringify({ results, loads: { asTheyAre: loads.asTheyAre - before.asTheyAre, throughTsx: loads.throughTsx - before.throughTsx } }));`;
  const res = spawnSync(process.execPath, ['--require', join(REPO, 'cli', 'register.js'), '-e', script], { cwd: REPO, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout);
}

describe('module syntax check', () => {
  const modules = [
    'export const x = 1;',
    'import x from "y";\nmodule.exports = x;',
    '"use strict";import{a}from"b";',
    'function f() {}export { f };',
    '/* licence */export default 1;',
    '/** doc */\n  export function g() {}',
    'const u = import.meta.url;',
    'x();\r\nexport * from "z";',
    // A do-while's semicolon may be left out, so a declaration may follow its `)` on the same line.
    'do;while(0)export const x = 1;',
    'do f(); while (a) import x from "y";',
    'const u = import/* c */.meta.url;',
    'const u = import // c\n.meta.url;',
  ];
  const plain = [
    'exports.importFrom = function importFrom() {};',
    'module.exports = { generateConfigForImport: 1, exported: true };',
    'const m = { import: 1, export: 2 };',
    'async function f() { return await import("x"); }',
    'const importer = require("x"); exports.exporter = importer;',
  ];

  it('finds module syntax wherever a statement can begin', () => {
    for (const s of modules) assert.equal(mayBeModule(s), true, s);
  });

  it('lets CommonJS that only mentions the words through', () => {
    for (const s of plain) assert.equal(mayBeModule(s), false, s);
  });

  it("reads a package's type as Node does: from the nearest package.json", () => {
    const esm = pkg('type-module', { type: 'module' }, {});
    mkdirSync(join(esm, 'lib', 'inner'), { recursive: true });
    assert.equal(packageType(join(esm, 'lib', 'inner')), 'module');
    assert.equal(packageType(pkg('type-none', {}, {})), 'commonjs');
    // No package.json in the package: the search stops at node_modules, not at a package above it.
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
    mkdirSync(join(work, 'node_modules', 'no-manifest', 'lib'), { recursive: true });
    assert.equal(packageType(join(work, 'node_modules', 'no-manifest', 'lib')), 'commonjs');
    assert.equal(packageType(join(work, 'own-code')), 'module', 'outside node_modules the search goes on up');
    assert.equal(packageType(join(REPO, 'node_modules', 'cdktf', 'lib')), 'commonjs');
  });
});

describe('cli/register.js', () => {
  it('compiles cdktf and a provider as they are, and they work', () => {
    const { results, loads } = loadWithRegister(['cdktf', '@cdktf/provider-azurerm/lib/resource-group']);
    assert.equal((results.cdktf as Record<string, unknown>).App, 'function', JSON.stringify(results.cdktf).slice(0, 200));
    assert.equal((results['@cdktf/provider-azurerm/lib/resource-group'] as Record<string, unknown>).ResourceGroup, 'function');
    assert.ok(loads.asTheyAre >= 100, `cdktf's files loaded as they are: ${loads.asTheyAre}`);
  });

  it('still hands module syntax and packages of ES modules to tsx (negative control: such a file compiled as it is becomes an ES module)', () => {
    const cjsWithModuleSyntax = join(pkg('cjs-with-module-syntax', {}, { 'index.js': '/* generated */export const x = 1;\n' }), 'index.js');
    const esmPackage = join(pkg('esm-package', { type: 'module' }, { 'index.js': 'export const y = 2;\n' }), 'index.js');
    const plainCjs = join(pkg('plain-cjs', {}, { 'index.js': '// import the thing\nexports.importFrom = 3;\n' }), 'index.js');
    const { results, loads } = loadWithRegister([cjsWithModuleSyntax, esmPackage, plainCjs]);
    const cjs = '[object Object]';
    assert.deepEqual(results, { [cjsWithModuleSyntax]: { kind: cjs, x: 1 }, [esmPackage]: { kind: cjs, y: 2 }, [plainCjs]: { kind: cjs, importFrom: 3 } });
    assert.deepEqual(loads, { asTheyAre: 0, throughTsx: 3 }, 'the comment line makes the plain file a false alarm, not a miss');

    // Compiled as it is, Node (20.19 and later) detects the module syntax and loads an ES module instead.
    const asItIs = spawnSync(process.execPath, ['-e', `const M = require('node:module'); const f = ${JSON.stringify(cjsWithModuleSyntax)}; const m = new M(f); m.filename = f; m._compile(require('node:fs').readFileSync(f, 'utf8'), f); process.stdout.write(Object.prototype.toString.call(m.exports));`], { encoding: 'utf8' });
    assert.notEqual(asItIs.stdout, cjs, asItIs.stderr);
  });

  it('compiles a CommonJS file that only mentions the words as it is', () => {
    const file = join(pkg('mentions-only', {}, { 'index.js': 'exports.importFrom = 4;\nexports.exported = true;\n' }), 'index.js');
    const { results, loads } = loadWithRegister([file]);
    assert.deepEqual(results[file], { kind: '[object Object]', importFrom: 4, exported: true });
    assert.deepEqual(loads, { asTheyAre: 1, throughTsx: 0 });
  });
});
