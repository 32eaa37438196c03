#!/usr/bin/env node
'use strict';
// The `platform` command. TypeScript runs through tsx, so there is no build step to forget.
require('./register');
const argv = process.argv.slice(2);
// `platform review` waits longest for checkov's import: started before the command line's modules
// load, it starts that much sooner (cli/lib/review/early-checkov.ts). The command takes it over;
// it ends here with the command in any case.
const early = argv[0] === 'review' ? require('./lib/review/early-checkov.ts').startEarlyCheckov(argv) : undefined;
require('./main.ts')
  .main(argv)
  .then((code) => {
    early?.close();
    process.exitCode = code;
  });
