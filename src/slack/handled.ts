import { performance } from 'node:perf_hooks';
import { slackRefusal } from './errors.js';
import type { ShienServices } from './services.js';

/** What a user sees when a handler fails; the cause goes to the log, not to Slack. */
export const ERROR_TEXT = '検索中にエラーが発生しました。時間をおいてもう一度お試しください。続く場合は管理者に連絡してください。';

/** The same, for the notice settings of App Home. */
export const SETTINGS_ERROR_TEXT = '通知の設定中にエラーが発生しました。時間をおいてもう一度お試しください。続く場合は管理者に連絡してください。';

/** The fields of the one log line each request gets. Never the query text, never tokens. */
export interface RequestLog {
  kind: 'command' | 'action' | 'event';
  /** The command, action_id or event type. */
  name: string;
  user?: string;
  channel?: string;
  /** Programs matched (searches only). */
  hits?: number;
  /** Slack's X-Slack-Retry-Num, when this is a redelivery. */
  retry?: number;
  [key: string]: unknown;
}

/** Counts work in progress so SIGTERM can let it finish before exiting. */
export class InFlight {
  private running = 0;
  private waiters: (() => void)[] = [];

  get count(): number {
    return this.running;
  }

  async track<T>(work: Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work;
    } finally {
      if (--this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves true once nothing is running, false if `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/**
 * Runs one request's work after Slack has been acknowledged: times it, writes its one log
 * line, and when it throws, still answers the user through `onError`.
 */
export function handle(
  services: ShienServices,
  log: RequestLog,
  work: (log: RequestLog) => Promise<void>,
  onError: () => Promise<unknown>,
): Promise<void> {
  const run = async () => {
    const started = performance.now();
    try {
      await work(log);
      services.logger.info({ ...log, ms: Math.round(performance.now() - started) }, 'request');
    } catch (error) {
      let notified = true;
      try {
        await onError();
      } catch {
        notified = false;
      }
      // Slack's own account of a refused payload (which field, which rule) goes with the line.
      const slack = slackRefusal(error);
      services.logger.error({ ...log, ms: Math.round(performance.now() - started), err: error, ...(slack ? { slack } : {}), userNotified: notified }, 'request failed');
    }
  };
  return services.inFlight ? services.inFlight.track(run()) : run();
}
