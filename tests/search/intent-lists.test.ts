/**
 * Intents' lists kept from one question to the next (intent-lists.ts) change no answer: the
 * same programs, scores, terms and snippets as looking every intent up again, on both engines,
 * for every tuning question, as a page and in full (every hit's terms made program by program).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { SearchEngine } from '../../src/search/engine.js';
import { loadEvalQueries } from '../../src/search/evaluate.js';
import { IntentLists } from '../../src/search/intent-lists.js';
import { engineInput, readSources, type Sources } from '../../src/search/load.js';
import { Scores } from '../../src/search/scores.js';
import { ANALYZER_TIMEOUT, BLIND_FILE, bundledPaths, QUERIES_FILE, servedFrom } from './support.js';

describe('IntentLists', () => {
  const list = (docs: number[]) => new Scores(Int32Array.from(docs), Float64Array.from(docs.map((d) => d / 10)), { kind: 'same', terms: new Set(['x']) });

  it('keeps a list up to its budget and makes one past it again each time', () => {
    const lists = new IntentLists(3);
    let made = 0;
    const make = (docs: number[]) => () => {
      made++;
      return { scores: list(docs), recipe: null };
    };
    const termsAt = () => new Set(['x']);
    lists.listFor('a', lists.startQuery(), make([1, 2]), termsAt);
    lists.listFor('a', lists.startQuery(), make([1, 2]), termsAt);
    expect(made).toBe(1);
    lists.listFor('b', lists.startQuery(), make([3, 4]), termsAt);
    lists.listFor('b', lists.startQuery(), make([3, 4]), termsAt);
    expect(made).toBe(3);
    expect(lists.size).toBe(2);
  });

  it("gives a kept list's programs the terms made for them alone, and refuses a program not prepared", () => {
    const lists = new IntentLists(100);
    const make = () => ({ scores: list([5, 7]), recipe: 'r' });
    const asked: Array<[string, number]> = [];
    // The list is kept with the way to make its terms of the question that made it.
    lists.listFor('a', lists.startQuery(), make, (recipe, doc) => (asked.push([recipe, doc]), new Set([`t${doc}`])));
    const query = lists.startQuery();
    const kept = lists.listFor('a', query, make, () => new Set(['unused']));
    expect(kept.origin.kind).toBe('each');
    query.prepare([7, 9]);
    expect(asked).toEqual([['r', 7]]);
    expect([...kept.get(7)!.terms]).toEqual(['t7']);
    expect(() => kept.get(5)).toThrow(/not prepared/);
  });
});

describe('answers with intents kept across questions', () => {
  let analyzer: Analyzer;
  let sources: Sources;
  let questions: string[];

  beforeAll(async () => {
    analyzer = await loadAnalyzer();
    sources = await readSources(bundledPaths());
    questions = [...(await loadEvalQueries(QUERIES_FILE)), ...(await loadEvalQueries(BLIND_FILE))].map((q) => q.query);
  }, ANALYZER_TIMEOUT);

  it(
    'are those of looking every intent up again, on both engines, asked twice each',
    async () => {
      const kept = await SearchEngine.build(engineInput(sources, analyzer));
      const again = await SearchEngine.build(engineInput(sources, analyzer, { intentListBudget: 0 }));
      const engines = [
        [kept, again],
        [await servedFrom(kept, sources), await servedFrom(again, sources)],
      ] as const;
      let compared = 0;
      for (const [withKept, without] of engines) {
        for (let round = 0; round < 2; round++) {
          for (const q of questions) {
            expect(withKept.search(q, { limit: 5 }), q).toEqual(without.search(q, { limit: 5 }));
            expect(withKept.search(q), q).toEqual(without.search(q));
            compared++;
          }
        }
      }
      expect(compared).toBe(4 * questions.length);
    },
    ANALYZER_TIMEOUT * 2,
  );
});
