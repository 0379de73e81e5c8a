#!/usr/bin/env node
import { CatalogError, formatProblem } from './catalog/load.js';
import { ConfigError, loadPaths, loadSlackConfig, readDotEnv } from './config.js';
import { runConsole } from './console.js';
import { createLogger } from './log.js';
import { createChannelNotices } from './notices/channel-notices.js';
import { loadNoticeConfig, NoticeConfigError } from './notices/config.js';
import { systemClock } from './notices/schedule.js';
import { createNoticeService } from './notices/service.js';
import { slackPoster } from './notices/slack-post.js';
import { LiveEngine } from './search/live.js';
import { loadSearchEngine } from './search/load.js';
import { createSlackApp } from './slack/app.js';

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
  let live: LiveEngine;
  try {
    if (config.mode === 'console') {
      const { engine } = await loadSearchEngine(paths);
      await runConsole(engine, process.stdin, process.stdout);
      return 0;
    }
    live = await LiveEngine.load(paths);
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    process.stderr.write(error.problems.map(formatProblem).join('\n') + '\n');
    return 1;
  }

  const logger = createLogger({ level: config.logLevel });
  // The daily notices re-read the catalog; when it changed (and is valid) search serves the
  // new catalog too, so a digest's 詳細 button finds the program it announces.
  const notices = createNoticeService({
    config: noticeConfig!,
    catalogDir: paths.catalogDir,
    post: slackPoster({ token: config.botToken, ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}) }),
    log: logger.child({ component: 'notices' }),
    onRun: (result) => {
      if (result.status === 'catalog-error') return; // keep serving the catalog we have
      live.reload().then(
        (r) => r.status !== 'unchanged' && logger.info({ component: 'catalog', ...r }, 'catalog reload'),
        (error: unknown) => logger.error({ component: 'catalog', err: error }, 'catalog reload failed'),
      );
    },
  });
  const channelNotices = createChannelNotices({
    store: notices.store,
    config: noticeConfig!,
    catalogDir: paths.catalogDir,
    servedProgramIds: () => live.current.programs.map((p) => p.id),
    clock: systemClock,
  });
  const slack = createSlackApp(config, { engine: () => live.current, logger, notices: channelNotices });
  await slack.start();
  // Runs a missed job first (the bot was down at SHIEN_NOTIFY_AT), then daily.
  const scheduled = notices.start().catch((error: unknown) => logger.error({ component: 'notices', err: error }, 'notices did not start'));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    Promise.all([slack.stop(5000), scheduled.then(() => notices.stop())]).then(
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
