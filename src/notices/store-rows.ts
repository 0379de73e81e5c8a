import type { PostRecord, RunRecord, RunStatus, RunTrigger, Subscription, SubscriptionSource } from './store.js';

/**
 * How the notice stores' rows become records, for both databases. SQLite returns instants as
 * ISO strings and booleans as 0/1, PostgreSQL as Date and boolean: `new Date(…)` and
 * `Boolean(…)` read either, so the mapping is written once.
 */

/** An instant as a row holds it: TEXT (ISO 8601) in SQLite, TIMESTAMPTZ (Date) in PostgreSQL. */
type Instant = string | Date;
/** A flag as a row holds it: INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL. */
type Flag = number | boolean;

/** Statuses that mean the job really ran for its slot ('skipped' means another process had it). */
export const RAN = `status IN ('ok', 'partial', 'failed', 'catalog-error')`;

export interface SubscriptionRow<I extends Instant = Instant, F extends Flag = Flag> {
  channel: string;
  active: F;
  source: SubscriptionSource;
  by_user: string | null;
  since: I;
  created_at: I;
}
export interface RunRow<I extends Instant = Instant> {
  id: number;
  trigger: RunTrigger;
  scheduled_for: I | null;
  started_at: I;
  finished_at: I | null;
  status: RunStatus | null;
  posted: number;
  failed: number;
  error: string | null;
  holder: string;
}
export interface PostRow<I extends Instant = Instant, F extends Flag = Flag> {
  run_id: number;
  channel: string;
  programs: number;
  ok: F;
  error: string | null;
  ts: string | null;
  at: I;
}

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    channel: r.channel,
    active: Boolean(r.active),
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
    ok: Boolean(r.ok),
    ...(r.error !== null ? { error: r.error } : {}),
    ...(r.ts !== null ? { ts: r.ts } : {}),
    at: new Date(r.at),
  };
}
