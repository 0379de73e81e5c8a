import type { Program } from '../../catalog/schema.js';
import { formatBudget } from '../../render/budget.js';
import { ANY_WORD_NOTE, keyProjectLabel, SHORTENED_NOTE } from '../../render/text.js';
import type { SearchEngine, SearchHit, SearchResponse } from '../../search/engine.js';
import { describeStep } from '../../search/fallback.js';
import type { Snippet } from '../../search/snippet.js';
import { LIMITS } from '../block-limits.js';
import type { Block, Button, Message } from '../blocks.js';
import { cutText, escapeCut, escapeMrkdwn } from '../mrkdwn.js';
import { creditBlock, listCredit, periodText } from './imported.js';
import { maxAmountLabel } from '../../sources/amount.js';

/** Results per page of a `/支援` answer. */
export const PAGE_SIZE = 5;
/** How much of the query is echoed back (a 10,000-character query must still fit). */
const QUERY_SHOWN = 200;
/** How much of the query a paging button carries. */
const QUERY_IN_BUTTON = 1500;

export const ACTIONS = {
  details: 'program_details',
  share: 'program_share',
  page: 'results_page',
} as const;

/** 詳細 (the whole card) and チャンネルに共有 of a program: the value is its id. */
export const detailsButton = (p: Program, text = '詳細'): Button => ({ type: 'button', text: { type: 'plain_text', text }, action_id: ACTIONS.details, value: p.id });
export const shareButton = (p: Program): Button => ({ type: 'button', text: { type: 'plain_text', text: 'チャンネルに共有' }, action_id: ACTIONS.share, value: p.id });

/** State a paging button carries: the query and the offset of the page it shows. */
export interface PageState {
  q: string;
  o: number;
}

/** Encodes paging state within Slack's 2,000-character button value. */
export function encodePageState(state: PageState): string {
  let q = [...state.q].slice(0, QUERY_IN_BUTTON).join('');
  let value = JSON.stringify({ q, o: state.o });
  // Quotes and backslashes grow when escaped: trim until the value fits.
  while (value.length > LIMITS.buttonValue) {
    q = [...q].slice(0, -50).join('');
    value = JSON.stringify({ q, o: state.o });
  }
  return value;
}

