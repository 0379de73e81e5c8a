#!/usr/bin/env node
import { startBot, type Bot } from './bot.js';
import { CatalogError, formatProblem } from './catalog/load.js';
import { ConfigError, loadPaths, loadSlackConfig, readDotEnv } from './config.js';
import { runConsole } from './console.js';
import { createLogger } from './log.js';
import { loadNoticeConfig, NoticeConfigError } from './notices/config.js';
import { loadSearchEngine } from './search/load.js';

/**
 * `npm start`. The environment picks the mode (see config.ts): Slack over Socket Mode,
 * Slack over HTTP, or, with no Slack tokens, the local console on the bundled catalog.
 */
async function main(): Promise<number> {
  let config;
  let noticeConfig;
  try {
    readDotEnv();
    config = loadSlackConfig();
    noticeConfig = config.mode === 'console' ? undefined : loadNoticeConfig();
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof NoticeConfigError)) throw error;
    process.stderr.write(error.message + '\n');
    return 1;
  }
  const paths = loadPaths(); // every value is a path: nothing here can be malformed
  const logger = config.mode === 'console' ? undefined : createLogger({ level: config.logLevel });
  let bot: Bot;
  try {
    if (config.mode === 'console') {
      const { engine } = await loadSearchEngine(paths);
      await runConsole(engine, process.stdin, process.stdout);
      return 0;
    }
    bot = await startBot({ slack: config, notices: noticeConfig!, paths, logger: logger! });
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    process.stderr.write(error.problems.map(formatProblem).join('\n') + '\n');
    return 1;
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Should anything hang past the grace period, the process still ends.
    setTimeout(() => process.exit(1), 8000).unref();
    const stopped = bot.stop(5000); // the HTTP server stops accepting before this returns
    logger!.info({ signal }, 'shutting down');
    stopped.then(
      () => process.exit(0),
      (error: unknown) => {
        logger!.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A library promise nobody awaits must not end the bot silently: say what it was, as a log line.
  process.on('unhandledRejection', (reason) => logger!.error({ err: reason }, 'unhandled rejection'));
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
