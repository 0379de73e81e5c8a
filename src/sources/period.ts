import type { Program } from '../catalog/schema.js';
import { isImported } from './program.js';

/**
 * Application periods in Japan time. Sources give UTC instants of JST deadlines (jGrants:
 * `2026-11-13T08:00:00.000Z` is 17:00 JST); people read and filter them in JST. Japan has no
 * daylight saving, so JST is a fixed +09:00 and needs no time-zone database.
 */
const JST_OFFSET_MS = 9 * 3_600_000;
const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];

export type PeriodStatus = 'open' | 'upcoming' | 'closed';

export interface Period {
  start?: Date;
  end?: Date;
}

/** The application period of a program, when its source gives one (catalog programs: none). */
export function periodOf(program: Program): Period | undefined {
  if (!isImported(program) || !program.imported.acceptance) return undefined;
  const { start, end } = program.imported.acceptance;
  const period: Period = {};
  if (start) period.start = new Date(start);
  if (end) period.end = new Date(end);
  return period.start || period.end ? period : undefined;
}

/** 受付中 between start and end (both inclusive of their instant), 公募予定 before, 受付終了 after. */
export function periodStatus(period: Period, now: Date): PeriodStatus {
  if (period.end && now.getTime() > period.end.getTime()) return 'closed';
  if (period.start && now.getTime() < period.start.getTime()) return 'upcoming';
  return 'open';
}

interface JstParts {
  year: number;
  month: number;
  day: number;
  weekday: string;
  hh: string;
  mm: string;
}

function jstParts(d: Date): JstParts {
  const j = new Date(d.getTime() + JST_OFFSET_MS);
  return {
    year: j.getUTCFullYear(),
    month: j.getUTCMonth() + 1,
    day: j.getUTCDate(),
    weekday: WEEKDAYS[j.getUTCDay()]!,
    hh: String(j.getUTCHours()).padStart(2, '0'),
    mm: String(j.getUTCMinutes()).padStart(2, '0'),
  };
}

/** `11月13日(木) 17:00` in JST; the year is added when it is not the year of `now` (JST). */
export function formatJst(d: Date, now: Date): string {
  const p = jstParts(d);
  const year = p.year === jstParts(now).year ? '' : `${p.year}年`;
  return `${year}${p.month}月${p.day}日(${p.weekday}) ${p.hh}:${p.mm}`;
}

/** ISO 8601 with the +09:00 offset (`2026-11-13T17:00:00+09:00`), for JSON output. */
export function toJstIso(d: Date): string {
  const j = new Date(d.getTime() + JST_OFFSET_MS).toISOString();
  return `${j.slice(0, 19)}+09:00`;
}

/** The start of the JST calendar day containing `d`, as an instant. */
export function jstDayStart(d: Date): Date {
  const j = new Date(d.getTime() + JST_OFFSET_MS);
  return new Date(Date.UTC(j.getUTCFullYear(), j.getUTCMonth(), j.getUTCDate()) - JST_OFFSET_MS);
}

/**
 * The period as people read it: 受付中（締切 11月13日(木) 17:00）, 公募予定（開始 …）, 受付終了,
 * 掲載終了（締切 …） when the source no longer lists it.
 * Undefined for a program without a period: nothing is shown rather than a guess.
 */
export function describePeriod(program: Program, now: Date): string | undefined {
  const period = periodOf(program);
  if (!period) return isDelisted(program) ? '掲載終了' : undefined;
  if (isDelisted(program)) return period.end ? `掲載終了（締切 ${formatJst(period.end, now)}）` : '掲載終了';
  switch (periodStatus(period, now)) {
    case 'closed':
      return period.end ? `受付終了（締切 ${formatJst(period.end, now)}）` : '受付終了';
    case 'upcoming':
      return `公募予定（開始 ${formatJst(period.start!, now)}${period.end ? `、締切 ${formatJst(period.end, now)}` : ''}）`;
    case 'open':
      return period.end ? `受付中（締切 ${formatJst(period.end, now)}）` : '受付中（締切の記載なし）';
  }
}

/**
 * A program's period status now, where one jGrants no longer lists (掲載終了) is closed whatever
 * its dates said: it was offered as 受付中 and found by 受付中 / 締切:N日以内 until its old
 * deadline passed (walk-through). Undefined for a program without a period.
 */
export function programPeriodStatus(program: Program, now: Date): PeriodStatus | undefined {
  const period = periodOf(program);
  if (!period) return undefined;
  return isDelisted(program) ? 'closed' : periodStatus(period, now);
}

/** Whether the source stopped listing the program (jGrants: 掲載終了). */
export function isDelisted(program: Program): boolean {
  return isImported(program) && Boolean(program.imported.closedAt);
}

/** Whole JST days from today to the deadline's day (0: closes today); undefined without an end. */
export function daysUntilDeadline(program: Program, now: Date): number | undefined {
  const end = periodOf(program)?.end;
  if (!end) return undefined;
  return Math.round((jstDayStart(end).getTime() - jstDayStart(now).getTime()) / 86_400_000);
}
