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

/**
 * 'retry': the day's slot ran but some posts failed (Slack refused or rate-limited them, the
 * catalog was broken); run again, posting only what each channel has not had.
 */
export type ScheduledTrigger = 'schedule' | 'missed' | 'retry';

/** A slot whose run failed (in part) is run again this long after, up to FAILURE_RETRIES times. */
export const FAILURE_RETRY_MS = 30 * 60_000;
export const FAILURE_RETRIES = 3;

/**
 * Slack's answers that another try the same day cannot change: a channel gone, archived or
 * without the bot, a token or a scope that is wrong. 状態 says what to do about them.
 */
const PERMANENT_POST_ERRORS = new Set([
  'channel_not_found', 'is_archived', 'not_in_channel', 'invalid_auth', 'not_authed', 'token_revoked', 'token_expired',
  'account_inactive', 'missing_scope', 'restricted_action', 'ekm_access_denied', 'invalid_blocks', 'msg_too_long',
]);

/**
 * Whether a run's result is worth running again the same day: it failed in part or in whole for
 * a reason that may pass (ratelimited, timeout, Slack's 5xx, a catalog someone may fix, a lost
 * lease), not only for permanent ones. A digest refused at 09:00 waited until the next day,
 * even when Slack asked to come back in a second (walk-through).
 */
export function wantsFailureRetry(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const { status, channels, deadlines } = result as { status?: unknown; channels?: Array<{ error?: string }>; deadlines?: Array<{ error?: string }> };
  if (status === 'catalog-error') return true;
  if (status !== 'failed' && status !== 'partial') return false;
  const errors = [...(channels ?? []), ...(deadlines ?? [])].flatMap((c) => (c.error === undefined ? [] : [c.error]));
  return errors.some((e) => !PERMANENT_POST_ERRORS.has(e));
}

/** A retry never comes sooner than this after the skipped run (a lease already expired, a clock step). */
const MIN_RETRY_MS = 1000;

/**
 * When a run's result asks for a retry: a run skipped because another process held the lease
 * (runNotices' `skipped: { reason: 'lease', until }`) is retried a second after that lease
 * expires. A holder that crashed renews it no more, so the retry runs; a live one that is
 * still posting has renewed it, and the retry is skipped again and waits for the new expiry.
 * Anything else (a run that ran, a slot that already ran, a thrown error) is not retried.
 */
export function leaseRetryAt(result: unknown): Date | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { status, skipped } = result as { status?: unknown; skipped?: { reason?: unknown; until?: unknown } };
  if (status !== 'skipped' || skipped?.reason !== 'lease' || !(skipped.until instanceof Date)) return undefined;
  return new Date(skipped.until.getTime() + 1000);
}

export interface NoticeSchedulerOptions {
  /** SHIEN_NOTIFY_AT, `HH:MM` in Asia/Tokyo. */
  at: string;
  /**
   * The job (runNotices, wired by the bot). `scheduledFor` is the slot the run is for,
   * recorded so a restart can tell whether that slot already ran. Errors are caught and
   * logged: a failed run must not stop tomorrow's. A result skipped for the lease (see
   * leaseRetryAt) is retried once the lease has expired, while the slot has not run.
   */
  run: (trigger: ScheduledTrigger, scheduledFor: Date) => Promise<unknown>;
  /** The slot of the last finished scheduled run (NoticeStore.lastScheduledRun()?.scheduledFor). */
  lastScheduledRun: () => Promise<Date | undefined> | Date | undefined;
  /**
   * Whether the scheduled run of `slot` failed (in part) for a reason that may pass: a start
   * after it (the token fixed, the bot restarted at 10:00) runs it again. Unset: never.
   */
  slotWantsRetry?: (slot: Date) => Promise<boolean>;
  clock?: Clock;
  onError?: (error: unknown) => void;
  /**
   * When set, a run that throws (the shared database unreachable at 09:00 on every replica) is
   * tried again this long after, and again, while its slot is still the latest one due and has
   * not run. Unset (the SQLite bot): a throwing run is reported and left to the next start or
   * the next day, as before.
   */
  retryAfterErrorMs?: number;
}

/**
 * The daily timer inside the running bot. start() first catches up a missed slot (the bot
 * was down at 09:00), then leaves a croner job firing every day. Runs never overlap: a tick
 * that arrives while the catch-up is still posting waits for it. A run skipped because
 * another process held the lease (e.g. the process that crashed a minute ago, whose lease
 * has not expired yet) is retried after the lease expires, as long as its slot is still the
 * latest one due and has no finished run; otherwise the slot would be lost until tomorrow.
 */
