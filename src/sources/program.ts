import type { Program } from '../catalog/schema.js';

/**
 * Programs imported from an external source (jGrants) beside the reviewed catalog.
 *
 * An imported program is a catalog `Program` (so search, cards and notices take it as it is)
 * plus `imported`: what the source says that the catalog has no field for. Only what the
 * source prints is filled in; a missing value stays missing.
 */
export const SOURCE_NAMES = ['jgrants'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface ImportedContact {
  /** The desk as printed (first line of the 問合せ先 block). */
  desk?: string;
  phone?: string;
  email?: string;
  /** Postal address as printed (the line with 〒). */
  address?: string;
}

export interface ImportedInfo {
  source: SourceName;
  /** The id at the source (jGrants: 18 characters). */
  externalId: string;
  /** The program's page at the source (http/https only). */
  url?: string;
  /** Application period as UTC instants (ISO 8601); either end may be unknown. */
  acceptance?: { start?: string; end?: string };
  /** Target areas (全国, 九州・沖縄地方, 鹿児島県, …), as the source lists them. */
  areas?: string[];
  industries?: string[];
  employees?: string;
  subsidyRate?: string;
  /** Maximum amount in yen; absent when the source gives none (or one of its "not set" sentinels). */
  maxAmountYen?: number;
  contact?: ImportedContact;
  /** Reference URLs printed in the source's text (http/https only). */
  referenceUrls?: string[];
  /** True when the source's text was shortened to fit (shown as 「（一部を要約）」). */
  shortened?: boolean;
  /**
   * True when only the source's list entry was read, not its detail (jGrants: a program closed
   * more than 30 days before it was first seen, or a detail that failed): overview, rate,
   * employees and contact are then unknown here, not absent at the source, and cards say so.
   */
  listOnly?: boolean;
  /** When the source no longer lists the program (掲載終了); set by the store, never by a mapping. */
  closedAt?: string;
}

export type ImportedProgram = Program & { imported: ImportedInfo };

export function isImported(program: Program): program is ImportedProgram {
  return typeof (program as Partial<ImportedProgram>).imported === 'object' && (program as Partial<ImportedProgram>).imported !== null;
}

/** The credit the jGrants terms require wherever its content is shown. */
export const JGRANTS_CREDIT = '出典：Jグランツ（jGrants）';
/** Added to the credit when the text shown was shortened (the terms require saying so). */
export const SHORTENED_NOTE = '（一部を要約）';

/** The credit line for an imported program, with the note when its text was shortened. */
export function creditOf(program: Program): string | undefined {
  if (!isImported(program)) return undefined;
  return program.imported.shortened ? `${JGRANTS_CREDIT}${SHORTENED_NOTE}` : JGRANTS_CREDIT;
}

/** What a card says of a field jGrants does not give, or that was not read (listOnly). */
export const NOT_FETCHED = '未取得 (Jグランツのページをご確認ください)';
/** For a program imported from jGrants' list alone: its detail (overview, rate, contact) was not read. */
export const LIST_ONLY_NOTE = 'Jグランツの一覧の情報だけを取り込んだ事業です (締切から30日以上たっていたため、または詳細を取得できなかったため)。概要・補助率・問い合わせ先は Jグランツのページをご確認ください。';

/** What a card shows for an empty field: 記載なし when jGrants gave none, 未取得 when it was not read. */
export function missing(p: ImportedProgram): string {
  return p.imported.listOnly ? NOT_FETCHED : '記載なし';
}
