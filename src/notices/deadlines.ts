import { ConfigError } from '../config.js';
import { LIMITS, messageLength, type Block, type Message } from '../slack/blocks.js';
import { escapeCut, escapeMrkdwn } from '../slack/mrkdwn.js';
import { listCredit, periodText } from '../slack/render/imported.js';
import { ACTIONS } from '../slack/render/results.js';
import { maxAmountLabel } from '../sources/amount.js';
import { loadServedSources } from '../sources/config.js';
import { daysUntilDeadline, periodOf, periodStatus } from '../sources/period.js';
import type { ImportedProgram } from '../sources/program.js';
import type { ImportStore, StoredProgram } from '../sources/store.js';

/**
 * `/支援 通知 締切` (optional, per channel): with the daily digest, a reminder of the imported
 * programs that accept applications now and close within DEADLINE_DAYS (JST days), each
 * program once per channel. Only imported programs have deadlines; without SHIEN_SOURCES the
 * command says so and nothing runs.
 */

export const DEADLINE_DAYS = 7;
const SHOWN = 15;
const ON = new Set(['', 'オン', 'on', '開始']);
const OFF = new Set(['オフ', 'off', '停止', '解除']);
const WORDS = new Set(['締切', '締め切り', '〆切', 'deadline']);

/** Open programs closing within DEADLINE_DAYS, soonest first; closed (掲載終了) ones left out. */
export function closingSoon(stored: readonly StoredProgram[], now: Date): ImportedProgram[] {
  return stored
    .filter((s) => !s.closedAt)
    .map((s) => s.program)
    .filter((p) => {
      const period = periodOf(p);
      const days = daysUntilDeadline(p, now);
      return period !== undefined && periodStatus(period, now) === 'open' && days !== undefined && days <= DEADLINE_DAYS;
    })
    .sort((a, b) => periodOf(a)!.end!.getTime() - periodOf(b)!.end!.getTime());
}

