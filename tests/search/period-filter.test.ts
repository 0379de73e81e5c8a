/**
 * byDeadline, the order of a filter-only answer (受付中, 重点:2 …): it sorts only the programs
 * with a deadline and lets the rest follow in their order (issue 13: at 100,000 programs a
 * filter lists tens of thousands of catalog programs, none with one). The order must be the
 * one sorting them all by (deadline, place) gave.
 */
import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/catalog/schema.js';
import { periodOf, periodStatus } from '../../src/sources/period.js';
import { byDeadline, periodFilters } from '../../src/search/period-filter.js';
import { describePeriod } from '../../src/sources/period.js';
import { sourceFields } from '../../src/sources/fields.js';
import type { ImportedProgram } from '../../src/sources/program.js';
import { toProgram } from '../../src/sources/jgrants/mapping.js';
import { parseList } from '../../src/sources/jgrants/parser.js';
import { KAGOSHIMA_ITEMS } from '../sources/jgrants/support/fake-jgrants.js';
import { program } from './support.js';

const NOW = new Date('2026-11-27T03:00:00Z');
const day = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * day).toISOString();

/** Imported programs: open, closing soon, upcoming, closed, two closing at the same instant, one with no end. */
function imported(periods: Array<[number, number | undefined]>): Program[] {
  const items = KAGOSHIMA_ITEMS().map((item, i) => (periods[i] ? { ...item, acceptance_start_datetime: at(periods[i]![0]), acceptance_end_datetime: periods[i]![1] === undefined ? undefined : at(periods[i]![1]!) } : item));
  return parseList({ result: items }).items.map((item) => toProgram(item, undefined, NOW));
}

/**
 * Every program sorted by (group, deadline, place): open or upcoming by deadline, then closed by
 * deadline, latest first, then the rest in their place. What byDeadline must give, sorting fewer.
 */
function sortedAll(programs: readonly Program[]): Program[] {
  const key = (p: Program): [number, number] => {
    const range = periodOf(p);
    if (!range?.end) return [2, 0];
    return periodStatus(range, NOW) === 'closed' ? [1, -range.end.getTime()] : [0, range.end.getTime()];
  };
  return programs
    .map((p, i) => ({ p, i, k: key(p) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
    .map((x) => x.p);
}

/** The sort by (deadline, place) alone, closed programs among the rest: what an unreadable deadline still gets. */
function sortedByDeadlineOnly(programs: readonly Program[]): Program[] {
  const key = (p: Program) => {
    const range = periodOf(p);
    if (!range?.end || periodStatus(range, NOW) === 'closed') return Infinity;
    return range.end.getTime();
  };
  return programs
    .map((p, i) => ({ p, i, k: key(p) }))
    .sort((a, b) => (a.k === b.k ? a.i - b.i : a.k - b.k))
    .map((x) => x.p);
}

const ids = (list: readonly Program[]) => list.map((p) => p.id);

describe('byDeadline', () => {
  const periods: Array<[number, number | undefined]> = [
    [-10, 20],
    [-10, 3],
    [5, 40],
    [-40, -2],
    [-1, 3],
    [-3, undefined],
    [-2, 20],
  ];
  const jgrants = imported(periods);
  const catalog = Array.from({ length: 6 }, (_, i) => program(`p-${i}`, `事業${i}`));

  it('programs with a deadline first, soonest first (ties in their order), then the rest in theirs: as sorting them all', () => {
    for (const list of [
      [...catalog.slice(0, 3), ...jgrants, ...catalog.slice(3)],
      [...jgrants].reverse(),
      [...catalog, jgrants[1]!],
      catalog,
      [],
    ]) {
      expect(ids(byDeadline(list, NOW))).toEqual(ids(sortedAll(list)));
    }
    const mixed = byDeadline([...catalog.slice(0, 3), ...jgrants, ...catalog.slice(3)], NOW);
    // Closing in 3 days (twice: their order), 20 days (twice), 40 (upcoming); then the others, in their order.
    expect(ids(mixed).slice(0, 5)).toEqual([jgrants[1]!.id, jgrants[4]!.id, jgrants[0]!.id, jgrants[6]!.id, jgrants[2]!.id]);
    const rest = ids(mixed).slice(ids(mixed).indexOf('p-0'));
    expect(rest.slice(0, 3)).toEqual(['p-0', 'p-1', 'p-2']);
    expect(rest.slice(-3)).toEqual(['p-3', 'p-4', 'p-5']);
  });

  it('closed programs come after the open ones, the most recently closed first (they came in import order)', () => {
    const [old, recent, open] = imported([[-400, -300], [-40, -2], [-10, 20]]);
    expect(ids(byDeadline([catalog[0]!, old!, recent!, open!, catalog[1]!], NOW))).toEqual([open!.id, recent!.id, old!.id, catalog[0]!.id, catalog[1]!.id]);
  });

  it('a deadline that cannot be read: all sorted together, as before', () => {
    const unreadable = { ...jgrants[0]!, id: 'jg-unreadable', imported: { ...(jgrants[0] as unknown as { imported: object }).imported, acceptance: { start: at(-3), end: 'not a date' } } } as Program;
    for (const list of [
      [catalog[0]!, unreadable, ...jgrants, catalog[1]!],
      [unreadable, catalog[2]!, jgrants[1]!],
    ]) {
      expect(ids(byDeadline(list, NOW))).toEqual(ids(sortedByDeadlineOnly(list)));
    }
  });
});

describe('a program jGrants no longer lists (掲載終了)', () => {
  it('is not 受付中, not within 締切:N日以内, sorted after open ones, and says 掲載終了 rather than 受付中', () => {
    const [open, delisted] = imported([[-10, 20], [-10, 10]]);
    (delisted as ImportedProgram).imported.closedAt = '2026-11-26T00:00:00.000Z';
    const [accepting] = periodFilters({ accepting: true }, NOW);
    const [within] = periodFilters({ deadlineWithinDays: 30 }, NOW);
    expect([open, delisted].map((p) => accepting!(p!))).toEqual([true, false]);
    expect([open, delisted].map((p) => within!(p!))).toEqual([true, false]);
    // Its deadline is sooner, yet it comes after the open program.
    expect(byDeadline([delisted!, open!], NOW).map((p) => p.id)).toEqual([open!.id, delisted!.id]);
    expect(describePeriod(delisted!, NOW)).toMatch(/^掲載終了（締切 12月7日/);
    expect(describePeriod(open!, NOW)).toMatch(/^受付中（締切/);
    expect(sourceFields(delisted!).delistedAt).toBe('2026-11-26T09:00:00+09:00');
    expect(sourceFields(open!).delistedAt).toBeUndefined();
  });
});
