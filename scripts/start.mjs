// `npm start`: the bot, or the local console without Slack tokens (src/main.ts), compiled once.
// Rebuilds dist/ first only when src/ changed since (scripts/build.mjs), then runs it in this process.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ensureBuiltOrExit } from './build.mjs';

ensureBuiltOrExit();
await import(pathToFileURL(path.join(DIST, 'main.js')).href);
