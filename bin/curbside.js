#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through the prepare script).
const { runCli } = await import('../dist/cli/index.js');
process.exitCode = await runCli(process.argv.slice(2));
