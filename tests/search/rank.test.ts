/**
 * rank.ts puts in order only as many hits as the page asks for (issue 13). The page must be
 * exactly what sorting everything and cutting would give, for any page length and with ties
 * (kept in input order, as a stable sort keeps them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInOrder } from '../../src/search/rank.js';

interface Entry {
  key: number;
  at: number;
}
const byKey = (a: Entry, b: Entry) => b.key - a.key; // best (highest) first; ties left as they come

describe('firstInOrder', () => {
  it('gives the first n of a full stable sort, for any entries and n', () => {
    fc.assert(
      // Mostly short pages of long lists (the path that selects rather than sorts), some longer.
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 800 }), fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 900 })), (keys, n) => {
        const entries = keys.map((key, at) => ({ key, at }));
        expect(firstInOrder(entries, n, byKey)).toEqual([...entries].sort(byKey).slice(0, n));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps ties in the order they came', () => {
    const entries = Array.from({ length: 100 }, (_, at) => ({ key: at % 3, at }));
    expect(firstInOrder(entries, 5, byKey).map((e) => e.at)).toEqual([2, 5, 8, 11, 14]);
  });

  it('calls the comparison far fewer times than a sort for a short page of many entries', () => {
    const entries = Array.from({ length: 5000 }, (_, at) => ({ key: (at * 7919) % 1000, at }));
    let calls = 0;
    const counted = (a: Entry, b: Entry) => (calls++, byKey(a, b) || a.at - b.at);
    const page = firstInOrder(entries, 5, counted);
    const selecting = calls;
    calls = 0;
    expect(page).toEqual([...entries].sort(counted).slice(0, 5));
    expect(selecting).toBeLessThan(calls / 5);
  });
});

describe('a page of the engine', () => {
  it('is the same slice of the whole answer, for every evaluation query, first and second page', async () => {
    const { loadAnalyzer } = await import('../../src/search/analyzer.js');
    const { loadEvalQueries } = await import('../../src/search/evaluate.js');
    const { bundledEngines, QUERIES_FILE } = await import('./support.js');
    const engines = await bundledEngines(await loadAnalyzer());
    const queries = await loadEvalQueries(QUERIES_FILE);
    for (const engine of Object.values(engines)) {
      for (const { query } of queries) {
        const all = engine.search(query).hits.map((h) => h.program.id);
        for (const offset of [0, 5]) {
          const page = engine.search(query, { offset, limit: 5 });
          expect(page.hits.map((h) => h.program.id), `${query} @${offset}`).toEqual(all.slice(offset, offset + 5));
          expect(page.total).toBe(all.length);
        }
      }
    }
  }, 120_000);
});
