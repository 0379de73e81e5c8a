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

/** Said when someone who may not change a channel's notices presses a (stale) button for it. */
export const NOT_A_MEMBER_TEXT = 'このチャンネルの通知を変更できるのは、チャンネルのメンバーと管理者 (SHIEN_ADMIN_USERS) だけです。チャンネルに参加してからもう一度お試しください。';
