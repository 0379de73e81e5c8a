import type { Program } from '../catalog/schema.js';
import { daysUntilDeadline, periodOf, programPeriodStatus } from '../sources/period.js';
import { isImported } from '../sources/program.js';
import { normalizeText } from './normalize.js';
import type { PeriodQuery } from './query.js';

/**
 * The period and area filters of a query (受付中, 締切:30日以内, 地域:鹿児島県) as predicates.
 * Only programs with a period (imported from jGrants) can match a period filter, and only
 * programs with target areas an area filter: a catalog program has neither, and the filter
 * does not guess one for it.
 */

/**
 * Regions jGrants names in target_area_search, with their prefectures: a program for the
 * region is a program for each of them. Only the region the recorded payloads show.
 */
const REGIONS: Record<string, readonly string[]> = {
  '九州・沖縄地方': ['福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県'],
};

function areaMatches(programAreas: readonly string[], wanted: string): boolean {
  const w = normalizeText(wanted);
  const areas = programAreas.map(normalizeText);
  if (areas.includes(w) || areas.includes(normalizeText('全国'))) return true;
  // 鹿児島 finds 鹿児島県; a region asked for finds programs for its prefectures.
  if (areas.some((a) => a.startsWith(w) && w.length >= 2)) return true;
  // 九州 names the region 九州・沖縄地方 (it found nothing: the area is written whole).
  const region = Object.entries(REGIONS).find(([name]) => normalizeText(name) === w || (w.length >= 2 && normalizeText(name).startsWith(w)))?.[1];
  if (region?.some((p) => areas.includes(normalizeText(p)))) return true;
  return Object.entries(REGIONS).some(([name, prefectures]) => areas.includes(normalizeText(name)) && prefectures.some((p) => normalizeText(p).startsWith(w)));
}

export function periodFilters(period: PeriodQuery | undefined, now: Date): Array<(p: Program) => boolean> {
  if (!period) return [];
  const filters: Array<(p: Program) => boolean> = [];
  const open = (p: Program) => programPeriodStatus(p, now) === 'open';
  if (period.accepting) filters.push(open);
  if (period.deadlineWithinDays !== undefined) {
    const within = period.deadlineWithinDays;
    filters.push((p) => {
      const days = daysUntilDeadline(p, now);
      return open(p) && days !== undefined && days <= within;
    });
  }
  if (period.deadlineThisMonth) {
    const lastDay = daysLeftInMonth(now);
    filters.push((p) => {
      const days = daysUntilDeadline(p, now);
      return open(p) && days !== undefined && days <= lastDay;
    });
  }
  for (const area of period.areas ?? []) filters.push((p) => isImported(p) && areaMatches(p.imported.areas ?? [], area));
  return filters;
}

/**
 * A filter-only answer in deadline order: programs still open or upcoming, soonest deadline
 * first; then closed ones, the most recently closed first; then the rest (no deadline, catalog
 * programs) in the order they came.
 */
export function byDeadline<T extends Program>(programs: readonly T[], now: Date): T[] {
  const key = (p: T) => {
    const range = periodOf(p);
    if (!range?.end || programPeriodStatus(p, now) === 'closed') return Infinity;
    return range.end.getTime();
  };
  // Only programs with a deadline are sorted; the rest follow in their order, as the sort
  // by (deadline, place) put them (at 100,000 programs a 重点: filter lists tens of thousands
  // of catalog programs, none with a deadline).
  const dated: Array<{ p: T; i: number; k: number }> = [];
  // Closed programs with a deadline, after the open ones: the most recently closed first (they
  // came in the order they were imported: 2024-11, 2024-09, 2026-10…; walk-through).
  const closed: Array<{ p: T; i: number; k: number }> = [];
  const rest: T[] = [];
  programs.forEach((p, i) => {
    const k = key(p);
    const end = k === Infinity ? periodOf(p)?.end?.getTime() : undefined;
    if (end !== undefined && !Number.isNaN(end)) closed.push({ p, i, k: end });
    else if (k === Infinity) rest.push(p);
    else dated.push({ p, i, k });
  });
  const order = (a: { k: number; i: number }, b: { k: number; i: number }) => (a.k === b.k ? a.i - b.i : a.k - b.k);
  // An unreadable date (NaN) compares as equal to anything: then all are sorted together, as always.
  if (dated.some((x) => Number.isNaN(x.k))) {
    return programs
      .map((p, i) => ({ p, i, k: key(p) }))
      .sort(order)
      .map((x) => x.p);
  }
  dated.sort(order);
  closed.sort((a, b) => (a.k === b.k ? a.i - b.i : b.k - a.k));
  return [...dated.map((x) => x.p), ...closed.map((x) => x.p), ...rest];
}

/** The share of its score a program whose application period is over ranks by (engine.ts). */
export const CLOSED_SCORE_WEIGHT = 0.5;

/**
 * What ranking and reading a query need of the programs' periods, read from them once: whether
 * any has one (period words in sentences are read then: query.ts), and which are over at a given
 * time (受付終了, or 掲載終了 whatever its dates) by catalog position, to rank them by part of
 * their score. Catalog programs have no period and are never over.
 */
export class ProgramPeriods {
  /** Whether any program has an application period (a jGrants import is served). */
  readonly any: boolean;
  // NaN: no deadline (never over by date); -Infinity: no longer listed (always over).
  private readonly ends: Float64Array;
  private readonly imported: boolean;

  constructor(programs: readonly Program[]) {
    this.ends = new Float64Array(programs.length).fill(NaN);
    let imported = false;
    let any = false;
    programs.forEach((p, doc) => {
      if (!isImported(p)) return;
      imported = true;
      any ||= periodOf(p) !== undefined;
      if (p.imported.closedAt) this.ends[doc] = -Infinity;
      else if (p.imported.acceptance?.end) this.ends[doc] = Date.parse(p.imported.acceptance.end);
    });
    this.imported = imported;
    this.any = any;
  }

  /** A program's score as it ranks at `now`: CLOSED_SCORE_WEIGHT of it when its period is over. */
  rankingAt(now: Date): (doc: number, score: number) => number {
    if (!this.imported) return (_, score) => score;
    const t = now.getTime();
    return (doc, score) => (this.ends[doc]! < t ? score * CLOSED_SCORE_WEIGHT : score);
  }
}

/** JST calendar days from `now`'s day to the last day of its month (0 on the last day). */
function daysLeftInMonth(now: Date): number {
  const jst = new Date(now.getTime() + 9 * 3_600_000);
  const last = new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth() + 1, 0));
  return last.getUTCDate() - jst.getUTCDate();
}
