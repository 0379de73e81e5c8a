import type * as Rows from './store-rows.js';

/**
 * The PostgreSQL notice store's schema (forward migrations of component 'notices', see
 * db/postgres.ts) and its row types (store-rows.ts maps rows to records for both databases). Split from pg-store.ts, which holds the queries.
 */

/** Forward-only migrations, one transaction each (see db/postgres.ts). Table names carry their feature. */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE notice_subscriptions (
    channel    TEXT PRIMARY KEY,
    active     BOOLEAN NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('command', 'home', 'config')),
    by_user    TEXT,
    since      TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE notice_runs (
    id            SERIAL PRIMARY KEY,
    trigger       TEXT NOT NULL CHECK (trigger IN ('schedule', 'missed', 'once')),
    scheduled_for TIMESTAMPTZ,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        TEXT CHECK (status IN ('ok', 'partial', 'failed', 'catalog-error', 'skipped')),
    posted        INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    holder        TEXT NOT NULL
  );
  CREATE INDEX notice_runs_by_slot ON notice_runs (scheduled_for);
  -- run_id is NULL for the baseline: programs that were in the catalog when the channel subscribed.
  CREATE TABLE notice_announced (
    channel    TEXT NOT NULL,
    program_id TEXT NOT NULL,
    run_id     INTEGER REFERENCES notice_runs (id),
    at         TIMESTAMPTZ NOT NULL,
    pos        INTEGER,
    PRIMARY KEY (channel, program_id)
  );
  CREATE INDEX notice_announced_by_run ON notice_announced (run_id, channel);
  CREATE TABLE notice_posts (
    run_id   INTEGER NOT NULL REFERENCES notice_runs (id),
    channel  TEXT NOT NULL,
    programs INTEGER NOT NULL,
    ok       BOOLEAN NOT NULL,
    error    TEXT,
    ts       TEXT,
    at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, channel)
  );
  CREATE INDEX notice_posts_by_channel ON notice_posts (channel, at);
  CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE slack_events_seen (
    event_id TEXT PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX slack_events_seen_by_time ON slack_events_seen (at);
  `,
  // 4: a subscription turned off by the bot because Slack said the channel is gone or archived.
  `
  ALTER TABLE notice_subscriptions DROP CONSTRAINT notice_subscriptions_source_check;
  ALTER TABLE notice_subscriptions ADD CONSTRAINT notice_subscriptions_source_check CHECK (source IN ('command', 'home', 'config', 'slack'));
  `,
];

/** This database's rows: the shared mapping (store-rows.ts) reads them. */
export type SubscriptionRow = Rows.SubscriptionRow<Date, boolean>;
export type RunRow = Rows.RunRow<Date>;
export type PostRow = Rows.PostRow<Date, boolean>;
export { RAN, toPost, toRun, toSubscription } from './store-rows.js';
