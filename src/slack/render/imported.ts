import type { Program } from '../../catalog/schema.js';
import { formatYen } from '../../sources/amount.js';
import { describePeriod } from '../../sources/period.js';
import { creditOf, isImported, JGRANTS_CREDIT, missing, NOT_FETCHED, SHORTENED_NOTE, type ImportedProgram } from '../../sources/program.js';
import type { Block, Button } from '../blocks.js';
import { escapeCut, escapeMrkdwn } from '../mrkdwn.js';

/**
 * What a card and a result list show of a program imported from jGrants, beside what the
 * catalog's own programs show: the application period in JST, the facts jGrants gives
 * (maximum amount, rate, areas, employees), the 問合せ先 exactly as its text prints it, the
 * reference URLs, a button to the jGrants page, and the credit the jGrants terms require.
 * Everything from jGrants is untrusted text: escaped and bounded here.
 */

/** The URL button to the program's page at jGrants (Slack still sends its click: acked by its listener). */
export const SOURCE_PAGE_ACTION = 'source_page';
export { formatYen };

const VALUE_ROOM = 200;
const value = (text: string, room = VALUE_ROOM) => escapeCut(text, room).text;
/** A link in mrkdwn to an http(s) URL the mapping checked; `|` and `>` cannot end it early. */
function link(url: string, label: string): string {
  const target = escapeMrkdwn(url).replace(/\|/g, '%7C');
  return target.length <= 600 ? `<${target}|${label}>` : label;
}

/** 受付中（締切 …） and friends, 掲載終了 first when jGrants no longer lists the program; undefined for catalog programs. */
export function periodText(program: Program, now: Date): string | undefined {
  return describePeriod(program, now);
}

function areasText(p: ImportedProgram): string {
  const areas = p.imported.areas ?? [];
  if (!areas.length) return '記載なし';
  if (areas.includes('全国')) return '全国';
  return areas.length > 8 ? `${areas.slice(0, 8).join('、')} ほか ${areas.length - 8}` : areas.join('、');
}

function contactText(p: ImportedProgram): string {
  const c = p.imported.contact;
  if (!c && p.imported.listOnly) return `*問い合わせ先（Jグランツの記載）*\n${NOT_FETCHED}`;
  if (!c) return '*問い合わせ先（Jグランツの記載）*\nJグランツの記載に問い合わせ先はありません。Jグランツのページをご確認ください。';
  const lines = [
    c.desk && value(c.desk),
    c.address && value(c.address),
    c.phone && `Tel ${value(c.phone, 40)}`,
    c.email && `E-mail ${value(c.email, 120)}`,
  ].filter((l): l is string => Boolean(l));
  return `*問い合わせ先（Jグランツの記載）*\n${lines.join('\n')}`;
}

/** The credit block: 出典：Jグランツ（jGrants）, with （一部を要約） when the text shown was shortened. */
export function creditBlock(credit: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(credit) }] };
}

/** The blocks a card adds for an imported program (none for a catalog program). */
export function importedCardBlocks(program: Program, now: Date): Block[] {
  if (!isImported(program)) return [];
  const i = program.imported;
  const fields = [
    `*受付期間*\n${value(periodText(program, now) ?? '記載なし')}`,
    `*上限額*\n${i.maxAmountYen !== undefined ? formatYen(i.maxAmountYen) : missing(program)}`,
    `*補助率*\n${i.subsidyRate ? value(i.subsidyRate, 100) : missing(program)}`,
    `*対象地域*\n${value(areasText(program))}`,
    `*従業員数*\n${i.employees ? value(i.employees, 100) : missing(program)}`,
  ];
  const blocks: Block[] = [
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn' as const, text })) },
    { type: 'section', text: { type: 'mrkdwn', text: contactText(program) } },
  ];
  const urls = (i.referenceUrls ?? []).slice(0, 5);
  if (urls.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*参照URL*\n${urls.map((u) => link(u, value(u, 100))).join('\n')}` } });
  if (i.url) {
    const button: Button = { type: 'button', text: { type: 'plain_text', text: 'Jグランツで見る' }, action_id: SOURCE_PAGE_ACTION, url: i.url };
    blocks.push({ type: 'actions', elements: [button] });
  }
  return blocks;
}

/**
 * The credit line of a result list or digest showing `programs`: undefined when none is
 * imported. Lists show excerpts (a snippet, one line of the overview), so the note that the
 * text was shortened is always added.
 */
export function listCredit(programs: readonly Program[]): string | undefined {
  return programs.some(isImported) ? `${JGRANTS_CREDIT}${SHORTENED_NOTE}` : undefined;
}

/** The card's source line for an imported program: its credit (undefined for catalog programs). */
export function importedSourceLine(program: Program): string | undefined {
  return creditOf(program);
}

/**
 * What `/支援 help` adds when jGrants programs are served: how many, and the period and area
 * filters (they match only jGrants programs, so they are not offered without them).
 */
export function importedHelp(programs: readonly Program[], command = '/支援'): { intro: string; lines: string[] } | undefined {
  const count = programs.filter(isImported).length;
  if (!count) return undefined;
  return {
    intro: `Jグランツに掲載の補助金 ${count} 件も、受付期間つきで一緒に探せます。`,
    lines: [
      `\`${command} 受付中 補助金\` — いま申請を受け付けている事業 (Jグランツ掲載分)`,
      `\`${command} 締切:30日以内\` — 締切が近い順に (締切:7日以内、締切が近い、今月締切 なども)`,
      `\`${command} 地域:鹿児島県\` — 対象地域で絞る (全国対象の事業も含む)`,
    ],
  };
}