export function decodePageState(value: string): PageState | undefined {
  try {
    const v = JSON.parse(value) as Partial<PageState>;
    return typeof v.q === 'string' && Number.isInteger(v.o) && v.o! >= 0 ? { q: v.q, o: v.o! } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The snippet in mrkdwn with the matched words in bold. Slack only reads `*…*` as bold at a
 * word boundary, which Japanese text has none of, so zero-width spaces mark one.
 */
function snippetMrkdwn(snippet: Snippet): string {
  let out = '';
  let at = 0;
  for (const [s, e] of snippet.highlights) {
    out += escapeMrkdwn(snippet.text.slice(at, s)) + `\u200b*${escapeMrkdwn(snippet.text.slice(s, e))}*\u200b`;
    at = e;
  }
  return out + escapeMrkdwn(snippet.text.slice(at));
}

function hitBlocks(hit: SearchHit, rank: number, share: boolean): Block[] {
  const p = hit.program;
  // Bounded per line so five hits stay within a message's ~12,000 characters.
  const lines = [
    `*${rank}. ${escapeCut(p.name, 300).text}*`,
    // jGrants programs: their maximum amount instead of a budget and key projects they do not have.
    `${escapeCut(p.agency, 200).text}　｜　${escapeCut(maxAmountLabel(p) ?? `${formatBudget(p)}　｜　重点: ${keyProjectLabel(p)}`, 200).text}`,
  ];
  const period = periodText(p, new Date()); // jGrants programs: 受付中（締切 …）; catalog programs have none
  if (period) lines.push(escapeMrkdwn(period));
  const snippet = snippetMrkdwn(hit.snippet);
  if (snippet) lines.push(`> ${snippet.replace(/\n/g, ' ')}`);
  // Why a question in a client's words found it: the 相談例 that says most of it. Named as what
  // search used, not as a fact of the program: 相談例 are search aids awaiting staff review.
  if (hit.consultation) lines.push(`検索に使った相談例: 「${escapeCut(hit.consultation.replace(/\n/g, ' '), 100).text}」`);
  // No word of the question found it: the purpose its words lean to did (client-words.ts).
  if (hit.byCategory) lines.push(`ご相談の言葉から「${escapeCut(hit.byCategory, 100).text}」に当たる事業として表示`);
  const buttons: Button[] = [detailsButton(p)];
  if (share) buttons.push(shareButton(p));
  return [
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
    { type: 'actions', elements: buttons },
  ];
}

/** One page of answers for `query`, as renderResults expects it. */
export function searchPage(engine: SearchEngine, query: string, offset = 0): SearchResponse {
  return engine.search(query, { offset, limit: PAGE_SIZE });
}

export interface RenderResultsOptions {
  /** Where `response.hits` starts in the whole list (search was called with this offset). */
  offset?: number;
  /** Offer チャンネルに共有 (not in App Home modals: they have no channel). */
  share?: boolean;
}

/**
 * The answer to `/支援 <query>`: count, one page of programs, paging. `response` is one
 * page: `engine.search(query, { offset, limit: PAGE_SIZE })`.
 */
export function renderResults(response: SearchResponse, options: RenderResultsOptions = {}): Message {
  const offset = options.offset ?? 0;
  const query = cutText(response.query.trim(), QUERY_SHOWN).text;
  const blocks: Block[] = [];
  // Filter errors quote what was typed: a few, each bounded, so a huge query still fits.
  const notes: string[] = response.errors.slice(0, 3).map((e) => `:warning: ${escapeCut(e, 300).text}`);
  if (response.shortened) notes.unshift(`:warning: ${escapeMrkdwn(SHORTENED_NOTE)}`);
  if (response.mode === 'none' || response.mode === 'empty') {
    const s = response.suggestions;
    const lines = [`「${escapeMrkdwn(query)}」に合う事業は見つかりませんでした。`];
    // The period condition alone ruled everything out: say what the rest finds, not words like 創業's.
    if (s?.withoutPeriod) lines.push(`受付期間の条件を外すと ${s.withoutPeriod.total} 件: \`${escapeMrkdwn(cutText(s.withoutPeriod.query, QUERY_SHOWN).text.replace(/`/g, "'"))}\``);
    if (s?.terms.length && !s.withoutPeriod) lines.push(`近い言葉: ${s.terms.map(escapeMrkdwn).join(' / ')}`);
    if (s?.synonyms.length && !s.withoutPeriod) lines.push(`言い換え: ${s.synonyms.map(escapeMrkdwn).join(' / ')}`);
    if (s?.purposes.length) lines.push(`目的から探す: ${s.purposes.map((p) => `\`目的:${escapeMrkdwn(p.purpose)}\` (${p.count})`).join('  ')}`);
    lines.push('使い方は `/支援 help` で表示します。');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cutText([...notes, ...lines].join('\n'), LIMITS.sectionText).text } });
    return { text: `「${escapeMrkdwn(query)}」に合う事業は見つかりませんでした。`, blocks };
  }
  const page = response.hits.slice(0, PAGE_SIZE);
  const range = page.length ? `${offset + 1}〜${offset + page.length} 件目` : '';
  const head = [`*「${escapeMrkdwn(query)}」* ${response.total} 件${range ? `（${range}）` : ''}`];
  if (response.mode === 'any') head.push(ANY_WORD_NOTE);
  const step = describeStep(response); // words not found, nearby words searched instead
  if (step) head.push(escapeCut(step, 300).text);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cutText([...notes, ...head].join('\n'), LIMITS.sectionText).text } });
  if (response.expandedWith.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `言い換えも含めて検索: ${response.expandedWith.slice(0, 10).map(escapeMrkdwn).join('、')}` }] });
  }
  page.forEach((hit, i) => blocks.push({ type: 'divider' }, ...hitBlocks(hit, offset + i + 1, options.share ?? true)));
  const credit = listCredit(page.map((h) => h.program)); // 出典：Jグランツ when the page shows its content
  if (credit) blocks.push(creditBlock(credit));
  const paging: Button[] = [];
  if (offset > 0) paging.push({ type: 'button', text: { type: 'plain_text', text: `前の${PAGE_SIZE}件` }, action_id: `${ACTIONS.page}_prev`, value: encodePageState({ q: response.query, o: Math.max(0, offset - PAGE_SIZE) }) });
  if (offset + PAGE_SIZE < response.total) paging.push({ type: 'button', text: { type: 'plain_text', text: `次の${PAGE_SIZE}件` }, action_id: `${ACTIONS.page}_next`, value: encodePageState({ q: response.query, o: offset + PAGE_SIZE }) });
  if (paging.length) blocks.push({ type: 'actions', elements: paging });
  return { text: `「${escapeMrkdwn(query)}」 ${response.total} 件`, blocks };
}
