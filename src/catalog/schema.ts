import { z } from 'zod';
import { AGENCY_KINDS, CONTACT_LIMITS, NEED_NAME_MAX, PURPOSES } from './constants.js';
import { KEY_PROJECT_NUMBERS } from './key-projects.js';

export { AGENCY_KINDS, CONTACT_LIMITS, PURPOSES } from './constants.js';
export const PurposeSchema = z.enum(PURPOSES);
export type { AgencyKind, Purpose } from './constants.js';

const nonBlank = z.string().trim().min(1, '空文字は使えません');

/**
 * Most characters of a program's (and an agency's) text fields: far above anything printed
 * (the bundled catalog's longest: name 51, overview 652, results 932), so that a file with a
 * runaway field (a megabyte pasted by mistake) is refused at load with its file, line and
 * field instead of being analysed for minutes and shown to advisors.
 */
export const TEXT_LIMITS = { name: 200, agency: 100, budgetText: 100, overview: 5_000, results: 5_000, relatedOrgs: 2_000, reviewNote: 5_000, document: 300 } as const;

/** `schema` refusing more than TEXT_LIMITS[field] characters, saying how many there are. */
const limited = (schema: z.ZodString, field: keyof typeof TEXT_LIMITS) =>
  schema.max(TEXT_LIMITS[field], {
    error: (issue) => `長すぎます (${typeof issue.input === 'string' ? issue.input.length.toLocaleString('en-US') : '?'} 文字、上限 ${TEXT_LIMITS[field].toLocaleString('en-US')} 文字)`,
  });

export const KeyProjectSchema = z
  .number()
  .int()
  .refine((n) => (KEY_PROJECT_NUMBERS as readonly number[]).includes(n), '重点プロジェクトは 1〜4 の番号です');

export const SourceRefSchema = z
  .object({
    /** File name of the source document under seeds/sources/. */
    document: limited(nonBlank, 'document'),
    /** Page of the document (1-based, as counted by its header groups). */
    page: z.number().int().positive().optional(),
  })
  .strict();

