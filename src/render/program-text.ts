import { resolveContacts } from '../catalog/contacts.js';
import type { Agency, Program } from '../catalog/schema.js';
import { maxAmountLabel } from '../sources/amount.js';
import { describePeriod } from '../sources/period.js';
import { creditOf, isImported } from '../sources/program.js';
import { formatBudget } from './budget.js';
import { contactText } from './contact.js';
import { keyProjectLabel } from './text.js';

/**
 * 詳細 as plain text, for the local console: what Slack's card shows (slack/render/card.ts),
 * without its markup and without its cuts (a terminal scrolls). A value the catalog does not
 * state is shown as 記載なし, never guessed.
 */
const NOT_STATED = '記載なし';

export function renderProgramText(program: Program, agency: Agency | undefined, today: Date): string {
  const indent = (text: string | undefined) => (text?.trim() ? text.trim().split('\n').map((l) => `  ${l}`) : [`  ${NOT_STATED}`]);
  const lines = [
    program.name,
    `  実施機関: ${program.agency}${agency ? `（${agency.kind}）` : ''}`,
    `  予算: ${maxAmountLabel(program) ?? formatBudget(program)}`,
    `  重点プロジェクト: ${keyProjectLabel(program)}`,
    `  目的: ${program.purposes?.length ? program.purposes.join('、') : NOT_STATED}`,
  ];
  const period = describePeriod(program, today);
  if (period) lines.push(`  ${period}`);
  lines.push('事業概要', ...indent(program.overview));
  if (!isImported(program)) lines.push('前年度 (R4) の実施内容', ...indent(program.results));
  if (program.relatedOrgs?.trim()) lines.push('関係機関', ...indent(program.relatedOrgs));
  if (isImported(program)) {
    const c = program.imported.contact;
    const contact = c ? [c.desk, c.address, c.phone && `Tel ${c.phone}`, c.email && `E-mail ${c.email}`].filter((l): l is string => Boolean(l)) : [];
    lines.push('問い合わせ先（Jグランツの記載）', ...(contact.length ? contact.map((l) => `  ${l}`) : ['  Jグランツの記載に問い合わせ先はありません。Jグランツのページをご確認ください。']));
    if (program.imported.url) lines.push(`  ${program.imported.url}`);
  } else {
    lines.push(...contactText(resolveContacts(program, agency), today).split('\n').map((l, i) => (i === 0 ? l : `  ${l}`)));
  }
  const s = program.source;
  lines.push(creditOf(program) ?? (s ? `出典: ${s.document}${s.page ? ` ${s.page} ページ` : ''}` : `出典: ${NOT_STATED}`));
  lines.push(`id: ${program.id}`);
  return lines.join('\n');
}
