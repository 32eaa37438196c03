#!/usr/bin/env node
'use strict';
// The `platform` command. TypeScript runs through tsx, so there is no build step to forget.
require('tsx/cjs/api').register();
require('./main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
