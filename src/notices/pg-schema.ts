import type { PostRecord, RunRecord, RunStatus, RunTrigger, Subscription, SubscriptionSource } from './store.js';

/**
 * The PostgreSQL notice store's schema (forward migrations of component 'notices', see
 * db/postgres.ts) and how its rows become records. Split from pg-store.ts, which holds the queries.
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
];

/** Statuses that mean the job really ran for its slot ('skipped' means another process had it). */
export const RAN = `status IN ('ok', 'partial', 'failed', 'catalog-error')`;

export interface SubscriptionRow {
  channel: string;
  active: boolean;
  source: SubscriptionSource;
  by_user: string | null;
  since: Date;
  created_at: Date;
}
export interface RunRow {
  id: number;
  trigger: RunTrigger;
  scheduled_for: Date | null;
  started_at: Date;
  finished_at: Date | null;
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
  ok: boolean;
  error: string | null;
  ts: string | null;
  at: Date;
}

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    channel: r.channel,
    active: r.active,
    source: r.source,
    ...(r.by_user !== null ? { by: r.by_user } : {}),
    since: r.since,
    createdAt: r.created_at,
  };
}

export function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    trigger: r.trigger,
    ...(r.scheduled_for !== null ? { scheduledFor: r.scheduled_for } : {}),
    startedAt: r.started_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
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
    ok: r.ok,
    ...(r.error !== null ? { error: r.error } : {}),
    ...(r.ts !== null ? { ts: r.ts } : {}),
    at: r.at,
  };
}
