import { PURPOSES, type Purpose } from '../../catalog/constants.js';
import { htmlToLines, linkTargets } from '../html.js';
import type { ImportedInfo, ImportedProgram } from '../program.js';
import { extractContact, extractUrls, safeUrl } from './detail.js';
import type { JgrantsDetail, JgrantsListItem } from './parser.js';

/**
 * A jGrants record (a list item, and its detail when fetched) as a program beside the
 * catalog. Only what jGrants gives is filled in; the catalog's own fields that jGrants has
 * no notion of (budget, key projects) stay missing.
 */

export const ID_PREFIX = 'jg-';
/** jGrants' "not set" values of subsidy_max_limit: not amounts. */
export const MAX_LIMIT_SENTINELS: ReadonlySet<number> = new Set([0, 999_999_999_999_999]);
/** Overview bound (characters): the detail HTML can be pages long; a card shows far less. */
export const OVERVIEW_MAX = 1500;
const NAME_MAX = 200;
const AGENCY_MAX = 80;
/** Ids are 18 URL-safe characters; anything else is not used to build a URL. */
const JGRANTS_ID = /^[A-Za-z0-9]{15,18}$/;

/**
 * jGrants' use_purpose values that name a catalog purpose in other words. Values equal to a
 * catalog purpose map to themselves (the catalog's list was modelled on jGrants'); others
 * (スポーツ・文化支援がほしい, …) have no catalog category and are left out.
 */
const PURPOSE_ALIASES: Record<string, Purpose> = {
  '災害（自然災害、感染症等）支援がほしい': '災害・事業継続に備えたい',
  '安全・防災対策支援がほしい': '災害・事業継続に備えたい',
  'まちづくり・地域振興支援がほしい': 'まちづくり・地域振興を行いたい',
};

export function programId(jgrantsId: string): string {
  return `${ID_PREFIX}${jgrantsId}`;
}

/** `A / B`, `A/B`: split on `/`, trimmed, blanks and duplicates dropped. */
export function splitList(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split('/').map((s) => s.trim()).filter(Boolean))];
}

export function mapPurposes(value: string | null | undefined): Purpose[] {
  const out = new Set<Purpose>();
  for (const v of splitList(value)) {
    if ((PURPOSES as readonly string[]).includes(v)) out.add(v as Purpose);
    else if (PURPOSE_ALIASES[v]) out.add(PURPOSE_ALIASES[v]);
  }
  return [...out];
}

export function maxAmount(value: number | null | undefined): number | undefined {
  if (value == null || MAX_LIMIT_SENTINELS.has(value) || !Number.isFinite(value)) return undefined;
  return value;
}

const clip = (s: string, max: number) => ([...s].length > max ? [...s].slice(0, max - 1).join('') + '…' : s);

/** The body named in the title's leading 【…】 (【鹿児島県（３次募集）】 → 鹿児島県); not a round (【第２回】). */
export function bracketBody(title: string): string | undefined {
  const m = /^\s*【([^】]+)】/.exec(title);
  if (!m) return undefined;
  const body = m[1]!.replace(/[（(][^）)]*[）)]/g, '').trim();
  if (!body || /^第.+回/.test(body) || /募集|公募/.test(body)) return undefined;
  return body;
}

/**
 * True when jGrants' institution_name is in fact a program's name: the recorded payloads
 * carry 「中小企業等海外展開支援事業費補助金（海外出願支援事業）」 and 「【北海道】中小企業競争力強化促進
 * 事業（…）［2次募集］」 there. Such a value names no body, so the agency is taken from the
 * 問合せ先 or the title's 【…】 instead.
 */
export function looksLikeProgramName(value: string): boolean {
  const v = value.replace(/[［\[][^］\]]*[］\]]\s*$/, '').replace(/[（(][^）)]*[）)]\s*$/, '').trim();
  return /(補助金|助成金|給付金|奨励金|支援金|交付金|事業|制度)$/.test(v) || /^【[^】]+】/.test(value);
}

