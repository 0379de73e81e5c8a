import type pg from 'pg';
import { createPool, describePostgresUrl, migrate, schemaVersion, transaction, type Queryable } from '../db/postgres.js';
import {
  EVENTS_KEPT_MS,
  PRUNE_AFTER_DAYS,
  type ChannelStatus,
  type LeaseOutcome,
  type NoticeStore,
  type RunRecord,
  type RunStatus,
  type RunTrigger,
  type SubscribeOutcome,
  type Subscription,
  type SubscriptionSource,
} from './store.js';
import { PG_MIGRATIONS, RAN, toPost, toRun, toSubscription, type PostRow, type RunRow, type SubscriptionRow } from './pg-schema.js';

export { PG_MIGRATIONS } from './pg-schema.js';

/**
 * The notice store in PostgreSQL (DATABASE_URL), for several replicas behaving as one bot
 * (issue 14). Same behaviour as SqliteNoticeStore, method for method (the store tests run
 * against both); what differs is how each guarantee is kept between machines:
 *
 * - the lease is one `INSERT … ON CONFLICT DO UPDATE … WHERE` statement: PostgreSQL locks the
 *   row while it decides, so of replicas whose schedulers fire at the same instant exactly one
 *   gets it, and one whose holder expired takes it over;
 * - subscribing is one upsert that only changes an inactive row, so two replicas turning a
 *   channel on at once re-baseline it once and one of them answers 「すでにオン」;
 * - event ids are a primary key: the insert that adds it is the first delivery.
 *
 * Times are `timestamptz`; the lease's expiry is compared with the `now` the caller passes
 * (as in SQLite), so replicas should keep their clocks in sync (NTP) — a replica whose clock
 * runs a minute fast would take an expired-looking lease a minute early.
 */

export const COMPONENT = 'notices';

async function one<T extends pg.QueryResultRow>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await db.query<T>(sql, params)).rows[0];
}

export class PgNoticeStore implements NoticeStore {
  readonly location: string;
  private readonly pool: pg.Pool;
  private ready: Promise<void> | undefined;

  /** Connects lazily; `init()` migrates (and is where an unreachable server is reported). */
  constructor(url: string, options: { poolSize?: number } = {}) {
    this.location = describePostgresUrl(url);
    this.pool = createPool(url, options.poolSize);
  }

  init(): Promise<void> {
    this.ready ??= migrate(this.pool, COMPONENT, PG_MIGRATIONS, this.location).then(() => undefined);
    return this.ready;
  }

