#!/usr/bin/env node
// `npm run shien -- …` and `npx shien …`: the command-line tool (src/cli.ts), compiled once.
// Rebuilds dist/ first only when src/ changed since (scripts/build.mjs), then runs it in this process.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ensureBuiltOrExit } from '../scripts/build.mjs';

ensureBuiltOrExit();
await import(pathToFileURL(path.join(DIST, 'cli.js')).href);
