'use strict';
/**
 * Loads this project's TypeScript through tsx, and compiles the CommonJS files under
 * node_modules as they are. Every process the CLI starts (cli/bin.js, the synth workers)
 * requires this first.
 *
 * tsx decides for every `.js` file whether it is an ES module by running a lexer over any file
 * that contains the letters of import or export; cdktf's providers all do (`importFrom`), so
 * loading cdktf and the providers cost about 0.35 s more CPU per process (docs/performance.md).
 * A file of a package Node treats as CommonJS (its nearest package.json has no
 * `"type": "module"`) in which no statement can begin with import or export is compiled here as
 * tsx compiles a file its lexer finds is not an ES module: as it is.
 * Anything else (a package of ES modules, a file that may hold module syntax, an unreadable
 * package.json, the project's own files) still goes through tsx. test/unit/register.test.ts
 * checks both ways.
 */
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { dirname, sep } = require('node:path');
const { mayBeModule, packageType } = require('./module-syntax');

require('tsx/cjs/api').register();
const tsxs = Module._extensions['.js'];
const IN_NODE_MODULES = `${sep}node_modules${sep}`;

/** How many `.js` files took each way in this process. */
const loads = { asTheyAre: 0, throughTsx: 0 };

function loadJs(module, filename) {
  if (filename.includes(IN_NODE_MODULES) && packageType(dirname(filename)) === 'commonjs') {
    const source = readFileSync(filename, 'utf8');
    if (!mayBeModule(source)) {
      loads.asTheyAre++;
      return module._compile(source, filename);
    }
  }
  loads.throughTsx++;
  return tsxs(module, filename);
}

Module._extensions['.js'] = loadJs;

module.exports = { loads };
