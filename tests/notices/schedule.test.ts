import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  dailyPattern,
  formatJstDate,
  formatJstDateTime,
  isMissed,
  lastDueAt,
  leaseRetryAt,
  nextRunAt,
  NoticeScheduler,
  type ScheduledTrigger,
} from '../../src/notices/schedule.js';

/** An instant written as Japan time, so each case reads as the person in Tokyo sees it. */
const jst = (local: string) => new Date(`${local}+09:00`);

describe('the daily slot in Asia/Tokyo', () => {
  it('08:59 JST: the next run is 09:00 the same day', () => {
    expect(nextRunAt('09:00', jst('2026-11-24T08:59:00'))).toEqual(jst('2026-11-24T09:00:00'));
  });

  it('09:00:01 JST: the next run is 09:00 the next day, and today’s is due', () => {
    expect(nextRunAt('09:00', jst('2026-11-24T09:00:01'))).toEqual(jst('2026-11-25T09:00:00'));
    expect(lastDueAt('09:00', jst('2026-11-24T09:00:01'))).toEqual(jst('2026-11-24T09:00:00'));
  });

  it('exactly 09:00:00 JST: that slot is due now, the next is tomorrow', () => {
    expect(lastDueAt('09:00', jst('2026-11-24T09:00:00'))).toEqual(jst('2026-11-24T09:00:00'));
    expect(nextRunAt('09:00', jst('2026-11-24T09:00:00'))).toEqual(jst('2026-11-25T09:00:00'));
    expect(lastDueAt('09:00', jst('2026-11-24T08:59:59.999'))).toEqual(jst('2026-11-23T09:00:00'));
  });

  it('uses the Japanese date, not the UTC one: 2026-11-23T23:30Z is 08:30 JST on the 24th', () => {
    const now = new Date('2026-11-23T23:30:00Z');
    expect(nextRunAt('09:00', now)).toEqual(new Date('2026-11-24T00:00:00Z'));
    expect(lastDueAt('09:00', now)).toEqual(new Date('2026-11-23T00:00:00Z'));
    expect(formatJstDate(now)).toBe('2026年11月24日');
    expect(formatJstDateTime(new Date('2026-11-24T00:00:00Z'))).toBe('2026年11月24日 09:00');
  });

  it('reads other times (SHIEN_NOTIFY_AT) the same way, across month and year ends', () => {
    expect(dailyPattern('07:05')).toBe('5 7 * * *');
    expect(nextRunAt('07:05', jst('2026-12-31T23:00:00'))).toEqual(jst('2027-01-01T07:05:00'));
    expect(nextRunAt('00:00', jst('2026-11-30T12:00:00'))).toEqual(jst('2026-12-01T00:00:00'));
    expect(() => dailyPattern('25:00')).toThrow(/HH:MM/);
  });
});

describe('isMissed', () => {
  const yesterday = jst('2026-11-23T09:00:00');
  const today = jst('2026-11-24T09:00:00');

  it('missed: the last run was yesterday’s slot and it is now 10:00 JST', () => {
    expect(isMissed(yesterday, '09:00', jst('2026-11-24T10:00:00'))).toBe(true);
  });

  it('not missed: today’s slot ran', () => {
    expect(isMissed(today, '09:00', jst('2026-11-24T10:00:00'))).toBe(false);
    expect(isMissed(today, '09:00', jst('2026-11-25T08:59:00'))).toBe(false);
  });

  it('not missed before today’s time: yesterday’s run is the latest owed', () => {
    expect(isMissed(yesterday, '09:00', jst('2026-11-24T08:59:00'))).toBe(false);
  });

  it('after days down, one slot is owed (the latest), and a data directory that never ran owes it', () => {
    expect(isMissed(jst('2026-11-20T09:00:00'), '09:00', jst('2026-11-24T10:00:00'))).toBe(true);
    expect(isMissed(undefined, '09:00', jst('2026-11-24T10:00:00'))).toBe(true);
  });

  it('a moved SHIEN_NOTIFY_AT does not invent a missed run', () => {
    // Ran at 09:00 today, then SHIEN_NOTIFY_AT became 10:00; at 09:30 the latest 10:00 slot is yesterday's.
    expect(isMissed(today, '10:00', jst('2026-11-24T09:30:00'))).toBe(false);
  });
});

