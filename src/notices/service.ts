import type { Program } from '../catalog/schema.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { NoticeConfig } from './config.js';
import { runNotices, type NoticeLog, type PostMessage, type RunResult } from './run.js';
import { NoticeScheduler, systemClock, wantsFailureRetry, type Clock, type ScheduledTrigger } from './schedule.js';

/** How long after its slot a start still runs a failed slot again (a slot at 23:45 is caught up after midnight). */
const RETRY_AT_START_MS = 12 * 3_600_000;
import { SqliteNoticeStore } from './sqlite-store.js';
import type { NoticeStore } from './store.js';

/**
 * The notices as the running bot uses them: one store, one daily scheduler, and the job
 * wired to both, so the bot (and anything else that runs the job) cannot wire them
 * differently, e.g. forget the configured channels or the slot a run is for.
 */
export interface NoticeService {
  readonly store: NoticeStore;
  readonly scheduler: NoticeScheduler;
  /** Starts the daily timer; resolves after the catch-up run, if one was owed. */
  start(): Promise<ScheduledTrigger | undefined>;
  /** Runs the job now (`trigger` 'once'), e.g. from an admin command. Rejects after stop(). */
  runNow(): Promise<RunResult>;
  /**
   * Stops the timer, aborts a run in progress (it stops before its next channel; see
   * RunNoticesOptions.signal) and waits for it at most `graceMs` (default STOP_GRACE_MS), then
   * closes the database. Resolves within `graceMs` even if a post hangs; the database is then
   * left open until that run has finished (see the comment in the implementation).
   */
  stop(graceMs?: number): Promise<void>;
}

/** How long stop() waits for a run in progress by default. */
export const STOP_GRACE_MS = 5000;

export interface NoticeServiceOptions {
  config: NoticeConfig;
  /** SHIEN_CATALOG_DIR (loadPaths().catalogDir). */
  catalogDir: string;
  /** See RunNoticesOptions.needsFile. */
  needsFile?: string;
  post: PostMessage;
  clock?: Clock;
  log?: NoticeLog;
  /** Defaults to host, pid and a random suffix: unique per process, readable in the run record. */
  holder?: string;
  /** See RunNoticesOptions.servedCatalog. */
  servedCatalog?: () => Promise<readonly Program[] | undefined>;
  /** See RunNoticesOptions.catalogRead. */
  catalogRead?: (programs: readonly Program[]) => Promise<void>;
  /** Called with every finished run (for the bot's own logging or metrics). */
  onRun?: (result: RunResult) => void;
  /**
   * The store (openNoticeStore: PostgreSQL when DATABASE_URL is set), initialised; the service
   * owns it from here and closes it in stop(). Default: SQLite in `config.dataDir`.
   */
  store?: NoticeStore;
  /** See NoticeSchedulerOptions.retryAfterErrorMs (the bot sets it with DATABASE_URL). */
  retryAfterErrorMs?: number;
}

export function createNoticeService(options: NoticeServiceOptions): NoticeService {
  let stopped: Promise<void> | undefined;
  const clock = options.clock ?? systemClock;
  const holder = options.holder ?? `bot@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  if (!options.store && options.config.databaseUrl) throw new Error('notices: open the PostgreSQL store with openNoticeStore() and pass it as `store`');
  const store = options.store ?? SqliteNoticeStore.open(options.config.dataDir);
  // Aborted by stop(): every run of this service stops before its next channel.
  const stopping = new AbortController();
  const running = new Set<Promise<unknown>>();
  const job = async (asked: ScheduledTrigger | 'once', slot?: Date): Promise<RunResult> => {
    if (stopping.signal.aborted) throw new Error('notices: the service is stopped');
    // A retry of a slot that ran is a run now ('once'): each channel gets only what it has not had.
    const trigger = asked === 'retry' ? 'once' : asked;
    const scheduledFor = asked === 'retry' ? undefined : slot;
    const run = runNotices({
      store,
      catalogDir: options.catalogDir,
      ...(options.needsFile ? { needsFile: options.needsFile } : {}),
      post: options.post,
      now: () => clock.now(),
      trigger,
      ...(scheduledFor ? { scheduledFor } : {}),
      configChannels: options.config.channels,
      ...(options.catalogRead ? { catalogRead: options.catalogRead } : {}),
      ...(options.servedCatalog ? { servedCatalog: options.servedCatalog } : {}),
      holder,
      ...(options.log ? { log: options.log } : {}),
      signal: stopping.signal,
    });
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    running.add(settled);
    void settled.then(() => running.delete(settled));
    const result = await run;
    options.onRun?.(result);
    return result;
  };
  const scheduler = new NoticeScheduler({
    at: options.config.at,
    clock,
    run: job,
    lastScheduledRun: async () => (await store.lastScheduledRun())?.scheduledFor,
    slotWantsRetry: async (slot) => {
      // Within RETRY_AT_START_MS of the slot: a start the next morning, before its own slot, posted
      // yesterday's (review); a window, not the calendar day, so a slot at 23:45 is caught up at 00:05.
      if (clock.now().getTime() - slot.getTime() > RETRY_AT_START_MS) return false;
      const scheduled = await store.lastScheduledRunFor(slot);
      if (!scheduled) return false;
      // The latest try of the slot decides: a retry since (recorded as 'once') that went through,
      // or that failed only for reasons no try can change, owes nothing; a start after it posted
      // the programs added since, off schedule, at every restart (review).
      const latest = await store.lastRun('once');
      const decisive = latest && latest.id > scheduled.id && latest.finishedAt ? latest : scheduled;
      if (!['failed', 'partial', 'catalog-error'].includes(decisive.status ?? '')) return false;
      // The posts it failed on, as its record names them ("C0X: ratelimited", "C0X (締切の通知): …").
      return wantsFailureRetry({ status: decisive.status, channels: (decisive.error ?? '').split('\n').map((line) => ({ error: line.replace(/^.*?: /, '') })) });
    },
    onError: (error) => options.log?.error({ err: error }, 'notices: run failed'),
    ...(options.retryAfterErrorMs !== undefined ? { retryAfterErrorMs: options.retryAfterErrorMs } : {}),
  });
  return {
    store,
    scheduler,
    start: () => scheduler.start(),
    runNow: () => job('once'),
    stop: (graceMs = STOP_GRACE_MS) => (stopped ??= stop(graceMs)),
  };

  async function stop(graceMs: number): Promise<void> {
    scheduler.stop();
    stopping.abort();
    const idle = Promise.all([scheduler.idle(), ...running]).then(() => true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, graceMs));
    });
    const finished = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    if (finished) {
      await store.close();
      return;
    }
    // A run is still inside a post (a hung Slack; the post times out by itself after
    // POST_TIMEOUT_MS) and will write its outcome to the store when the post returns, so the
    // database must not be closed under it. We return now, leaving the store open: the caller
    // exits the process, which ends that run and closes the file (SQLite and WAL recover an
    // interrupted writer on the next open, and the unfinished run is caught up at the next
    // start). If the process lives on instead, the store is closed when that run ends.
    options.log?.warn({ graceMs }, 'notices: a run is still posting after the grace period; stopping without waiting for it');
    void idle.then(() => store.close()).catch(() => undefined);
  }
}
