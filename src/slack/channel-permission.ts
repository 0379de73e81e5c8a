import type { App } from '@slack/bolt';
import { slackErrorCode } from './errors.js';

/** Whether `user` may turn `channel`'s notices on or off (asked of Slack at the moment of use). */
export type NoticePermission = (user: string, channel: string) => Promise<boolean>;

/** Pages of conversations.members read at most (1,000 members a page). */
const MAX_PAGES = 20;

/**
 * Who may change a channel's notices: a member of that channel, checked with Slack
 * (conversations.members: scopes channels:read for public and groups:read for private
 * channels), or a user listed in SHIEN_ADMIN_USERS. A channel Slack will not describe to the
 * bot (private and the bot not invited, deleted) has no members the bot can see: only admins
 * may change it. Any other Slack error is thrown, so the user is told something went wrong
 * rather than silently refused.
 */
export function noticePermission(client: App['client'], adminUsers: ReadonlySet<string> = new Set()): NoticePermission {
  return async (user, channel) => {
    if (adminUsers.has(user)) return true;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      let result;
      try {
        result = await client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
      } catch (error) {
        const code = slackErrorCode(error);
        if (code === 'channel_not_found' || code === 'not_in_channel' || code === 'method_not_supported_for_channel_type') return false;
        throw error;
      }
      if (result.members?.includes(user)) return true;
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) return false;
    }
    return false;
  };
}

/**
 * Answers of a NoticePermission remembered for `ttlMs`, for drawing App Home only: each open asked
 * Slack once per listed channel (up to 40, each up to 20 pages), and Slack opens Home on every
 * click on its tab. A click on a button is still checked afresh (notice-toggle.ts). Errors are
 * not remembered; past `maxEntries` the memory starts again.
 */
export class RecentPermissions {
  private readonly answers = new Map<string, { allowed: boolean; at: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  /** `permission`, answering from memory what it answered within `ttlMs`. */
  remembering(permission: NoticePermission): NoticePermission {
    return async (user, channel) => {
      const key = `${user}\n${channel}`;
      const known = this.answers.get(key);
      if (known && this.now() - known.at < this.ttlMs) return known.allowed;
      const allowed = await permission(user, channel);
      if (this.answers.size >= this.maxEntries) this.answers.clear();
      this.answers.set(key, { allowed, at: this.now() });
      return allowed;
    };
  }
}

/** Said when someone who may not change a channel's notices presses a (stale) button for it. */
export const NOT_A_MEMBER_TEXT = 'このチャンネルの通知を変更できるのは、チャンネルのメンバーと管理者 (SHIEN_ADMIN_USERS) だけです。チャンネルに参加してからもう一度お試しください。';
