import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { NoticeConfig } from './config.js';
import { runNotices, type NoticeLog, type PostMessage, type RunResult } from './run.js';
import { NoticeScheduler, systemClock, type Clock, type ScheduledTrigger } from './schedule.js';
import { NoticeStore } from './store.js';

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
  /** Runs the job now (`trigger` 'once'), e.g. from an admin command. */
  runNow(): Promise<RunResult>;
  /** Stops the timer, waits for a run in progress, closes the database. */
  stop(): Promise<void>;
}

export interface NoticeServiceOptions {
  config: NoticeConfig;
  /** SHIEN_CATALOG_DIR (loadPaths().catalogDir). */
  catalogDir: string;
  post: PostMessage;
  clock?: Clock;
  log?: NoticeLog;
  /** Defaults to host, pid and a random suffix: unique per process, readable in the run record. */
  holder?: string;
  /** Called with every finished run (for the bot's own logging or metrics). */
  onRun?: (result: RunResult) => void;
}

export function createNoticeService(options: NoticeServiceOptions): NoticeService {
  const clock = options.clock ?? systemClock;
  const holder = options.holder ?? `bot@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const store = NoticeStore.open(options.config.dataDir);
  const job = async (trigger: ScheduledTrigger | 'once', scheduledFor?: Date): Promise<RunResult> => {
    const result = await runNotices({
      store,
      catalogDir: options.catalogDir,
      post: options.post,
      now: () => clock.now(),
      trigger,
      ...(scheduledFor ? { scheduledFor } : {}),
      configChannels: options.config.channels,
      holder,
      ...(options.log ? { log: options.log } : {}),
    });
    options.onRun?.(result);
    return result;
  };
  const scheduler = new NoticeScheduler({
    at: options.config.at,
    clock,
    run: job,
    lastScheduledRun: () => store.lastScheduledRun()?.scheduledFor,
    onError: (error) => options.log?.error({ err: error }, 'notices: run failed'),
  });
  return {
    store,
    scheduler,
    start: () => scheduler.start(),
    runNow: () => job('once'),
    stop: async () => {
      scheduler.stop();
      await scheduler.idle();
      store.close();
    },
  };
}
