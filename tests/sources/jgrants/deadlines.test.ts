/**
 * `/支援 通知 締切`: a channel that turns it on gets, with the daily run, the imported programs
 * accepting now and closing within 7 JST days, each once; a failed post is retried; catalog
 * programs (no deadline) never appear; without SHIEN_SOURCES the command says why it cannot.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closingSoon, deadlineCommand, DEADLINE_DAYS } from '../../../src/notices/deadlines.js';
import { runNotices } from '../../../src/notices/run.js';
import { reportRun } from '../../../src/cli/notify.js';
import { createChannelNotices } from '../../../src/notices/channel-notices.js';
import * as noticeStores from '../../../src/notices/store.js';
import { toProgram } from '../../../src/sources/jgrants/mapping.js';
import { parseList } from '../../../src/sources/jgrants/parser.js';
import { SqliteImportStore } from '../../../src/sources/sqlite-store.js';
import type { FetchedProgram, StoredProgram } from '../../../src/sources/store.js';
import { CATALOG_DIR } from '../../catalog/support.js';
import { displayed, manualClock, memorySlack, scratch } from '../../notices/support.js';
import { KAGOSHIMA_ITEMS } from './support/fake-jgrants.js';

type Store = Parameters<typeof runNotices>[0]['store'];
async function openNotices(dir: string): Promise<Store> {
  const stores = noticeStores as unknown as Record<string, unknown>;
  if (typeof stores.openNoticeStore === 'function') return (stores.openNoticeStore as (where: { dataDir: string }) => Promise<Store>)({ dataDir: dir });
  return (stores.NoticeStore as { open(dir: string): Store }).open(dir);
}

const clock = manualClock('2026-11-27T00:00:00Z'); // 09:00 JST
const hours = 3_600_000;
const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

/** Recorded items with new periods (end relative to the clock), as a sync would store them. */
function fetched(ends: number[]): FetchedProgram[] {
  const items = KAGOSHIMA_ITEMS().slice(0, ends.length).map((item, i) => ({ ...item, acceptance_start_datetime: at(-48 * hours), acceptance_end_datetime: at(ends[i]!) }));
  return parseList({ result: items }).items.map((item) => ({ program: toProgram(item, undefined, clock.now()), listFingerprint: item.id }));
}
const stored = (programs: FetchedProgram[], closed: string[] = []): StoredProgram[] =>
  programs.map((f) => ({ program: f.program, firstSeen: clock.now(), lastChanged: clock.now(), lastSeen: clock.now(), baseline: true, listFingerprint: f.listFingerprint, ...(closed.includes(f.program.id) ? { closedAt: clock.now() } : {}) }));

describe('which programs are closing soon', () => {
  it('open programs whose deadline falls within 7 JST days, soonest first; not closed, not upcoming, not 掲載終了', () => {
    // 2026-11-27 09:00 JST. Day 7 is 12月4日: 23:59 JST that day is in, 00:00 JST 12月5日 is out.
    const endOfDay7 = new Date('2026-12-04T14:59:00Z').getTime() - clock.now().getTime();
    const startOfDay8 = new Date('2026-12-04T15:00:00Z').getTime() - clock.now().getTime();
    const programs = fetched([endOfDay7, 2 * hours, startOfDay8, -hours, 30 * hours]);
    const [day7, soonest, day8, closed, gone] = programs.map((p) => p.program.id);
    const ids = closingSoon(stored(programs, [gone!]), clock.now()).map((p) => p.id);
    expect(ids).toEqual([soonest, day7]);
    expect(ids).not.toContain(day8);
    expect(ids).not.toContain(closed);
    expect(DEADLINE_DAYS).toBe(7);
  });
});

