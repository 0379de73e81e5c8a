/**
 * Line-level reading of a 関係機関 program-list document: what each extracted line is.
 * The PDF extraction keeps lines intact but scrambles their order, so the parser first
 * classifies lines, then groups them (see parse-cards.ts).
 */

export type Line =
  | { kind: 'blank'; no: number }
  | { kind: 'noise'; no: number; text: string }
  | { kind: 'header'; no: number; name: string; budget: string; fiscalYear?: number }
  | { kind: 'overview'; no: number; inline: string }
  | { kind: 'results'; no: number; inline: string }
  | { kind: 'projectLabel'; no: number; value: string }
  | { kind: 'orgsLabel'; no: number; value: string }
  | { kind: 'projectValue'; no: number; text: string }
  | { kind: 'text'; no: number; text: string; indented: boolean; indent: number };

/** Whitespace the extraction produces: ASCII, ideographic (U+3000) and em (U+2003) spaces. */
const SPACE = /[\s\u2003\u3000]/gu;

/** `事 業 名 <name> R5予算 <budget>千円<glued name>`; the name may be missing or glued after. */
const HEADER = /^事\s*業\s*名\s*(.*?)\s*R\s*(\d+)\s*予算\s*(.*?)\s*千円\s*(.*)$/u;
const OVERVIEW = /^[○〇]\s*R\s*\d+\s*事業(?:概要|課題)\s*[:：]?\s*(.*)$/u;
const RESULTS = /^[○〇]\s*R\s*\d+\s*実施内容\s*(.*)$/u;
const PROJECT_LABEL = /^(.*?)重点プロジェクト\s*(.*)$/u;
const ORGS_LABEL = /^関係機関(?:\s+(.*))?$/u;
const PROJECT_VALUE = /^[①②③④].*プロジェクト$/u;
/** Page furniture: document number, page numbers, the title line. */
const NOISE = [/^資料\s*[0-9０-９]+\s*[－-]\s*[0-9０-９]+$/u, /^[0-9０-９]+\s*ページ$/u, /^商工業振興プランに係る事業・取組の概要/u];

/** 令和 n 年度 → Western fiscal year. */
export function reiwaToYear(n: number): number {
  return 2018 + n;
}

export function classifyLine(raw: string, no: number): Line {
  const text = raw.replace(/[\u2003\u3000]/gu, ' ').trimEnd();
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'blank', no };
  let m = HEADER.exec(trimmed);
  if (m) {
    const name = [m[1], m[4]].map((s) => (s ?? '').trim()).filter(Boolean).join('');
    return { kind: 'header', no, name, budget: (m[3] ?? '').replace(SPACE, ''), fiscalYear: reiwaToYear(Number(m[2])) };
  }
  if (NOISE.some((re) => re.test(trimmed))) return { kind: 'noise', no, text: trimmed };
  if ((m = OVERVIEW.exec(trimmed))) return { kind: 'overview', no, inline: (m[1] ?? '').trim() };
  if ((m = RESULTS.exec(trimmed))) return { kind: 'results', no, inline: (m[1] ?? '').trim() };
  // Labels stand at the left margin; an indented 関係機関… is a sentence of an overview.
  const indented = /^\s/u.test(text);
  if (!indented && (m = ORGS_LABEL.exec(trimmed))) return { kind: 'orgsLabel', no, value: (m[1] ?? '').trim() };
  if (!indented && (m = PROJECT_LABEL.exec(trimmed)) && (m[1] === '' || PROJECT_VALUE.test((m[1] ?? '').trim()))) {
    return { kind: 'projectLabel', no, value: `${(m[1] ?? '').trim()}${(m[2] ?? '').trim()}` };
  }
  if (PROJECT_VALUE.test(trimmed)) return { kind: 'projectValue', no, text: trimmed };
  return { kind: 'text', no, text: trimmed, indented, indent: text.length - text.trimStart().length };
}

/**
 * Join lines the PDF wrapped. A line that starts with a list marker, or is indented at
 * least as deeply as the line that began the current sentence, begins a new line of its
 * own; any other line continues the one before (the PDF broke it at the column edge).
 * "At least as deeply" keeps hanging indents together: `  地域…ブラッシュ` / ` アップ…`.
 * Latin words broken across lines get their space back.
 */
export function reflow(lines: ReadonlyArray<{ text: string; indented: boolean; indent?: number }>): string {
  const out: string[] = [];
  let startIndent = 0;
  for (const { text, indented, indent = indented ? 1 : 0 } of lines) {
    const listItem = /^[・･●○〇◆■□※【\[（(「『]|^[0-9０-９]+[．.、)）]|^[①-⑳]|^[―ー-]\s/u.test(text);
    const prev = out.length ? out[out.length - 1]! : undefined;
    if (prev === undefined || listItem || (indent > 0 && indent >= startIndent)) {
      out.push(text);
      startIndent = indent;
    } else {
      out[out.length - 1] = joinWrapped(prev, text);
    }
  }
  return out.join('\n').trim();
}

/** Join two pieces of one wrapped line: Latin/digit on both sides get a space between. */
export function joinWrapped(a: string, b: string): string {
  return /[A-Za-z0-9]$/u.test(a) && /^[A-Za-z0-9]/u.test(b) ? `${a} ${b}` : `${a}${b}`;
}

/** Split `名前（機関）` at its last top-level parenthesised part. */
export function splitNameAgency(text: string): { name: string; agency: string } | undefined {
  const t = text.trim();
  if (!/[）)]$/u.test(t)) return undefined;
  let depth = 0;
  for (let i = t.length - 1; i >= 0; i--) {
    const c = t[i];
    if (c === '）' || c === ')') depth++;
    else if (c === '（' || c === '(') {
      depth--;
      if (depth === 0) {
        const name = t.slice(0, i).trim();
        const agency = t.slice(i + 1, -1).trim();
        return name && agency ? { name, agency } : undefined;
      }
    }
  }
  return undefined;
}

/** Whether a parenthesised part reads as an implementing body rather than a note. */
export function looksLikeAgency(agency: string): boolean {
  return agency.length >= 2 && agency.length <= 24 && !/[、，,：:\s]|^代表|^委託|^※/u.test(agency);
}

export interface Budget {
  budgetThousandYen: number | null;
  /** Printed text, kept when it is not a plain number. */
  budgetText?: string;
}

/**
 * R5予算 as printed → thousands of yen. Blank, 未定 and － are "no number"; `1.333`
 * (a full stop typed for the thousands comma) is 1,333.
 */
export function parseBudget(printed: string): Budget {
  const t = printed.normalize('NFKC').replace(/\s+/gu, '');
  if (t === '') return { budgetThousandYen: null };
  if (/^\d{1,3}(,\d{3})*$|^\d+$/u.test(t)) return { budgetThousandYen: Number(t.replace(/,/gu, '')) };
  if (/^\d{1,3}(\.\d{3})+$/u.test(t)) return { budgetThousandYen: Number(t.replace(/\./gu, '')), budgetText: printed.trim() };
  return { budgetThousandYen: null, budgetText: printed.trim() };
}
