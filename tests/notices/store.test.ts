import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS, PgNoticeStore } from '../../src/notices/pg-store.js';
import { MIGRATIONS, SqliteNoticeStore } from '../../src/notices/sqlite-store.js';
import { EVENTS_KEPT_MS, PRUNE_AFTER_DAYS, type NoticeStore } from '../../src/notices/store.js';
import { describePostgres, forEachBackend, freshDatabase, type Place } from './backends.js';
import { ROOT, scratch } from './support.js';

const T0 = new Date('2026-11-24T00:00:00Z'); // 09:00 JST
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const CATALOG = ['p-aaa', 'p-bbb', 'p-ccc'];

/** SQLite-only tests: the file, its upgrade from older versions, processes racing on one file. */
const open: SqliteNoticeStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function sqliteStore(dir?: string): Promise<SqliteNoticeStore> {
  const s = SqliteNoticeStore.open(dir ?? path.join(await scratch('store'), 'data'));
  open.push(s);
  return s;
}

describe('SQLite file', () => {
  it('creates <dataDir>/shien.db (and the directory) in WAL mode with a schema version', async () => {
    const dir = path.join(await scratch('store'), 'nested', 'data');
    const s = await sqliteStore(dir);
    expect(existsSync(path.join(dir, 'shien.db'))).toBe(true);
    expect(await s.schemaVersion()).toBe(MIGRATIONS.length);
    const raw = new Database(path.join(dir, 'shien.db'), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('upgrades a version-1 data directory in place; programs announced before sort by id', async () => {
    const dir = path.join(await scratch('store'), 'data');
    mkdirSync(dir, { recursive: true });
    const raw = new Database(path.join(dir, 'shien.db'));
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO runs (id, trigger, started_at, holder) VALUES (7, 'schedule', ?, 'old')").run(T0.toISOString());
    for (const id of ['p-ccc', 'p-aaa']) raw.prepare("INSERT INTO announced (channel, program_id, run_id, at) VALUES ('C1', ?, 7, ?)").run(id, T0.toISOString());
    raw.close();

    const s = await sqliteStore(dir);
    expect(await s.schemaVersion()).toBe(MIGRATIONS.length);
    expect(await s.announcedIn(7, 'C1')).toEqual(['p-aaa', 'p-ccc']);
    expect(await s.unannounced('C1', ['p-aaa', 'p-bbb', 'p-ccc'])).toEqual(['p-bbb']);
  });

  it('processes racing for the lease on one data directory: exactly one gets it', async () => {
    const dir = path.join(await scratch('store'), 'data');
    // Migrate first, so the race is about the lease and not about creating tables.
    await (await sqliteStore(dir)).close();
    open.length = 0;
    const startAt = Date.now() + 2500; // all processes loaded by then; they start together
    const script = `
      import { SqliteNoticeStore } from './src/notices/sqlite-store.ts';
      const s = SqliteNoticeStore.open(process.argv[1]);
      while (Date.now() < ${startAt}) {}
      const got = await s.acquireLease('notices', 'P' + process.pid, 600000, new Date(${T0.getTime()}));
      process.stdout.write(JSON.stringify(got.acquired));
      await s.close();
    `;
    const racer = () =>
      new Promise<boolean>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as boolean),
        );
      });
    const results = await Promise.all([racer(), racer(), racer(), racer()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

forEachBackend((backend) => {
  async function store(place?: Place): Promise<NoticeStore> {
    return backend.open(place ?? (await backend.place()));
  }

  describe('subscriptions', () => {
    it('subscribing counts every program already in the catalog as known: nothing is new', async () => {
      const s = await store();
      expect(await s.subscribe('C1', CATALOG, { source: 'command', by: 'U1', now: T0 })).toEqual({ status: 'subscribed', baseline: 3 });
      expect(await s.unannounced('C1', CATALOG)).toEqual([]);
      expect(await s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual(['p-new']);
      expect(await s.activeChannels()).toEqual(['C1']);
      expect(await s.status('C1')).toMatchObject({ channel: 'C1', active: true, source: 'command', by: 'U1', since: T0, known: 3 });
    });

    it('subscribing again while on changes nothing (and does not absorb new programs)', async () => {
      const s = await store();
      await s.subscribe('C1', CATALOG, { source: 'command', by: 'U1', now: T0 });
      expect(await s.subscribe('C1', [...CATALOG, 'p-new'], { source: 'home', by: 'U2', now: at(5) })).toEqual({ status: 'already' });
      expect(await s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual(['p-new']);
      expect(await s.status('C1')).toMatchObject({ source: 'command', by: 'U1', since: T0 });
    });

    it('turning off stops the digest; turning on again re-baselines what was added meanwhile', async () => {
      const s = await store();
      await s.subscribe('C1', CATALOG, { source: 'command', by: 'U1', now: T0 });
      expect(await s.unsubscribe('C1', { source: 'home', by: 'U2', now: at(1) })).toBe(true);
      expect(await s.unsubscribe('C1', { source: 'home', by: 'U2', now: at(2) })).toBe(false);
      expect(await s.activeChannels()).toEqual([]);
      expect(await s.status('C1')).toMatchObject({ active: false, source: 'home', by: 'U2', since: at(1) });

      const later = [...CATALOG, 'p-while-off'];
      expect(await s.subscribe('C1', later, { source: 'command', by: 'U3', now: at(10) })).toEqual({ status: 'subscribed', baseline: 1 });
      expect(await s.unannounced('C1', later)).toEqual([]);
      expect(await s.subscription('C1')).toMatchObject({ active: true, by: 'U3', since: at(10), createdAt: T0 });
    });

    it('status of a channel that never subscribed', async () => {
      const s = await store();
      expect(await s.status('C404')).toEqual({ channel: 'C404', active: false, known: 0 });
    });

    it('configuration adds new channels with a baseline, and never overrides a person turning one off', async () => {
      const s = await store();
      expect(await s.syncConfigChannels(['C1', 'C2'], CATALOG, T0)).toEqual({ added: ['C1', 'C2'], off: [] });
      expect(await s.unannounced('C1', CATALOG)).toEqual([]);
      expect(await s.syncConfigChannels(['C1', 'C2'], [...CATALOG, 'p-new'], at(1))).toEqual({ added: [], off: [] });
      // Seen once already: the next sync does not absorb a new program into the baseline.
      expect(await s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual(['p-new']);

      await s.unsubscribe('C2', { source: 'command', by: 'U9', now: at(2) });
      expect(await s.syncConfigChannels(['C1', 'C2'], CATALOG, at(3))).toEqual({ added: [], off: ['C2'] });
      expect(await s.activeChannels()).toEqual(['C1']);
      // Removed from the variable: still an ordinary subscription (turned off in the channel).
      await s.syncConfigChannels([], CATALOG, at(4));
      expect(await s.activeChannels()).toEqual(['C1']);
    });
  });

  describe('announcements and runs', () => {
    it('marks programs announced in one go, with the run that announced them', async () => {
      const s = await store();
      await s.subscribe('C1', ['p-aaa'], { source: 'command', now: T0 });
      const runId = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
      expect(await s.markAnnounced('C1', ['p-bbb', 'p-ccc', 'p-aaa'], runId, at(1))).toBe(2);
      expect(await s.unannounced('C1', CATALOG)).toEqual([]);
      // Another channel is not affected.
      expect(await s.unannounced('C2', CATALOG)).toEqual(CATALOG);
    });

    it('records runs and posts; the status shows the last post and the last run', async () => {
      const s = await store();
      await s.subscribe('C1', CATALOG, { source: 'command', now: T0 });
      const first = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
      expect(await s.run(first)).toMatchObject({ trigger: 'schedule', scheduledFor: T0, startedAt: T0, posted: 0, failed: 0, holder: 'h' });
      expect((await s.run(first))?.finishedAt).toBeUndefined();
      expect(await s.lastScheduledRun()).toBeUndefined(); // unfinished: the slot is still owed
      await s.recordPost(first, 'C1', { programs: 2, ok: false, error: 'not_in_channel', now: at(1) });
      await s.finishRun(first, { status: 'failed', posted: 0, failed: 1, error: 'C1: not_in_channel', now: at(2) });

      expect((await s.status('C1')).lastPost).toEqual({ runId: first, channel: 'C1', programs: 2, ok: false, error: 'not_in_channel', at: at(1) });
      expect((await s.status('C1')).lastRun).toMatchObject({ id: first, status: 'failed', finishedAt: at(2) });
      expect((await s.lastScheduledRun())?.scheduledFor).toEqual(T0);
      expect((await s.lastScheduledRunFor(T0))?.id).toBe(first);
      expect(await s.lastScheduledRunFor(at(24 * 60))).toBeUndefined();

      // A skipped run (another process had the lease) and a --once run do not count for a slot.
      const skipped = await s.startRun({ trigger: 'schedule', scheduledFor: at(24 * 60), holder: 'h2', now: at(24 * 60) });
      await s.finishRun(skipped, { status: 'skipped', posted: 0, failed: 0, now: at(24 * 60) });
      const once = await s.startRun({ trigger: 'once', holder: 'cli', now: at(24 * 60 + 1) });
      await s.finishRun(once, { status: 'ok', posted: 0, failed: 0, now: at(24 * 60 + 2) });
      expect((await s.lastScheduledRun())?.id).toBe(first);
      expect((await s.lastRun())?.id).toBe(once);
      expect((await s.lastRun('schedule'))?.id).toBe(skipped);
    });
  });

  describe('announcedIn: what one run told one channel', () => {
    it('lists the programs a run recorded, in the digest order, without the baseline, other runs or other channels', async () => {
      const s = await store();
      await s.subscribe('C1', ['p-base'], { source: 'command', now: T0 });
      await s.subscribe('C2', [], { source: 'command', now: T0 });
      const run = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
      const digest = ['p-zzz', 'p-aaa', 'p-mmm', 'p-base'];
      await s.markAnnounced('C1', digest, run, at(1));
      await s.markAnnounced('C2', ['p-other'], run, at(1));
      const later = await s.startRun({ trigger: 'schedule', scheduledFor: at(24 * 60), holder: 'h', now: at(24 * 60) });
      await s.markAnnounced('C1', ['p-later'], later, at(24 * 60));

      expect(await s.announcedIn(run, 'C1')).toEqual(['p-zzz', 'p-aaa', 'p-mmm']);
      expect(await s.announcedIn(run, 'C2')).toEqual(['p-other']);
      expect(await s.announcedIn(later, 'C1')).toEqual(['p-later']);
      expect(await s.announcedIn(later, 'C2')).toEqual([]);
      expect(await s.announcedIn(9999, 'C1')).toEqual([]);
    });

  });

  describe('abandonRun and prune', () => {
    it('an abandoned run keeps what it did but stays unfinished: its slot is still owed', async () => {
      const s = await store();
      const run = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
      await s.abandonRun(run, { posted: 1, failed: 0, error: '停止のため中断しました' });
      expect(await s.run(run)).toMatchObject({ posted: 1, failed: 0, error: '停止のため中断しました' });
      expect((await s.run(run))?.finishedAt).toBeUndefined();
      expect((await s.run(run))?.status).toBeUndefined();
      expect(await s.lastScheduledRun()).toBeUndefined();
      expect(await s.lastScheduledRunFor(T0)).toBeUndefined();
    });

    it(`deletes runs and posts older than ${PRUNE_AFTER_DAYS} days, but never announced rows, the runs they name, a channel's last post or the last runs`, async () => {
      const s = await store();
      const day = (n: number) => at(n * 24 * 60);
      await s.subscribe('C1', CATALOG, { source: 'command', now: day(0) });
      await s.subscribe('C2', CATALOG, { source: 'command', now: day(0) });
      const finished = async (n: number, status: 'ok' | 'skipped' = 'ok', trigger: 'schedule' | 'once' = 'schedule') => {
        const id = await s.startRun({ trigger, ...(trigger === 'schedule' ? { scheduledFor: day(n) } : {}), holder: 'h', now: day(n) });
        await s.finishRun(id, { status, posted: 0, failed: 0, now: day(n) });
        return id;
      };
      const announcing = await finished(0);
      await s.recordPost(announcing, 'C1', { programs: 1, ok: true, ts: '1.1', now: day(0) });
      await s.markAnnounced('C1', ['p-new'], announcing, day(0));
      const failedPost = await finished(1);
      await s.recordPost(failedPost, 'C1', { programs: 1, ok: false, error: 'not_in_channel', now: day(1) });
      await s.recordPost(failedPost, 'C2', { programs: 1, ok: false, error: 'not_in_channel', now: day(1) }); // C2's only post
      const quiet = await finished(2);
      const skipped = await finished(3, 'skipped');
      const crashed = await s.startRun({ trigger: 'schedule', scheduledFor: day(4), holder: 'h', now: day(4) });
      const recent = await finished(100);
      const recentPost = await s.startRun({ trigger: 'once', holder: 'h', now: day(101) });
      await s.recordPost(recentPost, 'C1', { programs: 1, ok: true, ts: '2.2', now: day(101) });

      expect(await s.prune(day(120))).toEqual({ posts: 2, runs: 3 }); // C1 on days 0 and 1
      expect(await s.run(quiet)).toBeUndefined();
      expect(await s.run(skipped)).toBeUndefined();
      expect(await s.run(crashed)).toBeUndefined();
      expect(await s.run(failedPost)).toBeDefined(); // C2's last post names it
      expect((await s.status('C2')).lastPost).toMatchObject({ runId: failedPost, ok: false });
      expect(await s.run(announcing)).toBeDefined(); // the announced row names it
      expect(await s.announcedIn(announcing, 'C1')).toEqual(['p-new']);
      expect(await s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual([]);
      expect((await s.status('C1')).lastPost).toMatchObject({ runId: recentPost, ok: true });
      expect(await s.run(recent)).toBeDefined();
      expect(await s.prune(day(120))).toEqual({ posts: 0, runs: 0 });
    });

    it('keeps the last scheduled run whatever its age: the missed-run check reads it', async () => {
      const s = await store();
      const old = await s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
      await s.finishRun(old, { status: 'ok', posted: 0, failed: 0, now: T0 });
      const later = new Date(T0.getTime() + 200 * 86_400_000);
      const once = await s.startRun({ trigger: 'once', holder: 'cli', now: later });
      await s.finishRun(once, { status: 'ok', posted: 0, failed: 0, now: later });
      expect(await s.prune(later)).toEqual({ posts: 0, runs: 0 });
      expect((await s.lastScheduledRun())?.id).toBe(old);
    });
  });

  describe('lease', () => {
    it('is exclusive until it expires, renewable by its holder, released only by its holder', async () => {
      const s = await store();
      expect(await s.acquireLease('notices', 'A', 60_000, T0)).toEqual({ acquired: true, expiresAt: at(1) });
      expect(await s.acquireLease('notices', 'B', 60_000, new Date(T0.getTime() + 59_999))).toEqual({ acquired: false, holder: 'A', expiresAt: at(1) });
      // The holder extends it.
      expect((await s.acquireLease('notices', 'A', 60_000, new Date(T0.getTime() + 30_000))).acquired).toBe(true);
      expect((await s.acquireLease('notices', 'B', 60_000, at(1))).acquired).toBe(false);
      expect(await s.releaseLease('notices', 'B')).toBe(false);
      // Expired (its holder crashed): another process may take it over.
      expect((await s.acquireLease('notices', 'B', 60_000, new Date(T0.getTime() + 90_000))).acquired).toBe(true);
      expect(await s.releaseLease('notices', 'A')).toBe(false);
      expect(await s.releaseLease('notices', 'B')).toBe(true);
      expect((await s.acquireLease('notices', 'A', 60_000, at(2))).acquired).toBe(true);
      // Leases are by name.
      expect((await s.acquireLease('other', 'B', 60_000, at(2))).acquired).toBe(true);
    });

    it('two stores on one database (two processes or replicas) see each other: one lease, one set of subscriptions', async () => {
      const place = await backend.place();
      const a = await store(place);
      const b = await store(place);
      expect((await a.acquireLease('notices', 'A', 60_000, T0)).acquired).toBe(true);
      expect(await b.acquireLease('notices', 'B', 60_000, T0)).toMatchObject({ acquired: false, holder: 'A' });
      await a.releaseLease('notices', 'A');
      expect((await b.acquireLease('notices', 'B', 60_000, T0)).acquired).toBe(true);
      expect((await a.acquireLease('notices', 'A', 60_000, T0)).acquired).toBe(false);

      await a.subscribe('C1', CATALOG, { source: 'command', now: T0 });
      expect(await b.activeChannels()).toEqual(['C1']);
      const runId = await b.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'B', now: T0 });
      await b.markAnnounced('C1', ['p-new'], runId, T0);
      expect(await a.unannounced('C1', [...CATALOG, 'p-new'])).toEqual([]);
    });

  });

  describe('several stores at once (replicas)', () => {
    it('stores racing for the lease at the same instant: exactly one gets it', async () => {
      const place = await backend.place();
      const stores = await Promise.all([1, 2, 3, 4, 5].map(() => store(place)));
      const results = await Promise.all(stores.map((s, i) => s.acquireLease('notices', `R${i}`, 120_000, T0)));
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
      const winner = `R${results.findIndex((r) => r.acquired)}`;
      expect(results.filter((r) => !r.acquired)).toEqual(Array(4).fill({ acquired: false, holder: winner, expiresAt: at(2) }));
    });

    it('two stores turning one channel on at once: subscribed once, the other finds it on', async () => {
      const place = await backend.place();
      const [a, b] = [await store(place), await store(place)];
      const outcomes = await Promise.all([
        a.subscribe('C1', CATALOG, { source: 'command', by: 'UA', now: T0 }),
        b.subscribe('C1', [...CATALOG, 'p-ddd'], { source: 'home', by: 'UB', now: T0 }),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['already', 'subscribed']);
      expect(await a.activeChannels()).toEqual(['C1']);
      expect((await b.status('C1')).known).toBe(outcomes[0]!.status === 'subscribed' ? 3 : 4);
    });
  });

  describe('Slack event deliveries', () => {
    it('an event id is new once, across two stores on one database, and forgotten after a day', async () => {
      const place = await backend.place();
      const a = await store(place);
      const b = await store(place);
      {
        const t = new Date('2026-11-24T00:00:00Z');
        expect(await a.firstDelivery('Ev1', t)).toBe(true);
        expect(await b.firstDelivery('Ev1', t)).toBe(false);
        expect(await a.firstDelivery('Ev1', new Date(t.getTime() + 5 * 60_000))).toBe(false);
        expect(await b.firstDelivery('Ev2', t)).toBe(true);
        expect(await a.firstDelivery('Ev1', new Date(t.getTime() + EVENTS_KEPT_MS + 1000))).toBe(true);
      }
    });
  });
});

describePostgres('PostgreSQL schema', () => {
  it('replicas starting together on an empty database migrate it once, under the lock', async () => {
    const url = await freshDatabase();
    const stores = [1, 2, 3, 4].map(() => new PgNoticeStore(url));
    try {
      await Promise.all(stores.map((s) => s.init()));
      expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual(Array(4).fill(PG_MIGRATIONS.length));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('refuses a database written by a newer shien, naming the database but not the password', async () => {
    const url = await freshDatabase();
    const first = new PgNoticeStore(url);
    await first.init();
    await first.close();
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    await raw.query(`UPDATE shien_schema SET version = 99 WHERE component = 'notices'`);
    await raw.end();
    const withPassword = new URL(url);
    withPassword.password = 's3cret-pw';
    const newer = new PgNoticeStore(withPassword.toString());
    try {
      const error = await newer.init().then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(/新しい版の shien が作ったデータです \(notices schema 99 > \d+\)/);
      expect(error?.message).toContain(new URL(url).pathname);
      expect(error?.message).not.toContain('s3cret-pw');
    } finally {
      await newer.close();
    }
  });
});
