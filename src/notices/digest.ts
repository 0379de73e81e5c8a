import type { Program } from '../catalog/schema.js';
import { formatBudget } from '../render/budget.js';
import { LIMITS, messageLength, type Block, type Message } from '../slack/blocks.js';
import { cutText, escapeCut, escapeMrkdwn } from '../slack/mrkdwn.js';
import { listCredit, periodText } from '../slack/render/imported.js';
import { maxAmountLabel } from '../sources/amount.js';
import { ACTIONS } from '../slack/render/results.js';
import { isImported } from '../sources/program.js';
import { CHANNEL_ID_PATTERN } from './config.js';
import { formatJstDate } from './schedule.js';

/**
 * The daily digest: one channel message listing the programs that are new to the channel.
 * A day with many new programs (a whole new document ingested) must still be one message
 * Slack accepts, so at most DIGEST_CAP programs are shown in full and the rest are counted
 * in one 「ほか N 件」 line (with as many of their names as fit) and a 「ほか N 件を見る」
 * button (NOTICE_MORE_ACTION) that lists them all, MORE_PAGE_SIZE at a time, in a message
 * only the person who pressed it sees (renderDigestMore).
 */

/** Programs shown with their own section and 詳細 button. */
export const DIGEST_CAP = 15;

// Per-field caps, in characters before escaping. Catalog text has no length limit, and one
// program with a 5,000-character name must not push every other program out of the digest.
const NAME_CHARS = 100;
const AGENCY_CHARS = 40;
const BUDGET_CHARS = 40;
/** One line of the overview: enough for its first sentence in most of the catalog. */
const SNIPPET_CHARS = 80;
/** Each name in the 「ほか N 件」 line. */
const OTHER_NAME_CHARS = 40;
/** All names in the 「ほか N 件」 line, after escaping. */
const OTHER_NAMES_ROOM = 1000;

export const SEARCH_HINT = '/支援 <事業名> で検索できます';
export const STOP_HINT = '通知を止めるには /支援 通知 オフ';

/**
 * The action_id of 「ほか N 件を見る」 (digest) and 「次の40件」 (renderDigestMore). Its value is
 * encodeMoreValue(): the run, the channel and the offset to list from; parseMoreValue()
 * reads it back. The listener answers with renderDigestMore(programs of
 * store.announcedIn(runId, channel), { offset, runId, channel }).
 */
export const NOTICE_MORE_ACTION = 'notice_more';
/** Programs per 「ほか N 件を見る」 message (fewer when their text would not fit). */
export const MORE_PAGE_SIZE = 40;

/** The 「ほか N 件を見る」 hint in the digest's 「ほか N 件」 line. */
const moreHint = (hidden: number) => `「ほか ${hidden} 件を見る」で残りの ${hidden} 件を一覧できます`;

export interface DigestOptions {
  /** The instant of the run; the header shows its date in Asia/Tokyo. */
  date: Date;
  /** Programs shown in full (default DIGEST_CAP); the rest go into 「ほか N 件」. */
  cap?: number;
  /**
   * The run posting the digest and the channel it goes to. With both, a digest that does not
   * show every program in full gets a 「ほか N 件を見る」 button (NOTICE_MORE_ACTION); without
   * them (an old caller) the 「ほか N 件」 line suggests searching instead.
   */
  runId?: number;
  channel?: string;
}

/** Where 「ほか N 件を見る」 / 「次の40件」 lists from: the program at `offset` of what `runId` announced to `channel`. */
export interface MoreState {
  runId: number;
  channel: string;
  offset: number;
}

/** `<runId>:<channel>:<offset>`, e.g. `42:C0123ABC:15` (well within Slack's 2,000-character button value). */
export function encodeMoreValue(state: MoreState): string {
  return `${state.runId}:${state.channel}:${state.offset}`;
}

/**
 * Reads a NOTICE_MORE_ACTION button value back (`<runId>:<channel>[:<offset>]`, offset 0 when
 * absent). Undefined for anything else: the value comes back from Slack in a request a
 * person could have crafted, so every part is checked.
 */
