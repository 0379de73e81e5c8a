import type { Logger } from 'pino';
import type { Paths, SlackConfig } from './config.js';
import { createChannelNotices } from './notices/channel-notices.js';
import type { NoticeConfig } from './notices/config.js';
import type { PostMessage } from './notices/run.js';
import { systemClock, type Clock } from './notices/schedule.js';
import { createNoticeService, type NoticeService } from './notices/service.js';
import { slackPoster } from './notices/slack-post.js';
import { LiveEngine } from './search/live.js';
import { createSlackApp, type SlackApp } from './slack/app.js';

export interface BotOptions {
  slack: Exclude<SlackConfig, { mode: 'console' }>;
  notices: NoticeConfig;
  paths: Paths;
  logger: Logger;
  clock?: Clock;
}

export interface Bot {
  slack: SlackApp;
  notices: NoticeService;
  live: LiveEngine;
  /** Serving: the Slack app listening and the daily notices scheduled (a missed run started). */
  started: { port?: number; notices: Promise<unknown> };
  /** SIGTERM: stop accepting, let Slack requests and a notice run in progress finish, close. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The bot as `npm start` runs it with Slack tokens: search on the live catalog, the Slack
 * app, and the daily notices sharing one SQLite store. Assembled here (not in main.ts) so
 * tests start exactly this in-process.
 */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { logger, paths } = options;
  const clock = options.clock ?? systemClock;
  const live = await LiveEngine.load(paths);
  const poster = slackPoster({ token: options.slack.botToken, ...(options.slack.apiUrl ? { slackApiUrl: options.slack.apiUrl } : {}) });
  // Before a digest goes out, search serves the catalog it announces, so its 詳細 buttons
  // find the new programs. The run has already refused a broken catalog; the reload keeps
  // the catalog it had when a file breaks in between. (Unchanged catalog: a quick compare.)
  const post: PostMessage = async (channel, message) => {
    await reload();
    return poster(channel, message);
  };
  const reload = () =>
    live.reload().then(
      (r) => r.status !== 'unchanged' && logger.info({ component: 'catalog', ...r }, 'catalog reload'),
      (error: unknown) => logger.error({ component: 'catalog', err: error }, 'catalog reload failed'),
    );
  const notices = createNoticeService({
    config: options.notices,
    catalogDir: paths.catalogDir,
    post,
    clock,
    log: logger.child({ component: 'notices' }),
    // Every run that read a valid catalog brings search up to date, also when nothing was
    // posted (no subscriptions, or `notify --once` from cron announced it first).
    onRun: (result) => {
      if (result.catalogSize !== undefined && result.status !== 'catalog-error') void reload();
    },
  });
  const channelNotices = createChannelNotices({
    store: notices.store,
    config: options.notices,
    catalogDir: paths.catalogDir,
    servedPrograms: () => live.current.programs,
    clock,
  });
  const slack = createSlackApp(options.slack, {
    engine: () => live.current,
    logger,
    notices: channelNotices,
    firstDelivery: (eventId) => {
      try {
        return notices.store.firstDelivery(eventId, clock.now());
      } catch (error) {
        // Without the record, answering twice beats not answering at all.
        logger.error({ err: error, eventId }, 'event record unavailable');
        return true;
      }
    },
  });
  const { port } = await slack.start();
  // Runs a missed job first (the bot was down at SHIEN_NOTIFY_AT), then daily.
  const scheduled = notices.start().catch((error: unknown) => logger.error({ component: 'notices', err: error }, 'notices did not start'));
  return {
    slack,
    notices,
    live,
    started: { port, notices: scheduled },
    async stop(graceMs = 5000) {
      // Slack first: its handlers (通知 オン, App Home, redelivery records) use the store, which
      // notices.stop closes. Then a notice run in progress is aborted between channels (what
      // Slack confirmed stays recorded; a restart catches the rest up). About graceMs in all.
      const started = Date.now();
      await slack.stop(graceMs);
      await notices.stop(Math.max(1000, graceMs - (Date.now() - started)));
      void scheduled;
    },
  };
}