describe('NoticeScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function recorder() {
    const runs: Array<{ trigger: ScheduledTrigger; scheduledFor: Date }> = [];
    return { runs, run: async (trigger: ScheduledTrigger, scheduledFor: Date) => void runs.push({ trigger, scheduledFor }) };
  }

  it('started at 10:00 JST after yesterday’s run: runs today’s slot at once as "missed"', async () => {
    const r = recorder();
    const clock = { now: () => jst('2026-11-24T10:00:00') };
    const scheduler = new NoticeScheduler({ at: '09:00', clock, run: r.run, lastScheduledRun: () => jst('2026-11-23T09:00:00') });
    await expect(scheduler.start()).resolves.toBe('missed');
    scheduler.stop();
    expect(r.runs).toEqual([{ trigger: 'missed', scheduledFor: jst('2026-11-24T09:00:00') }]);
  });

  it('started at 10:00 JST after today’s run: runs nothing until tomorrow', async () => {
    const r = recorder();
    const clock = { now: () => jst('2026-11-24T10:00:00') };
    const scheduler = new NoticeScheduler({ at: '09:00', clock, run: r.run, lastScheduledRun: () => jst('2026-11-24T09:00:00') });
    await expect(scheduler.start()).resolves.toBeUndefined();
    expect(scheduler.nextRun()).toEqual(jst('2026-11-25T09:00:00'));
    scheduler.stop();
    expect(scheduler.nextRun()).toBeUndefined();
    expect(r.runs).toEqual([]);
  });

  it('fires every day at 09:00 JST on the timer, recording the slot it is for', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(jst('2026-11-24T08:58:00'));
    const r = recorder();
    const scheduler = new NoticeScheduler({ at: '09:00', run: r.run, lastScheduledRun: () => jst('2026-11-23T09:00:00') });
    await scheduler.start();
    expect(r.runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(119_000); // 08:59:59
    expect(r.runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000); // 09:00:01
    expect(r.runs).toEqual([{ trigger: 'schedule', scheduledFor: jst('2026-11-24T09:00:00') }]);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(r.runs.map((x) => x.scheduledFor)).toEqual([jst('2026-11-24T09:00:00'), jst('2026-11-25T09:00:00')]);
    scheduler.stop();
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(r.runs).toHaveLength(2);
  });

  it('a failing run is reported and does not stop the next day’s', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(jst('2026-11-24T08:59:00'));
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new NoticeScheduler({
      at: '09:00',
      run: async () => {
        calls += 1;
        throw new Error('disk full');
      },
      lastScheduledRun: () => jst('2026-11-23T09:00:00'),
      onError: (e) => errors.push(e),
    });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(2 * 24 * 3600_000);
    scheduler.stop();
    expect(calls).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full', 'disk full']);
  });
});

describe('NoticeScheduler: retryAfterErrorMs (replicas on a shared database)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a run that throws (the database unreachable at 09:00) is tried again until its slot has run, and no longer', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(jst('2026-11-24T08:59:00'));
    const errors: unknown[] = [];
    const slots: Date[] = [];
    let done: Date | undefined = jst('2026-11-23T09:00:00');
    let failuresLeft = 2;
    const scheduler = new NoticeScheduler({
      at: '09:00',
      run: async (_trigger, slot) => {
        slots.push(slot);
        if (failuresLeft-- > 0) throw new Error('connect ECONNREFUSED');
        done = slot;
      },
      lastScheduledRun: () => done,
      onError: (e) => errors.push(e),
      retryAfterErrorMs: 60_000,
    });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000); // 09:00: fails
    expect(scheduler.nextRetry()).toEqual(jst('2026-11-24T09:01:00'));
    await vi.advanceTimersByTimeAsync(60_000); // 09:01: fails again
    await vi.advanceTimersByTimeAsync(60_000); // 09:02: runs
    await vi.advanceTimersByTimeAsync(3600_000);
    scheduler.stop();
    expect(slots).toEqual([jst('2026-11-24T09:00:00'), jst('2026-11-24T09:00:00'), jst('2026-11-24T09:00:00')]);
    expect(errors).toHaveLength(2);
    expect(done).toEqual(jst('2026-11-24T09:00:00'));
  });
});

