import type * as Rows from './store-rows.js';

/**
 * The SQLite notice store's schema (its migrations, applied in order and counted by
 * `PRAGMA user_version`) and its row types (store-rows.ts maps rows to records for both databases). Split from sqlite-store.ts, which
 * holds the queries.
 */

/**
 * Schema versions, applied in order; `PRAGMA user_version` records how many have been
 * applied, so a later change is one more entry here and an existing data directory is
 * upgraded in place on open. (Exported for the upgrade test.)
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE subscriptions (
    channel    TEXT PRIMARY KEY,
    active     INTEGER NOT NULL CHECK (active IN (0, 1)),
    source     TEXT NOT NULL CHECK (source IN ('command', 'home', 'config')),
    by_user    TEXT,
    since      TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  -- run_id is NULL for the baseline: programs that were in the catalog when the channel subscribed.
  CREATE TABLE announced (
    channel    TEXT NOT NULL,
    program_id TEXT NOT NULL,
    run_id     INTEGER REFERENCES runs (id),
    at         TEXT NOT NULL,
    PRIMARY KEY (channel, program_id)
  ) WITHOUT ROWID;
  CREATE TABLE runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    trigger       TEXT NOT NULL CHECK (trigger IN ('schedule', 'missed', 'once')),
    scheduled_for TEXT,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT CHECK (status IN ('ok', 'partial', 'failed', 'catalog-error', 'skipped')),
    posted        INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    holder        TEXT NOT NULL
  );
  CREATE INDEX runs_by_slot ON runs (scheduled_for);
  CREATE TABLE posts (
    run_id   INTEGER NOT NULL REFERENCES runs (id),
    channel  TEXT NOT NULL,
    programs INTEGER NOT NULL,
    ok       INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error    TEXT,
    ts       TEXT,
    at       TEXT NOT NULL,
    PRIMARY KEY (run_id, channel)
  );
  CREATE INDEX posts_by_channel ON posts (channel, at);
  CREATE TABLE lease (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // 2: the position of a program in the digest that announced it (catalog order at the time),
  // so 「ほか N 件を見る」 can list a run's programs in the order the digest counted them.
  // Rows announced before this version keep NULL and sort by id.
  `
  ALTER TABLE announced ADD COLUMN pos INTEGER;
  CREATE INDEX announced_by_run ON announced (run_id, channel);
  `,
  // 3: Slack event ids already answered, so a redelivery (X-Slack-Retry-Num) is answered once
  // even across a restart, or by another bot process sharing this data directory.
  `
  CREATE TABLE events_seen (
    event_id TEXT PRIMARY KEY,
    at       TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX events_seen_by_time ON events_seen (at);
  `,
  // 4: a subscription turned off by the bot because Slack said the channel is gone or archived
  // (source 'slack', by_user the error). SQLite changes a CHECK only by rebuilding the table.
  `
  CREATE TABLE subscriptions_v4 (
    channel    TEXT PRIMARY KEY,
    active     INTEGER NOT NULL CHECK (active IN (0, 1)),
    source     TEXT NOT NULL CHECK (source IN ('command', 'home', 'config', 'slack')),
    by_user    TEXT,
    since      TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  INSERT INTO subscriptions_v4 (channel, active, source, by_user, since, created_at)
    SELECT channel, active, source, by_user, since, created_at FROM subscriptions;
  DROP TABLE subscriptions;
  ALTER TABLE subscriptions_v4 RENAME TO subscriptions;
  `,
];

export const iso = (d: Date) => d.toISOString();

/** This database's rows: the shared mapping (store-rows.ts) reads them. */
export type SubscriptionRow = Rows.SubscriptionRow<string, number>;
export type RunRow = Rows.RunRow<string>;
export type PostRow = Rows.PostRow<string, number>;
export { RAN, toPost, toRun, toSubscription } from './store-rows.js';
