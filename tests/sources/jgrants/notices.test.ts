/**
 * Daily notices with jGrants: only programs that are really new are announced. The first
 * sync is a baseline; a later one with one new id announces exactly that one, once, even
 * when jGrants then edits its text; a failed sync posts nothing; a channel subscribing later
 * is not flooded. The notice store and the import store share the data directory, and
 * runNotices reads the imports from it by default (SHIEN_SOURCES=jgrants, SHIEN_DATA_DIR).
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.js';
import { runNotices } from '../../../src/notices/run.js';
import * as noticeStores from '../../../src/notices/store.js';
import type { SourcesConfig } from '../../../src/sources/config.js';
import { SqliteImportStore } from '../../../src/sources/sqlite-store.js';
import { runSync } from '../../../src/sources/sync.js';
import { CATALOG_DIR } from '../../catalog/support.js';
import { displayed, manualClock, memorySlack, scratch } from '../../notices/support.js';
import { FakeJgrants, KAGOSHIMA_ITEMS, type Item } from './support/fake-jgrants.js';

let fake: FakeJgrants;
let dataDir: string;
/** The notice store, synchronous or asynchronous (issue 14 makes it async): every call is awaited. */
type Store = Parameters<typeof runNotices>[0]['store'];
let notices: Store;

async function openNotices(dir: string): Promise<Store> {
  const stores = noticeStores as unknown as Record<string, unknown>;
  if (typeof stores.openNoticeStore === 'function') return (await (stores.openNoticeStore as (where: { dataDir: string }) => Promise<Store>)({ dataDir: dir }));
  return (stores.NoticeStore as { open(dir: string): Store }).open(dir);
}
let imports: SqliteImportStore;
let catalogIds: string[];
const clock = manualClock('2026-11-27T00:00:00Z');
const day = 86_400_000;

beforeAll(async () => {
  process.env.SHIEN_SOURCES = 'jgrants';
  catalogIds = (await loadCatalog(CATALOG_DIR)).programs.map((p) => p.id);
});
afterAll(() => {
  delete process.env.SHIEN_SOURCES;
  delete process.env.SHIEN_DATA_DIR;
});
beforeEach(async () => {
  fake = await FakeJgrants.start();
  dataDir = path.join(await scratch('jgrants-notices'), 'data');
  process.env.SHIEN_DATA_DIR = dataDir;
  notices = await openNotices(dataDir);
  imports = SqliteImportStore.open(dataDir);
  clock.set('2026-11-27T00:00:00Z');
  await notices.subscribe('C0FIRST', catalogIds, { source: 'command', by: 'U1', now: clock.now() });
});
afterEach(async () => {
  await notices.close();
  imports.close();
  await fake.stop();
});

const config = (): SourcesConfig => ({ enabled: ['jgrants'], dataDir, syncAt: '08:30', jgrants: { apiUrl: fake.url, areas: ['鹿児島県'], keywords: ['補助金'] } });
const sync = () => runSync({ config: config(), store: imports, now: clock.now, jgrantsClient: { backoffMs: 5, attempts: 2, timeoutMs: 300 } });
const notify = (slack: ReturnType<typeof memorySlack>) => runNotices({ store: notices, catalogDir: CATALOG_DIR, post: slack.post, now: clock.now, trigger: 'once', holder: 'test' });
const item = (id: string, title: string): Item => ({
  ...KAGOSHIMA_ITEMS()[0]!,
  id,
  title,
  acceptance_start_datetime: '2026-12-01T00:00:00.000Z',
  acceptance_end_datetime: '2026-12-25T08:00:00.000Z',
});

