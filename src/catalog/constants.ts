/*
 * The catalog's fixed categories and bounds as plain constants. schema.ts builds its zod enums from them;
 * code that only needs the names (the search engine) imports them from here and does not
 * load zod (issue 11: zod is a sixth of the console's start-up).
 */

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

export type Purpose = (typeof PURPOSES)[number];

/** Most characters of a 相談の種類 (a program's `needs`, a name in seeds/needs.yaml): a line of a list. */
export const NEED_NAME_MAX = 30;

/** The kinds of agency (agencies.yaml `kind`). */
export const AGENCY_KINDS = ['県', '市', '商工会議所', '商工会', '金融機関', '大学', '国の機関', '団体'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

/** Bounds of one contact's text fields: a card shows them whole. */
export const CONTACT_LIMITS = { desk: 120, phone: 30, email: 254, url: 500, address: 200, hours: 200, note: 500, source: 500 } as const;
