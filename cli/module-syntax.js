'use strict';
/**
 * What cli/register.js needs to know of a `.js` file under node_modules before it compiles the
 * file as it is: whether Node treats its package as CommonJS, and whether it may hold module
 * syntax. Plain JavaScript: it loads before tsx does.
 */
const { readFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

/** Folder -> the module type of the package it belongs to, as Node decides it. */
const typeOf = new Map();

function packageType(dir) {
  let type = typeOf.get(dir);
  if (type !== undefined) return type;
  let text;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    // As Node does, the search ends at the file system root and at a node_modules folder (no package scope: CommonJS).
    const up = dirname(dir);
    type = up === dir || basename(dir) === 'node_modules' ? 'commonjs' : packageType(up);
  } else {
    try {
      type = JSON.parse(text).type === 'module' ? 'module' : 'commonjs';
    } catch {
      type = 'unknown';
    }
  }
  typeOf.set(dir, type);
  return type;
}

/** The words as words, anywhere: most files that mention them do so only inside longer names. */
const WORDS = /\b(?:import|export)\b/;
/**
 * Where module syntax can be. An import or export declaration begins a line or follows `;`, `}`,
 * `)` (a do-while's, whose semicolon may be left out) or the end of a comment: nothing else can
 * precede one on its line. `import.meta` may stand anywhere, with a comment before its dot. A
 * match may be a false alarm (a property named `import`, a comment), which only costs tsx's
 * lexer; no ES module escapes it.
 */
const MODULE_SYNTAX = /(?:^|[;})/])\s*(?:import|export)\b|\bimport\s*[./]/m;

function mayBeModule(source) {
  return WORDS.test(source) && MODULE_SYNTAX.test(source);
}

module.exports = { packageType, mayBeModule };
