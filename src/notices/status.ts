import { escapeMrkdwn } from '../slack/mrkdwn.js';
import { postErrorHint } from './run.js';
import { FAILURE_RETRIES, FAILURE_RETRY_MS, formatJstDateTime, wantsFailureRetry } from './schedule.js';
import type { ChannelStatus } from './store.js';

/**
 * The answer to `/支援 通知 状態` (and the App Home toggle's caption), in mrkdwn: whether the
 * channel is subscribed, since when and by whom, and how the last digest went, with what to
 * do when it failed. Shared so the command and App Home say the same thing.
 */

/** Slack user ids become mentions (rendered as the name); anything else is escaped text. */
const who = (by: string | undefined) => (by === undefined ? undefined : /^[UW][A-Z0-9]{2,}$/.test(by) ? `<@${by}>` : escapeMrkdwn(by));

export function describeNoticeStatus(status: ChannelStatus, at: string): string {
  const lines: string[] = [];
  const since = status.since ? formatJstDateTime(status.since) : undefined;
  const person = who(status.by);
  if (status.active) {
    const origin = status.source === 'config' ? '設定 (SHIEN_NOTIFY_CHANNELS) で登録' : person ? `${person} が設定` : undefined;
    lines.push(`このチャンネルの新着通知: *オン*${since ? ` (${[`${since} から`, origin].filter(Boolean).join('・')})` : ''}`);
    lines.push(`毎日 ${at} に、新しく追加された支援事業があればお知らせします (既知の事業 ${status.known} 件)。止めるには \`/支援 通知 オフ\``);
  } else {
    // Turned off by the bot on Slack's word (the channel gone or archived): say so, not who.
    const stopper = status.source === 'slack' ? `・Slack が「${escapeMrkdwn(status.by ?? '')}」と答えたため自動で停止` : person ? `・${person} が停止` : '';
    const stopped = since && status.source !== undefined ? ` (${since} から${stopper})` : '';
    lines.push(`このチャンネルの新着通知: *オフ*${stopped}。\`/支援 通知 オン\` で始めます`);
  }
  const post = status.lastPost;
  if (post?.ok) lines.push(`前回の通知: ${formatJstDateTime(post.at)} (${post.programs} 件)`);
  else if (post) {
    const hint = post.error ? postErrorHint(post.error) : undefined;
    // When: a reason that may pass is tried again within the day (schedule.ts); others at the next daily run.
    const again = wantsFailureRetry({ status: 'failed', channels: [{ error: post.error ?? 'unknown' }] })
      ? `同じ日のうちに ${FAILURE_RETRY_MS / 60_000} 分おきに ${FAILURE_RETRIES} 回まで送り直し、届かなければ次の通知 (毎日 ${at}) で送ります`
      : `次の通知 (毎日 ${at}) でもう一度試します`;
    lines.push(
      `:warning: 前回の通知を投稿できませんでした: ${formatJstDateTime(post.at)} (${escapeMrkdwn(post.error ?? '不明なエラー')})${hint ? ` — ${escapeMrkdwn(hint)}` : ''}。${again}`,
    );
  }
  if (status.active && status.lastRun?.status === 'catalog-error') {
    lines.push(`:warning: 前回の実行 (${formatJstDateTime(status.lastRun.startedAt)}) はカタログに問題があったため、どのチャンネルにも通知していません`);
  }
  return lines.join('\n');
}
