import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';

/** Answers "is this the first delivery of event `id`?"; true exactly once per id. */
export type FirstDelivery = (id: string) => boolean | Promise<boolean>;

/** In memory, for `ttlMs` (Slack retries within minutes): enough for one process without a database. */
export function memoryDeliveries(ttlMs = 30 * 60_000, now: () => number = Date.now): FirstDelivery {
  const seen = new Map<string, number>();
  return (id) => {
    const t = now();
    for (const [key, at] of seen) {
      if (t - at < ttlMs) break; // insertion order = time order
      seen.delete(key);
    }
    if (seen.has(id)) return false;
    seen.set(id, t);
    return true;
  };
}

/**
 * Slack redelivers an event it thinks was missed (X-Slack-Retry-Num, up to three times) with
 * the same event_id. Only the first delivery goes on to the listeners, so a mention is
 * answered once, however many deliveries arrive. The bot passes its notice store's record,
 * which also holds across a restart, between processes sharing a data directory, and between
 * replicas sharing PostgreSQL (DATABASE_URL).
 */
export function dropRedeliveries(logger: Logger, firstDelivery: FirstDelivery = memoryDeliveries()): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const id = (body as { event_id?: unknown }).event_id;
    if (typeof id !== 'string') return next();
    if (!(await firstDelivery(id))) {
      logger.info({ kind: 'event', name: (body as { event?: { type?: string } }).event?.type, duplicate: true, retry: context.retryNum }, 'redelivery ignored');
      return;
    }
    await next();
  };
}
