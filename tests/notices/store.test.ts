import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS_KEPT_MS, MIGRATIONS, NoticeStore, PRUNE_AFTER_DAYS } from '../../src/notices/store.js';
import { ROOT, scratch } from './support.js';

const T0 = new Date('2026-11-24T00:00:00Z'); // 09:00 JST
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const CATALOG = ['p-aaa', 'p-bbb', 'p-ccc'];

const open: NoticeStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function store(dir?: string): Promise<NoticeStore> {
  const s = NoticeStore.open(dir ?? path.join(await scratch('store'), 'data'));
  open.push(s);
  return s;
}

describe('subscriptions', () => {
  it('creates <dataDir>/shien.db (and the directory) in WAL mode with a schema version', async () => {
    const dir = path.join(await scratch('store'), 'nested', 'data');
    const s = await store(dir);
    expect(existsSync(path.join(dir, 'shien.db'))).toBe(true);
    expect(s.schemaVersion).toBe(MIGRATIONS.length);
    expect(s.schemaVersion).toBe(MIGRATIONS.length);
    const raw = new Database(path.join(dir, 'shien.db'), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('subscribing counts every program already in the catalog as known: nothing is new', async () => {
    const s = await store();
    expect(s.subscribe('C1', CATALOG, { source: 'command', by: 'U1', now: T0 })).toEqual({ status: 'subscribed', baseline: 3 });
    expect(s.unannounced('C1', CATALOG)).toEqual([]);
    expect(s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual(['p-new']);
    expect(s.activeChannels()).toEqual(['C1']);
    expect(s.status('C1')).toMatchObject({ channel: 'C1', active: true, source: 'command', by: 'U1', since: T0, known: 3 });
  });

  it('subscribing again while on changes nothing (and does not absorb new programs)', async () => {
    const s = await store();
    s.subscribe('C1', CATALOG, { source: 'command', by: 'U1', now: T0 });
    expect(s.subscribe('C1', [...CATALOG, 'p-new'], { source: 'home', by: 'U2', now: at(5) })).toEqual({ status: 'already' });
    expect(s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual(['p-new']);
    expect(s.status('C1')).toMatchObject({ source: 'command', by: 'U1', since: T0 });
  });

  it('turning off stops the digest; turning on again re-baselines what was added meanwhile', async () => {
    const s = await store();
    s.subscribe('C1', CATALOG, { source: 'command', by: 'U1', now: T0 });
    expect(s.unsubscribe('C1', { source: 'home', by: 'U2', now: at(1) })).toBe(true);
    expect(s.unsubscribe('C1', { source: 'home', by: 'U2', now: at(2) })).toBe(false);
    expect(s.activeChannels()).toEqual([]);
    expect(s.status('C1')).toMatchObject({ active: false, source: 'home', by: 'U2', since: at(1) });

    const later = [...CATALOG, 'p-while-off'];
    expect(s.subscribe('C1', later, { source: 'command', by: 'U3', now: at(10) })).toEqual({ status: 'subscribed', baseline: 1 });
    expect(s.unannounced('C1', later)).toEqual([]);
    expect(s.subscription('C1')).toMatchObject({ active: true, by: 'U3', since: at(10), createdAt: T0 });
  });

  it('status of a channel that never subscribed', async () => {
    const s = await store();
    expect(s.status('C404')).toEqual({ channel: 'C404', active: false, known: 0 });
  });

  it('configuration adds new channels with a baseline, and never overrides a person turning one off', async () => {
    const s = await store();
    expect(s.syncConfigChannels(['C1', 'C2'], CATALOG, T0)).toEqual({ added: ['C1', 'C2'], off: [] });
    expect(s.unannounced('C1', CATALOG)).toEqual([]);
    expect(s.syncConfigChannels(['C1', 'C2'], [...CATALOG, 'p-new'], at(1))).toEqual({ added: [], off: [] });
    // Seen once already: the next sync does not absorb a new program into the baseline.
    expect(s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual(['p-new']);

    s.unsubscribe('C2', { source: 'command', by: 'U9', now: at(2) });
    expect(s.syncConfigChannels(['C1', 'C2'], CATALOG, at(3))).toEqual({ added: [], off: ['C2'] });
    expect(s.activeChannels()).toEqual(['C1']);
    // Removed from the variable: still an ordinary subscription (turned off in the channel).
    s.syncConfigChannels([], CATALOG, at(4));
    expect(s.activeChannels()).toEqual(['C1']);
  });
});

describe('announcements and runs', () => {
  it('marks programs announced in one go, with the run that announced them', async () => {
    const s = await store();
    s.subscribe('C1', ['p-aaa'], { source: 'command', now: T0 });
    const runId = s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    expect(s.markAnnounced('C1', ['p-bbb', 'p-ccc', 'p-aaa'], runId, at(1))).toBe(2);
    expect(s.unannounced('C1', CATALOG)).toEqual([]);
    // Another channel is not affected.
    expect(s.unannounced('C2', CATALOG)).toEqual(CATALOG);
  });

  it('records runs and posts; the status shows the last post and the last run', async () => {
    const s = await store();
    s.subscribe('C1', CATALOG, { source: 'command', now: T0 });
    const first = s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    expect(s.run(first)).toMatchObject({ trigger: 'schedule', scheduledFor: T0, startedAt: T0, posted: 0, failed: 0, holder: 'h' });
    expect(s.run(first)?.finishedAt).toBeUndefined();
    expect(s.lastScheduledRun()).toBeUndefined(); // unfinished: the slot is still owed
    s.recordPost(first, 'C1', { programs: 2, ok: false, error: 'not_in_channel', now: at(1) });
    s.finishRun(first, { status: 'failed', posted: 0, failed: 1, error: 'C1: not_in_channel', now: at(2) });

    expect(s.status('C1').lastPost).toEqual({ runId: first, channel: 'C1', programs: 2, ok: false, error: 'not_in_channel', at: at(1) });
    expect(s.status('C1').lastRun).toMatchObject({ id: first, status: 'failed', finishedAt: at(2) });
    expect(s.lastScheduledRun()?.scheduledFor).toEqual(T0);
    expect(s.lastScheduledRunFor(T0)?.id).toBe(first);
    expect(s.lastScheduledRunFor(at(24 * 60))).toBeUndefined();

    // A skipped run (another process had the lease) and a --once run do not count for a slot.
    const skipped = s.startRun({ trigger: 'schedule', scheduledFor: at(24 * 60), holder: 'h2', now: at(24 * 60) });
    s.finishRun(skipped, { status: 'skipped', posted: 0, failed: 0, now: at(24 * 60) });
    const once = s.startRun({ trigger: 'once', holder: 'cli', now: at(24 * 60 + 1) });
    s.finishRun(once, { status: 'ok', posted: 0, failed: 0, now: at(24 * 60 + 2) });
    expect(s.lastScheduledRun()?.id).toBe(first);
    expect(s.lastRun()?.id).toBe(once);
    expect(s.lastRun('schedule')?.id).toBe(skipped);
  });
});

describe('announcedIn: what one run told one channel', () => {
  it('lists the programs a run recorded, in the digest order, without the baseline, other runs or other channels', async () => {
    const s = await store();
    s.subscribe('C1', ['p-base'], { source: 'command', now: T0 });
    s.subscribe('C2', [], { source: 'command', now: T0 });
    const run = s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    const digest = ['p-zzz', 'p-aaa', 'p-mmm', 'p-base'];
    s.markAnnounced('C1', digest, run, at(1));
    s.markAnnounced('C2', ['p-other'], run, at(1));
    const later = s.startRun({ trigger: 'schedule', scheduledFor: at(24 * 60), holder: 'h', now: at(24 * 60) });
    s.markAnnounced('C1', ['p-later'], later, at(24 * 60));

    expect(s.announcedIn(run, 'C1')).toEqual(['p-zzz', 'p-aaa', 'p-mmm']);
    expect(s.announcedIn(run, 'C2')).toEqual(['p-other']);
    expect(s.announcedIn(later, 'C1')).toEqual(['p-later']);
    expect(s.announcedIn(later, 'C2')).toEqual([]);
    expect(s.announcedIn(9999, 'C1')).toEqual([]);
  });

  it('upgrades a version-1 data directory in place; programs announced before sort by id', async () => {
    const dir = path.join(await scratch('store'), 'data');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const raw = new Database(path.join(dir, 'shien.db'));
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO runs (id, trigger, started_at, holder) VALUES (7, 'schedule', ?, 'old')").run(T0.toISOString());
    for (const id of ['p-ccc', 'p-aaa']) raw.prepare("INSERT INTO announced (channel, program_id, run_id, at) VALUES ('C1', ?, 7, ?)").run(id, T0.toISOString());
    raw.close();

    const s = await store(dir);
    expect(s.schemaVersion).toBe(MIGRATIONS.length);
    expect(s.announcedIn(7, 'C1')).toEqual(['p-aaa', 'p-ccc']);
    expect(s.unannounced('C1', ['p-aaa', 'p-bbb', 'p-ccc'])).toEqual(['p-bbb']);
  });
});

describe('abandonRun and prune', () => {
  it('an abandoned run keeps what it did but stays unfinished: its slot is still owed', async () => {
    const s = await store();
    const run = s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    s.abandonRun(run, { posted: 1, failed: 0, error: '停止のため中断しました' });
    expect(s.run(run)).toMatchObject({ posted: 1, failed: 0, error: '停止のため中断しました' });
    expect(s.run(run)?.finishedAt).toBeUndefined();
    expect(s.run(run)?.status).toBeUndefined();
    expect(s.lastScheduledRun()).toBeUndefined();
    expect(s.lastScheduledRunFor(T0)).toBeUndefined();
  });

  it(`deletes runs and posts older than ${PRUNE_AFTER_DAYS} days, but never announced rows, the runs they name, a channel's last post or the last runs`, async () => {
    const s = await store();
    const day = (n: number) => at(n * 24 * 60);
    s.subscribe('C1', CATALOG, { source: 'command', now: day(0) });
    s.subscribe('C2', CATALOG, { source: 'command', now: day(0) });
    const finished = (n: number, status: 'ok' | 'skipped' = 'ok', trigger: 'schedule' | 'once' = 'schedule') => {
      const id = s.startRun({ trigger, ...(trigger === 'schedule' ? { scheduledFor: day(n) } : {}), holder: 'h', now: day(n) });
      s.finishRun(id, { status, posted: 0, failed: 0, now: day(n) });
      return id;
    };
    const announcing = finished(0);
    s.recordPost(announcing, 'C1', { programs: 1, ok: true, ts: '1.1', now: day(0) });
    s.markAnnounced('C1', ['p-new'], announcing, day(0));
    const failedPost = finished(1);
    s.recordPost(failedPost, 'C1', { programs: 1, ok: false, error: 'not_in_channel', now: day(1) });
    s.recordPost(failedPost, 'C2', { programs: 1, ok: false, error: 'not_in_channel', now: day(1) }); // C2's only post
    const quiet = finished(2);
    const skipped = finished(3, 'skipped');
    const crashed = s.startRun({ trigger: 'schedule', scheduledFor: day(4), holder: 'h', now: day(4) });
    const recent = finished(100);
    const recentPost = s.startRun({ trigger: 'once', holder: 'h', now: day(101) });
    s.recordPost(recentPost, 'C1', { programs: 1, ok: true, ts: '2.2', now: day(101) });

    expect(s.prune(day(120))).toEqual({ posts: 2, runs: 3 }); // C1 on days 0 and 1
    expect(s.run(quiet)).toBeUndefined();
    expect(s.run(skipped)).toBeUndefined();
    expect(s.run(crashed)).toBeUndefined();
    expect(s.run(failedPost)).toBeDefined(); // C2's last post names it
    expect(s.status('C2').lastPost).toMatchObject({ runId: failedPost, ok: false });
    expect(s.run(announcing)).toBeDefined(); // the announced row names it
    expect(s.announcedIn(announcing, 'C1')).toEqual(['p-new']);
    expect(s.unannounced('C1', [...CATALOG, 'p-new'])).toEqual([]);
    expect(s.status('C1').lastPost).toMatchObject({ runId: recentPost, ok: true });
    expect(s.run(recent)).toBeDefined();
    expect(s.prune(day(120))).toEqual({ posts: 0, runs: 0 });
  });

  it('keeps the last scheduled run whatever its age: the missed-run check reads it', async () => {
    const s = await store();
    const old = s.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'h', now: T0 });
    s.finishRun(old, { status: 'ok', posted: 0, failed: 0, now: T0 });
    const later = new Date(T0.getTime() + 200 * 86_400_000);
    const once = s.startRun({ trigger: 'once', holder: 'cli', now: later });
    s.finishRun(once, { status: 'ok', posted: 0, failed: 0, now: later });
    expect(s.prune(later)).toEqual({ posts: 0, runs: 0 });
    expect(s.lastScheduledRun()?.id).toBe(old);
  });
});

describe('lease', () => {
  it('is exclusive until it expires, renewable by its holder, released only by its holder', async () => {
    const s = await store();
    expect(s.acquireLease('notices', 'A', 60_000, T0)).toEqual({ acquired: true, expiresAt: at(1) });
    expect(s.acquireLease('notices', 'B', 60_000, new Date(T0.getTime() + 59_999))).toEqual({ acquired: false, holder: 'A', expiresAt: at(1) });
    // The holder extends it.
    expect(s.acquireLease('notices', 'A', 60_000, new Date(T0.getTime() + 30_000)).acquired).toBe(true);
    expect(s.acquireLease('notices', 'B', 60_000, at(1)).acquired).toBe(false);
    expect(s.releaseLease('notices', 'B')).toBe(false);
    // Expired (its holder crashed): another process may take it over.
    expect(s.acquireLease('notices', 'B', 60_000, new Date(T0.getTime() + 90_000)).acquired).toBe(true);
    expect(s.releaseLease('notices', 'A')).toBe(false);
    expect(s.releaseLease('notices', 'B')).toBe(true);
    expect(s.acquireLease('notices', 'A', 60_000, at(2)).acquired).toBe(true);
    // Leases are by name.
    expect(s.acquireLease('other', 'B', 60_000, at(2)).acquired).toBe(true);
  });

  it('two stores on the same file see each other: one lease, one set of subscriptions', async () => {
    const dir = path.join(await scratch('store'), 'data');
    const a = await store(dir);
    const b = await store(dir);
    expect(a.acquireLease('notices', 'A', 60_000, T0).acquired).toBe(true);
    expect(b.acquireLease('notices', 'B', 60_000, T0)).toMatchObject({ acquired: false, holder: 'A' });
    a.releaseLease('notices', 'A');
    expect(b.acquireLease('notices', 'B', 60_000, T0).acquired).toBe(true);
    expect(a.acquireLease('notices', 'A', 60_000, T0).acquired).toBe(false);

    a.subscribe('C1', CATALOG, { source: 'command', now: T0 });
    expect(b.activeChannels()).toEqual(['C1']);
    const runId = b.startRun({ trigger: 'schedule', scheduledFor: T0, holder: 'B', now: T0 });
    b.markAnnounced('C1', ['p-new'], runId, T0);
    expect(a.unannounced('C1', [...CATALOG, 'p-new'])).toEqual([]);
  });

  it('processes racing for the lease on one data directory: exactly one gets it', async () => {
    const dir = path.join(await scratch('store'), 'data');
    // Migrate first, so the race is about the lease and not about creating tables.
    (await store(dir)).close();
    open.length = 0;
    const startAt = Date.now() + 2500; // all processes loaded by then; they start together
    const script = `
      import { NoticeStore } from './src/notices/store.ts';
      const s = NoticeStore.open(process.argv[1]);
      while (Date.now() < ${startAt}) {}
      const got = s.acquireLease('notices', 'P' + process.pid, 600000, new Date(${T0.getTime()}));
      process.stdout.write(JSON.stringify(got.acquired));
      s.close();
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

describe('Slack event deliveries', () => {
  it('an event id is new once, across two stores on one file, and forgotten after a day', async () => {
    const dir = await scratch('events');
    const a = NoticeStore.open(dir);
    const b = NoticeStore.open(dir);
    try {
      const t = new Date('2026-11-24T00:00:00Z');
      expect(a.firstDelivery('Ev1', t)).toBe(true);
      expect(b.firstDelivery('Ev1', t)).toBe(false);
      expect(a.firstDelivery('Ev1', new Date(t.getTime() + 5 * 60_000))).toBe(false);
      expect(b.firstDelivery('Ev2', t)).toBe(true);
      expect(a.firstDelivery('Ev1', new Date(t.getTime() + EVENTS_KEPT_MS + 1000))).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });
});
