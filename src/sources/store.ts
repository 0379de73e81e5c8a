import type { ImportedProgram, SourceName } from './program.js';

/**
 * Where imported programs live: beside the reviewed catalog, never in seeds/catalog/. The
 * interface is what sync, search and notices use; `SqliteImportStore` (the data directory's
 * SQLite file) implements it synchronously, `PgImportStore` (pg-store.ts, DATABASE_URL, shared
 * by replicas) asynchronously: callers `await` every method (each one transaction).
 */

/** A method's result, now (SQLite) or later (PostgreSQL). */
export type Awaitable<T> = T | Promise<T>;

export interface StoredProgram {
  program: ImportedProgram;
  /** When a sync first listed it. */
  firstSeen: Date;
  /** When its content last changed (firstSeen until then). */
  lastChanged: Date;
  /** The last sync that listed it. */
  lastSeen: Date;
  /** Set when a complete sync no longer listed it (掲載終了); kept, never deleted. */
  closedAt?: Date;
  /** Recorded by the source's first sync: known from the start, never announced as new. */
  baseline: boolean;
  /** The source's list fields it was made from (unchanged ones need no new detail request). */
  listFingerprint: string;
}

/** One program as fetched by a sync, with the fingerprint of its list item. */
export interface FetchedProgram {
  program: ImportedProgram;
  listFingerprint: string;
}

export interface SyncChanges {
  /** Ids listed for the first time. */
  new: string[];
  /** Ids whose content changed, or that were listed again after 掲載終了. */
  changed: string[];
  /** Ids no longer listed: now 掲載終了. */
  closed: string[];
  /** True when this was the source's first successful sync (its programs are a baseline). */
  baseline: boolean;
}

export interface SyncRecord {
  source: SourceName;
  at: Date;
  ok: boolean;
  new: number;
  changed: number;
  closed: number;
  errors: string[];
}

export interface ApplySyncInput {
  source: SourceName;
  /** Every program the sync fetched and mapped. */
  programs: readonly FetchedProgram[];
  /**
   * Ids the source listed but that could not be mapped (a malformed item): not closed,
   * their stored version is kept.
   */
  alsoListed?: readonly string[];
  /** Item-level problems, recorded with the sync. */
  errors?: readonly string[];
  now: Date;
  /** Compute the changes without writing anything. */
  dryRun?: boolean;
}

export interface ImportStore {
  /**
   * Applies one complete fetch of a source as a whole (one transaction): inserts new
   * programs, updates changed ones, marks the ones no longer listed 掲載終了, records the sync.
   */
  applySync(input: ApplySyncInput): Awaitable<SyncChanges>;
  /** Records a failed sync; nothing else is written. */
  recordFailure(source: SourceName, errors: readonly string[], now: Date): Awaitable<void>;
  /** The stored programs of a source (or of every source), closed ones included, in first-seen order. */
  programs(source?: SourceName): Awaitable<StoredProgram[]>;
  /** The latest sync of a source, successful or not. */
  lastSync(source: SourceName): Awaitable<SyncRecord | undefined>;
  /** The latest successful sync of a source. */
  lastSuccessfulSync(source: SourceName): Awaitable<SyncRecord | undefined>;

  /** `/支援 通知 締切`: turns a channel's deadline reminders on or off; false when it already was. */
  setDeadlineAlerts(channel: string, active: boolean, opts: { by?: string; now: Date }): Awaitable<boolean>;
  deadlineAlerts(channel: string): Awaitable<DeadlineAlerts | undefined>;
  /** Channels with deadline reminders on. */
  deadlineChannels(): Awaitable<string[]>;
  /** Of `programIds`, those the channel has not been reminded of. */
  unreminded(channel: string, programIds: readonly string[]): Awaitable<string[]>;
  /** Records a reminder Slack confirmed: each program is reminded once per channel. */
  markReminded(channel: string, programIds: readonly string[], now: Date): Awaitable<void>;
  close(): Awaitable<void>;
}

export interface DeadlineAlerts {
  active: boolean;
  /** When they were last turned on or off. */
  since: Date;
  by?: string;
}
