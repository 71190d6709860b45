#!/usr/bin/env node
// The `tfjs-solver` command: a thin launcher for the compiled CLI (built by `npm install`'s prepare step).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
