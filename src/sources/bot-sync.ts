import { ConfigError } from '../config.js';
import type { Clock } from '../notices/schedule.js';
import { loadSourcesConfig } from './config.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSyncScheduler, runSyncChild, SYNC_TIMEOUT_MS, type SyncLog, type SyncScheduler, type SyncSchedulerOptions } from './schedule.js';
import { openImportStore } from './open.js';

/**
 * The bot's part of the sources: when SHIEN_SOURCES enables one, a daily sync at
 * SHIEN_SYNC_AT and a catch-up at start when the last one is older than a day. Without it,
 * nothing (no timer, no child process, no network). A bad setting is logged by name and the
 * bot keeps serving the catalog.
 */
/** The lease of the notice store (PostgreSQL), shared by replicas; see SyncLease below. */
export interface SyncLease {
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<{ acquired: boolean }>;
  releaseLease(name: string, holder: string): Promise<boolean>;
}

/** The lease replicas take to sync, and how recent a sync by another replica makes this one's unnecessary. */
export const SYNC_LEASE = 'jgrants-sync';
export const SYNC_FRESH_MS = 60 * 60_000;
/** How often a replica waiting for another's sync looks at the lease again. */
const SYNC_LEASE_POLL_MS = 250;

export function startSourceSync(options: {
  clock: Clock;
  log: SyncLog;
  onChanged: () => Promise<void>;
  env?: NodeJS.ProcessEnv;
  run?: SyncSchedulerOptions['run'];
  /**
   * Replicas sharing PostgreSQL (issue 14): each one's timer fires, one syncs. A replica syncs
   * only while holding this lease, and not when another replica's sync succeeded within
   * SYNC_FRESH_MS (the same slot): the others skip, and hear of the new programs through the
   * catalog notification (`onChanged` of the one that synced).
   */
  lease?: SyncLease;
  /** After a failed sync, when to try again (createSyncScheduler's retryMs; tests shorten it). */
  retryMs?: number;
}): { scheduler: SyncScheduler; started: Promise<void> } | undefined {
  let config;
  try {
    config = loadSourcesConfig(options.env ?? process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    options.log.error({ component: 'sync', error: error.message }, 'sources not started');
    return undefined;
  }
  if (!config.enabled.length) return undefined;
  const dataDir = config.dataDir;
  const lastSuccess = async () => {
    // PostgreSQL when DATABASE_URL is set: a sync by any replica counts.
    const store = (await openImportStore(dataDir, options.env ?? process.env))!;
    try {
      // The oldest of the sources' last successful syncs: any source overdue catches up.
      const times = await Promise.all(config.enabled.map(async (s) => (await store.lastSuccessfulSync(s))?.at.getTime()));
      return times.some((t) => t === undefined) ? undefined : new Date(Math.min(...(times as number[])));
    } finally {
      await store.close();
    }
  };
  const plain = options.run ?? ((signal: AbortSignal) => runSyncChild({ signal }));
  const lease = options.lease;
  const run: SyncSchedulerOptions['run'] = !lease
    ? plain
    : async (signal) => {
        const holder = `sync@${hostname()}:${process.pid}#${randomBytes(3).toString('hex')}`;
        const take = async () => (await lease.acquireLease(SYNC_LEASE, holder, SYNC_TIMEOUT_MS, options.clock.now())).acquired;
        let acquired = await take();
        if (!acquired) {
          // Another replica is syncing: wait for it, then look again (its sync is fresh: skipped).
          // Skipping at once let this replica's start post the digest it owed before the
          // imports it should have had (review).
          options.log.info({ component: 'sync' }, 'another replica is syncing: waiting for it');
          const until = Date.now() + SYNC_TIMEOUT_MS;
          while (!acquired && Date.now() < until && !signal.aborted) {
            await sleep(SYNC_LEASE_POLL_MS);
            acquired = await take();
          }
          if (!acquired) {
            options.log.info({ component: 'sync' }, 'sync skipped: another replica is still syncing');
            return { code: 0, stderr: '' };
          }
        }
        try {
          const last = await lastSuccess();
          if (last && options.clock.now().getTime() - last.getTime() < SYNC_FRESH_MS) {
            options.log.info({ component: 'sync', last }, 'sync skipped: another replica synced this slot');
            return { code: 0, stderr: '' };
          }
          return await plain(signal);
        } finally {
          await lease.releaseLease(SYNC_LEASE, holder).catch(() => false);
        }
      };
  const scheduler = createSyncScheduler({ at: config.syncAt, clock: options.clock, lastSuccess, onChanged: options.onChanged, log: options.log, run, ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}) });
  const started = scheduler.start().catch((error: unknown) => options.log.error({ component: 'sync', err: error }, 'sync at start failed'));
  return { scheduler, started };
}
