/**
 * The imported-programs store's contract, on SQLite and on PostgreSQL (issue 14): the same
 * tests for both implementations of ImportStore, plus two replicas applying a sync at once.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportedProgram } from '../../src/sources/program.js';
import { PgImportStore } from '../../src/sources/pg-store.js';
import { SqliteImportStore } from '../../src/sources/sqlite-store.js';
import type { FetchedProgram, ImportStore } from '../../src/sources/store.js';
import { describePostgres, freshDatabase } from '../notices/backends.js';
import { scratch } from '../notices/support.js';

const T0 = new Date('2026-11-20T00:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

function program(id: string, overview = `${id} の概要`): FetchedProgram {
  const p = {
    id,
    name: `${id} 補助金`,
    agency: 'テスト機関',
    overview,
    imported: { source: 'jgrants', externalId: id.toUpperCase(), url: `https://example.jp/${id}`, areas: ['鹿児島県'], maxAmountYen: 1_000_000 },
  } as unknown as ImportedProgram;
  return { program: p, listFingerprint: `fp-${id}-${overview.length}` };
}

const opened: ImportStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

interface ImportBackend {
  place(): Promise<string>;
  open(place: string): Promise<ImportStore>;
}

const backends: Array<[string, ImportBackend, (name: string, body: () => void) => void]> = [
  [
    'sqlite',
    { place: async () => path.join(await scratch('imports'), 'data'), open: async (dir) => SqliteImportStore.open(dir) },
    describe,
  ],
  ['postgres', { place: freshDatabase, open: (url) => PgImportStore.open(url) }, describePostgres],
];

for (const [name, backend, describeIt] of backends) {
  describeIt(`ImportStore on ${name}`, () => {
    const store = async (place?: string) => {
      const s = await backend.open(place ?? (await backend.place()));
      opened.push(s);
      return s;
    };

    it('the first sync is a baseline; later ones find new, changed, closed and relisted programs; a dry run writes nothing', async () => {
      const s = await store();
      const first = await s.applySync({ source: 'jgrants', programs: [program('a'), program('b'), program('c'), program('a')], now: day(0) });
      expect(first).toEqual({ new: ['a', 'b', 'c'], changed: [], closed: [], baseline: true });
      expect((await s.programs()).map((p) => [p.program.id, p.baseline])).toEqual([
        ['a', true],
        ['b', true],
        ['c', true],
      ]);

      const dry = await s.applySync({ source: 'jgrants', programs: [program('a'), program('b', '変わった概要'), program('d')], now: day(1), dryRun: true });
      expect(dry).toEqual({ new: ['d'], changed: ['b'], closed: ['c'], baseline: false });
      expect(await s.programs()).toHaveLength(3);
      expect((await s.lastSync('jgrants'))?.at).toEqual(day(0));

      // c is not listed but was a malformed item (alsoListed): kept open.
      const second = await s.applySync({ source: 'jgrants', programs: [program('a'), program('b', '変わった概要'), program('d')], alsoListed: ['c'], errors: ['item x: bad'], now: day(1) });
      expect(second).toEqual({ new: ['d'], changed: ['b'], closed: [], baseline: false });
      const third = await s.applySync({ source: 'jgrants', programs: [program('a'), program('b', '変わった概要')], now: day(2) });
      expect(third).toEqual({ new: [], changed: [], closed: ['c', 'd'], baseline: false });

      const byId = new Map((await s.programs('jgrants')).map((p) => [p.program.id, p]));
      expect(byId.get('b')).toMatchObject({ firstSeen: day(0), lastChanged: day(1), lastSeen: day(2), baseline: true });
      expect(byId.get('b')!.program.overview).toBe('変わった概要');
      expect(byId.get('d')).toMatchObject({ firstSeen: day(1), closedAt: day(2), baseline: false });
      expect(byId.get('d')!.program.imported.closedAt).toBe(day(2).toISOString());
      expect(byId.get('a')!.program).toEqual(program('a').program);
      expect([...byId.keys()]).toEqual(['a', 'b', 'c', 'd']);

      // Listed again after 掲載終了: changed, open again.
      const fourth = await s.applySync({ source: 'jgrants', programs: [program('a'), program('b', '変わった概要'), program('d')], now: day(3) });
      expect(fourth).toEqual({ new: [], changed: ['d'], closed: [], baseline: false });
      expect((await s.programs()).find((p) => p.program.id === 'd')?.closedAt).toBeUndefined();
      expect(await s.lastSync('jgrants')).toMatchObject({ at: day(3), ok: true, new: 0, changed: 1, closed: 0, errors: [] });
    });

    it('programs read back from the store (as a sync reuses known ones) are not changed (PostgreSQL reorders jsonb keys)', async () => {
      // On PostgreSQL every new program was reported changed on the next sync: 0 → 10 → 0.
      const s = await store();
      await s.applySync({ source: 'jgrants', programs: [program('a'), program('b')], now: day(0) });
      const readBack = (await s.programs('jgrants')).map((p) => ({ program: p.program, listFingerprint: p.listFingerprint }));
      expect(await s.applySync({ source: 'jgrants', programs: readBack, now: day(1) })).toEqual({ new: [], changed: [], closed: [], baseline: false });
    });

    it('a failed sync is recorded alone; the last successful one is still known', async () => {
      const s = await store();
      expect(await s.lastSync('jgrants')).toBeUndefined();
      await s.applySync({ source: 'jgrants', programs: [program('a')], errors: ['x'], now: day(0) });
      await s.recordFailure('jgrants', ['jGrants が 503 を返しました'], day(1));
      expect(await s.lastSync('jgrants')).toMatchObject({ ok: false, at: day(1), errors: ['jGrants が 503 を返しました'] });
      expect(await s.lastSuccessfulSync('jgrants')).toMatchObject({ ok: true, at: day(0), new: 1, errors: ['x'] });
      expect(await s.programs()).toHaveLength(1);
    });

    it('deadline reminders: on, off and already; each program reminded once per channel', async () => {
      const s = await store();
      expect(await s.setDeadlineAlerts('C1', false, { by: 'U1', now: day(0) })).toBe(false);
      expect(await s.deadlineAlerts('C1')).toBeUndefined();
      expect(await s.setDeadlineAlerts('C1', true, { by: 'U1', now: day(0) })).toBe(true);
      expect(await s.setDeadlineAlerts('C1', true, { by: 'U2', now: day(1) })).toBe(false);
      expect(await s.setDeadlineAlerts('C2', true, { now: day(1) })).toBe(true);
      expect(await s.deadlineAlerts('C1')).toEqual({ active: true, since: day(0), by: 'U1' });
      expect(await s.deadlineChannels()).toEqual(['C1', 'C2']);
      expect(await s.setDeadlineAlerts('C2', false, { by: 'U3', now: day(2) })).toBe(true);
      expect(await s.deadlineAlerts('C2')).toEqual({ active: false, since: day(2), by: 'U3' });
      expect(await s.deadlineChannels()).toEqual(['C1']);

      expect(await s.unreminded('C1', ['a', 'b'])).toEqual(['a', 'b']);
      await s.markReminded('C1', ['a', 'b'], day(2));
      await s.markReminded('C1', ['a'], day(3));
      expect(await s.unreminded('C1', ['a', 'b', 'c'])).toEqual(['c']);
      expect(await s.unreminded('C2', ['a'])).toEqual(['a']);
    });

    it('two stores on one database (two replicas) see each other’s syncs', async () => {
      const place = await backend.place();
      const [a, b] = [await store(place), await store(place)];
      await a.applySync({ source: 'jgrants', programs: [program('a')], now: day(0) });
      expect(await b.applySync({ source: 'jgrants', programs: [program('a'), program('b')], now: day(1) })).toEqual({ new: ['b'], changed: [], closed: [], baseline: false });
      expect((await a.programs()).map((p) => p.program.id)).toEqual(['a', 'b']);
    });
  });
}

describePostgres('PgImportStore with replicas at once', () => {
  it('two replicas applying the first sync of a source together: one baseline, each program new once', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([PgImportStore.open(url), PgImportStore.open(url)]);
    opened.push(a, b);
    const fetched = [program('a'), program('b'), program('c')];
    const results = await Promise.all([a.applySync({ source: 'jgrants', programs: fetched, now: day(0) }), b.applySync({ source: 'jgrants', programs: fetched, now: day(0) })]);
    expect(results.map((r) => r.baseline).sort()).toEqual([false, true]);
    expect(results.flatMap((r) => r.new).sort()).toEqual(['a', 'b', 'c']);
    expect((await a.programs()).map((p) => [p.program.id, p.baseline])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
  });
});
