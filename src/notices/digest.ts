import type { Program } from '../catalog/schema.js';
import { formatBudget } from '../render/budget.js';
import { LIMITS, messageLength, type Block, type Message } from '../slack/blocks.js';
import { cutText, escapeMrkdwn } from '../slack/mrkdwn.js';
import { ACTIONS } from '../slack/render/results.js';
import { formatJstDate } from './schedule.js';

/**
 * The daily digest: one channel message listing the programs that are new to the channel.
 * A day with many new programs (a whole new document ingested) must still be one message
 * Slack accepts, so at most DIGEST_CAP programs are shown in full and the rest are named
 * in one 「ほか N 件」 line, with how to look them up.
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

export interface DigestOptions {
  /** The instant of the run; the header shows its date in Asia/Tokyo. */
  date: Date;
  /** Programs shown in full (default DIGEST_CAP); the rest go into 「ほか N 件」. */
  cap?: number;
}

/** The overview's first sentence or so, on one line; empty when the catalog has none. */
export function snippetOf(program: Pick<Program, 'overview'>): string {
  const flat = (program.overview ?? '').replace(/\s+/g, ' ').trim();
  return flat ? cutText(flat, SNIPPET_CHARS).text : '';
}

const clip = (text: string, max: number) => escapeMrkdwn(cutText(text.replace(/\s+/g, ' ').trim(), max).text);

function programBlock(p: Program): Block {
  const lines = [`*${clip(p.name, NAME_CHARS)}*`, `${clip(p.agency, AGENCY_CHARS)}　｜　${clip(formatBudget(p), BUDGET_CHARS)}`];
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

function footer(hidden: readonly Program[]): Block {
  const lines: string[] = [];
  if (hidden.length) lines.push(`ほか ${hidden.length} 件: ${nameList(hidden, OTHER_NAMES_ROOM)}`, escapeMrkdwn(SEARCH_HINT));
  lines.push(escapeMrkdwn(STOP_HINT));
  return { type: 'context', elements: [{ type: 'mrkdwn', text: lines.join('\n') }] };
}

/**
 * The digest for `programs` (all new to the channel, in catalog order). Throws on an empty
 * list: nothing new means no message at all, which the caller decides.
 */
export function renderDigest(programs: readonly Program[], options: DigestOptions): Message {
  if (!programs.length) throw new RangeError('renderDigest: no programs (nothing new means no message)');
  const date = formatJstDate(options.date);
  const cap = Math.max(1, Math.min(options.cap ?? DIGEST_CAP, LIMITS.blocksPerMessage - 3));
  const header: Block = { type: 'header', text: { type: 'plain_text', text: `新しく追加された支援事業 (${date}・${programs.length} 件)` } };

  // Greedy: as many programs as the cap and the message size allow, leaving room for the
  // footer; if the footer still does not fit (unlikely), give one program back and retry.
  const body: Block[] = [];
  for (const p of programs.slice(0, cap)) {
    const block = programBlock(p);
    if (messageLength([header, ...body, block]) + OTHER_NAMES_ROOM * 2 > LIMITS.messageChars) break;
    body.push(block);
  }
  let blocks: Block[];
  for (;;) {
    const hidden = programs.slice(body.length);
    blocks = [header, ...body, { type: 'divider' }, footer(hidden)];
    if (messageLength(blocks) <= LIMITS.messageChars || body.length <= 1) break;
    body.pop();
  }

  const names = nameList(programs, 300);
  return { text: `新しく追加された支援事業 ${programs.length} 件 (${date}): ${names}`, blocks };
}
