#!/usr/bin/env node
import { CatalogError, formatProblem } from './catalog/load.js';
import { ConfigError, loadPaths, loadSlackConfig, readDotEnv } from './config.js';
import { runConsole } from './console.js';
import { createLogger } from './log.js';
import { loadSearchEngine } from './search/load.js';
import { createSlackApp } from './slack/app.js';

/**
 * `npm start`. The environment picks the mode (see config.ts): Slack over Socket Mode,
 * Slack over HTTP, or, with no Slack tokens, the local console on the bundled catalog.
 */
async function main(): Promise<number> {
  let config;
  try {
    readDotEnv();
    config = loadSlackConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(error.message + '\n');
    return 1;
  }
  const paths = loadPaths();
  let engine;
  try {
    ({ engine } = await loadSearchEngine(paths));
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    process.stderr.write(error.problems.map(formatProblem).join('\n') + '\n');
    return 1;
  }
  if (config.mode === 'console') {
    await runConsole(engine, process.stdin, process.stdout);
    return 0;
  }

  const logger = createLogger();
  const slack = createSlackApp(config, { engine: () => engine, logger });
  await slack.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    slack.stop(5000).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