/** `http:` or `https:` only: a card turns it into a link, and `javascript:` or `file:` must never be one. */
export function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD` that is a real calendar day (2026-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/**
 * A Japanese phone number as printed: digits with hyphens, spaces or parentheses, 10 or 11
 * digits starting with 0 (099-000-0000, 0120-000-000), or the same after +81.
 */
export function isPhoneNumber(text: string): boolean {
  if (!/^\+?[0-9(][0-9\- ()]*$/.test(text)) return false;
  const digits = text.replace(/[^0-9]/g, '');
  return text.startsWith('+81') ? /^81[1-9]\d{8,9}$/.test(digits) : /^0\d{9,10}$/.test(digits);
}


/**
 * Control characters other than line breaks and tabs: a NUL reached Slack in a card and made
 * PostgreSQL refuse the save for good (jsonb), and an escape sequence in a source became a hidden
 * terminal link in `shien agencies` (walk-through). No contact needs one.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

/**
 * A contact stored before these checks, read back: control characters dropped from its values
 * (an edit saved with one is served cleaned, rather than skipped for an older one), then checked.
 */
export function storedContact(raw: unknown): ReturnType<typeof ContactSchema.safeParse> {
  const cleaned =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw)
      ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v.replace(CONTROL_CHARACTERS, '') : v]))
      : raw;
  return ContactSchema.safeParse(cleaned);
}
const noControls = (label: string) => [(v: string) => !CONTROL_CHARACTER.test(v), `${label}に制御文字 (NUL・ESC など) が入っています`] as const;

const contactText = (field: keyof typeof CONTACT_LIMITS, label: string) =>
  z
    .string({ error: `${label}は文字列で書いてください` })
    .trim()
    .min(1, `${label}が空です (不明なら項目ごと書かないでください)`)
    .max(CONTACT_LIMITS[field], `${label}は ${CONTACT_LIMITS[field]} 文字以内です`)
    .refine(...noControls(label));

/**
 * A source that is a URL (a scheme with //, or one that runs or embeds something; compared after
 * NFKC: ｊａｖａｓｃｒｉｐｔ: is javascript:) must be a web address; one that is a web address
 * without its scheme (www.example.jp/…, example.go.jp/…) must say https://, or it is shown as a
 * document's name. A document's name may hold a colon or a dot (JETRO：ハンドブック, tebiki2024.pdf).
 */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const ACTIVE_SCHEME = /^(javascript|vbscript|data|file|blob):/i;
const BARE_WEB_ADDRESS = /^(www\.[a-z0-9-]+(\.[a-z0-9-]+)+|[a-z0-9-]+(\.[a-z0-9-]+)*\.(jp|com|net|org|info|biz|io))(\/\S*)?$/i;
function isSourceText(v: string): boolean {
  const folded = v.normalize('NFKC').trim();
  if (URL_SCHEME.test(folded) || ACTIVE_SCHEME.test(folded)) return isWebUrl(v);
  return !BARE_WEB_ADDRESS.test(folded);
}

/**
 * Whom to call: one desk of an agency or of a program. Every value comes from `source` (a
 * web page's URL or an official document's name) as read on `checkedOn`; a contact without
 * them is refused, because a phone number nobody can trace cannot be trusted or kept current.
 */
export const ContactSchema = z
  .object({
    /** 窓口: the section or desk to ask for. */
    desk: contactText('desk', '窓口 (desk)').optional(),
    phone: contactText('phone', '電話 (phone)')
      .refine(isPhoneNumber, '電話 (phone) は 099-000-0000 の形で書いてください (0 で始まる 10〜11 桁)')
      .optional(),
    email: contactText('email', 'メール (email)')
      .refine((v) => /^[^\s@<>|]+@[^\s@<>|]+\.[^\s@<>|]+$/.test(v), 'メール (email) は name@example.jp の形で書いてください')
      .optional(),
    url: contactText('url', 'URL (url)').refine(isWebUrl, 'URL (url) は http:// か https:// で始まる Web のアドレスです').optional(),
    address: contactText('address', '所在地 (address)').optional(),
    hours: contactText('hours', '受付時間 (hours)').optional(),
    note: contactText('note', '備考 (note)').optional(),
    /** Where every value above was read: a URL (http/https) or the name of an official document. */
    source: z
      .string({ error: '出典 (source) がありません: 連絡先を読んだページの URL か公式資料の名前を書いてください' })
      .trim()
      .min(1, '出典 (source) が空です: 連絡先を読んだページの URL か公式資料の名前を書いてください')
      .max(CONTACT_LIMITS.source, `出典 (source) は ${CONTACT_LIMITS.source} 文字以内です`)
      .refine(...noControls('出典 (source)'))
      .refine(isSourceText, '出典 (source) の URL は http:// か https:// で始まる形で書いてください'),
    /** The day someone last read the source and found these values there. */
    checkedOn: z
      .string({ error: '確認日 (checkedOn) がありません: 出典を確認した日を 2026-11-27 の形で書いてください' })
      .refine(isCalendarDate, '確認日 (checkedOn) は 2026-11-27 の形の日付です'),
  })
  .strict()
  .refine((c) => Boolean(c.desk || c.phone || c.email || c.url || c.address), {
    message: '連絡先に窓口・電話・メール・URL・所在地のどれもありません',
  });
export type Contact = z.infer<typeof ContactSchema>;

export const PROGRAM_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;

/**
 * The single definition of a program. Only `name` and `agency` are required: a program a
 * member of staff adds by hand may know nothing else. Missing fields stay missing; the
 * surfaces show them as missing rather than inventing anything.
 */
export const ProgramSchema = z
  .object({
    /** Stable id. Derived from agency + name when absent (see programId). */
    id: z.string().regex(PROGRAM_ID_PATTERN, 'id は英小文字・数字・ハイフン (3〜64 文字) です').optional(),
    /** Program name as printed (without the agency in （）). */
    name: limited(nonBlank, 'name'),
    /** Implementing body as printed, e.g. 県新産業創出室 (resolved through seeds/agencies.yaml). */
    agency: limited(nonBlank, 'agency'),
    /** R5予算 in thousands of yen; null when the document prints no number. */
    budgetThousandYen: z.number().int().nonnegative().nullable().optional(),
    /** The printed budget text, kept when it is not a plain number (未定, －, 1.333). */
    budgetText: limited(z.string(), 'budgetText').optional(),
    /** Fiscal year the budget and overview are for (2023 = 令和5年度). */
    fiscalYear: z.number().int().min(1990).max(2100).optional(),
    /** ○R5事業概要 */
    overview: limited(z.string(), 'overview').optional(),
    /** ○R4実施内容 */
    results: limited(z.string(), 'results').optional(),
    /** 重点プロジェクト numbers (1–4); titles in key-projects.ts. */
    keyProjects: z.array(KeyProjectSchema).optional(),
    /** 関係機関 as printed. */
    relatedOrgs: limited(z.string(), 'relatedOrgs').optional(),
    /** Purpose categories (reviewed). */
    purposes: z.array(PurposeSchema).optional(),
    /**
     * 相談例: how a client would put the need this program serves (「売上が落ちて返済が苦しい」),
     * written from the program's own text (overview, results, purposes) and reviewed; searched
     * as their own field, so a question in a client's words finds the program.
     */
    consultations: z.array(nonBlank.max(80, '相談例 (consultations) は 1 件 80 文字以内です')).max(20, '相談例 (consultations) は 20 件までです').optional(),
    /**
     * 相談の種類: the finer needs this program serves, in a client's terms (運転資金を借りたい,
     * 会社を第三者に譲りたい), one taxonomy across the catalog, written from the program's own
     * text and awaiting staff review like the 相談例. Search reads which need a question's words
     * lean to from the 相談例 of the programs having it (purpose-model.ts). When seeds/needs.yaml
     * exists, every name must be one of its names (load.ts refuses the catalog otherwise).
     */
    needs: z.array(nonBlank.max(NEED_NAME_MAX, `相談の種類 (needs) は 1 件 ${NEED_NAME_MAX} 文字以内です`)).max(10, '相談の種類 (needs) は 10 件までです').optional(),
    source: SourceRefSchema.optional(),
    /** The program's own desk, when a source gives one; it beats the agency's contacts on a card. */
    contact: ContactSchema.optional(),
    /** Free text: how an uncertain attribution was decided, who corrected what. */
    reviewNote: limited(z.string(), 'reviewNote').optional(),
  })
  .strict();

export type ProgramInput = z.infer<typeof ProgramSchema>;
/** A program after loading: the id is always present. */
export type Program = ProgramInput & { id: string };

/** A catalog file is a YAML list of programs. */
export const CatalogFileSchema = z.array(ProgramSchema);

export const AgencyKindSchema = z.enum(AGENCY_KINDS);

export const AgencySchema = z
  .object({
    id: z.string().regex(PROGRAM_ID_PATTERN, 'id は英小文字・数字・ハイフン (3〜64 文字) です'),
    /** Full official name. */
    name: limited(nonBlank, 'agency'),
    kind: AgencyKindSchema,
    /** Spellings as printed in documents (県産業立地課, 産業立地課, …). */
    aliases: z.array(limited(nonBlank, 'agency')).default([]),
    /** Whom to call (a desk each), only from a cited source; none means 「連絡先未登録」. */
    contacts: z.array(ContactSchema).optional(),
  })
  .strict();
export type Agency = z.infer<typeof AgencySchema>;
export const AgenciesFileSchema = z.array(AgencySchema);
