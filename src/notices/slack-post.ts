// @slack/web-api through Bolt's re-export: Bolt is the declared dependency, and this keeps
// the notices on the same WebClient version as the rest of the bot.
import { LogLevel, webApi } from '@slack/bolt';
import type { Message } from '../slack/blocks.js';
import { slackErrorCode } from '../slack/errors.js';
import type { PostMessage, PostResult } from './run.js';

export { slackErrorCode };

/** One post waits at most this long; a hung Slack becomes a failed post, retried next run. */
export const POST_TIMEOUT_MS = 15_000;

export interface SlackPostOptions {
  /** SLACK_BOT_TOKEN (xoxb-…). */
  token: string;
  /** SLACK_API_URL: another Web API base (a fake Slack in the tests); default https://slack.com/api/. */
  slackApiUrl?: string;
  timeoutMs?: number;
}

/**
 * A client for the notices: no retries and rate limits rejected, because WebClient's default
 * retries for about 30 minutes, which would hold the run (and its lease) that long. The next
 * daily run is the retry, and it knows exactly which channels still owe a digest.
 */
export function noticeWebClient(options: SlackPostOptions): webApi.WebClient {
  return new webApi.WebClient(options.token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    timeout: options.timeoutMs ?? POST_TIMEOUT_MS,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // The run reports each failure itself (result, run record, log); WebClient's own
    // warnings would print the same failure a second time on the console.
    logLevel: LogLevel.ERROR,
  });
}

/**
 * `post` for runNotices over chat.postMessage. Never throws: every failure, including a
 * timeout and `{ ok: false }`, is `{ ok: false, error }` with Slack's error code. It makes
 * its own client on purpose: the Bolt app's client retries for half an hour, longer than
 * the run's lease.
 */
export function slackPoster(options: SlackPostOptions): PostMessage {
  const client = noticeWebClient(options);
  return async (channel: string, message: Message): Promise<PostResult> => {
    try {
      const response = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        // A digest of program names is not the place for link previews.
        unfurl_links: false,
        unfurl_media: false,
      });
      // WebClient throws on ok: false; this guards a proxy or fake that answers oddly.
      if (!response.ok) return { ok: false, error: response.error ?? 'unknown_error' };
      return { ok: true, ts: response.ts ?? '' };
    } catch (error) {
      return { ok: false, error: slackErrorCode(error) };
    }
  };
}