describe('/支援 通知 締切 and the daily reminder', () => {
  let dataDir: string;
  let notices: Store;
  let imports: SqliteImportStore;
  beforeAll(() => {
    process.env.SHIEN_SOURCES = 'jgrants';
  });
  afterAll(() => {
    delete process.env.SHIEN_SOURCES;
    delete process.env.SHIEN_DATA_DIR;
  });
  beforeEach(async () => {
    clock.set('2026-11-27T00:00:00Z');
    dataDir = path.join(await scratch('deadlines'), 'data');
    process.env.SHIEN_DATA_DIR = dataDir;
    notices = await openNotices(dataDir);
    imports = SqliteImportStore.open(dataDir);
    imports.applySync({ source: 'jgrants', programs: fetched([30 * hours, 20 * 24 * hours]), now: clock.now() });
  });
  afterEach(async () => {
    await notices.close();
    imports.close();
  });
  const command = (args: string, channel = 'C0TEAM', env?: NodeJS.ProcessEnv) => deadlineCommand(args, { channel, user: 'U1', now: clock.now(), ...(env ? { env } : {}) });
  const run = (slack: ReturnType<typeof memorySlack>) => runNotices({ store: notices, catalogDir: CATALOG_DIR, post: slack.post, now: clock.now, trigger: 'once', holder: 'test' });

  it('the command turns reminders on and off, and leaves the other 通知 words alone', async () => {
    expect(await command('オン')).toBeUndefined();
    expect(await command('状態')).toBeUndefined();
    expect(await command('締切')).toMatch(/7 日以内/);
    expect(await command('締切')).toMatch(/すでに \*オン\*/);
    expect(imports.deadlineChannels()).toEqual(['C0TEAM']);
    expect(await command('締切 オフ')).toMatch(/\*オフ\* にしました/);
    expect(imports.deadlineChannels()).toEqual([]);
    expect(await command('締切 いつでも')).toMatch(/使い方/);
    expect(await command('締切', 'D0DM')).toMatch(/チャンネルごとの設定/);
    expect(await command('締切', 'C0TEAM', {})).toMatch(/SHIEN_SOURCES=jgrants/);
    // A sync setting the reminders do not use does not turn them off (they stopped silently).
    const syncSetting = { ...process.env, SHIEN_SOURCES: 'jgrants', SHIEN_DATA_DIR: dataDir, SHIEN_JGRANTS_KEYWORDS: 'a' };
    expect(await command('締切', 'C0TEAM', syncSetting)).toMatch(/7 日以内/);
    expect(imports.deadlineChannels()).toEqual(['C0TEAM']);
  });

  it('a channel with reminders on is told once about each program closing within 7 days; a failed post is retried', async () => {
    await command('締切');
    const slack = memorySlack();
    slack.fail('C0TEAM', 'not_in_channel');
    const first = await run(slack);
    expect(first.deadlines).toEqual([expect.objectContaining({ channel: 'C0TEAM', posted: false, error: 'not_in_channel' })]);
    // The run says so (it was in no record, no exit code, no 状態).
    expect(first).toMatchObject({ status: 'failed', failed: 1 });
    expect((await notices.lastRun())?.error).toContain('C0TEAM (締切の通知): not_in_channel');
    slack.heal('C0TEAM');
    const second = await run(slack);
    expect(second.deadlines).toEqual([expect.objectContaining({ channel: 'C0TEAM', posted: true })]);
    expect(second.deadlines![0]!.programIds).toHaveLength(1); // the one closing in 30 hours, not the one in 20 days
    const shown = displayed(slack.posts.at(-1)!.message);
    expect(shown).toContain('締切が近い支援事業 (7日以内・1 件)');
    expect(shown).toContain('受付中（締切 11月28日(土) 15:00）');
    expect(shown).toContain('出典：Jグランツ（jGrants）（一部を要約）');
    const third = await run(slack);
    expect(third.deadlines).toBeUndefined();
    expect(slack.takeRefusals()).toEqual([]);
  });

  it('/支援 通知 オフ turns the 締切 reminders off too, and 状態 tells both', async () => {
    const channel = createChannelNotices({ store: notices, config: { dataDir, channels: [], at: '09:00' }, catalogDir: CATALOG_DIR, servedPrograms: () => [], clock });
    const say = (args: string) => channel.command(args, { channel: 'C0TEAM', user: 'U1' });
    expect(await say('オン')).toContain('*オン* にしました');
    await command('締切');
    expect(await say('状態')).toContain('締切の通知 (7 日以内): *オン*');
    // It posted 「締切が近い支援事業」 every morning in a channel whose 状態 said オフ.
    expect(await say('オフ')).toContain('締切の通知もオフにしました');
    expect(imports.deadlineChannels()).toEqual([]);
    expect(await say('状態')).toContain('締切の通知 (7 日以内): *オフ*');
    const slack = memorySlack();
    expect((await run(slack)).deadlines).toBeUndefined();
    expect(slack.posts).toEqual([]);
    // Off already, 締切 still on (turned on alone): オフ turns it off and says so.
    await command('締切');
    expect(await say('オフ')).toBe('このチャンネルの新着通知はもともと *オフ* です。締切の通知もオフにしました。');
  });

  it('notify --once names each 締切 reminder, failed ones with why (they were only counted)', () => {
    const lines: string[] = [];
    const io = { out: { write: (t: string) => lines.push(t) }, err: { write: (t: string) => lines.push(t) } } as unknown as Parameters<typeof reportRun>[1];
    const code = reportRun(
      {
        status: 'partial', runId: 1, channels: [], posted: 1, failed: 1, catalogSize: 143,
        deadlines: [
          { channel: 'C0OK', programIds: ['jg-a'], posted: true },
          { channel: 'C0GONE', programIds: ['jg-a', 'jg-b'], posted: false, error: 'is_archived', turnedOff: true },
        ],
      },
      io,
    );
    expect(code).toBe(1);
    const text = lines.join('');
    expect(text).toContain('C0OK: 締切が近い 1 件をお知らせしました');
    expect(text).toMatch(/C0GONE: 締切が近い 2 件をお知らせできませんでした \(is_archived\) — .*締切の通知をオフにしました/);
  });

  it('without reminders on, nothing is posted', async () => {
    const slack = memorySlack();
    const result = await run(slack);
    expect(result.deadlines).toBeUndefined();
    expect(slack.posts).toHaveLength(0);
  });
});
