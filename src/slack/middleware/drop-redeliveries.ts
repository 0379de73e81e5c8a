import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Slack redelivers an event it thinks was missed (X-Slack-Retry-Num, up to three times) with
 * the same event_id. Remembering recent ids means a mention is answered once, however many
 * deliveries arrive. Memory only: ids are kept for `ttlMs` (Slack retries within minutes).
 */
export function dropRedeliveries(logger: Logger, ttlMs = 30 * 60_000, now: () => number = Date.now): Middleware<AnyMiddlewareArgs> {
  const seen = new Map<string, number>();
  return async ({ body, context, next }) => {
    const id = (body as { event_id?: unknown }).event_id;
    if (typeof id !== 'string') return next();
    const t = now();
    for (const [key, at] of seen) {
      if (t - at < ttlMs) break; // insertion order = time order
      seen.delete(key);
    }
    if (seen.has(id)) {
      logger.info({ kind: 'event', name: (body as { event?: { type?: string } }).event?.type, duplicate: true, retry: context.retryNum }, 'redelivery ignored');
      return;
    }
    seen.set(id, t);
    await next();
  };
}
