#!/usr/bin/env node
// The `tfjs-solver` command: a thin launcher for the compiled CLI (dist/, built by `npm run build` and shipped in the package).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
