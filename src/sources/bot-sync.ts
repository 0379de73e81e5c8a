import { ConfigError } from '../config.js';
import type { Clock } from '../notices/schedule.js';
import { loadSourcesConfig } from './config.js';
import { createSyncScheduler, type SyncLog, type SyncScheduler, type SyncSchedulerOptions } from './schedule.js';
import { openImportStore } from './open.js';

/**
 * The bot's part of the sources: when SHIEN_SOURCES enables one, a daily sync at
 * SHIEN_SYNC_AT and a catch-up at start when the last one is older than a day. Without it,
 * nothing (no timer, no child process, no network). A bad setting is logged by name and the
 * bot keeps serving the catalog.
 */
export function startSourceSync(options: { clock: Clock; log: SyncLog; onChanged: () => Promise<void>; env?: NodeJS.ProcessEnv; run?: SyncSchedulerOptions['run'] }): { scheduler: SyncScheduler; started: Promise<void> } | undefined {
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
  const scheduler = createSyncScheduler({ at: config.syncAt, clock: options.clock, lastSuccess, onChanged: options.onChanged, log: options.log, ...(options.run ? { run: options.run } : {}) });
  const started = scheduler.start().catch((error: unknown) => options.log.error({ component: 'sync', err: error }, 'sync at start failed'));
  return { scheduler, started };
}
