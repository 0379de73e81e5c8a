import { z } from 'zod';
import { KEY_PROJECT_NUMBERS } from './key-projects.js';

/**
 * Purpose categories, modeled on jGrants' `use_purpose` list. Stored per program in
 * the catalog (reviewed by a person), never guessed at query time.
 */
export const PURPOSES = [
  '新たな事業を行いたい',
  '販路拡大・海外展開をしたい',
  '事業を引き継ぎたい',
  '資金繰りを改善したい',
  '経営改善・経営相談をしたい',
  '人材育成を行いたい',
  '設備整備・IT導入をしたい',
  '研究開発・実証事業を行いたい',
  '雇用・職場環境を改善したい',
  '災害・事業継続に備えたい',
  'まちづくり・地域振興を行いたい',
] as const;
export const PurposeSchema = z.enum(PURPOSES);
export type Purpose = z.infer<typeof PurposeSchema>;

const nonBlank = z.string().trim().min(1, '空文字は使えません');

export const KeyProjectSchema = z
  .number()
  .int()
  .refine((n) => (KEY_PROJECT_NUMBERS as readonly number[]).includes(n), '重点プロジェクトは 1〜4 の番号です');

export const SourceRefSchema = z
  .object({
    /** File name of the source document under seeds/sources/. */
    document: nonBlank,
    /** Page of the document (1-based, as counted by its header groups). */
    page: z.number().int().positive().optional(),
  })
  .strict();

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
    name: nonBlank,
    /** Implementing body as printed, e.g. 県新産業創出室 (resolved through seeds/agencies.yaml). */
    agency: nonBlank,
    /** R5予算 in thousands of yen; null when the document prints no number. */
    budgetThousandYen: z.number().int().nonnegative().nullable().optional(),
    /** The printed budget text, kept when it is not a plain number (未定, －, 1.333). */
    budgetText: z.string().optional(),
    /** Fiscal year the budget and overview are for (2023 = 令和5年度). */
    fiscalYear: z.number().int().min(1990).max(2100).optional(),
    /** ○R5事業概要 */
    overview: z.string().optional(),
    /** ○R4実施内容 */
    results: z.string().optional(),
    /** 重点プロジェクト numbers (1–4); titles in key-projects.ts. */
    keyProjects: z.array(KeyProjectSchema).optional(),
    /** 関係機関 as printed. */
    relatedOrgs: z.string().optional(),
    /** Purpose categories (reviewed). */
    purposes: z.array(PurposeSchema).optional(),
    source: SourceRefSchema.optional(),
    /** Free text: how an uncertain attribution was decided, who corrected what. */
    reviewNote: z.string().optional(),
  })
  .strict();

export type ProgramInput = z.infer<typeof ProgramSchema>;
/** A program after loading: the id is always present. */
export type Program = ProgramInput & { id: string };

/** A catalog file is a YAML list of programs. */
export const CatalogFileSchema = z.array(ProgramSchema);

export const AGENCY_KINDS = ['県', '市', '商工会議所', '商工会', '金融機関', '大学', '国の機関', '団体'] as const;
export const AgencyKindSchema = z.enum(AGENCY_KINDS);
export type AgencyKind = z.infer<typeof AgencyKindSchema>;

const optionalContact = z.string().trim().min(1).optional();

export const AgencySchema = z
  .object({
    id: z.string().regex(PROGRAM_ID_PATTERN),
    /** Full official name. */
    name: nonBlank,
    kind: AgencyKindSchema,
    /** Spellings as printed in documents (県産業立地課, 産業立地課, …). */
    aliases: z.array(nonBlank).default([]),
    /** Contact fields are filled only from a source; empty otherwise. */
    contact: z
      .object({ url: z.string().url().optional(), phone: optionalContact, email: z.string().email().optional(), note: optionalContact })
      .strict()
      .default({}),
  })
  .strict();
export type Agency = z.infer<typeof AgencySchema>;
export const AgenciesFileSchema = z.array(AgencySchema);
