import { randomBytes } from 'node:crypto';
import { CatalogError, formatProblem, loadCatalog, type CatalogProblem } from '../catalog/load.js';
import { readNeedsFile } from '../catalog/needs-file.js';
import { catalogReadTooBig } from '../memory-limit.js';
import type { Program } from '../catalog/schema.js';
import type { Message } from '../slack/blocks.js';
import { programPeriodStatus } from '../sources/period.js';
import { loadServedSources } from '../sources/config.js';
import { storedImports } from '../sources/serve.js';
import { runDeadlineReminders, turnOffDeadlines, type DeadlineResult } from './deadlines.js';
import type { StoredProgram } from '../sources/store.js';
import { renderDigest } from './digest.js';
import type { NoticeStore, RunStatus, RunTrigger } from './store.js';

/**
 * One run of the daily notice job: re-read the catalog, and post each subscribed channel
 * one digest of the programs it has not been told about.
 *
 * Delivery is at-least-once, never at-most-once: a program is recorded as announced only
 * after Slack confirmed the post, so a failed post is retried by the next run. (The price:
 * if the process dies between Slack's "ok" and the record, or a timeout hides a post Slack
 * did make, that digest is posted again. Losing a program silently would be worse.)
 */

/** The answer of one chat.postMessage. Implementations never throw: a timeout is `{ ok: false }`. */
export type PostResult = { ok: true; ts: string } | { ok: false; error: string };
export type PostMessage = (channel: string, message: Message) => Promise<PostResult>;

/** The subset of pino's logger the job uses (a pino Logger fits). */
export interface NoticeLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The lease every process running the job takes, so two bots sharing a data dir post once. */
export const LEASE_NAME = 'notices';
/**
 * How long a lease lasts without renewal. The runner renews it before every post, so this
 * only needs to cover the longest stretch between renewals: one post (POST_TIMEOUT_MS, 15 s)
 * or the catalog load (seconds), with a wide margin. It is also how long a crashed process
 * blocks the next run, so it is kept short: the scheduler retries a run skipped for the lease
 * once the lease has expired (NoticeScheduler), i.e. within about two minutes of a crash.
 */
export const LEASE_TTL_MS = 2 * 60_000;

// Hints live with the rest of what the bot knows about Slack's errors (shared with 共有).
import { postErrorHint } from '../slack/errors.js';
export { INVITE_HINT, postErrorHint } from '../slack/errors.js';

export interface ChannelResult {
  channel: string;
  /** Programs new to this channel in this run (0: no message). */
  newCount: number;
  /** Whether Slack accepted the digest (false also when there was nothing to post). */
  posted: boolean;
  /** The new programs, in catalog order. */
  programIds: string[];
  ts?: string;
  /** Slack's error code when the post failed. */
  error?: string;
  /** What a person can do about `error`, in Japanese. */
  hint?: string;
  /** The subscription was turned off: Slack said the channel is archived (GONE_CHANNEL_ERRORS). */
  turnedOff?: boolean;
}

/**
 * A run's outcome: a RunStatus as recorded, or 'aborted' (stopped by `signal`, e.g. the bot
 * shutting down), which is recorded as an unfinished run so a restart catches its slot up.
 */
export type RunOutcome = RunStatus | 'aborted';

export interface RunResult {
  status: RunOutcome;
  /** The run's record in the store. */
  runId: number;
  /** Why a run did nothing: another process holds the lease, or this slot already ran. */
  skipped?: { reason: 'lease'; holder: string; until: Date } | { reason: 'already-ran'; runId: number };
  /** Status 'aborted': the channels not handled before the signal came (their digest is owed). */
  aborted?: { remaining: string[] };
  /** The problems of a broken catalog (status 'catalog-error'); nothing was posted. */
  catalogProblems?: CatalogProblem[];
  /** Programs in the catalog this run read. */
  catalogSize?: number;
  /** SHIEN_NOTIFY_CHANNELS channels subscribed by this run, and listed ones a person turned off. */
  config?: { added: string[]; off: string[] };
  channels: ChannelResult[];
  posted: number;
  failed: number;  /** `/支援 通知 締切` reminders this run posted (or failed to post); absent when none was due. */
  deadlines?: DeadlineResult[];
}