describe('notices of jGrants programs', () => {
  it('first sync: a baseline, nothing posted; second sync with one new id: exactly that one, with its period and the credit', async () => {
    expect((await sync()).sources[0]!.baseline).toBe(true);
    const slack = memorySlack();
    await notify(slack);
    expect(slack.posts).toHaveLength(0);

    clock.advance(day);
    fake.items.set('a0WJ200000NEW0001A', item('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    expect((await sync()).sources[0]!.new).toEqual(['jg-a0WJ200000NEW0001A']);
    clock.advance(60_000);
    const result = await notify(slack);
    expect(result.channels).toEqual([expect.objectContaining({ channel: 'C0FIRST', posted: true, programIds: ['jg-a0WJ200000NEW0001A'] })]);
    const shown = displayed(slack.posts[0]!.message);
    expect(shown).toContain('【鹿児島県】令和8年度_新しい補助金');
    expect(shown).toContain('上限 300万円');
    expect(shown).toContain('公募予定（開始 12月1日(火) 09:00、締切 12月25日(金) 17:00）');
    expect(shown).toContain('出典：Jグランツ（jGrants）（一部を要約）');
    expect(slack.takeRefusals()).toEqual([]);
  });

  it('a program whose application period had ended when it was first seen is not announced as new; extended later, it is', async () => {
    await sync();
    clock.advance(day);
    fake.items.set('a0WJ2000000CLOSED', { ...item('a0WJ2000000CLOSED', '【鹿児島県】締切済みの補助金'), acceptance_start_datetime: '2026-10-01T00:00:00.000Z', acceptance_end_datetime: '2026-11-20T08:00:00.000Z' });
    fake.items.set('a0WJ200000NEW0001A', item('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    expect((await sync()).sources[0]!.new.sort()).toEqual(['jg-a0WJ2000000CLOSED', 'jg-a0WJ200000NEW0001A']);
    const slack = memorySlack();
    const result = await notify(slack);
    expect(result.channels).toEqual([expect.objectContaining({ channel: 'C0FIRST', posted: true, programIds: ['jg-a0WJ200000NEW0001A'] })]);
    expect(displayed(slack.posts[0]!.message)).not.toContain('締切済み');
    // jGrants extends its deadline: it is open, and new to the channel.
    clock.advance(day);
    fake.items.set('a0WJ2000000CLOSED', { ...fake.items.get('a0WJ2000000CLOSED')!, acceptance_end_datetime: '2026-12-20T08:00:00.000Z' });
    await sync();
    clock.advance(60_000);
    expect((await notify(slack)).channels).toEqual([expect.objectContaining({ posted: true, programIds: ['jg-a0WJ2000000CLOSED'] })]);
  });

  it('a program announced once is never announced again, also when jGrants changes its text', async () => {
    await sync();
    clock.advance(day);
    fake.items.set('a0WJ200000NEW0001A', item('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    await sync();
    const slack = memorySlack();
    await notify(slack);
    expect(slack.posts).toHaveLength(1);
    clock.advance(day);
    fake.items.set('a0WJ200000NEW0001A', item('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金（締切延長）'));
    expect((await sync()).sources[0]!.changed).toEqual(['jg-a0WJ200000NEW0001A']);
    await notify(slack);
    expect(slack.posts).toHaveLength(1);
  });

  it('a failed sync loses nothing and posts nothing', async () => {
    await sync();
    clock.advance(day);
    fake.items.set('a0WJ200000NEW0001A', item('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    fake.fail('/subsidies?', { status: 503 }, 2);
    const [failed] = (await sync()).sources;
    expect(failed!.ok).toBe(false);
    const slack = memorySlack();
    await notify(slack);
    expect(slack.posts).toHaveLength(0);
    expect(imports.programs()).toHaveLength(9); // the baseline, untouched
    // The next good sync finds the new program and it is announced then.
    await sync();
    await notify(slack);
    expect(slack.posts.map((p) => p.channel)).toEqual(['C0FIRST']);
  });

  it('a channel that subscribes after imports is not told about programs it could already find', async () => {
    await sync();
    clock.advance(day);
    fake.items.set('a0WJ200000NEW0001A', item('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    await sync();
    clock.advance(day);
    await notices.subscribe('C0LATER', catalogIds, { source: 'command', by: 'U2', now: clock.now() });
    clock.advance(60_000);
    const slack = memorySlack();
    await notify(slack);
    expect(slack.posts.map((p) => p.channel)).toEqual(['C0FIRST']);
    clock.advance(day);
    fake.items.set('a0WJ200000NEW0002A', item('a0WJ200000NEW0002A', '【鹿児島県】令和8年度_もっと新しい補助金'));
    await sync();
    await notify(slack);
    expect(slack.to('C0LATER')).toHaveLength(1);
    expect(displayed(slack.to('C0LATER')[0]!.message)).toContain('もっと新しい補助金');
  });

  it('a source name the run cannot use is refused before anything is recorded', async () => {
    process.env.SHIEN_SOURCES = 'bogus';
    try {
      await expect(notify(memorySlack())).rejects.toThrow('設定エラー: SHIEN_SOURCES に知らない取り込み元があります: bogus');
      expect(await notices.lastRun()).toBeUndefined();
    } finally {
      process.env.SHIEN_SOURCES = 'jgrants';
    }
  });

  it('without SHIEN_SOURCES the notices ignore imported programs', async () => {
    await sync();
    clock.advance(day);
    fake.items.set('a0WJ200000NEW0001A', item('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    await sync();
    delete process.env.SHIEN_SOURCES;
    try {
      const slack = memorySlack();
      await notify(slack);
      expect(slack.posts).toHaveLength(0);
    } finally {
      process.env.SHIEN_SOURCES = 'jgrants';
    }
  });
});