export function parseMoreValue(value: string): MoreState | undefined {
  if (typeof value !== 'string' || value.length > LIMITS.buttonValue) return undefined;
  const parts = value.split(':');
  if (parts.length !== 2 && parts.length !== 3) return undefined;
  const [run, channel, offset = '0'] = parts as [string, string, string?];
  if (!/^[1-9]\d{0,14}$/.test(run) || !CHANNEL_ID_PATTERN.test(channel) || !/^(0|[1-9]\d{0,8})$/.test(offset)) return undefined;
  return { runId: Number(run), channel, offset: Number(offset) };
}

/**
 * Escaped text of at most `max` characters *after* escaping (`&` grows to `&amp;`), on one
 * line, cut between characters, so never inside an entity, and marked with 「…」 when cut.
 */
export function escapeClip(text: string, max: number): string {
  return escapeCut(text.replace(/\s+/g, ' ').trim(), max).text;
}

/** The overview's first sentence or so, on one line; empty when the catalog has none. */
export function snippetOf(program: Pick<Program, 'overview'>): string {
  const flat = (program.overview ?? '').replace(/\s+/g, ' ').trim();
  return flat ? cutText(flat, SNIPPET_CHARS).text : '';
}

const clip = (text: string, max: number) => escapeMrkdwn(cutText(text.replace(/\s+/g, ' ').trim(), max).text);

/** The amount line: the catalog's budget, or a jGrants program's maximum amount and period. */
function amountText(p: Program, date: Date): string {
  const max = maxAmountLabel(p);
  if (max === undefined) return formatBudget(p);
  const period = periodText(p, date);
  return period ? `${max}　｜　${period}` : max;
}

function programBlock(p: Program, date: Date): Block {
  const lines = [`*${clip(p.name, NAME_CHARS)}*`, `${clip(p.agency, AGENCY_CHARS)}　｜　${clip(amountText(p, date), isImported(p) ? 2 * BUDGET_CHARS : BUDGET_CHARS)}`];
  const snippet = snippetOf(p);
  if (snippet) lines.push(`> ${escapeMrkdwn(snippet)}`);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: lines.join('\n') },
    accessory: { type: 'button', text: { type: 'plain_text', text: '詳細' }, action_id: ACTIONS.details, value: p.id },
  };
}

/** 「name、name、…」 within `room` characters after escaping; never cuts inside `&amp;`. */
function nameList(programs: readonly Program[], room: number): string {
  let out = '';
  for (const p of programs) {
    const name = clip(p.name, OTHER_NAME_CHARS);
    const next = out ? `${out}、${name}` : name;
    if (next.length > room) return out ? `${out}、…` : '…';
    out = next;
  }
  return out;
}

function footer(hidden: readonly Program[], withButton: boolean, credit?: string): Block {
  const lines: string[] = [];
  if (credit) lines.push(escapeMrkdwn(credit)); // the jGrants terms: credit wherever its content is shown
  if (hidden.length) lines.push(`ほか ${hidden.length} 件: ${nameList(hidden, OTHER_NAMES_ROOM)}`, escapeMrkdwn(withButton ? moreHint(hidden.length) : SEARCH_HINT));
  lines.push(escapeMrkdwn(STOP_HINT));
  return { type: 'context', elements: [{ type: 'mrkdwn', text: lines.join('\n') }] };
}

function moreButton(label: string, state: MoreState): Block {
  return { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: label }, action_id: NOTICE_MORE_ACTION, value: encodeMoreValue(state) }] };
}

/**
 * The digest for `programs` (all new to the channel, in catalog order). Throws on an empty
 * list: nothing new means no message at all, which the caller decides.
 */
