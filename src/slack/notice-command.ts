/**
 * Whether a line asks for the channel's notices (`通知 オン`), and with what words: what the slash
 * command hands to the notice service, and what a DM or a mention answers with a pointer to it.
 * `/支援 通知オン` (no space, as Japanese is written), `通知:オン` and `通知：オン` were searched
 * for as words: 「通知オン」 listed five ハンズオン支援 programs on オン (Slack walk-through).
 */
export function noticeArgs(text: string): string | undefined {
  const t = text.trim();
  // 通知締切オフ as 通知 締切 オフ: the deadline words are read apart.
  return NOTICES.test(t) ? t.replace(NOTICES_PREFIX, '').replace(/^締切(?=\S)/u, '締切 ') : undefined;
}

/**
 * Whether a DM or a mention asks for the notices: 通知 alone or with one of its words. Anything
 * else after 通知 (通知 書類) is a search there; the slash command answers it with the usage.
 */
export function asksForNotices(text: string): boolean {
  const args = noticeArgs(text);
  return args !== undefined && /^(?:|オン|オフ|状態|締切(?:\s+\S+)?|on|off)$/iu.test(args.trim());
}

/** 通知 alone, before a space or a colon, or right before one of its words as a whole word (not 通知オンライン). */
const NOTICES = /^通知(?=$|[\s:：]|締切|(?:オン|オフ|状態|on|off)(?![\p{Script=Katakana}ーa-z]))/iu;
const NOTICES_PREFIX = /^通知[\s:：]*/u;

/** A DM or a mention that asks for the notices: they are set with the slash command, in the channel. */
export const NOTICES_BY_COMMAND_TEXT = '新着通知はチャンネルごとの設定です。通知したいチャンネルで `/支援 通知 オン` と入力してください (オフ・状態も同じ形)。';
