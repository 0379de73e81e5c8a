import type { AuthorizeResult, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { postErrorHint, slackErrorCode } from './errors.js';

/** What /healthz says about Slack: reachable with a token it accepts, or why not. */
export type SlackStatus = { ok: true; botUserId: string; botId: string } | { ok: false; error: string; reason: string };

/** How often a failed check is tried again while Slack refuses the token or cannot be reached. */
const RETRY_MS = 30_000;

/**
 * The bot token, checked with Slack's auth.test at start and whenever a request finds it
 * unchecked; the answer is kept while it is good. Replaces Bolt's own check, which runs once
 * in the App's constructor, leaves an unhandled rejection when Slack says no, and keeps that
 * rejection for the life of the process (a Slack outage at start would fail every request
 * until a restart). Here a failed check is retried (every 30 s, and at the next request) and
 * /healthz reports it.
 */
export class SlackAuth {
  private current: SlackStatus = { ok: false, error: 'not_checked', reason: 'Slack への接続をまだ確認していません' };
  private pending: Promise<SlackStatus> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly botToken: string,
    private readonly logger: Logger,
  ) {}

  get status(): SlackStatus {
    return this.current;
  }

  /** Asks Slack now (one call at a time); on failure schedules another try. */
  check(): Promise<SlackStatus> {
    this.pending ??= this.client.auth
      .test({ token: this.botToken })
      .then(
        (r): SlackStatus => ({ ok: true, botUserId: String(r.user_id ?? ''), botId: String(r.bot_id ?? '') }),
        (error: unknown): SlackStatus => {
          const code = slackErrorCode(error);
          return { ok: false, error: code, reason: postErrorHint(code) ?? `Slack が auth.test に ${code} と答えました` };
        },
      )
      .then((status) => {
        const changed = status.ok !== this.current.ok || (!status.ok && !this.current.ok && status.error !== this.current.error);
        this.current = status;
        this.pending = undefined;
        if (status.ok) {
          if (changed) this.logger.info({ component: 'slack', botUserId: status.botUserId }, 'slack token accepted');
        } else {
          // The token itself is never logged; Slack's error code says what is wrong.
          if (changed) this.logger.error({ component: 'slack', error: status.error }, 'slack unavailable');
          this.scheduleRetry();
        }
        return status;
      });
    return this.pending;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.check();
    }, RETRY_MS);
    this.retry.unref();
  }

  /** Bolt's `authorize`: the token with the bot's ids, checked with Slack if not yet good. */
  authorize = async (): Promise<AuthorizeResult> => {
    const status = this.current.ok ? this.current : await this.check();
    if (!status.ok) throw new Error(`Slack auth.test failed: ${status.error}`);
    return { botToken: this.botToken, botUserId: status.botUserId, botId: status.botId };
  };

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }
}