export function renderDigest(programs: readonly Program[], options: DigestOptions): Message {
  if (!programs.length) throw new RangeError('renderDigest: no programs (nothing new means no message)');
  const date = formatJstDate(options.date);
  // Blocks besides the programs: header, divider, footer and the 「ほか N 件を見る」 button.
  const cap = Math.max(1, Math.min(options.cap ?? DIGEST_CAP, LIMITS.blocksPerMessage - 4));
  const { runId, channel } = options;
  const header: Block = { type: 'header', text: { type: 'plain_text', text: `新しく追加された支援事業 (${date}・${programs.length} 件)` } };

  // Greedy: as many programs as the cap and the message size allow, leaving room for the
  // footer; if the footer still does not fit (unlikely), give one program back and retry.
  const body: Block[] = [];
  for (const p of programs.slice(0, cap)) {
    const block = programBlock(p, options.date);
    if (messageLength([header, ...body, block]) + OTHER_NAMES_ROOM * 2 > LIMITS.messageChars) break;
    body.push(block);
  }
  let blocks: Block[];
  for (;;) {
    const hidden = programs.slice(body.length);
    const button = hidden.length > 0 && runId !== undefined && channel !== undefined;
    blocks = [header, ...body, { type: 'divider' }, footer(hidden, button, listCredit(programs))];
    if (button) blocks.push(moreButton(`ほか ${hidden.length} 件を見る`, { runId, channel, offset: body.length }));
    if (messageLength(blocks) <= LIMITS.messageChars || body.length <= 1) break;
    body.pop();
  }

  const names = nameList(programs, 300);
  return { text: `新しく追加された支援事業 ${programs.length} 件 (${date}): ${names}`, blocks };
}

// 「ほか N 件を見る」: caps in characters after escaping.
const MORE_NAME_ROOM = 150;
const MORE_AGENCY_ROOM = 60;
const MORE_BUDGET_ROOM = 60;

/** As the digest's own blocks: a jGrants program's amount and period (it said 予算額の記載なし, no deadline). */
function moreBlock(p: Program, now: Date): Block {
  const text = `*${escapeClip(p.name, MORE_NAME_ROOM)}*\n${escapeClip(p.agency, MORE_AGENCY_ROOM)}　｜　${escapeClip(amountText(p, now), isImported(p) ? 2 * MORE_BUDGET_ROOM : MORE_BUDGET_ROOM)}`;
  return {
    type: 'section',
    text: { type: 'mrkdwn', text },
    accessory: { type: 'button', text: { type: 'plain_text', text: '詳細' }, action_id: ACTIONS.details, value: p.id },
  };
}

/**
 * The answer to 「ほか N 件を見る」 / 「次の40件」, for the person who pressed it (an ephemeral
 * message or response_url reply): the programs of one digest (`programs`: everything the run
 * announced to the channel, in the digest's order: store.announcedIn(runId, channel) looked up
 * in the catalog) from `offset`, one section each (name, agency ｜ budget, 詳細), at most
 * MORE_PAGE_SIZE and never past Slack's limits, then 「次の N 件」 while more remain. An
 * offset past the end (the catalog lost programs since) answers with a line saying so.
 */
export function renderDigestMore(programs: readonly Program[], options: MoreState, now: Date = new Date()): Message {
  const total = programs.length;
  const start = Math.max(0, Math.min(Math.trunc(options.offset) || 0, total));
  if (start >= total) {
    const text = total ? `この通知の事業はこれで全部です (全 ${total} 件)` : 'この通知の事業は表示できません (カタログから削除されたか、古い通知です)。/支援 <事業名> で検索できます';
    return { text: escapeMrkdwn(text), blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(text) }] }] };
  }
  const title = (end: number) => `新しく追加された支援事業 ${start + 1}〜${end} 件目 (全 ${total} 件)`;
  const header = (end: number): Block => ({ type: 'header', text: { type: 'plain_text', text: title(end) } });
  const next = (end: number) => moreButton(`次の${Math.min(MORE_PAGE_SIZE, total - end)}件`, { runId: options.runId, channel: options.channel, offset: end });

  // Greedy, measured with the widest header and button this page can have.
  const body: Block[] = [];
  for (const p of programs.slice(start, start + MORE_PAGE_SIZE)) {
    const block = moreBlock(p, now);
    if (body.length && messageLength([header(total), ...body, block, next(total)]) > LIMITS.messageChars) break;
    body.push(block);
  }
  const end = start + body.length;
  const blocks: Block[] = [header(end), ...body];
  const credit = listCredit(programs.slice(start, end));
  if (credit) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(credit) }] });
  if (end < total) blocks.push(next(end));
  return { text: title(end), blocks };
}
