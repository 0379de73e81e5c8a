import { loadCatalog } from '../catalog/load.js';
import { catalogReadTooBig } from '../memory-limit.js';
import type { Program } from '../catalog/schema.js';
import { deadlineCommand, deadlinesOn, turnOffDeadlines } from './deadlines.js';
import { parseMoreValue, renderDigestMore } from './digest.js';
import type { Block } from '../slack/blocks.js';
import type { ChannelNotices } from '../slack/services.js';
import type { NoticeConfig } from './config.js';
import { CHANNEL_ID_PATTERN } from './config.js';
import { formatJstDateTime, type Clock } from './schedule.js';
import { describeNoticeStatus } from './status.js';
import type { NoticeStore } from './store.js';

export const NOTICE_ACTIONS = {
  /** App Home button; value `on:<channel>` or `off:<channel>`. */
  toggle: 'notice_toggle',
  /** App Home channel picker: turn notices on for the chosen channel. */
  addChannel: 'notice_add_channel',
} as const;

const ON = new Set(['オン', 'on', '開始', 'はじめる', '登録']);
const OFF = new Set(['オフ', 'off', '停止', 'やめる', '解除']);
const STATUS = new Set(['', '状態', 'status', '確認']);

const USAGE = '使い方: `/支援 通知 オン` (このチャンネルに毎朝、新しく追加された事業を知らせる) / `/支援 通知 オフ` / `/支援 通知 状態` / `/支援 通知 締切` (締切が 7 日以内の Jグランツ掲載事業も知らせる)';
/** Said on subscribing: the bot learns it may not post only at the first digest. */
const INVITE_NOTE = '非公開チャンネルでは、ボットを招待してください (`/invite @shien`)。招待されていないと通知を投稿できません。';

export interface ChannelNoticesOptions {
  store: NoticeStore;
  config: NoticeConfig;
  catalogDir: string;
  /** The catalog the bot serves: the baseline when the catalog on disk cannot be read, and what 「ほか N 件を見る」 lists. */
  servedPrograms: () => readonly Program[];
  /** See RunNoticesOptions.servedCatalog: the catalog's programs without reading its files, when they are unchanged. */
  servedCatalog?: () => Promise<readonly Program[] | undefined>;
  clock: Clock;
}

/**
 * `/支援 通知 オン|オフ|状態` and the App Home toggle over the notice store. Subscribing takes
 * every program in the catalog now as known, so a channel never gets 143 programs at once.
 */