export interface RunNoticesOptions {
  store: NoticeStore;
  /** SHIEN_CATALOG_DIR; read afresh by every run, so an edit is announced without a restart. */
  catalogDir: string;
  /**
   * seeds/needs.yaml (Paths.needsFile): a catalog read by the run is checked against it as search
   * checks it, so a program search refuses (a need the file lacks) is never announced.
   */
  needsFile?: string;
  /**
   * The catalog's programs when its files are byte for byte those the bot serves (the bot's
   * LiveEngine), else undefined and the files are read: reading 10,000 programs' YAML took
   * 505 MiB, twice a 256 MB container, for the programs the bot already holds.
   */
  servedCatalog?: () => Promise<readonly Program[] | undefined>;
  post: PostMessage;
  /** The clock (called at each step, so the run record has real start and end times). */
  now: () => Date;
  trigger: RunTrigger;
  /** The daily slot of a scheduled or missed run; a slot that already ran is not run twice. */
  scheduledFor?: Date;
  /** SHIEN_NOTIFY_CHANNELS. */
  configChannels?: readonly string[];
  /** Who runs (host, pid); recorded with the run and the lease, with a suffix unique to the run. */
  holder: string;
  leaseTtlMs?: number;
  log?: NoticeLog;
  /**
   * Called once with every catalog the run read and accepted, before anything is posted: the
   * bot brings search up to it here, so a digest's 詳細 finds the programs it announces, and
   * search follows catalog changes even on runs that post nothing.
   */
  catalogRead?: (programs: readonly Program[]) => Promise<void>;
  /**
   * Stops the run (the bot shutting down). Checked before the catalog load and before each
   * channel, never in the middle of a post: a post already sent is awaited (it has its own
   * timeout) and recorded. What Slack confirmed stays announced; the run is left unfinished
   * (status 'aborted' in the result, no status in the record), so it counts as not run and a
   * restart catches the slot up for the channels that still owe a digest; the lease is
   * released.
   */
  signal?: AbortSignal;
  /**
   * Programs imported by `shien sync` (jGrants), announced beside the catalog's. By default
   * read from the data directory (SHIEN_DATA_DIR) when SHIEN_SOURCES enables a source (none otherwise).
   * A source's first sync is a baseline and never announced; a program closed (掲載終了)
   * before it was announced is not announced either.
   */
  imported?: () => Promise<readonly StoredProgram[]>;
}

async function readCatalog(dir: string, needsFile: string | undefined): Promise<{ programs: Program[] } | { problems: CatalogProblem[] }> {
  // In a container too small to read the files (their served copy is stale: they changed), the
  // run posts nothing and says why, instead of the bot being killed.
  const tooBig = await catalogReadTooBig(dir);
  if (tooBig) return { problems: [{ file: dir, message: tooBig }] };
  try {
    const needs = await readNeedsFile(needsFile);
    return { programs: (await loadCatalog(dir, needs ? { needs } : {})).programs };
  } catch (error) {
    if (error instanceof CatalogError) return { problems: error.problems };
    // A missing or unreadable directory is a catalog problem too: name it, post nothing.
    return { problems: [{ file: dir, message: error instanceof Error ? error.message : String(error) }] };
  }
}