/** The organisation of a desk line: the text before the first space (公益財団法人かごしま産業支援センター　産業振興課). */
function deskBody(desk: string | undefined): string | undefined {
  if (!desk) return undefined;
  const first = desk.split(/[\s\u3000]+/)[0]!.replace(/[（(].*$/, '').trim();
  return first.length >= 2 ? first : undefined;
}

/** The application round of a v2 detail to show: the first not yet over at `now`, else the last. */
function currentRound(detail: JgrantsDetail, now: Date): NonNullable<JgrantsDetail['workflow']>[number] | undefined {
  const rounds = detail.workflow ?? [];
  return rounds.find((r) => !r.acceptance_end_datetime || new Date(r.acceptance_end_datetime) >= now) ?? rounds.at(-1);
}

/** The program for a list item and, when fetched, its detail (the detail wins where both speak). */
export function toProgram(item: JgrantsListItem, detail: JgrantsDetail | undefined, now: Date): ImportedProgram {
  const round = detail ? currentRound(detail, now) : undefined;
  const pick = <K extends 'acceptance_start_datetime' | 'acceptance_end_datetime' | 'target_area_search'>(key: K) =>
    detail?.[key] ?? round?.[key] ?? item[key] ?? undefined;

  const html = detail?.detail ?? '';
  const lines = htmlToLines(html);
  const contact = extractContact(lines);
  const referenceUrls = extractUrls(lines, linkTargets(html));

  const catchPhrase = detail?.subsidy_catch_phrase ? htmlToLines(detail.subsidy_catch_phrase).join(' ') : '';
  const fullOverview = [catchPhrase, ...lines].filter(Boolean).join('\n');
  const shortened = [...fullOverview].length > OVERVIEW_MAX;
  const overview = shortened ? clip(fullOverview, OVERVIEW_MAX) : fullOverview;

  const title = htmlToLines(detail?.title ?? item.title).join(' ');
  const institution = htmlToLines(detail?.institution_name ?? item.institution_name ?? '').join(' ');
  const body = institution && !looksLikeProgramName(institution) ? institution : undefined;
  const agency = body || deskBody(contact?.desk) || bracketBody(title) || 'Jグランツ掲載（実施機関の記載なし）';

  const start = pick('acceptance_start_datetime');
  const end = pick('acceptance_end_datetime');
  const areas = splitList(pick('target_area_search'));
  const industries = splitList(detail?.industry);
  // Free text like the title: jGrants may put markup in it (2/3<br>（小規模事業者は3/4）, 20名以下&nbsp;),
  // which reached the card as typed (walk-through).
  const employees = htmlToLines(detail?.target_number_of_employees ?? item.target_number_of_employees ?? '').join(' ');
  const subsidyRate = htmlToLines(detail?.subsidy_rate ?? '').join(' ');
  const amount = maxAmount(detail?.subsidy_max_limit ?? item.subsidy_max_limit);
  // The page address as jGrants gives it in a detail; for a list item the same documented
  // pattern (https://www.jgrants-portal.go.jp/subsidy/<id>, as in every recorded detail).
  const url = safeUrl(detail?.front_subsidy_detail_page_url) ?? (JGRANTS_ID.test(item.id) ? `https://www.jgrants-portal.go.jp/subsidy/${item.id}` : undefined);

  const imported: ImportedInfo = {
    source: 'jgrants',
    externalId: item.id,
    ...(url ? { url } : {}),
    ...(start || end ? { acceptance: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
    ...(areas.length ? { areas } : {}),
    ...(industries.length ? { industries } : {}),
    ...(employees ? { employees } : {}),
    ...(subsidyRate ? { subsidyRate } : {}),
    ...(amount !== undefined ? { maxAmountYen: amount } : {}),
    ...(contact ? { contact } : {}),
    ...(referenceUrls.length ? { referenceUrls } : {}),
    ...(shortened ? { shortened: true } : {}),
    ...(detail ? {} : { listOnly: true }),
  };
  const purposes = mapPurposes(detail?.use_purpose);
  return {
    id: programId(item.id),
    name: clip(title, NAME_MAX),
    agency: clip(agency, AGENCY_MAX),
    ...(overview ? { overview } : {}),
    ...(purposes.length ? { purposes } : {}),
    imported,
  };
}
