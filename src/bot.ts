import type { Logger } from 'pino';
import type { Listener } from './db/postgres.js';
import type { Paths } from './config.js';
import type { SlackConfig } from './slack-config.js';
import { createContactService } from './contacts/service.js';
import { ContactStore, type ContactEdits } from './contacts/store.js';
import { createChannelNotices } from './notices/channel-notices.js';
import type { NoticeConfig } from './notices/config.js';
import { systemClock, type Clock } from './notices/schedule.js';
import { createNoticeService, type NoticeService } from './notices/service.js';
import { openNoticeStore } from './notices/store.js';
import { slackPoster } from './notices/slack-post.js';
import { LiveEngine, type IndexRebuilt } from './search/live.js';
import { startWarmUp, type RunningWarmUp, type WarmUpOptions } from './search/warm-up.js';
import { startSourceSync } from './sources/bot-sync.js';
import { createSlackApp, type SlackApp } from './slack/app.js';

export interface BotOptions {
  slack: Exclude<SlackConfig, { mode: 'console' }>;
  /** SHIEN_ADMIN_USERS: may change any channel's notices (and edit contacts). */
  adminUsers?: ReadonlySet<string>;
  notices: NoticeConfig;
  paths: Paths;
  logger: Logger;
  clock?: Clock;
  /** How often a replica checks that DATABASE_URL answers, for /healthz (default 10 s). */
  databaseCheckMs?: number;
  /**
   * How often a replica on DATABASE_URL re-reads its catalog (and the shared imports) and
   * reloads search when they changed (default 5 minutes): a catalog edited in place is served
   * without a run or a restart, and the others hear of it. Not used with SQLite.
   */
  catalogPollMs?: number;
  /**
   * Once listening, and after each catalog reload, ask the search engine made-up questions in
   * idle time so the first real ones do not wait for V8's compilation (search/warm-up.ts).
   * main.ts passes SHIEN_WARMUP (on unless 0); off when not given (tests start many bots).
   * An object sets the warm-up's bounds (tests).
   */
  warmUp?: boolean | Pick<WarmUpOptions, 'maxQuestions' | 'maxMs'>;
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
/** The PostgreSQL channel on which replicas announce a changed catalog. */
export const CATALOG_CHANNEL = 'shien_catalog';

export async function startBot(options: BotOptions): Promise<Bot> {
  const { logger, paths } = options;
  const clock = options.clock ?? systemClock;
  // A stale index is built now and saved for the next start; the log says so (it takes seconds).
  const onRebuilt = (rebuilt: IndexRebuilt) => logger.warn({ component: 'search', ...rebuilt }, 'search index rebuilt from the catalog');
  const live = await LiveEngine.load(paths, onRebuilt, undefined, () => logger.warn({ component: 'search' }, 'another process is rebuilding the search index: waiting for it'));
  // One warm-up at a time, of the engine being served: a reload stops the old engine's.
  let warming: RunningWarmUp | undefined;
  const warmUpSearch = () => {
    if (!options.warmUp) return;
    warming?.stop();
    warming = startWarmUp(
      live.current,
      (r) => {
        if ('error' in r) logger.warn({ component: 'search', err: r.error }, 'search warm-up failed');
        else logger.info({ component: 'search', questions: r.questions, made: r.made, ms: Math.round(r.ms), tablesMs: Math.round(r.tablesMs), longestMs: Math.round(r.longestMs), ended: r.ended }, 'search warm-up done');
      },
      options.warmUp === true ? {} : options.warmUp,
    );
  };
  // SQLite in the data directory, or PostgreSQL shared by every replica (DATABASE_URL);
  // migrated before anything is served, so a wrong URL stops the start with its reason.
  const store = await openNoticeStore(options.notices);
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new Error(`通知のデータベース (${store.location}) を開けませんでした: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // Replicas on one PostgreSQL tell each other when one of them loaded a changed catalog, and
  // each one then reloads its own copy (deployed to every replica), without waiting for 09:00.
  // Declared before the listener starts: another replica's notice can arrive while it starts.
  let catalogEvents: Listener | undefined;
  // Search catches up with the catalog on disk. An unchanged catalog costs one read and a compare.
  const reloadSearch = (tell = true): Promise<void> =>
    live.reload().then(
      (r) => {
        if (r.status === 'unchanged') return;
        logger.info({ component: 'catalog', ...r }, 'catalog reload');
        if (r.status === 'reloaded') warmUpSearch();
        if (r.status === 'reloaded' && tell) catalogEvents?.notify(String(r.programs)).catch((error: unknown) => logger.warn({ component: 'catalog', err: error }, 'could not tell the other replicas'));
      },
      (error: unknown) => logger.error({ component: 'catalog', err: error }, 'catalog reload failed'),
    );
  async function listenForCatalog(url: string) {
    try {
      const { listen } = await import('./db/postgres.js');
      return await listen(url, CATALOG_CHANNEL, () => void reloadSearch(false), { onReconnect: () => void reloadSearch(false) });
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }
  catalogEvents = options.notices.databaseUrl ? await listenForCatalog(options.notices.databaseUrl) : undefined;
  const notices = createNoticeService({
    store,
    // A database that does not answer at SHIEN_NOTIFY_AT on every replica: tried again each minute, that day.
    ...(options.notices.databaseUrl ? { retryAfterErrorMs: 60_000 } : {}),
    config: options.notices,
    catalogDir: paths.catalogDir,
    ...(paths.needsFile ? { needsFile: paths.needsFile } : {}),
    servedCatalog: () => live.servedCatalog(),
    post: slackPoster({ token: options.slack.botToken, ...(options.slack.apiUrl ? { slackApiUrl: options.slack.apiUrl } : {}) }),
    clock,
    log: logger.child({ component: 'notices' }),
    // Once per run, before any digest goes out (and also when nothing is posted: no
    // subscriptions, or `notify --once` from cron announced it first), search catches up with
    // the catalog the run accepted.
    catalogRead: () => reloadSearch(),
    // A replica whose run was skipped (another replica or process ran the slot, or holds the
    // lease) catches up too: every replica's timer fires daily, so each one serves a catalog
    // change by the next slot at the latest, without a restart.
    onRun: (result) => void (result.status === 'skipped' && reloadSearch()),
  });
  const channelNotices = createChannelNotices({
    store: notices.store,
    config: options.notices,
    catalogDir: paths.catalogDir,
    servedPrograms: () => live.current.programs,
    servedCatalog: () => live.servedCatalog(),
    clock,
  });
  // Contacts staff enter from Slack, next to the notices' database in the data directory.
  // With DATABASE_URL they are in PostgreSQL, so an edit made through one replica is served by all.
  let contactStore: ContactEdits;
  try {
    contactStore = options.notices.databaseUrl
      ? await (await import('./contacts/pg-store.js')).PgContactStore.open(options.notices.databaseUrl)
      : ContactStore.open(options.notices.dataDir);
  } catch (error) {
    await notices.stop(0);
    throw error;
  }
  const contacts = createContactService({ admins: options.adminUsers ?? new Set(), store: contactStore, now: () => clock.now() });
  // A replica on PostgreSQL checks now and then that the database answers; /healthz says so.
  let database: { ok: true } | { ok: false; error: string } = { ok: true };
  const checkDatabase = () =>
    store.schemaVersion().then(
      () => {
        if (!database.ok) logger.info({ component: 'database' }, 'database reachable again');
        database = { ok: true };
      },
      (error: unknown) => {
        if (database.ok) logger.error({ component: 'database', err: error }, 'database unreachable');
        database = { ok: false, error: error instanceof Error ? error.message : String(error) };
      },
    );
  const databaseTimer = options.notices.databaseUrl ? setInterval(() => void checkDatabase(), options.databaseCheckMs ?? 10_000) : undefined;
  databaseTimer?.unref();
  // An unchanged catalog costs one read and a compare (tens of milliseconds).
  const catalogTimer = options.notices.databaseUrl ? setInterval(() => void reloadSearch(), options.catalogPollMs ?? 5 * 60_000) : undefined;
  catalogTimer?.unref();
  const slack = createSlackApp(options.slack, {
    ...(databaseTimer ? { database: () => database } : {}),
    engine: () => live.current,
    logger,
    notices: channelNotices,
    contacts,
    ...(options.adminUsers ? { adminUsers: options.adminUsers } : {}),
    firstDelivery: (eventId) =>
      notices.store.firstDelivery(eventId, clock.now()).catch((error: unknown) => {
        // Without the record, answering twice beats not answering at all.
        logger.error({ err: error, eventId }, 'event record unavailable');
        return true;
      }),
  });
  const { port } = await slack.start();
  // Questions coming in go first: the warm-up asks one question per turn of the event loop.
  warmUpSearch();
  // A replica started on a newly deployed catalog asks the others to look at theirs (a rolling deploy).
  void catalogEvents?.notify(String(live.current.size)).catch((error: unknown) => logger.warn({ component: 'catalog', err: error }, 'could not tell the other replicas'));
  // SHIEN_SOURCES (jGrants): a daily sync in a child process before the digest, caught up at start when older than a day; nothing without it.
  // With DATABASE_URL one replica syncs per slot (the notice store's lease) and tells the others (reloadSearch notifies).
  // The logger itself: each sync line names its component, and a child logger wrote it twice.
  const sourceSync = startSourceSync({ clock, log: logger, onChanged: () => reloadSearch(), ...(options.notices.databaseUrl ? { lease: store } : {}) });
  // Runs a missed job first (the bot was down at SHIEN_NOTIFY_AT), then daily; after the sync owed
  // at start, so a digest owed after days down has what jGrants added meanwhile (it went out
  // first, with nothing new, and the imports waited for the next morning).
  let stopping = false;
  const scheduled = (sourceSync?.started ?? Promise.resolve())
    .then(() => (stopping ? undefined : notices.start())) // stopped while the sync ran: never started
    .catch((error: unknown) => logger.error({ component: 'notices', err: error }, 'notices did not start'));
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
      stopping = true;
      warming?.stop();
      clearInterval(databaseTimer);
      clearInterval(catalogTimer);
      sourceSync?.scheduler.stop(); // a sync child in progress is killed; it writes all or nothing
      await slack.stop(graceMs);
      await notices.stop(Math.max(1000, graceMs - (Date.now() - started)));
      await contactStore.close();
      await catalogEvents?.close();
      void scheduled;
    },
  };
}
