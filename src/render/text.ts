import { CIRCLED_DIGITS, KEY_PROJECTS, type KeyProjectNumber } from '../catalog/key-projects.js';
import type { Program } from '../catalog/schema.js';
import type { SearchResponse } from '../search/engine.js';
import { describeStep } from '../search/fallback.js';
import { MAX_QUERY_CHARS, MAX_QUERY_WORDS } from '../search/query-bounds.js';
import type { Snippet } from '../search/snippet.js';
import { maxAmountLabel } from '../sources/amount.js';
import { describePeriod } from '../sources/period.js';
import { isImported, JGRANTS_CREDIT, SHORTENED_NOTE as EXCERPT_NOTE } from '../sources/program.js';
import { formatBudget } from './budget.js';

/** Plain-text rendering of search answers, for the command line and the local console. */

export function keyProjectLabel(program: Program): string {
  const list = program.keyProjects ?? [];
  return list.length ? list.map((n) => `${CIRCLED_DIGITS[n - 1]}${KEY_PROJECTS[n as KeyProjectNumber]}`).join('、') : '記載なし';
}

/** The snippet with matched words in 【】 (a terminal has no bold that survives pipes). */
export function markSnippet(snippet: Snippet, open = '【', close = '】'): string {
  let out = '';
  let at = 0;
  for (const [s, e] of snippet.highlights) {
    out += snippet.text.slice(at, s) + open + snippet.text.slice(s, e) + close;
    at = e;
  }
  return out + snippet.text.slice(at);
}

/** Said whenever no program had all the words (mode 'any'), on every surface. */
export const ANY_WORD_NOTE = 'すべての語を含む事業はありません。いずれかの語を含む事業を表示します。';

/** Said whenever the query was cut to the search's limits (query-bounds.ts), on every surface. */
export const SHORTENED_NOTE = `検索語が長いため、先頭の ${MAX_QUERY_CHARS} 文字 (${MAX_QUERY_WORDS} 語) までで検索しました。`;

const MODE_NOTE: Partial<Record<SearchResponse['mode'], string>> = {
  any: ANY_WORD_NOTE,
  filters: '条件に合う事業 (締切のある事業は締切の近い順、ほかはカタログ順)',
};

/** `offset`: where the page starts in the whole answer (the console's 次): numbers run on from it. */
export function renderResponseText(response: SearchResponse, limit: number, offset = 0): string {
  const lines: string[] = [];
  const q = response.query.trim();
  if (response.shortened) lines.push(`⚠ ${SHORTENED_NOTE}`);
  for (const e of response.errors) lines.push(`⚠ ${e}`);
  if (response.mode === 'empty') {
    lines.push('検索語を入力してください (例: 創業 / 事業承継 補助金 / 機関:ジェトロ)。');
    return lines.join('\n');
  }
  if (response.mode === 'none') {
    lines.push(`「${q}」に合う事業は見つかりませんでした。`);
    const s = response.suggestions;
    // The period condition alone ruled everything out: say what the rest finds, not words like 創業's.
    if (s?.withoutPeriod) lines.push(`  受付期間の条件を外すと ${s.withoutPeriod.total} 件: 「${s.withoutPeriod.query}」`);
    if (s?.terms.length && !s.withoutPeriod) lines.push(`  近い言葉: ${s.terms.join(' / ')}`);
    if (s?.synonyms.length && !s.withoutPeriod) lines.push(`  言い換え: ${s.synonyms.join(' / ')}`);
    if (s?.purposes.length) lines.push(`  目的から探す: ${s.purposes.map((p) => `目的:${p.purpose} (${p.count})`).join(' / ')}`);
    return lines.join('\n');
  }
  const shown = response.hits.slice(0, limit);
  const range = offset > 0 ? ` (${offset + 1}〜${offset + shown.length} 件目)` : response.total > shown.length ? ` (上位 ${shown.length} 件)` : '';
  lines.push(`「${q}」 ${response.total} 件${range}`);
  const note = MODE_NOTE[response.mode];
  if (note) lines.push(note);
  const step = describeStep(response); // words not found, nearby words searched instead
  if (step) lines.push(step);
  if (response.expandedWith.length) lines.push(`言い換えも含めて検索: ${response.expandedWith.slice(0, 8).join('、')}`);
  shown.forEach((hit, i) => {
    const p = hit.program;
    lines.push(`${String(offset + i + 1).padStart(2)}. ${p.name} — ${p.agency}`);
    lines.push(`    ${maxAmountLabel(p) ?? `${formatBudget(p)} / 重点: ${keyProjectLabel(p)}`}`); // jGrants: its maximum amount
    const snippet = markSnippet(hit.snippet);
    if (snippet) lines.push(`    ${snippet}`);
    // Why a question in a client's words found it: the 相談例 that says most of it. Named as what
    // search used, not as a fact of the program: 相談例 are search aids awaiting staff review.
    if (hit.consultation) lines.push(`    検索に使った相談例: 「${hit.consultation}」`);
    // No word of the question found it: the purpose its words lean to did (client-words.ts).
    if (hit.byCategory) lines.push(`    ご相談の言葉から「${hit.byCategory}」に当たる事業として表示`);
    // jGrants programs: the period in JST and the page; catalog programs have neither.
    const period = describePeriod(p, new Date());
    if (period) lines.push(`    ${period}`);
    if (isImported(p) && p.imported.url) lines.push(`    ${p.imported.url}`);
    lines.push(`    id: ${p.id}`);
  });
  // The jGrants terms: the credit wherever its content is shown (excerpts: 一部を要約).
  if (shown.some((h) => isImported(h.program))) lines.push(`${JGRANTS_CREDIT}${EXCERPT_NOTE}`);
  return lines.join('\n');
}

/**
 * Text for a terminal: C0 and C1 control characters (ESC sequences, BEL) from catalog or jGrants
 * text would clear the screen or recolour it; tabs and line breaks stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu, '');
}