export class NoticeScheduler {
  private job: Cron | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private retry: { timer: ReturnType<typeof setTimeout>; at: Date } | undefined;
  /** Failure retries made for the slot they are for (a new slot starts at 0). */
  private failureRetries = { slot: 0, count: 0 };
  private stopped = false;

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
    this.stopped = false;
    const now = this.clock.now();
    // The store is asked first, in the queue, so a tick arriving meanwhile waits behind the catch-up.
    let caught: ScheduledTrigger | undefined;
    const caughtUp = this.enqueueWhen(async () => {
      const slot = lastDueAt(this.options.at, now);
      if (isMissed(await this.options.lastScheduledRun(), this.options.at, now)) caught = 'missed';
      // Ran, but failed in part for a reason that may have passed: once more now.
      else if (await this.options.slotWantsRetry?.(slot)) caught = 'retry';
      return caught ? { trigger: caught, slot } : undefined;
    });
    this.job = new Cron(dailyPattern(this.options.at), { timezone: NOTICE_TIMEZONE }, () => void this.tick());
    return caughtUp.then(() => caught);
  }

  /**
   * Stops the timer and a pending retry; runs queued but not started are dropped. A run in
   * progress is not cut off here (NoticeService.stop aborts it between channels).
   */
  stop(): void {
    this.stopped = true;
    this.job?.stop();
    this.job = undefined;
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = undefined;
  }

  /**
   * What the daily timer does when it fires: queue a scheduled run for the slot due now.
   * Public so a test can fire the timers of several replicas at the same instant.
   */
  tick(): Promise<void> {
    // The slot is computed from the injected clock, not croner's, so a run records the
    // same slot a restart later checks with lastDueAt().
    return this.enqueue('schedule', lastDueAt(this.options.at, this.clock.now()));
  }

  /** When the timer fires next, while started. */
  nextRun(): Date | undefined {
    return this.job ? nextRunAt(this.options.at, this.clock.now()) : undefined;
  }

  /** When a run skipped for the lease, or one that failed in part, is retried, while one is pending. */
  nextRetry(): Date | undefined {
    return this.retry?.at;
  }

  /** Resolves when every run started so far has finished (for an orderly shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(trigger: ScheduledTrigger, scheduledFor: Date): Promise<void> {
    return this.enqueueWhen(() => ({ trigger, slot: scheduledFor }));
  }

  /** Queues a run whose trigger and slot are decided when its turn comes (undefined: no run). */
  private enqueueWhen(
    decide: () => Promise<{ trigger: ScheduledTrigger; slot: Date } | undefined> | { trigger: ScheduledTrigger; slot: Date } | undefined,
    retrying?: { trigger: ScheduledTrigger; slot: Date },
  ): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.stopped) return;
      let target = retrying;
      try {
        const next = await decide();
        if (!next || this.stopped) return;
        target = next;
        const { trigger, slot: scheduledFor } = next;
        const result = await this.options.run(trigger, scheduledFor);
        const retryAt = leaseRetryAt(result);
        if (retryAt) this.scheduleRetry(trigger, scheduledFor, retryAt);
        else if (wantsFailureRetry(result)) this.scheduleFailureRetry(scheduledFor);
      } catch (error) {
        this.options.onError?.(error);
        const after = this.options.retryAfterErrorMs;
        if (after !== undefined && target) this.scheduleRetry(target.trigger, target.slot, new Date(this.clock.now().getTime() + after));
      }
    });
    return this.queue;
  }

  /** The slot once more in FAILURE_RETRY_MS, while it is the latest due, up to FAILURE_RETRIES times. */
  private scheduleFailureRetry(slot: Date): void {
    if (this.failureRetries.slot !== slot.getTime()) this.failureRetries = { slot: slot.getTime(), count: 0 };
    if (this.failureRetries.count >= FAILURE_RETRIES) return;
    this.failureRetries.count++;
    if (this.stopped) return;
    if (this.retry) clearTimeout(this.retry.timer);
    const at = new Date(this.clock.now().getTime() + FAILURE_RETRY_MS);
    const timer = setTimeout(() => {
      this.retry = undefined;
      // A newer slot is due by now: its own tick owns it.
      void this.enqueueWhen(() => (lastDueAt(this.options.at, this.clock.now()).getTime() === slot.getTime() ? { trigger: 'retry', slot } : undefined));
    }, FAILURE_RETRY_MS);
    this.retry = { timer, at };
  }

  private scheduleRetry(trigger: ScheduledTrigger, slot: Date, at: Date): void {
    if (this.stopped) return;
    if (this.retry) clearTimeout(this.retry.timer);
    const delay = Math.max(MIN_RETRY_MS, at.getTime() - this.clock.now().getTime());
    const timer = setTimeout(() => {
      this.retry = undefined;
      void this.enqueueWhen(
        async () => {
          // A newer slot is due by now (a retry late by a day): its own tick or catch-up owns it.
          if (lastDueAt(this.options.at, this.clock.now()).getTime() !== slot.getTime()) return undefined;
          const done = await this.options.lastScheduledRun();
          if (done !== undefined && done.getTime() >= slot.getTime()) return undefined; // another process ran it
          return { trigger, slot };
        },
        { trigger, slot },
      );
    }, delay);
    this.retry = { timer, at: new Date(this.clock.now().getTime() + delay) };
  }
}
