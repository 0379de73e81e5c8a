import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';
import { dailyPattern, NOTICE_TIMEZONE, type Clock } from '../notices/schedule.js';

/**
 * The bot's daily sync of the enabled sources: at SHIEN_SYNC_AT (default 08:30, Asia/Tokyo,
 * before the 09:00 digest) and once at start when the last successful sync is older than a
 * day. Each sync runs `shien sync` as a child process: it analyses the imported text with
 * kuromoji (about 300 MiB with the build) to rebuild the search index, which the serving process then loads
 * without the dictionary, so the bot stays within its memory goal.
 */

export const DEFAULT_SYNC_AT = '08:30';
/** A sync older than this is caught up at start. */
export const SYNC_MAX_AGE_MS = 86_400_000;
/** A child still running after this long is stopped (a hung network). */
export const SYNC_TIMEOUT_MS = 30 * 60_000;

export interface SyncLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SyncRunResult {
  code: number;
  /** The `--json` document of the run, when it printed one. */
  report?: { sources: Array<{ source: string; ok: boolean; new: string[]; changed: string[]; closed: string[]; errors: string[] }> };
  stderr: string;
}

/** Runs one `shien sync --json` in a child process (this build's cli.js; the sources under tsx). */
export function runSyncChild(options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SyncRunResult> {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const cli = path.join(path.dirname(here), '..', fromSource ? 'cli.ts' : 'cli.js');
  const args = [...(fromSource ? ['--import', 'tsx'] : []), cli, 'sync', '--json'];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? SYNC_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, ...(options.signal ? { signal: options.signal } : {}) },
      (error, stdout, stderr) => {
        let report: SyncRunResult['report'];
        try {
          report = stdout.trim() ? (JSON.parse(stdout) as SyncRunResult['report']) : undefined;
        } catch {
          report = undefined;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, ...(report ? { report } : {}), stderr });
      },
    );
  });
}

export interface SyncSchedulerOptions {
  /** HH:MM in Asia/Tokyo. */
  at: string;
  clock: Clock;
  /** When the sources last synced successfully (undefined: never). */
  lastSuccess: () => Date | undefined | Promise<Date | undefined>;
  /** One sync (default: runSyncChild). */
  run?: (signal: AbortSignal) => Promise<SyncRunResult>;
  /** After a sync that changed something: the bot reloads search here. */
  onChanged: () => Promise<void>;
  log?: SyncLog;
  /**
   * After a failed sync, the next try comes this much later (default 30 minutes), at most
   * `retries` times (default 3) before the next day's: it came only with the next day or a
   * restart, a jGrants outage of an hour cost a day (operator walk-through).
   */
  retryMs?: number;
  retries?: number;
}

export interface SyncScheduler {
  /** Catches up a sync older than a day, then schedules the daily one. Resolves when the catch-up is done. */
  start(): Promise<void>;
  /** Runs one sync now (one at a time). */
  runNow(): Promise<SyncRunResult | undefined>;
  stop(): void;
}

export function createSyncScheduler(options: SyncSchedulerOptions): SyncScheduler {
  const abort = new AbortController();
  let cron: Cron | undefined;
  let running: Promise<SyncRunResult | undefined> | undefined;
  const run = options.run ?? ((signal: AbortSignal) => runSyncChild({ signal }));
  const retries = options.retries ?? 3;
  let retriesLeft = retries;
  let retry: NodeJS.Timeout | undefined;

  const once = async (): Promise<SyncRunResult | undefined> => {
    if (abort.signal.aborted) return undefined;
    const result = await run(abort.signal);
    const sources = result.report?.sources ?? [];
    const changed = sources.some((s) => s.ok && (s.new.length || s.changed.length || s.closed.length));
    for (const s of sources) {
      const summary = { component: 'sync', source: s.source, ok: s.ok, new: s.new.length, changed: s.changed.length, closed: s.closed.length, errors: s.errors.slice(0, 5) };
      if (s.ok) options.log?.info(summary, 'source synced');
      else options.log?.error(summary, 'source sync failed; nothing was written');
    }
    if (result.code !== 0 && !sources.length) options.log?.error({ component: 'sync', code: result.code, stderr: result.stderr.slice(-500) }, 'sync did not run');
    const failed = (result.code !== 0 && !sources.length) || sources.some((s) => !s.ok);
    if (!failed) retriesLeft = retries;
    else if (retriesLeft > 0 && !abort.signal.aborted) {
      retriesLeft--;
      const inMs = options.retryMs ?? 30 * 60_000;
      options.log?.info({ component: 'sync', inMinutes: Math.round(inMs / 60_000), retriesLeft }, 'sync failed: trying again later');
      clearTimeout(retry);
      retry = setTimeout(() => void runNow().catch((error: unknown) => options.log?.error({ component: 'sync', err: error }, 'sync failed')), inMs);
      retry.unref();
    }
    if (changed) await options.onChanged();
    return result;
  };
  const runNow = () => {
    running ??= once().finally(() => (running = undefined));
    return running;
  };

  return {
    async start() {
      cron = new Cron(dailyPattern(options.at), { timezone: NOTICE_TIMEZONE }, () => {
        void runNow().catch((error: unknown) => options.log?.error({ component: 'sync', err: error }, 'sync failed'));
      });
      const last = await options.lastSuccess();
      if (!last || options.clock.now().getTime() - last.getTime() > SYNC_MAX_AGE_MS) await runNow();
    },
    runNow,
    stop() {
      abort.abort();
      cron?.stop();
      clearTimeout(retry);
    },
  };
}
