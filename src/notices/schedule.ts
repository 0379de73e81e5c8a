import { Cron } from 'croner';
import { parseNotifyAt } from './config.js';

/**
 * When the daily digest runs: every day at SHIEN_NOTIFY_AT in Asia/Tokyo, whatever the
 * server's own timezone is (containers often run in UTC, where 09:00 JST is 00:00 of the
 * *previous* UTC date). All calculations go through croner with the timezone option, so
 * the timer that fires and the "was today's run missed?" check agree on the same instants.
 */
export const NOTICE_TIMEZONE = 'Asia/Tokyo';

/** The source of "now"; injected so tests can place the process at 08:59 JST. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The croner pattern (`minute hour * * *`) for a daily `HH:MM`. */
export function dailyPattern(at: string): string {
  const normal = parseNotifyAt(at);
  if (!normal) throw new RangeError(`時刻は HH:MM で指定してください: ${at}`);
  const [hour, minute] = normal.split(':').map(Number) as [number, number];
  return `${minute} ${hour} * * *`;
}

/** A pattern-only croner job: it evaluates times and never fires (no callback). */
function evaluator(at: string): Cron {
  return new Cron(dailyPattern(at), { timezone: NOTICE_TIMEZONE });
}

/** The first daily slot strictly after `now` (at exactly 09:00:00 that is tomorrow's). */
export function nextRunAt(at: string, now: Date): Date {
  const next = evaluator(at).nextRun(now);
  if (!next) throw new Error(`no next run for ${at}`); // a daily pattern always has one
  return next;
}

/**
 * The most recent daily slot at or before `now`: the run that should have happened by now.
 * croner's previousRuns() excludes a run exactly at the reference, and that instant is
 * due, so it is checked first.
 */
export function lastDueAt(at: string, now: Date): Date {
  const cron = evaluator(at);
  const exact = cron.nextRun(new Date(now.getTime() - 1));
  if (exact && exact.getTime() <= now.getTime()) return exact;
  const previous = cron.previousRuns(1, now)[0];
  if (!previous) throw new Error(`no previous run for ${at}`);
  return previous;
}

/**
 * Whether the job owes a run: the latest due slot has no finished run. `lastScheduledRun` is
 * the slot of the last finished scheduled (or caught-up) run. A process that never ran the
 * job (a fresh data directory) owes one too: running it at once baselines configured
 * channels before anything can be added to the catalog unseen, and posts nothing else.
 * Only the latest slot is owed: after three days down the job runs once, not three times.
 */
export function isMissed(lastScheduledRun: Date | undefined, at: string, now: Date): boolean {
  return lastScheduledRun === undefined || lastScheduledRun.getTime() < lastDueAt(at, now).getTime();
}

/** `2026年11月24日`: the date of an instant in Asia/Tokyo, as the digest header shows it. */
export function formatJstDate(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: NOTICE_TIMEZONE, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}年${part('month')}月${part('day')}日`;
}

/** `2026年11月24日 09:00`: an instant in Asia/Tokyo, for status lines. */
export function formatJstDateTime(date: Date): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: NOTICE_TIMEZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  return `${formatJstDate(date)} ${time}`;
}

export type ScheduledTrigger = 'schedule' | 'missed';

export interface NoticeSchedulerOptions {
  /** SHIEN_NOTIFY_AT, `HH:MM` in Asia/Tokyo. */
  at: string;
  /**
   * The job (runNotices, wired by the bot). `scheduledFor` is the slot the run is for,
   * recorded so a restart can tell whether that slot already ran. Errors are caught and
   * logged: a failed run must not stop tomorrow's.
   */
  run: (trigger: ScheduledTrigger, scheduledFor: Date) => Promise<unknown>;
  /** The slot of the last finished scheduled run (NoticeStore.lastScheduledRun()?.scheduledFor). */
  lastScheduledRun: () => Date | undefined;
  clock?: Clock;
  onError?: (error: unknown) => void;
}

/**
 * The daily timer inside the running bot. start() first catches up a missed slot (the bot
 * was down at 09:00), then leaves a croner job firing every day. Runs never overlap: a tick
 * that arrives while the catch-up is still posting waits for it.
 */
export class NoticeScheduler {
  private job: Cron | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly clock: Clock;

  constructor(private readonly options: NoticeSchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    dailyPattern(options.at); // refuse a bad time at construction, not at 09:00
  }

  /**
   * Starts the daily job. Resolves when the catch-up run (if one was owed) has finished,
   * with the trigger it ran as; the bot need not wait for it to serve searches.
   */
  start(): Promise<ScheduledTrigger | undefined> {
    if (this.job) throw new Error('NoticeScheduler is already started');
    const now = this.clock.now();
    const missed = isMissed(this.options.lastScheduledRun(), this.options.at, now);
    this.job = new Cron(dailyPattern(this.options.at), { timezone: NOTICE_TIMEZONE }, () => {
      // The slot is computed from the injected clock, not croner's, so a run records the
      // same slot a restart later checks with lastDueAt().
      void this.enqueue('schedule', lastDueAt(this.options.at, this.clock.now()));
    });
    if (!missed) return Promise.resolve(undefined);
    return this.enqueue('missed', lastDueAt(this.options.at, now)).then(() => 'missed' as const);
  }

  /** Stops the timer; a run in progress finishes (its posts are not cut off half way). */
  stop(): void {
    this.job?.stop();
    this.job = undefined;
  }

  /** When the timer fires next, while started. */
  nextRun(): Date | undefined {
    return this.job ? nextRunAt(this.options.at, this.clock.now()) : undefined;
  }

  /** Resolves when every run started so far has finished (for an orderly shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(trigger: ScheduledTrigger, scheduledFor: Date): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        await this.options.run(trigger, scheduledFor);
      } catch (error) {
        this.options.onError?.(error);
      }
    });
    return this.queue;
  }
}