  schemaVersion(): Promise<number> {
    return schemaVersion(this.pool, COMPONENT);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  // ── event deliveries ───────────────────────────────────────────────────────

  async firstDelivery(eventId: string, now: Date): Promise<boolean> {
    await this.pool.query('DELETE FROM slack_events_seen WHERE at < $1', [new Date(now.getTime() - EVENTS_KEPT_MS)]);
    const inserted = await this.pool.query('INSERT INTO slack_events_seen (event_id, at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING', [eventId, now]);
    return inserted.rowCount === 1;
  }

  // ── subscriptions ──────────────────────────────────────────────────────────

  subscribe(channel: string, programIds: readonly string[], opts: { source: SubscriptionSource; by?: string; now: Date }): Promise<SubscribeOutcome> {
    return transaction(this.pool, async (db): Promise<SubscribeOutcome> => {
      // Changes only a missing or inactive row; an active one (also one another replica just
      // turned on) returns nothing and is left alone.
      const changed = await db.query(
        `INSERT INTO notice_subscriptions (channel, active, source, by_user, since, created_at) VALUES ($1, true, $2, $3, $4, $4)
         ON CONFLICT (channel) DO UPDATE SET active = true, source = excluded.source, by_user = excluded.by_user, since = excluded.since
         WHERE notice_subscriptions.active = false`,
        [channel, opts.source, opts.by ?? null, opts.now],
      );
      if (changed.rowCount === 0) return { status: 'already' };
      return { status: 'subscribed', baseline: await this.baseline(db, channel, programIds, opts.now) };
    });
  }

  private async baseline(db: Queryable, channel: string, programIds: readonly string[], now: Date): Promise<number> {
    const inserted = await db.query(
      `INSERT INTO notice_announced (channel, program_id, run_id, at) SELECT $1, id, NULL, $3 FROM unnest($2::text[]) AS id
       ON CONFLICT (channel, program_id) DO NOTHING`,
      [channel, [...programIds], now],
    );
    return inserted.rowCount ?? 0;
  }

  async unsubscribe(channel: string, opts: { source: SubscriptionSource; by?: string; now: Date }): Promise<boolean> {
    const result = await this.pool.query('UPDATE notice_subscriptions SET active = false, source = $1, by_user = $2, since = $3 WHERE channel = $4 AND active', [
      opts.source,
      opts.by ?? null,
      opts.now,
      channel,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async subscription(channel: string): Promise<Subscription | undefined> {
    const row = await one<SubscriptionRow>(this.pool, 'SELECT * FROM notice_subscriptions WHERE channel = $1', [channel]);
    return row && toSubscription(row);
  }

  async subscriptions(): Promise<Subscription[]> {
    return (await this.pool.query<SubscriptionRow>('SELECT * FROM notice_subscriptions ORDER BY channel COLLATE "C"')).rows.map(toSubscription);
  }

  async activeChannels(): Promise<string[]> {
    return (await this.pool.query<{ channel: string }>('SELECT channel FROM notice_subscriptions WHERE active ORDER BY channel COLLATE "C"')).rows.map((r) => r.channel);
  }

  syncConfigChannels(channels: readonly string[], programIds: readonly string[], now: Date): Promise<{ added: string[]; off: string[] }> {
    return transaction(this.pool, async (db) => {
      const added: string[] = [];
      const off: string[] = [];
      for (const channel of channels) {
        const inserted = await db.query(
          `INSERT INTO notice_subscriptions (channel, active, source, by_user, since, created_at) VALUES ($1, true, 'config', NULL, $2, $2)
           ON CONFLICT (channel) DO NOTHING`,
          [channel, now],
        );
        if (inserted.rowCount === 1) {
          await this.baseline(db, channel, programIds, now);
          added.push(channel);
          continue;
        }
        const existing = await one<{ active: boolean }>(db, 'SELECT active FROM notice_subscriptions WHERE channel = $1', [channel]);
        if (existing && !existing.active) off.push(channel);
      }
      return { added, off };
    });
  }

  async status(channel: string): Promise<ChannelStatus> {
    const [sub, known, post, run] = await Promise.all([
      this.subscription(channel),
      one<{ n: number }>(this.pool, 'SELECT count(*)::int AS n FROM notice_announced WHERE channel = $1', [channel]),
      one<PostRow>(this.pool, 'SELECT * FROM notice_posts WHERE channel = $1 ORDER BY at DESC, run_id DESC LIMIT 1', [channel]),
      this.lastRanRow(this.pool),
    ]);
    return {
      channel,
      active: sub?.active ?? false,
      ...(sub ? { source: sub.source, since: sub.since, ...(sub.by !== undefined ? { by: sub.by } : {}) } : {}),
      known: known?.n ?? 0,
      ...(post ? { lastPost: toPost(post) } : {}),
      ...(run ? { lastRun: toRun(run) } : {}),
    };
  }

  private lastRanRow(db: Queryable): Promise<RunRow | undefined> {
    return one<RunRow>(db, `SELECT * FROM notice_runs WHERE finished_at IS NOT NULL AND ${RAN} ORDER BY id DESC LIMIT 1`);
  }

  // ── announcements ──────────────────────────────────────────────────────────

  async unannounced(channel: string, programIds: readonly string[]): Promise<string[]> {
    const rows = await this.pool.query<{ program_id: string }>('SELECT program_id FROM notice_announced WHERE channel = $1 AND program_id = ANY($2::text[])', [
      channel,
      [...programIds],
    ]);
    const known = new Set(rows.rows.map((r) => r.program_id));
    return programIds.filter((id) => !known.has(id));
  }

  async markAnnounced(channel: string, programIds: readonly string[], runId: number, now: Date): Promise<number> {
    const inserted = await this.pool.query(
      `INSERT INTO notice_announced (channel, program_id, run_id, at, pos)
       SELECT $1, id, $3, $4, (ord - 1)::int FROM unnest($2::text[]) WITH ORDINALITY AS t(id, ord)
       ON CONFLICT (channel, program_id) DO NOTHING`,
      [channel, [...programIds], runId, now],
    );
    return inserted.rowCount ?? 0;
  }

  async announcedIn(runId: number, channel: string): Promise<string[]> {
    const rows = await this.pool.query<{ program_id: string }>(
      'SELECT program_id FROM notice_announced WHERE run_id = $1 AND channel = $2 ORDER BY pos NULLS FIRST, program_id COLLATE "C"',
      [runId, channel],
    );
    return rows.rows.map((r) => r.program_id);
  }

  // ── runs ───────────────────────────────────────────────────────────────────

  async startRun(opts: { trigger: RunTrigger; scheduledFor?: Date; holder: string; now: Date }): Promise<number> {
    const row = await one<{ id: number }>(this.pool, 'INSERT INTO notice_runs (trigger, scheduled_for, started_at, holder) VALUES ($1, $2, $3, $4) RETURNING id', [
      opts.trigger,
      opts.scheduledFor ?? null,
      opts.now,
      opts.holder,
    ]);
    return row!.id;
  }

  async recordPost(runId: number, channel: string, post: { programs: number; ok: boolean; error?: string; ts?: string; now: Date }): Promise<void> {
    await this.pool.query(
      `INSERT INTO notice_posts (run_id, channel, programs, ok, error, ts, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (run_id, channel) DO UPDATE SET programs = excluded.programs, ok = excluded.ok, error = excluded.error, ts = excluded.ts, at = excluded.at`,
      [runId, channel, post.programs, post.ok, post.error ?? null, post.ts ?? null, post.now],
    );
  }

  async finishRun(runId: number, result: { status: RunStatus; posted: number; failed: number; error?: string; now: Date }): Promise<void> {
    await this.pool.query('UPDATE notice_runs SET finished_at = $1, status = $2, posted = $3, failed = $4, error = $5 WHERE id = $6', [
      result.now,
      result.status,
      result.posted,
      result.failed,
      result.error ?? null,
      runId,
    ]);
  }

  async abandonRun(runId: number, result: { posted: number; failed: number; error: string }): Promise<void> {
    await this.pool.query('UPDATE notice_runs SET posted = $1, failed = $2, error = $3 WHERE id = $4 AND finished_at IS NULL', [result.posted, result.failed, result.error, runId]);
  }

  prune(now: Date, days: number = PRUNE_AFTER_DAYS): Promise<{ posts: number; runs: number }> {
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    return transaction(this.pool, async (db) => {
      const posts = await db.query(
        `DELETE FROM notice_posts AS p WHERE p.at < $1 AND EXISTS (
           SELECT 1 FROM notice_posts AS newer WHERE newer.channel = p.channel
             AND (newer.at > p.at OR (newer.at = p.at AND newer.run_id > p.run_id)))`,
        [cutoff],
      );
      const keep = [(await this.lastScheduledRow(db))?.id, (await this.lastRanRow(db))?.id].filter((id): id is number => id !== undefined);
      const runs = await db.query(
        `DELETE FROM notice_runs AS r WHERE r.started_at < $1
           AND r.id <> ALL($2::int[])
           AND NOT EXISTS (SELECT 1 FROM notice_posts WHERE notice_posts.run_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM notice_announced WHERE notice_announced.run_id = r.id)`,
        [cutoff, keep],
      );
      return { posts: posts.rowCount ?? 0, runs: runs.rowCount ?? 0 };
    });
  }

  async run(runId: number): Promise<RunRecord | undefined> {
    const row = await one<RunRow>(this.pool, 'SELECT * FROM notice_runs WHERE id = $1', [runId]);
    return row && toRun(row);
  }

  async lastRun(trigger?: RunTrigger): Promise<RunRecord | undefined> {
    const row = trigger
      ? await one<RunRow>(this.pool, 'SELECT * FROM notice_runs WHERE trigger = $1 ORDER BY id DESC LIMIT 1', [trigger])
      : await one<RunRow>(this.pool, 'SELECT * FROM notice_runs ORDER BY id DESC LIMIT 1');
    return row && toRun(row);
  }

  async lastScheduledRun(): Promise<RunRecord | undefined> {
    const row = await this.lastScheduledRow(this.pool);
    return row && toRun(row);
  }

  private lastScheduledRow(db: Queryable): Promise<RunRow | undefined> {
    return one<RunRow>(
      db,
      `SELECT * FROM notice_runs WHERE trigger IN ('schedule', 'missed') AND finished_at IS NOT NULL AND ${RAN}
       ORDER BY scheduled_for DESC NULLS LAST, id DESC LIMIT 1`,
    );
  }

  async lastScheduledRunFor(slot: Date): Promise<RunRecord | undefined> {
    const row = await one<RunRow>(
      this.pool,
      `SELECT * FROM notice_runs WHERE trigger IN ('schedule', 'missed') AND scheduled_for = $1 AND finished_at IS NOT NULL AND ${RAN}
       ORDER BY id DESC LIMIT 1`,
      [slot],
    );
    return row && toRun(row);
  }

  // ── lease ──────────────────────────────────────────────────────────────────

  /**
   * One statement decides: the upsert changes the row only when it is ours or expired, and
   * PostgreSQL holds the row lock while it evaluates that condition, so a replica racing us
   * waits and then sees our row. When the upsert changed nothing, the row says who holds it
   * (read right after; if that holder released it in between, we try again).
   */
  async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<LeaseOutcome> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    for (let attempt = 0; ; attempt++) {
      const taken = await this.pool.query(
        `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= $4`,
        [name, holder, expiresAt, now],
      );
      if (taken.rowCount === 1) return { acquired: true, expiresAt };
      const row = await one<{ holder: string; expires_at: Date }>(this.pool, 'SELECT holder, expires_at FROM leases WHERE name = $1', [name]);
      if (row) return { acquired: false, holder: row.holder, expiresAt: row.expires_at };
      if (attempt >= 3) throw new Error(`lease ${name}: could not be read or taken`);
    }
  }

  async releaseLease(name: string, holder: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder])).rowCount ?? 0) > 0;
  }
}
