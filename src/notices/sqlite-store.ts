import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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
import { iso, MIGRATIONS, RAN, toPost, toRun, toSubscription, type PostRow, type RunRow, type SubscriptionRow } from './sqlite-schema.js';

export { MIGRATIONS } from './sqlite-schema.js';

/**
 * The notice store in SQLite under SHIEN_DATA_DIR (see store.ts for what it holds): the
 * default, for one process or several sharing the data directory on one machine.
 * better-sqlite3 is synchronous; the async methods do their work before they return.
 *
 * Times are stored as ISO 8601 UTC text (`toISOString()`), which sorts correctly as text and
 * reads well in the sqlite3 shell; only the lease keeps epoch milliseconds, because it is
 * compared arithmetically inside its transaction and never read by people.
 */

const DB_FILE = 'shien.db';

export class SqliteNoticeStore implements NoticeStore {
  private readonly db: Database.Database;

  /** Opens (creating when needed) `<dataDir>/shien.db`. */
  static open(dataDir: string): SqliteNoticeStore {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteNoticeStore(path.join(dataDir, DB_FILE));
  }

  /** `file` may be `:memory:` for a store nobody else shares. */
  constructor(readonly file: string) {
    // busy_timeout: a second process (the CLI next to the bot) waits for a write lock for a
    // few seconds instead of failing at once with SQLITE_BUSY.
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('busy_timeout = 5000');
    // WAL: readers (a status command) never wait for the run that is writing.
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    // IMMEDIATE: two processes opening a new data directory at once must not both create tables.
    this.db
      .transaction(() => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version > MIGRATIONS.length) {
          throw new Error(`${this.file} は新しい版の shien が作ったデータです (schema ${version} > ${MIGRATIONS.length})。shien を更新してください`);
        }
        for (let v = version; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]!);
        if (version < MIGRATIONS.length) this.db.pragma(`user_version = ${MIGRATIONS.length}`);
      })
      .immediate();
  }

  get location(): string {
    return this.file;
  }

  /** Migrated by the constructor already (SQLite opens synchronously). */
  init(): Promise<void> {
    return Promise.resolve();
  }

  async schemaVersion(): Promise<number> {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ── event deliveries ───────────────────────────────────────────────────────

  /**
   * True the first time `eventId` is seen (by any process on this database), false for a
   * redelivery. Atomic: the insert either adds the id or finds it there.
   */
  async firstDelivery(eventId: string, now: Date): Promise<boolean> {
    return this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM events_seen WHERE at < ?').run(iso(new Date(now.getTime() - EVENTS_KEPT_MS)));
        return this.db.prepare('INSERT OR IGNORE INTO events_seen (event_id, at) VALUES (?, ?)').run(eventId, iso(now)).changes === 1;
      })
      .immediate();
  }

  // ── subscriptions ──────────────────────────────────────────────────────────

  /**
   * Turns notices on for `channel`. Every id in `programIds` (the catalog as it is now) is
   * recorded as known, so subscribing never floods a channel with the whole catalog. Turning
   * an inactive channel on again re-baselines it the same way: programs added while it was
   * off are not announced late. An already active channel is left as it is.
   */
  async subscribe(channel: string, programIds: readonly string[], opts: { source: SubscriptionSource; by?: string; now: Date }): Promise<SubscribeOutcome> {
    return this.subscribeNow(channel, programIds, opts);
  }

  private subscribeNow(
    channel: string,
    programIds: readonly string[],
    opts: { source: SubscriptionSource; by?: string; now: Date },
  ): SubscribeOutcome {
    return this.db
      .transaction((): SubscribeOutcome => {
        const existing = this.subscriptionNow(channel);
        const at = iso(opts.now);
        if (existing?.active) return { status: 'already' };
        this.db
          .prepare(
            `INSERT INTO subscriptions (channel, active, source, by_user, since, created_at) VALUES (?, 1, ?, ?, ?, ?)
             ON CONFLICT (channel) DO UPDATE SET active = 1, source = excluded.source, by_user = excluded.by_user, since = excluded.since`,
          )
          .run(channel, opts.source, opts.by ?? null, at, at);
        const insert = this.db.prepare('INSERT OR IGNORE INTO announced (channel, program_id, run_id, at) VALUES (?, ?, NULL, ?)');
        let baseline = 0;
        for (const id of programIds) baseline += insert.run(channel, id, at).changes;
        return { status: 'subscribed', baseline };
      })
      .immediate();
  }

  /**
   * Turns notices off. What the channel has been told is kept (turning it on again
   * re-baselines anyway). Returns false when it was not on.
   */
  async unsubscribe(channel: string, opts: { source: SubscriptionSource; by?: string; now: Date }): Promise<boolean> {
    const result = this.db
      .prepare('UPDATE subscriptions SET active = 0, source = ?, by_user = ?, since = ? WHERE channel = ? AND active = 1')
      .run(opts.source, opts.by ?? null, iso(opts.now), channel);
    return result.changes > 0;
  }

  async subscription(channel: string): Promise<Subscription | undefined> {
    return this.subscriptionNow(channel);
  }

  private subscriptionNow(channel: string): Subscription | undefined {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE channel = ?').get(channel) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  async subscriptions(): Promise<Subscription[]> {
    return (this.db.prepare('SELECT * FROM subscriptions ORDER BY channel').all() as SubscriptionRow[]).map(toSubscription);
  }

  /** Channels that get the digest, in a stable order. */
  async activeChannels(): Promise<string[]> {
    return (this.db.prepare('SELECT channel FROM subscriptions WHERE active = 1 ORDER BY channel').all() as Array<{ channel: string }>).map(
      (r) => r.channel,
    );
  }

  /**
   * Applies SHIEN_NOTIFY_CHANNELS. A channel seen there for the first time is subscribed with
   * the current catalog as its baseline; from then on it is an ordinary subscription.
   * Configuration only ever adds: a channel a person turned off with `/支援 通知 オフ` stays
   * off although it is listed (returned as `off`, so the operator can be told), and removing
   * a channel from the variable does not turn it off. Turning channels off from the
   * environment would be unsafe: one `notify --once` from a shell without the variable would
   * silently stop every configured channel.
   */
  async syncConfigChannels(channels: readonly string[], programIds: readonly string[], now: Date): Promise<{ added: string[]; off: string[] }> {
    return this.db
      .transaction(() => {
        const added: string[] = [];
        const off: string[] = [];
        for (const channel of channels) {
          const existing = this.subscriptionNow(channel);
          if (existing) {
            if (!existing.active) off.push(channel);
            continue;
          }
          this.subscribeNow(channel, programIds, { source: 'config', now });
          added.push(channel);
        }
        return { added, off };
      })
      .immediate();
  }

  /** What `/支援 通知 状態` shows for a channel. */
  async status(channel: string): Promise<ChannelStatus> {
    const sub = this.subscriptionNow(channel);
    const known = (this.db.prepare('SELECT count(*) AS n FROM announced WHERE channel = ?').get(channel) as { n: number }).n;
    const post = this.db.prepare('SELECT * FROM posts WHERE channel = ? ORDER BY at DESC, run_id DESC LIMIT 1').get(channel) as PostRow | undefined;
    const run = this.lastRanRow();
    return {
      channel,
      active: sub?.active ?? false,
      ...(sub ? { source: sub.source, since: sub.since, ...(sub.by !== undefined ? { by: sub.by } : {}) } : {}),
      known,
      ...(post ? { lastPost: toPost(post) } : {}),
      ...(run ? { lastRun: toRun(run) } : {}),
    };
  }

  /** The last finished run that really ran (any trigger). */
  private lastRanRow(): RunRow | undefined {
    return this.db.prepare(`SELECT * FROM runs WHERE finished_at IS NOT NULL AND ${RAN} ORDER BY id DESC LIMIT 1`).get() as RunRow | undefined;
  }

  // ── announcements ──────────────────────────────────────────────────────────

  /** The ids in `programIds` this channel has not been told about, in the given order. */
  async unannounced(channel: string, programIds: readonly string[]): Promise<string[]> {
    const known = new Set(
      (this.db.prepare('SELECT program_id FROM announced WHERE channel = ?').all(channel) as Array<{ program_id: string }>).map((r) => r.program_id),
    );
    return programIds.filter((id) => !known.has(id));
  }

  /**
   * Records that Slack accepted a digest with these programs; called only after the post
   * succeeded. One transaction: a crash leaves either all of them announced or none.
   * Returns how many were not recorded before.
   */
  async markAnnounced(channel: string, programIds: readonly string[], runId: number, now: Date): Promise<number> {
    return this.db.transaction(() => {
      const insert = this.db.prepare('INSERT OR IGNORE INTO announced (channel, program_id, run_id, at, pos) VALUES (?, ?, ?, ?, ?)');
      let n = 0;
      programIds.forEach((id, pos) => {
        n += insert.run(channel, id, runId, iso(now), pos).changes;
      });
      return n;
    })();
  }

  /**
   * The programs `runId` recorded as announced to `channel` (the whole digest, also the ones
   * only counted in 「ほか N 件」), in the order the digest had them (catalog order of that
   * run). Empty for an unknown run or channel, or a run that posted nothing there.
   */
  async announcedIn(runId: number, channel: string): Promise<string[]> {
    return (
      this.db.prepare('SELECT program_id FROM announced WHERE run_id = ? AND channel = ? ORDER BY pos, program_id').all(runId, channel) as Array<{
        program_id: string;
      }>
    ).map((r) => r.program_id);
  }

  // ── runs ───────────────────────────────────────────────────────────────────

  async startRun(opts: { trigger: RunTrigger; scheduledFor?: Date; holder: string; now: Date }): Promise<number> {
    const result = this.db
      .prepare('INSERT INTO runs (trigger, scheduled_for, started_at, holder) VALUES (?, ?, ?, ?)')
      .run(opts.trigger, opts.scheduledFor ? iso(opts.scheduledFor) : null, iso(opts.now), opts.holder);
    return Number(result.lastInsertRowid);
  }

  /** One digest attempt; kept so `状態` can say why a channel got nothing. */
  async recordPost(runId: number, channel: string, post: { programs: number; ok: boolean; error?: string; ts?: string; now: Date }): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO posts (run_id, channel, programs, ok, error, ts, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(runId, channel, post.programs, post.ok ? 1 : 0, post.error ?? null, post.ts ?? null, iso(post.now));
  }

  async finishRun(runId: number, result: { status: RunStatus; posted: number; failed: number; error?: string; now: Date }): Promise<void> {
    this.db
      .prepare('UPDATE runs SET finished_at = ?, status = ?, posted = ?, failed = ?, error = ? WHERE id = ?')
      .run(iso(result.now), result.status, result.posted, result.failed, result.error ?? null, runId);
  }

  /**
   * Records what an interrupted run (the bot shutting down) did, and leaves it unfinished:
   * `finished_at` and `status` stay NULL, so the run counts as not run and a restart catches
   * its slot up (the channels it did post to have their programs recorded as announced and
   * are not posted again).
   */
  async abandonRun(runId: number, result: { posted: number; failed: number; error: string }): Promise<void> {
    this.db.prepare('UPDATE runs SET posted = ?, failed = ?, error = ? WHERE id = ? AND finished_at IS NULL').run(result.posted, result.failed, result.error, runId);
  }

  /**
   * Deletes posts and runs started more than `days` before `now`, in one transaction. Kept
   * whatever their age: each channel's latest post (状態 shows it), the runs still referenced
   * by a kept post or by an announced row (announced rows are never deleted: they are what
   * keeps a program from being announced twice; a run that announced something is one row
   * per catalog change, not per day), the latest finished run and the latest scheduled run
   * (the missed-run check reads it).
   */
  async prune(now: Date, days: number = PRUNE_AFTER_DAYS): Promise<{ posts: number; runs: number }> {
    const cutoff = iso(new Date(now.getTime() - days * 86_400_000));
    return this.db
      .transaction(() => {
        const posts = this.db
          .prepare(
            `DELETE FROM posts WHERE at < ? AND EXISTS (
               SELECT 1 FROM posts AS newer WHERE newer.channel = posts.channel
                 AND (newer.at > posts.at OR (newer.at = posts.at AND newer.run_id > posts.run_id)))`,
          )
          .run(cutoff).changes;
        const keep = [this.lastScheduledRunNow()?.id, this.lastRanRow()?.id].filter((id): id is number => id !== undefined);
        const runs = this.db
          .prepare(
            `DELETE FROM runs WHERE started_at < ?
               AND id NOT IN (SELECT value FROM json_each(?))
               AND NOT EXISTS (SELECT 1 FROM posts WHERE posts.run_id = runs.id)
               AND NOT EXISTS (SELECT 1 FROM announced WHERE announced.run_id = runs.id)`,
          )
          .run(cutoff, JSON.stringify(keep)).changes;
        return { posts, runs };
      })
      .immediate();
  }

  async run(runId: number): Promise<RunRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row && toRun(row);
  }

  /** The most recently started run (of one trigger, if given), finished or not. */
  async lastRun(trigger?: RunTrigger): Promise<RunRecord | undefined> {
    const row = (
      trigger
        ? this.db.prepare('SELECT * FROM runs WHERE trigger = ? ORDER BY id DESC LIMIT 1').get(trigger)
        : this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT 1').get()
    ) as RunRow | undefined;
    return row && toRun(row);
  }

  /**
   * The latest daily slot the job really ran for (scheduled or caught up after a restart).
   * A run that never finished (the process died) or was skipped because another process held
   * the lease does not count: that slot is still owed.
   */
  async lastScheduledRun(): Promise<RunRecord | undefined> {
    return this.lastScheduledRunNow();
  }

  private lastScheduledRunNow(): RunRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM runs WHERE trigger IN ('schedule', 'missed') AND finished_at IS NOT NULL AND ${RAN}
         ORDER BY scheduled_for DESC, id DESC LIMIT 1`,
      )
      .get() as RunRow | undefined;
    return row && toRun(row);
  }

  /** The finished run for one daily slot, if the job ran for it. */
  async lastScheduledRunFor(slot: Date): Promise<RunRecord | undefined> {
    const row = this.db
      .prepare(
        `SELECT * FROM runs WHERE trigger IN ('schedule', 'missed') AND scheduled_for = ? AND finished_at IS NOT NULL AND ${RAN}
         ORDER BY id DESC LIMIT 1`,
      )
      .get(iso(slot)) as RunRow | undefined;
    return row && toRun(row);
  }

  // ── lease ──────────────────────────────────────────────────────────────────

  /**
   * Takes (or, for the same holder, extends) the lease `name` until `now + ttlMs`. Read and
   * write happen in one `BEGIN IMMEDIATE` transaction, which holds SQLite's write lock from
   * its first statement: a second process's attempt waits (busy_timeout) and then sees the
   * row the first one wrote, so two processes can never both hold a lease. An expired lease
   * (its holder crashed) can be taken over.
   */
  async acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<LeaseOutcome> {
    return this.db
      .transaction((): LeaseOutcome => {
        const row = this.db.prepare('SELECT holder, expires_at FROM lease WHERE name = ?').get(name) as
          | { holder: string; expires_at: number }
          | undefined;
        if (row && row.holder !== holder && row.expires_at > now.getTime()) {
          return { acquired: false, holder: row.holder, expiresAt: new Date(row.expires_at) };
        }
        const expiresAt = now.getTime() + ttlMs;
        this.db
          .prepare('INSERT INTO lease (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at')
          .run(name, holder, expiresAt);
        return { acquired: true, expiresAt: new Date(expiresAt) };
      })
      .immediate();
  }

  /** Gives the lease back; only its holder can. Returns false when `holder` did not hold it. */
  async releaseLease(name: string, holder: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM lease WHERE name = ? AND holder = ?').run(name, holder).changes > 0;
  }
}
