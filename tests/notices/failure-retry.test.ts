/**
 * A digest Slack refused at 09:00 for a reason that may pass (ratelimited, timeout, 5xx) or a
 * catalog someone fixed is posted again the same day: 30 minutes later (3 times at most), or at
 * the next start. It waited until the next morning (notices walk-through). Channels that got
 * their digest get nothing twice; a failure that cannot pass (channel gone) is not retried.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNoticeService, type NoticeService } from '../../src/notices/service.js';
import { FAILURE_RETRIES, FAILURE_RETRY_MS, wantsFailureRetry } from '../../src/notices/schedule.js';
import { addProgram, manualClock, memorySlack, workspace } from './support.js';

const services: NoticeService[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(services.splice(0).map((s) => s.stop()));
});

/** Channels subscribed by configuration, a program added, the clock at the day's slot `at` (JST, 2026-11-24). */
async function setUp(channels: string[], at = '09:00') {
  const dirs = await workspace();
  const slot = new Date(`2026-11-24T${at}:00+09:00`);
  const clock = manualClock(new Date(slot.getTime() - 3_600_000).toISOString());
  const slack = memorySlack();
  // Every attempt is in slack.posts; these are the ones Slack took.
  const delivered: string[] = [];
  const post: typeof slack.post = async (channel, message) => {
    const result = await slack.post(channel, message);
    if (result.ok) delivered.push(channel);
    return result;
  };
  const boot = () => {
    const service = createNoticeService({ config: { dataDir: dirs.dataDir, channels, at }, catalogDir: dirs.catalogDir, post, clock });
    services.push(service);
    return service;
  };
  const first = boot();
  await first.start(); // baseline: the configured channels know the catalog
  await addProgram(dirs.catalogFile, { id: 'p-retry-0001', name: 'レート制限の日の事業' });
  clock.set(slot.toISOString());
  return { dirs, clock, slack, delivered, boot, first };
}

describe('a run that failed in part', () => {
  it('refused with ratelimited at 09:00: retried 30 minutes later, only where it failed', async () => {
    const { clock, slack, delivered, first } = await setUp(['C0OK', 'C0X']);
    slack.fail('C0X', 'ratelimited');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await first.scheduler.tick();
    expect(delivered).toEqual(['C0OK']);
    const retry = first.scheduler.nextRetry();
    expect(retry?.getTime()).toBe(clock.now().getTime() + FAILURE_RETRY_MS);
    slack.heal('C0X');
    clock.set('2026-11-24T09:30:00+09:00');
    await vi.advanceTimersByTimeAsync(FAILURE_RETRY_MS);
    await first.scheduler.idle();
    expect(delivered).toEqual(['C0OK', 'C0X']);
    expect(slack.posts.map((p) => p.channel)).toEqual(['C0OK', 'C0X', 'C0X']); // C0OK was not posted twice
    expect(first.scheduler.nextRetry()).toBeUndefined(); // it succeeded: no more retries
  });

  it.each([
    ['09:00', '2026-11-24T10:00:00+09:00', '2026-11-24T10:05:00+09:00'],
    // Within 12 hours, not the calendar day: a slot at 23:45 is caught up after midnight.
    ['23:45', '2026-11-25T00:05:00+09:00', '2026-11-25T00:10:00+09:00'],
  ])('a bot restarted after its failed %s run catches it up (at %s); a second restart posts nothing twice', async (at, restart, again) => {
    const { clock, slack, delivered, boot, first } = await setUp(['C0X'], at);
    slack.fail('C0X', 'ratelimited');
    await first.scheduler.tick();
    await first.stop();
    slack.heal('C0X');
    clock.set(restart);
    const second = boot();
    expect(await second.start()).toBe('retry');
    await second.stop();
    expect(delivered).toEqual(['C0X']);
    clock.set(again);
    await boot().start();
    expect(delivered).toEqual(['C0X']);
  });

  it.each([
    ['went through', {}],
    // C0PRIV stays subscribed: a private channel the bot was removed from answers channel_not_found.
    ['left only a failure no try can change', { C0PRIV: 'channel_not_found' }],
  ] as const)('a start after a 09:30 retry that %s owes nothing (it posted the programs added since, off schedule)', async (_name, permanent: Record<string, string>) => {
    const { clock, slack, delivered, boot, first, dirs } = await setUp(['C0OK', 'C0X', ...Object.keys(permanent)]);
    for (const [channel, error] of Object.entries(permanent)) slack.fail(channel, error);
    slack.fail('C0X', 'ratelimited');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await first.scheduler.tick();
    slack.heal('C0X');
    clock.set('2026-11-24T09:30:00+09:00');
    await vi.advanceTimersByTimeAsync(FAILURE_RETRY_MS);
    await first.scheduler.idle();
    expect(delivered).toEqual(['C0OK', 'C0X']);
    expect(first.scheduler.nextRetry()).toBeUndefined();
    await first.stop();
    vi.useRealTimers();
    await addProgram(dirs.catalogFile, { id: 'p-retry-0002', name: '午後に追加された事業' });
    clock.set('2026-11-24T15:00:00+09:00');
    const afternoon = boot();
    expect(await afternoon.start()).toBeUndefined();
    await afternoon.stop();
    expect(delivered).toEqual(['C0OK', 'C0X']);
  });

  it('a failed slot is not caught up by a start the next morning, before that day’s run', async () => {
    const { clock, slack, delivered, boot, first, dirs } = await setUp(['C0OK', 'C0X']);
    slack.fail('C0X', 'ratelimited');
    await first.scheduler.tick();
    await first.stop();
    slack.heal('C0X');
    await addProgram(dirs.catalogFile, { id: 'p-retry-0002', name: '夜に追加された事業' });
    clock.set('2026-11-25T07:00:00+09:00');
    const morning = boot();
    expect(await morning.start()).toBeUndefined();
    await morning.stop();
    expect(delivered).toEqual(['C0OK']);
  });


  it('a failure another try cannot change (the channel is gone) is not retried', async () => {
    const { slack, first } = await setUp(['C0GONE']);
    slack.fail('C0GONE', 'channel_not_found');
    await first.scheduler.tick();
    expect(first.scheduler.nextRetry()).toBeUndefined();
    expect(wantsFailureRetry({ status: 'partial', channels: [{ error: 'channel_not_found' }, { error: 'timeout' }] })).toBe(true);
    expect(wantsFailureRetry({ status: 'failed', channels: [{ error: 'not_in_channel' }, { error: 'invalid_auth' }] })).toBe(false);
    expect(wantsFailureRetry({ status: 'catalog-error', channels: [] })).toBe(true);
    expect(wantsFailureRetry({ status: 'ok', channels: [] })).toBe(false);
  });

  it('retries stop after three the same day', async () => {
    const { clock, slack, delivered, first } = await setUp(['C0X']);
    slack.fail('C0X', 'ratelimited');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await first.scheduler.tick();
    for (let i = 1; i <= FAILURE_RETRIES; i++) {
      expect(first.scheduler.nextRetry(), `retry ${i}`).toBeDefined();
      clock.advance(FAILURE_RETRY_MS);
      await vi.advanceTimersByTimeAsync(FAILURE_RETRY_MS);
      await first.scheduler.idle();
    }
    expect(first.scheduler.nextRetry()).toBeUndefined();
    expect(delivered).toEqual([]);
    expect(slack.to('C0X')).toHaveLength(FAILURE_RETRIES + 1); // the run and three retries
  });
});
