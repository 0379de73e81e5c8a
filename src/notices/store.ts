/**
 * The state of the daily new-program notices: who is subscribed, which program each channel
 * has been told about, a record of each run, the run's lease, and the Slack events already
 * answered. One interface, two implementations:
 *
 * - `SqliteNoticeStore` (sqlite-store.ts): a SQLite file under SHIEN_DATA_DIR, the default —
 *   one process, or several processes on one machine sharing the data directory.
 * - `PgNoticeStore` (pg-store.ts): PostgreSQL, chosen by DATABASE_URL — several replicas on
 *   several machines behaving as one bot (issue 14).
 *
 * Every method is async (PostgreSQL is) and is one transaction: no caller holds a transaction
 * open across a Slack post. Every method takes the time it should use (`now`) instead of
 * reading the clock, so the tests can replay a day in a second and the scheduler, the runner
 * and the store agree on one instant per run.
 */

/** Who turned a subscription on or off: a command, App Home, SHIEN_NOTIFY_CHANNELS, or the bot on Slack's word ('slack'). */
export type SubscriptionSource = 'command' | 'home' | 'config' | 'slack';
export type RunTrigger = 'schedule' | 'missed' | 'once';
export type RunStatus = 'ok' | 'partial' | 'failed' | 'catalog-error' | 'skipped';

export interface Subscription {
  channel: string;
  active: boolean;
  /** Where the latest change (on or off) came from. */
  source: SubscriptionSource;
  /** Slack user id of whoever made the latest change; undefined for configuration. */
  by?: string;
  /** When the latest change happened: subscribed since, or stopped since. */
  since: Date;
  /** When the channel was subscribed for the first time. */
  createdAt: Date;
}

export interface RunRecord {
  id: number;
  trigger: RunTrigger;
  /** The daily slot a scheduled or missed run is for; undefined for `notify --once`. */
  scheduledFor?: Date;
  startedAt: Date;
  /**
   * Undefined while running, when the process died during the run, or when the run was
   * stopped by a shutdown (`error` then says so): all three count as not run for the slot.
   */
  finishedAt?: Date;
  status?: RunStatus;
  posted: number;
  failed: number;
  error?: string;
  holder: string;
}

/** One digest post attempt to one channel. */
export interface PostRecord {
  runId: number;
  channel: string;
  /** New programs in the digest. */
  programs: number;
  ok: boolean;
  /** Slack's error code (`not_in_channel`, `timeout`, …) when the post failed. */
  error?: string;
  ts?: string;
  at: Date;
}

export interface ChannelStatus {
  channel: string;
  active: boolean;
  source?: SubscriptionSource;
  since?: Date;
  by?: string;
  /** Programs this channel counts as known (baseline plus announced). */
  known: number;
  /** The last digest attempt to this channel, successful or not. */
  lastPost?: PostRecord;
  /** The last finished run of the job as a whole (any channel). */
  lastRun?: RunRecord;
}

export type SubscribeOutcome =
  /** Newly subscribed (or turned on again); `baseline` programs now count as known. */
  | { status: 'subscribed'; baseline: number }
  /** Was already on; nothing changed. */
  | { status: 'already' };

export type LeaseOutcome = { acquired: true; expiresAt: Date } | { acquired: false; holder: string; expiresAt: Date };


/** Slack redelivers an event for minutes at most; ids are kept a day. */
export const EVENTS_KEPT_MS = 86_400_000;

/** Runs and posts older than this are pruned at the end of every run (announced rows are kept). */
export const PRUNE_AFTER_DAYS = 90;

export interface NoticeStore {
  /** Where the data lives, for messages: the SQLite file, or the PostgreSQL host and database (no password). */
  readonly location: string;
  /** The SQLite file when the store is SQLite (imported programs share it); undefined for PostgreSQL. */
  readonly file?: string;
  /**
   * Creates or upgrades the schema (run forward, under a lock) and checks its version; refuses
   * data written by a newer shien. Called once before use; later calls return the same promise.
   */
  init(): Promise<void>;
  /** The schema version of the open database (after init). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;

  /**
   * True the first time `eventId` is seen (by any process or replica on this database), false
   * for a redelivery. Atomic: the insert either adds the id or finds it there.
   */
  firstDelivery(eventId: string, now: Date): Promise<boolean>;

