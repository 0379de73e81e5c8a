import type { PostRecord, RunRecord, RunStatus, RunTrigger, Subscription, SubscriptionSource } from './store.js';

/**
 * The SQLite notice store's schema (its migrations, applied in order and counted by
 * `PRAGMA user_version`) and how its rows become records. Split from sqlite-store.ts, which
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
];

/** Statuses that mean the job really ran for its slot ('skipped' means another process had it). */
export const RAN = `status IN ('ok', 'partial', 'failed', 'catalog-error')`;

export interface SubscriptionRow {
  channel: string;
  active: number;
  source: SubscriptionSource;
  by_user: string | null;
  since: string;
  created_at: string;
}
export interface RunRow {
  id: number;
  trigger: RunTrigger;
  scheduled_for: string | null;
  started_at: string;
  finished_at: string | null;
  status: RunStatus | null;
  posted: number;
  failed: number;
  error: string | null;
  holder: string;
}
export interface PostRow {
  run_id: number;
  channel: string;
  programs: number;
  ok: number;
  error: string | null;
  ts: string | null;
  at: string;
}

export const iso = (d: Date) => d.toISOString();

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    channel: r.channel,
    active: r.active === 1,
    source: r.source,
    ...(r.by_user !== null ? { by: r.by_user } : {}),
    since: new Date(r.since),
    createdAt: new Date(r.created_at),
  };
}

export function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    trigger: r.trigger,
    ...(r.scheduled_for !== null ? { scheduledFor: new Date(r.scheduled_for) } : {}),
    startedAt: new Date(r.started_at),
    ...(r.finished_at !== null ? { finishedAt: new Date(r.finished_at) } : {}),
    ...(r.status !== null ? { status: r.status } : {}),
    posted: r.posted,
    failed: r.failed,
    ...(r.error !== null ? { error: r.error } : {}),
    holder: r.holder,
  };
}

export function toPost(r: PostRow): PostRecord {
  return {
    runId: r.run_id,
    channel: r.channel,
    programs: r.programs,
    ok: r.ok === 1,
    ...(r.error !== null ? { error: r.error } : {}),
    ...(r.ts !== null ? { ts: r.ts } : {}),
    at: new Date(r.at),
  };
}