async function safePost(post: PostMessage, channel: string, message: Message): Promise<PostResult> {
  try {
    return await post(channel, message);
  } catch (error) {
    // The contract says post never throws; if one does, it is a failed post, not a dead run.
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function statusOf(posted: number, failed: number): RunStatus {
  if (failed === 0) return 'ok';
  return posted > 0 ? 'partial' : 'failed';
}

/**
 * Runs the job once. Never throws for Slack or catalog trouble (those are in the result and
 * the run record); throws only when the store itself fails.
 */
/**
 * Slack's answer for a channel that is archived: tried every day, forever, with a growing backlog
 * (every run 'partial', a cron notify exiting 1 daily), and nobody could turn it off, as the
 * command cannot be typed there (walk-through). The subscription is turned off, on Slack's word,
 * when another channel's post in the same run proved the token and workspace right: a wrong
 * token for another workspace must not unsubscribe everyone. Not channel_not_found: a private
 * channel the bot was removed from answers the same as a deleted one, and its people may invite
 * it back (review); 状態 says what to do about it.
 */
const GONE_CHANNEL_ERRORS = new Set(['is_archived']);

/** Slack's answers about the token itself, the same for every channel. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);

export async function runNotices(options: RunNoticesOptions): Promise<RunResult> {
  const { store, trigger, now, log } = options;
  // The lease belongs to this run, not to the process: a scheduled run and an admin's "run
  // now" in the same bot must exclude each other just as two bots do.
  const holder = `${options.holder}#${randomBytes(3).toString('hex')}`;
  const ttl = options.leaseTtlMs ?? LEASE_TTL_MS;
  const scheduledFor = trigger === 'once' ? undefined : options.scheduledFor;
  const signal = options.signal;
  // A source setting the run cannot use is refused before anything is recorded (it left a run
  // row with no status and no end; review).
  if (!options.imported) loadServedSources(process.env);

  const lease = await store.acquireLease(LEASE_NAME, holder, ttl, now());
  if (!lease.acquired) {
    const runId = await store.startRun({ trigger, scheduledFor, holder, now: now() });
    const error = `別のプロセス (${lease.holder}) が通知を実行中です (リースの期限 ${lease.expiresAt.toISOString()})`;
    await store.finishRun(runId, { status: 'skipped', posted: 0, failed: 0, error, now: now() });
    log?.info({ runId, holder: lease.holder, until: lease.expiresAt }, 'notices: skipped, another process holds the lease');
    return { status: 'skipped', runId, skipped: { reason: 'lease', holder: lease.holder, until: lease.expiresAt }, channels: [], posted: 0, failed: 0 };
  }

  try {
    // Checked under the lease: two bots whose timers fire at 09:00 run the slot once; the
    // second one finds the first one's finished run here.
    const done = scheduledFor && (await store.lastScheduledRunFor(scheduledFor));
    const runId = await store.startRun({ trigger, scheduledFor, holder, now: now() });
    if (done) {
      await store.finishRun(runId, { status: 'skipped', posted: 0, failed: 0, error: `この回 (${scheduledFor.toISOString()}) は実行済みです (run ${done.id})`, now: now() });
      return { status: 'skipped', runId, skipped: { reason: 'already-ran', runId: done.id }, channels: [], posted: 0, failed: 0 };
    }

    const abort = async (channels: ChannelResult[], remaining: string[]): Promise<RunResult> => {
      const posted = channels.filter((c) => c.posted).length;
      const failed = channels.filter((c) => c.error !== undefined).length;
      const error = [`停止のため中断しました (未処理のチャンネル ${remaining.length})`, ...channels.filter((c) => c.error !== undefined).map((c) => `${c.channel}: ${c.error}`)].join('\n');
      await store.abandonRun(runId, { posted, failed, error });
      log?.warn({ runId, posted, failed, remaining }, 'notices: run stopped (shutdown); the slot is caught up at the next start');
      return { status: 'aborted', runId, aborted: { remaining }, channels, posted, failed };
    };
    if (signal?.aborted) return abort([], await store.activeChannels());

    const served = await options.servedCatalog?.();
    const catalog = served ? { programs: [...served] } : await readCatalog(options.catalogDir, options.needsFile);
    if ('problems' in catalog) {
      const error = catalog.problems.map(formatProblem).join('\n');
      await store.finishRun(runId, { status: 'catalog-error', posted: 0, failed: 0, error, now: now() });
      log?.error({ runId, problems: catalog.problems }, 'notices: catalog refused, nothing posted');
      return { status: 'catalog-error', runId, catalogProblems: catalog.problems, channels: [], posted: 0, failed: 0 };
    }
    await options.catalogRead?.(catalog.programs);
    // Not announced: a source's baseline, what it no longer lists, and what closed before it was
    // seen (first imported after its deadline, it took two of the digest's 15 full slots as
    // 「受付終了」; walk-through). A deadline extended later makes it new then.
    const runAt = now();
    const imported = (await (options.imported ?? (() => storedImports()))()).filter((s) => !s.baseline && !s.closedAt && programPeriodStatus(s.program, runAt) !== 'closed');
    // Catalog programs first, then imported ones in the order they were first seen.
    const ids = [...catalog.programs.map((p) => p.id), ...imported.map((s) => s.program.id)];
    const byId = new Map<string, Program>([...catalog.programs, ...imported.map((s) => s.program)].map((p) => [p.id, p]));
    // An imported program first seen before a channel subscribed was known to it already
    // (as a catalog program would be through the subscription's baseline).
    const firstSeen = new Map(imported.map((s) => [s.program.id, s.firstSeen.getTime()]));
    const newToChannel = (since: number | undefined, id: string) => {
      const seen = firstSeen.get(id);
      return seen === undefined || since === undefined || seen >= since;
    };
    const config = await store.syncConfigChannels(options.configChannels ?? [], ids, now());
    if (config.added.length) log?.info({ runId, channels: config.added }, 'notices: configured channels subscribed (baseline, no posts)');

    const channels: ChannelResult[] = [];
    const startedAt = now();
    let leaseLost = false;
    // Slack refused the token itself: every other channel would be refused the same way, one
    // call each (walk-through); they are recorded as failed for the same reason, not posted.
    let tokenRefused: string | undefined;
    const active = await store.activeChannels();
    for (const [i, channel] of active.entries()) {
      if (signal?.aborted) return { ...(await abort(channels, active.slice(i))), catalogSize: ids.length, config };
      const since = firstSeen.size ? (await store.subscription(channel))?.since.getTime() : undefined;
      const fresh = (await store.unannounced(channel, ids)).filter((id) => newToChannel(since, id));
      if (!fresh.length) {
        channels.push({ channel, newCount: 0, posted: false, programIds: [] });
        continue;
      }
      if (tokenRefused) {
        const hint = postErrorHint(tokenRefused);
        await store.recordPost(runId, channel, { programs: fresh.length, ok: false, now: now(), error: tokenRefused });
        channels.push({ channel, newCount: fresh.length, posted: false, programIds: fresh, error: tokenRefused, ...(hint ? { hint } : {}) });
        continue;
      }
      // Renew before each post: a long run must not let a second process take over mid-way.
      if (leaseLost || !(await store.acquireLease(LEASE_NAME, holder, ttl, now())).acquired) {
        leaseLost = true;
        channels.push({ channel, newCount: fresh.length, posted: false, programIds: fresh, error: 'lease_lost' });
        continue;
      }
      const message = renderDigest(
        fresh.map((id) => byId.get(id)!),
        { date: startedAt, runId, channel },
      );
      const result = await safePost(options.post, channel, message);
      const at = now();
      await store.recordPost(runId, channel, { programs: fresh.length, ok: result.ok, now: at, ...(result.ok ? { ts: result.ts } : { error: result.error }) });
      if (result.ok) {
        await store.markAnnounced(channel, fresh, runId, at);
        channels.push({ channel, newCount: fresh.length, posted: true, programIds: fresh, ts: result.ts });
        log?.info({ runId, channel, programs: fresh.length, ts: result.ts }, 'notices: digest posted');
      } else {
        const hint = postErrorHint(result.error);
        if (TOKEN_ERRORS.has(result.error)) tokenRefused = result.error;
        channels.push({ channel, newCount: fresh.length, posted: false, programIds: fresh, error: result.error, ...(hint ? { hint } : {}) });
        log?.warn({ runId, channel, programs: fresh.length, error: result.error }, 'notices: digest not posted, retried next run');
      }
    }

    // /支援 通知 締切: imported programs closing within 7 days, each once per channel (recorded after Slack confirms).
    const deadlines = leaseLost || tokenRefused || signal?.aborted ? [] : await runDeadlineReminders({ post: (channel, message) => safePost(options.post, channel, message), now });

    if (channels.some((c) => c.posted) || deadlines.some((d) => d.posted)) {
      for (const c of channels) {
        if (c.error === undefined || !GONE_CHANNEL_ERRORS.has(c.error)) continue;
        c.turnedOff = await store.unsubscribe(c.channel, { source: 'slack', by: c.error, now: now() });
        await turnOffDeadlines(c.channel, { user: 'slack', now: now() });
        if (c.turnedOff) log?.warn({ runId, channel: c.channel, error: c.error }, 'notices: channel archived, subscription turned off');
      }
      // A channel with only 締切 reminders on is turned off the same way (it failed every run).
      for (const d of deadlines) {
        if (d.error !== undefined && GONE_CHANNEL_ERRORS.has(d.error) && (await turnOffDeadlines(d.channel, { user: 'slack', now: now() }))) {
          d.turnedOff = true;
          log?.warn({ runId, channel: d.channel, error: d.error }, 'notices: channel archived, deadline reminders turned off');
        }
      }
    }
    for (const d of deadlines) {
      if (d.posted) log?.info({ runId, channel: d.channel, programs: d.programIds.length }, 'notices: deadline reminder posted');
      else log?.warn({ runId, channel: d.channel, programs: d.programIds.length, error: d.error }, 'notices: deadline reminder not posted, retried next run');
    }

    // A reminder Slack refused counts as a failure of the run too: it was in no record, no exit
    // code and no 状態 (walk-through).
    const posted = channels.filter((c) => c.posted).length + deadlines.filter((d) => d.posted).length;
    const failed = channels.filter((c) => c.error !== undefined).length + deadlines.filter((d) => !d.posted).length;
    const status = statusOf(posted, failed);
    const errors = [
      ...channels.filter((c) => c.error !== undefined).map((c) => `${c.channel}: ${c.error}`),
      ...deadlines.filter((d) => !d.posted).map((d) => `${d.channel} (締切の通知): ${d.error ?? 'unknown'}`),
    ];
    await store.finishRun(runId, { status, posted, failed, ...(errors.length ? { error: errors.join('\n') } : {}), now: now() });
    return { status, runId, catalogSize: ids.length, config, channels, posted, failed, ...(deadlines.length ? { deadlines } : {}) };
  } finally {
    // Old runs and posts go at the end of every run that held the lease (announced rows stay).
    try {
      await store.prune(now());
    } catch (error) {
      log?.warn({ err: error }, 'notices: pruning old runs failed');
    }
    // If the store itself failed (disk full, corrupt file), the error propagates and the run
    // stays unfinished in the record, which counts as not run: a restart catches the slot up.
    try {
      await store.releaseLease(LEASE_NAME, holder);
    } catch {
      // The lease then expires by itself; the store's own error is the one worth reporting.
    }
  }
}