function programBlock(p: ImportedProgram, now: Date): Block {
  const lines = [`*${escapeCut(p.name, 150).text}*`, `${escapeCut(p.agency, 60).text}　｜　${escapeMrkdwn(maxAmountLabel(p) ?? '')}`, escapeMrkdwn(periodText(p, now) ?? '')];
  return { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') }, accessory: { type: 'button', text: { type: 'plain_text', text: '詳細' }, action_id: ACTIONS.details, value: p.id } };
}

/** The reminder: soonest deadline first, at most SHOWN in full, the credit jGrants requires. */
export function renderDeadlineReminder(programs: readonly ImportedProgram[], now: Date): Message {
  if (!programs.length) throw new RangeError('renderDeadlineReminder: no programs');
  const header: Block = { type: 'header', text: { type: 'plain_text', text: `締切が近い支援事業 (${DEADLINE_DAYS}日以内・${programs.length} 件)` } };
  const body: Block[] = [];
  for (const p of programs.slice(0, SHOWN)) {
    const block = programBlock(p, now);
    if (messageLength([header, ...body, block]) + 2000 > LIMITS.messageChars) break;
    body.push(block);
  }
  const hidden = programs.length - body.length;
  const notes = [hidden > 0 ? `ほか ${hidden} 件 (\`/支援 締切:${DEADLINE_DAYS}日以内\` で一覧できます)` : '', escapeMrkdwn(listCredit(programs) ?? ''), escapeMrkdwn('締切の通知を止めるには /支援 通知 締切 オフ')].filter(Boolean);
  const blocks: Block[] = [header, ...body, { type: 'divider' }, { type: 'context', elements: [{ type: 'mrkdwn', text: notes.join('\n') }] }];
  return { text: `締切が近い支援事業 ${programs.length} 件`, blocks };
}

/**
 * The import store when SHIEN_SOURCES enables a source, else undefined (nothing to remind of).
 * Only what serving needs is read: a bad sync setting (SHIEN_JGRANTS_KEYWORDS) made the
 * reminders stop silently and 通知 オフ unable to turn them off (review).
 */
async function openStore(env: NodeJS.ProcessEnv): Promise<ImportStore | undefined> {
  let config;
  try {
    config = loadServedSources(env);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
  if (!config.enabled.length) return undefined;
  const { openImportStore } = await import('../sources/open.js');
  return openImportStore(config.dataDir, env); // PostgreSQL when DATABASE_URL is set
}

/**
 * `/支援 通知 締切 [オン|オフ]`: the answer, or undefined when `args` is not about deadlines
 * (the other 通知 commands answer it).
 */
export async function deadlineCommand(args: string, context: { channel: string; channelName?: string; user: string; now: Date; env?: NodeJS.ProcessEnv }): Promise<string | undefined> {
  const [first = '', second = '', ...rest] = args.trim().split(/\s+/);
  if (!WORDS.has(first.toLowerCase())) return undefined;
  const word = second.toLowerCase();
  if (rest.length || (!ON.has(word) && !OFF.has(word))) return '使い方: `/支援 通知 締切` (締切が 7 日以内の事業を毎朝お知らせ) / `/支援 通知 締切 オフ`';
  const direct = context.channel.startsWith('D') || context.channelName === 'directmessage' || context.channelName?.startsWith('mpdm-') === true;
  if (direct) return '締切の通知はチャンネルごとの設定です。通知したいチャンネルで `/支援 通知 締切` と入力してください。';
  const store = await openStore(context.env ?? process.env);
  if (!store) return '締切の通知は、Jグランツからの取り込み (SHIEN_SOURCES=jgrants) が有効なときに使えます。カタログの事業には締切の記載がありません。';
  try {
    const on = ON.has(word);
    const changed = await store.setDeadlineAlerts(context.channel, on, { by: context.user, now: context.now });
    if (on) return changed ? `締切が ${DEADLINE_DAYS} 日以内になった事業 (Jグランツ掲載分) を、毎朝の通知と一緒にこのチャンネルでお知らせします。各事業 1 回だけです。` : '締切の通知はすでに *オン* です。';
    return changed ? '締切の通知を *オフ* にしました。' : '締切の通知はもともと *オフ* です。';
  } finally {
    await store.close();
  }
}

/**
 * The channel's 締切 reminders turned off with its new-program notices (`/支援 通知 オフ`, App
 * Home): オフ left them posting every morning in a channel whose 状態 said *オフ* (walk-through).
 * Whether they were on; false without a source.
 */
export async function turnOffDeadlines(channel: string, context: { user: string; now: Date; env?: NodeJS.ProcessEnv }): Promise<boolean> {
  const store = await openStore(context.env ?? process.env);
  if (!store) return false;
  try {
    return await store.setDeadlineAlerts(channel, false, { by: context.user, now: context.now });
  } finally {
    await store.close();
  }
}

/** Whether the channel's 締切 reminders are on; undefined without a source (there are none to have). */
export async function deadlinesOn(channel: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean | undefined> {
  const store = await openStore(env);
  if (!store) return undefined;
  try {
    return (await store.deadlineChannels()).includes(channel);
  } finally {
    await store.close();
  }
}

export interface DeadlineResult {
  channel: string;
  programIds: string[];
  posted: boolean;
  error?: string;
  /** The reminders were turned off: Slack said the channel is archived (run.ts). */
  turnedOff?: boolean;
}

/** Posts each channel with reminders on the programs closing soon it has not been told about; recorded after Slack confirms. */
export async function runDeadlineReminders(options: {
  post: (channel: string, message: Message) => Promise<{ ok: true; ts: string } | { ok: false; error: string }>;
  now: () => Date;
  env?: NodeJS.ProcessEnv;
}): Promise<DeadlineResult[]> {
  const store = await openStore(options.env ?? process.env);
  if (!store) return [];
  try {
    const now = options.now();
    const soon = closingSoon(await store.programs(), now);
    const byId = new Map(soon.map((p) => [p.id, p]));
    const results: DeadlineResult[] = [];
    for (const channel of await store.deadlineChannels()) {
      const fresh = await store.unreminded(channel, soon.map((p) => p.id));
      if (!fresh.length) continue;
      const result = await options.post(channel, renderDeadlineReminder(fresh.map((id) => byId.get(id)!), now));
      if (result.ok) await store.markReminded(channel, fresh, options.now());
      results.push({ channel, programIds: fresh, posted: result.ok, ...(result.ok ? {} : { error: result.error }) });
    }
    return results;
  } finally {
    await store.close();
  }
}
