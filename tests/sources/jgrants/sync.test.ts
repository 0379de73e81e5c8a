import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourcesConfig } from '../../../src/sources/config.js';
import { SqliteImportStore } from '../../../src/sources/sqlite-store.js';
import { runSync } from '../../../src/sources/sync.js';
import { FakeJgrants, KAGOSHIMA_ITEMS, type Item } from './support/fake-jgrants.js';

let fake: FakeJgrants;
let dataDir: string;
let store: SqliteImportStore;
const NOW = new Date('2026-11-27T03:00:00Z');

beforeEach(async () => {
  fake = await FakeJgrants.start();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'shien-sync-'));
  store = SqliteImportStore.open(dataDir);
});
afterEach(async () => {
  store.close();
  await fake.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const config = (): SourcesConfig => ({
  enabled: ['jgrants'],
  dataDir,
  syncAt: '08:30',
  jgrants: { apiUrl: fake.url, areas: ['鹿児島県', '全国'], keywords: ['補助金', '事業'] },
});
const sync = (dryRun = false) => runSync({ config: config(), store, now: () => NOW, dryRun, jgrantsClient: { backoffMs: 5, timeoutMs: 300, attempts: 2 } });

/** The ids the fake lists for the test's areas and keywords (titles only: the details of these say the same). */
const expectedIds = () =>
  [...fake.items.values()]
    .filter((i) => /補助金|事業/.test(String(i.title)) && /鹿児島県|全国/.test(String(i.target_area_search)))
    .map((i) => `jg-${i.id}`)
    .sort();

/** The listed items whose details a sync asks for (deadline not long past, as the first test counts them). */
const detailed = () =>
  [...fake.items.values()].filter((i) => expectedIds().includes(`jg-${i.id}`) && (!i.acceptance_end_datetime || String(i.acceptance_end_datetime) >= '2026-10-28'));

const newItem = (id: string, title: string): Item => ({ ...KAGOSHIMA_ITEMS()[0]!, id, name: 'S-00099999', title, acceptance_end_datetime: '2026-12-20T08:00:00.000Z' });

describe('jGrants sync into the store', () => {
  it('the first sync imports every listed program as a baseline, with details for the recent ones', async () => {
    const report = await sync();
    const [r] = report.sources;
    expect(r!.ok).toBe(true);
    expect(r!.baseline).toBe(true);
    expect([...r!.new].sort()).toEqual(expectedIds());
    expect(r!.new).toHaveLength(10);
    const stored = store.programs('jgrants');
    expect(stored).toHaveLength(10);
    expect(stored.every((s) => s.baseline)).toBe(true);
    expect(stored.every((s) => s.firstSeen.getTime() === NOW.getTime())).toBe(true);
    // Details only for programs whose deadline is not long past (4 of the 10 recorded ones).
    const detailRequests = fake.requests.filter((q) => q.path.includes('/id/')).length;
    expect(detailRequests).toBe(stored.filter((s) => !s.program.imported.acceptance?.end || s.program.imported.acceptance.end >= '2026-10-28').length);
    expect(fake.rateLimited).toBe(0);
    expect(fake.maxPerSecond()).toBeLessThanOrEqual(5);
  });

  it('a second sync with one new id reports exactly that one (not a baseline), and asks no detail twice', async () => {
    await sync();
    const before = fake.requests.length;
    fake.items.set('a0WJ200000NEW0001A', newItem('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    const [r] = (await sync()).sources;
    expect(r!.baseline).toBe(false);
    expect(r!.new).toEqual(['jg-a0WJ200000NEW0001A']);
    expect(r!.changed).toEqual([]);
    expect(r!.closed).toEqual([]);
    const details = fake.requests.slice(before).filter((q) => q.path.includes('/id/'));
    expect(details.map((d) => d.path)).toEqual(['/exp/v1/public/subsidies/id/a0WJ200000NEW0001A']);
    const stored = store.programs('jgrants').find((s) => s.program.id === 'jg-a0WJ200000NEW0001A')!;
    expect(stored.baseline).toBe(false);
  });

  it('a program that vanishes is kept and marked 掲載終了; a changed one is changed', async () => {
    await sync();
    const [gone, edited] = KAGOSHIMA_ITEMS();
    fake.items.delete(gone!.id);
    fake.items.set(edited!.id, { ...edited!, title: `${String(edited!.title)}（改）` });
    const later = new Date(NOW.getTime() + 86_400_000);
    const [r] = (await runSync({ config: config(), store, now: () => later })).sources;
    expect(r!.closed).toEqual([`jg-${gone!.id}`]);
    expect(r!.changed).toEqual([`jg-${edited!.id}`]);
    const stored = new Map(store.programs().map((s) => [s.program.id, s]));
    expect(stored.get(`jg-${gone!.id}`)!.closedAt).toEqual(later);
    expect(stored.get(`jg-${gone!.id}`)!.program.imported.closedAt).toBe(later.toISOString());
    expect(stored.get(`jg-${edited!.id}`)!.lastChanged).toEqual(later);
    expect(stored.get(`jg-${edited!.id}`)!.firstSeen).toEqual(NOW);
  });

  it('a failed sync writes nothing but its failure: no program added, changed or closed', async () => {
    await sync();
    const snapshot = JSON.stringify(store.programs());
    fake.items.set('a0WJ200000NEW0001A', newItem('a0WJ200000NEW0001A', '【鹿児島県】令和8年度_新しい補助金'));
    fake.items.delete(KAGOSHIMA_ITEMS()[0]!.id);
    // The last list request fails for good (2 attempts): the lists before it were fetched.
    fake.fail('keyword=%E4%BA%8B%E6%A5%AD&sort=created_date&order=DESC&acceptance=0&target_area_search=%E5%85%A8%E5%9B%BD', { status: 500 }, 2);
    const [r] = (await sync()).sources;
    expect(r!.ok).toBe(false);
    expect(r!.errors[0]).toMatch(/HTTP 500/);
    expect(r!.new).toEqual([]);
    expect(JSON.stringify(store.programs())).toBe(snapshot);
    expect(store.lastSync('jgrants')!.ok).toBe(false);
    expect(store.lastSuccessfulSync('jgrants')!.ok).toBe(true);
  });

  // Failing throughout one sync: a 500 is asked twice (the client's retry), a body that is not a detail once.
  it.each([
    ['HTTP 500', { status: 500 }, 2],
    ['200 with a cut-off body', { kind: 'malformed' }, 1],
    ['200 without result', { kind: 'body', body: { message: 'maintenance' } }, 1],
  ] as const)("one program's detail failing for good (%s) keeps its list fields and the rest is imported; the next sync asks it again", async (_name, fault, times) => {
    // It stopped the whole sync, every day (operator walk-through; a cut-off body still did, in s27's).
    for (const n of [1, 2, 3]) fake.items.set(`a0WJ200000NEW000${n}A`, newItem(`a0WJ200000NEW000${n}A`, `【鹿児島県】令和8年度_新しい補助金${n}`));
    const recent = detailed();
    expect(recent.length).toBeGreaterThanOrEqual(3);
    const broken = recent[0]!.id;
    fake.fail(`/id/${broken}`, fault, times);
    const [first] = (await sync()).sources;
    expect(first!.ok).toBe(true);
    expect(first!.new).toHaveLength(13);
    expect(first!.errors.some((e) => e.startsWith(`jg-${broken}: 詳細を取得できない`))).toBe(true);
    const asked = () => fake.requests.filter((q) => q.path.includes(`/id/${broken}`)).length;
    const before = asked();
    const [second] = (await sync()).sources;
    expect(second!.ok).toBe(true);
    expect(asked()).toBeGreaterThan(before);
    expect(second!.errors).toEqual([]);
  });

  it('the one detail a sync asks failing again is not an outage: the sync succeeds and keeps the list fields', async () => {
    for (const n of [1, 2, 3]) fake.items.set(`a0WJ200000NEW000${n}A`, newItem(`a0WJ200000NEW000${n}A`, `【鹿児島県】令和8年度_新しい補助金${n}`));
    const broken = detailed()[0]!.id;
    fake.fail(`/id/${broken}`, { kind: 'malformed' }, 2);
    expect((await sync()).sources[0]!.ok).toBe(true);
    // Only it is asked now, and it fails again: one of one is not "most details failing".
    const [second] = (await sync()).sources;
    expect(second!.ok).toBe(true);
    expect(second!.errors.some((e) => e.startsWith(`jg-${broken}: 詳細を取得できない`))).toBe(true);
  });

  it('most details failing is an outage: nothing is written', async () => {
    for (const n of [1, 2, 3]) fake.items.set(`a0WJ200000NEW000${n}A`, newItem(`a0WJ200000NEW000${n}A`, `【鹿児島県】令和8年度_新しい補助金${n}`));
    for (const item of detailed()) fake.fail(`/id/${item.id}`, { status: 500 }, 2);
    const [r] = (await sync()).sources;
    expect(r!.ok).toBe(false);
    expect(store.programs()).toEqual([]);
  });

  it('a malformed item is skipped and reported by id; the rest is imported and the stored version of it is not closed', async () => {
    await sync();
    const [victim] = KAGOSHIMA_ITEMS();
    fake.items.set(victim!.id, { ...victim!, acceptance_end_datetime: 'いつか' });
    const [r] = (await sync()).sources;
    expect(r!.ok).toBe(true);
    // Once, though listed under several keywords and areas (5 bad items gave 30 warnings), and in Japanese.
    const said = r!.errors.filter((e) => e.startsWith(`jg-${victim!.id}:`));
    expect(said).toHaveLength(1);
    expect(said[0]).not.toMatch(/Invalid|expected/);
    expect(r!.closed).toEqual([]);
    expect(store.programs()).toHaveLength(10);
  });

  it('an item with a 1 MB title is skipped and reported, never analysed; the rest is imported', async () => {
    const [victim, second] = KAGOSHIMA_ITEMS();
    fake.items.set(victim!.id, { ...victim!, title: '補助金'.repeat(350_000) });
    const [r] = (await sync()).sources;
    expect(r!.ok).toBe(true);
    expect(r!.errors.find((e) => e.startsWith(`jg-${victim!.id}:`))).toMatch(/title: 長すぎます \(1,050,000 文字/);
    expect(store.programs().map((p) => p.program.id)).not.toContain(`jg-${victim!.id}`);
    expect(store.programs().map((p) => p.program.id)).toContain(`jg-${second!.id}`);
  });

  it('an answer listing nothing at all (an outage answering 200) closes nothing and fails the source', async () => {
    await sync();
    fake.items.clear();
    const [r] = (await sync()).sources;
    expect(r!.ok).toBe(false);
    expect(r!.errors[0]).toMatch(/1 件も返しませんでした/);
    expect(store.programs().filter((s) => s.closedAt)).toEqual([]);
  });

  it('--dry-run reports what would change and writes nothing', async () => {
    const [r] = (await sync(true)).sources;
    expect(r!.new).toHaveLength(10);
    expect(store.programs()).toEqual([]);
    expect(store.lastSync('jgrants')).toBeUndefined();
  });
});