  /**
   * Turns notices on for `channel`. Every id in `programIds` (the catalog as it is now) is
   * recorded as known, so subscribing never floods a channel with the whole catalog. Turning
   * an inactive channel on again re-baselines it the same way: programs added while it was
   * off are not announced late. An already active channel is left as it is.
   */
  subscribe(channel: string, programIds: readonly string[], opts: { source: SubscriptionSource; by?: string; now: Date }): Promise<SubscribeOutcome>;
  /**
   * Turns notices off. What the channel has been told is kept (turning it on again
   * re-baselines anyway). Returns false when it was not on.
   */
  unsubscribe(channel: string, opts: { source: SubscriptionSource; by?: string; now: Date }): Promise<boolean>;
  subscription(channel: string): Promise<Subscription | undefined>;
  subscriptions(): Promise<Subscription[]>;
  /** Channels that get the digest, in a stable order. */
  activeChannels(): Promise<string[]>;
  /**
   * Applies SHIEN_NOTIFY_CHANNELS. A channel seen there for the first time is subscribed with
   * the current catalog as its baseline; from then on it is an ordinary subscription.
   * Configuration only ever adds: a channel a person turned off with `/支援 通知 オフ` stays
   * off although it is listed (returned as `off`, so the operator can be told), and removing
   * a channel from the variable does not turn it off. Turning channels off from the
   * environment would be unsafe: one `notify --once` from a shell without the variable would
   * silently stop every configured channel.
   */
  syncConfigChannels(channels: readonly string[], programIds: readonly string[], now: Date): Promise<{ added: string[]; off: string[] }>;
  /** What `/支援 通知 状態` shows for a channel. */
  status(channel: string): Promise<ChannelStatus>;

  /** The ids in `programIds` this channel has not been told about, in the given order. */
  unannounced(channel: string, programIds: readonly string[]): Promise<string[]>;
  /**
   * Records that Slack accepted a digest with these programs; called only after the post
   * succeeded. One transaction: a crash leaves either all of them announced or none.
   * Returns how many were not recorded before.
   */
  markAnnounced(channel: string, programIds: readonly string[], runId: number, now: Date): Promise<number>;
  /**
   * The programs `runId` recorded as announced to `channel` (the whole digest, also the ones
   * only counted in 「ほか N 件」), in the order the digest had them (catalog order of that
   * run). Empty for an unknown run or channel, or a run that posted nothing there.
   */
  announcedIn(runId: number, channel: string): Promise<string[]>;

  startRun(opts: { trigger: RunTrigger; scheduledFor?: Date; holder: string; now: Date }): Promise<number>;
  /** One digest attempt; kept so `状態` can say why a channel got nothing. */
  recordPost(runId: number, channel: string, post: { programs: number; ok: boolean; error?: string; ts?: string; now: Date }): Promise<void>;
  finishRun(runId: number, result: { status: RunStatus; posted: number; failed: number; error?: string; now: Date }): Promise<void>;
  /**
   * Records what an interrupted run (the bot shutting down) did, and leaves it unfinished:
   * `finished_at` and `status` stay NULL, so the run counts as not run and a restart catches
   * its slot up (the channels it did post to have their programs recorded as announced and
   * are not posted again).
   */
  abandonRun(runId: number, result: { posted: number; failed: number; error: string }): Promise<void>;
  /**
   * Deletes posts and runs started more than `days` before `now`, in one transaction. Kept
   * whatever their age: each channel's latest post (状態 shows it), the runs still referenced
   * by a kept post or by an announced row (announced rows are never deleted: they are what
   * keeps a program from being announced twice), the latest finished run and the latest
   * scheduled run (the missed-run check reads it).
   */
  prune(now: Date, days?: number): Promise<{ posts: number; runs: number }>;
  run(runId: number): Promise<RunRecord | undefined>;
  /** The most recently started run (of one trigger, if given), finished or not. */
  lastRun(trigger?: RunTrigger): Promise<RunRecord | undefined>;
  /**
   * The latest daily slot the job really ran for (scheduled or caught up after a restart).
   * A run that never finished (the process died) or was skipped because another process held
   * the lease does not count: that slot is still owed.
   */
  lastScheduledRun(): Promise<RunRecord | undefined>;
  /** The finished run for one daily slot, if the job ran for it. */
  lastScheduledRunFor(slot: Date): Promise<RunRecord | undefined>;

  /**
   * Takes (or, for the same holder, extends) the lease `name` until `now + ttlMs`, read and
   * written in one transaction that serialises with every other taker, so two processes (or
   * replicas) can never both hold it. An expired lease (its holder crashed) can be taken over.
   */
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<LeaseOutcome>;
  /** Gives the lease back; only its holder can. Returns false when `holder` did not hold it. */
  releaseLease(name: string, holder: string): Promise<boolean>;
}

/** Where the notices keep their state: DATABASE_URL wins; otherwise `<dataDir>/shien.db`. */
export interface NoticeStoreLocation {
  dataDir: string;
  /** DATABASE_URL (postgres://…); undefined for the embedded SQLite store. */
  databaseUrl?: string;
}

/**
 * Opens the store the configuration names. The PostgreSQL module (and `pg`) is loaded only
 * when DATABASE_URL is set; call `init()` before use (startBot and `notify --once` do).
 */
export async function openNoticeStore(where: NoticeStoreLocation): Promise<NoticeStore> {
  if (where.databaseUrl) {
    const { PgNoticeStore } = await import('./pg-store.js');
    return new PgNoticeStore(where.databaseUrl);
  }
  const { SqliteNoticeStore } = await import('./sqlite-store.js');
  return SqliteNoticeStore.open(where.dataDir);
}