export function createChannelNotices(options: ChannelNoticesOptions): ChannelNotices {
  const { store, config, clock } = options;
  const currentIds = async (): Promise<string[]> => {
    try {
      const served = await options.servedCatalog?.();
      if (served) return served.map((p) => p.id);
      // Files too big to read in what is left of this process's memory: the catalog being served.
      if (await catalogReadTooBig(options.catalogDir)) return options.servedPrograms().map((p) => p.id);
      return (await loadCatalog(options.catalogDir)).programs.map((p) => p.id);
    } catch {
      return options.servedPrograms().map((p) => p.id); // a broken file on disk: the catalog being served
    }
  };
  const turnOn = async (channel: string, user: string, source: 'command' | 'home'): Promise<string> => {
    const ids = await currentIds();
    const outcome = await store.subscribe(channel, ids, { source, by: user, now: clock.now() });
    if (outcome.status === 'already') return `このチャンネルの新着通知はすでに *オン* です。毎日 ${config.at} にお知らせします。`;
    // Every program now is known after this, whether stored just now or when it was first on
    // (outcome.baseline counts only the new ones: turned on again, it said 0 件).
    return `このチャンネルの新着通知を *オン* にしました。今あるカタログの ${ids.length} 件は既知として扱い、毎日 ${config.at} に新しく追加された事業だけをお知らせします。\n${INVITE_NOTE}`;
  };
  const turnOff = async (channel: string, user: string, source: 'command' | 'home'): Promise<string> => {
    const off = await store.unsubscribe(channel, { source, by: user, now: clock.now() });
    const deadlines = (await turnOffDeadlines(channel, { user, now: clock.now() })) ? '締切の通知もオフにしました。' : '';
    if (off) return `このチャンネルの新着通知を *オフ* にしました。${deadlines}\`/支援 通知 オン\` で再開できます。`;
    return `このチャンネルの新着通知はもともと *オフ* です。${deadlines}`;
  };

  return {
    async command(args, { channel, channelName, user }) {
      const deadline = await deadlineCommand(args, { channel, channelName, user, now: clock.now() }); // 通知 締切 [オン|オフ]
      if (deadline !== undefined) return deadline;
      const word = args.trim().toLowerCase();
      // A DM or group DM between people is no place the bot can post to every morning.
      const direct = channel.startsWith('D') || channelName === 'directmessage' || channelName?.startsWith('mpdm-') === true;
      if (direct && (ON.has(word) || OFF.has(word))) return `新着通知はチャンネルごとの設定です。通知したいチャンネルで \`/支援 通知 オン\` と入力してください。`;
      if (ON.has(word)) return turnOn(channel, user, 'command');
      if (OFF.has(word)) return turnOff(channel, user, 'command');
      if (STATUS.has(word)) {
        const deadlines = await deadlinesOn(channel);
        const deadlineLine = deadlines === undefined ? '' : `\n締切の通知 (7 日以内): *${deadlines ? 'オン' : 'オフ'}*`;
        return describeNoticeStatus(await store.status(channel), config.at) + deadlineLine + (word === '' ? `\n${USAGE}` : '');
      }
      return `「通知」のあとは オン / オフ / 状態 のどれかです。\n${USAGE}`;
    },
    async more(value, clickedIn) {
      const state = parseMoreValue(value);
      // The value names a run and a channel: only that channel's digest opens its list.
      if (!state || (clickedIn !== undefined && clickedIn !== state.channel)) return 'このボタンは古くなっています。';
      const served = new Map(options.servedPrograms().map((p) => [p.id, p]));
      const programs = (await store.announcedIn(state.runId, state.channel)).flatMap((id) => served.get(id) ?? []);
      return renderDigestMore(programs, state, clock.now());
    },
    async toggle(action, channel, user) {
      if (!CHANNEL_ID_PATTERN.test(channel)) return 'チャンネルを選んでください。';
      return action === 'on' ? turnOn(channel, user, 'home') : turnOff(channel, user, 'home');
    },
    async homeBlocks(_user, mayChange) {
      const subs = await store.subscriptions();
      const shown = subs.slice(0, 40);
      const allowed = await Promise.all(shown.map((s) => mayChange(s.channel)));
      const blocks: Block[] = [
        { type: 'divider' },
        { type: 'section', text: { type: 'mrkdwn', text: `*チャンネルへの新着通知*\n毎日 ${config.at} (日本時間) に、カタログに新しく追加された事業をチャンネルにお知らせします。チャンネルで \`/支援 通知 オン\` でも設定できます。` } },
      ];
      // Channel ids come from Slack (validated on the way in), so <#C…> shows the channel name.
      shown.forEach((s, i) => {
        const state = s.active ? `*オン* (${formatJstDateTime(s.since)} から${s.source === 'config' ? '・設定で登録' : ''})` : 'オフ';
        if (!allowed[i]) {
          // Not a member (nor an admin): the state, without a button to change it.
          blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `<#${s.channel}> — ${state}\n_変更できるのはチャンネルのメンバーと管理者です_` } });
          return;
        }
        blocks.push({
          type: 'section',
          text: { type: 'mrkdwn', text: `<#${s.channel}> — ${state}` },
          accessory: { type: 'button', text: { type: 'plain_text', text: s.active ? 'オフにする' : 'オンにする' }, action_id: NOTICE_ACTIONS.toggle, value: `${s.active ? 'off' : 'on'}:${s.channel}`, ...(s.active ? {} : { style: 'primary' as const }) },
        });
      });
      if (subs.length > 40) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `ほか ${subs.length - 40} チャンネル` }] });
      if (!subs.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: '通知しているチャンネルはまだありません。' }] });
      blocks.push({ type: 'actions', elements: [{ type: 'channels_select', action_id: NOTICE_ACTIONS.addChannel, placeholder: { type: 'plain_text', text: '通知するチャンネルを追加' } }] });
      return blocks;
    },
  };
}
