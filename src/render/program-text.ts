import { resolveContacts, type StaffContacts } from '../catalog/contacts.js';
import type { Agency, Program } from '../catalog/schema.js';
import { formatYen } from '../sources/amount.js';
import { describePeriod } from '../sources/period.js';
import { creditOf, isImported, LIST_ONLY_NOTE, missing, NOT_FETCHED } from '../sources/program.js';
import { formatBudget } from './budget.js';
import { contactText } from './contact.js';
import { keyProjectLabel } from './text.js';

/**
 * 詳細 as plain text, for the local console: what Slack's card shows (slack/render/card.ts),
 * without its markup and without its cuts (a terminal scrolls). A value the catalog does not
 * state is shown as 記載なし, never guessed.
 */
const NOT_STATED = '記載なし';

export function renderProgramText(program: Program, agency: Agency | undefined, today: Date, staff?: StaffContacts): string {
  const imported = isImported(program) ? program : undefined;
  // Unknown for a program read from jGrants' list alone (未取得), not absent at the source.
  const notStated = imported ? missing(imported) : NOT_STATED;
  const indent = (text: string | undefined, empty = notStated) => (text?.trim() ? text.trim().split('\n').map((l) => `  ${l}`) : [`  ${empty}`]);
  const lines = [program.name, `  実施機関: ${program.agency}${agency ? `（${agency.kind}）` : ''}`];
  if (imported) {
    // What Slack's card shows of a jGrants program; not the catalog's 予算 and 重点プロジェクト.
    const i = imported.imported;
    lines.push(
      `  上限額: ${i.maxAmountYen !== undefined ? formatYen(i.maxAmountYen) : notStated}`,
      `  補助率: ${i.subsidyRate ?? notStated}`,
      `  対象地域: ${i.areas?.length ? i.areas.join('、') : '記載なし'}`,
      `  従業員数: ${i.employees ?? notStated}`,
    );
  } else lines.push(`  予算: ${formatBudget(program)}`, `  重点プロジェクト: ${keyProjectLabel(program)}`);
  lines.push(`  目的: ${program.purposes?.length ? program.purposes.join('、') : notStated}`);
  const period = describePeriod(program, today);
  if (period) lines.push(`  ${period}`);
  lines.push('事業概要', ...indent(program.overview, imported?.imported.listOnly ? LIST_ONLY_NOTE : notStated));
  if (!imported) lines.push('前年度 (R4) の実施内容', ...indent(program.results));
  if (program.relatedOrgs?.trim()) lines.push('関係機関', ...indent(program.relatedOrgs));
  if (imported) {
    const c = imported.imported.contact;
    const contact = c ? [c.desk, c.address, c.phone && `Tel ${c.phone}`, c.email && `E-mail ${c.email}`].filter((l): l is string => Boolean(l)) : [];
    const none = imported.imported.listOnly ? NOT_FETCHED : 'Jグランツの記載に問い合わせ先はありません。Jグランツのページをご確認ください。';
    lines.push('問い合わせ先（Jグランツの記載）', ...(contact.length ? contact.map((l) => `  ${l}`) : [`  ${none}`]));
    for (const url of (imported.imported.referenceUrls ?? []).slice(0, 5)) lines.push(`  参照: ${url}`);
    if (imported.imported.url) lines.push(`  ${imported.imported.url}`);
  } else {
    lines.push(...contactText(resolveContacts(program, agency, staff), today).split('\n').map((l, i) => (i === 0 ? l : `  ${l}`)));
  }
  const s = program.source;
  lines.push(creditOf(program) ?? (s ? `出典: ${s.document}${s.page ? ` ${s.page} ページ` : ''}` : `出典: ${NOT_STATED}`));
  lines.push(`id: ${program.id}`);
  return lines.join('\n');
}
