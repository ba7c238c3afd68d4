#!/usr/bin/env node
// mxdesk command line: `mxdesk <command> [options]`, also `npm run cli -- <command>`.
// Exit codes: 0 done, 1 the command failed, 2 wrong usage. The commands live in src/cli/.
import { runCli } from './cli/main.js';

runCli(process.argv.slice(2)).then((code) => process.exit(code));
