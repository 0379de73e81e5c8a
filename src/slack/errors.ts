import { webApi } from '@slack/bolt';

/**
 * Slack's errors as the bot reports them, wherever it posts (a digest, a shared card): the
 * error code, and what a person can do about it.
 */

/** Slack's error code for a failed call: `not_in_channel`, `timeout`, `ratelimited`, `http_500`, … */
export function slackErrorCode(error: unknown): string {
  if (error instanceof webApi.WebAPIPlatformError) return error.data.error;
  if (error instanceof webApi.WebAPIRateLimitedError) return 'ratelimited';
  if (error instanceof webApi.WebAPIHTTPError) return `http_${error.statusCode}`;
  if (error instanceof webApi.WebAPIRequestError) {
    return error.original.name === 'TimeoutError' || error.original.name === 'AbortError' ? 'timeout' : 'request_error';
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * What Slack said about a refused call, for the log: its error code and
 * `response_metadata.messages` (for invalid_blocks, one line per problem with the JSON pointer
 * of the field). A response_url answers only with an HTTP status, which is all there is then.
 */
export function slackRefusal(error: unknown): { error: string; messages?: string[]; status?: number } | undefined {
  if (error instanceof webApi.WebAPIPlatformError) {
    const messages = (error.data.response_metadata as { messages?: unknown } | undefined)?.messages;
    return { error: error.data.error, ...(Array.isArray(messages) ? { messages: messages.map(String).slice(0, 20) } : {}) };
  }
  const status = (error as { code?: unknown; statusCode?: unknown } | null)?.code === 'slack_bolt_respond_error' ? (error as { statusCode?: number }).statusCode : undefined;
  return status === undefined ? undefined : { error: 'response_url_refused', status };
}

export const INVITE_HINT = 'ボットをチャンネルに招待してください: /invite @shien';

/** What a person can do about a failed post, by Slack's error code. */
export function postErrorHint(error: string): string | undefined {
  switch (error) {
    case 'not_in_channel':
      return INVITE_HINT;
    case 'channel_not_found':
      // A deleted channel cannot be joined; a private one the bot is not in looks the same to it.
      return 'チャンネルが削除されたか、ボットの入っていない非公開チャンネルです。非公開チャンネルならボットを招待してください: /invite @shien';
    case 'is_archived':
      // Nothing can be typed in an archived channel: say what can be done elsewhere.
      return 'チャンネルがアーカイブされています。続けるならアーカイブを解除して /支援 通知 オン';
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return 'SLACK_BOT_TOKEN が無効です。ボットのトークンを確認してください';
    case 'missing_scope':
      return 'Slack アプリに chat:write の権限を追加してください';
    case 'restricted_action':
    case 'ekm_access_denied':
      return 'このチャンネルではボットが投稿できない設定です。チャンネルの投稿権限を確認してください';
    case 'timeout':
    case 'ratelimited':
    case 'request_error':
      return 'Slack に届きませんでした (ネットワークまたは Slack 側の問題)';
    default:
      return undefined;
  }
}