describe('NoticeScheduler: a run skipped because another process held the lease', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const skipped = (until: Date) => ({ status: 'skipped', runId: 1, skipped: { reason: 'lease', holder: 'bot-dead#1', until }, channels: [], posted: 0, failed: 0 });
  const ok = { status: 'ok', runId: 2, channels: [], posted: 0, failed: 0 };

  it('leaseRetryAt: a second after the lease expires, only for a lease skip', () => {
    const until = jst('2026-11-24T09:02:30');
    expect(leaseRetryAt(skipped(until))).toEqual(jst('2026-11-24T09:02:31'));
    expect(leaseRetryAt(ok)).toBeUndefined();
    expect(leaseRetryAt({ status: 'skipped', skipped: { reason: 'already-ran', runId: 1 } })).toBeUndefined();
    expect(leaseRetryAt(undefined)).toBeUndefined();
    expect(leaseRetryAt('skipped')).toBeUndefined();
  });

  it('the catch-up at 09:00:35 is skipped for a lease until 09:02:30: retried at 09:02:31 as the same slot, once', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(jst('2026-11-24T09:00:35'));
    const calls: Array<{ trigger: ScheduledTrigger; scheduledFor: Date; at: Date }> = [];
    const answers = [skipped(jst('2026-11-24T09:02:30')), ok];
    const scheduler = new NoticeScheduler({
      at: '09:00',
      run: async (trigger, scheduledFor) => {
        calls.push({ trigger, scheduledFor, at: new Date() });
        return answers.shift();
      },
      lastScheduledRun: () => jst('2026-11-23T09:00:00'),
    });
    await expect(scheduler.start()).resolves.toBe('missed');
    expect(scheduler.nextRetry()).toEqual(jst('2026-11-24T09:02:31'));
    await vi.advanceTimersByTimeAsync(115_999); // 09:02:30.999
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([
      { trigger: 'missed', scheduledFor: jst('2026-11-24T09:00:00'), at: jst('2026-11-24T09:00:35') },
      { trigger: 'missed', scheduledFor: jst('2026-11-24T09:00:00'), at: jst('2026-11-24T09:02:31') },
    ]);
    expect(scheduler.nextRetry()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(3600_000);
    expect(calls).toHaveLength(2);
    scheduler.stop();
  });

  it('a 09:00 tick skipped for the lease is retried as "schedule", again while the lease is renewed, not after the slot ran', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(jst('2026-11-24T08:59:00'));
    let lastRan = jst('2026-11-23T09:00:00');
    const calls: Date[] = [];
    const answers = [skipped(jst('2026-11-24T09:02:00')), skipped(jst('2026-11-24T09:04:00'))];
    const scheduler = new NoticeScheduler({
      at: '09:00',
      run: async (trigger) => {
        expect(trigger).toBe('schedule');
        calls.push(new Date());
        return answers.shift() ?? ok;
      },
      lastScheduledRun: () => lastRan,
    });
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(61_000); // 09:00:01
    expect(calls).toEqual([jst('2026-11-24T09:00:00')]);
    await vi.advanceTimersByTimeAsync(120_000); // 09:02:01: retried, skipped again (renewed until 09:04)
    expect(calls).toEqual([jst('2026-11-24T09:00:00'), jst('2026-11-24T09:02:01')]);
    expect(scheduler.nextRetry()).toEqual(jst('2026-11-24T09:04:01'));
    lastRan = jst('2026-11-24T09:00:00'); // the other process finished the slot meanwhile
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(2);
    scheduler.stop();
  });

  it('stop() cancels a pending retry', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(jst('2026-11-24T09:00:35'));
    let calls = 0;
    const scheduler = new NoticeScheduler({
      at: '09:00',
      run: async () => {
        calls += 1;
        return skipped(jst('2026-11-24T09:02:30'));
      },
      lastScheduledRun: () => jst('2026-11-23T09:00:00'),
    });
    await scheduler.start();
    scheduler.stop();
    expect(scheduler.nextRetry()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toBe(1);
  });
});
