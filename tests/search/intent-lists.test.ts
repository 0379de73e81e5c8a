/**
 * Intents' lists kept from one question to the next (intent-lists.ts) change no answer: the
 * same programs, scores, terms and snippets as looking every intent up again, on both engines,
 * for every tuning question, as a page and in full, a page's terms made program by program or from
 * the whole list made again.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { SearchEngine } from '../../src/search/engine.js';
import { loadEvalQueries } from '../../src/search/evaluate.js';
import { ALONE_COST_IN_ENTRIES, IntentLists, type IntentTerms } from '../../src/search/intent-lists.js';
import { engineFromIndex, engineInput, readSources, type Sources } from '../../src/search/load.js';
import { Scores } from '../../src/search/scores.js';
import { ANALYZER_TIMEOUT, BLIND_FILE, bundledPaths, QUERIES_FILE, servedFrom } from './support.js';

describe('IntentLists', () => {
  const list = (docs: number[]) => new Scores(Int32Array.from(docs), Float64Array.from(docs.map((d) => d / 10)), { kind: 'same', terms: new Set(['x']) });
  /** Terms made again: `t<doc>` (alone) or `w<doc>` (whole list), recording what was asked. */
  const recording = (missingAlone: number[] = []) => {
    const asked: string[] = [];
    const terms: IntentTerms<string> = {
      alone: (recipe, doc) => (asked.push(`alone ${recipe} ${doc}`), missingAlone.includes(doc) ? undefined : new Set([`t${doc}`])),
      whole: (recipe, docs) => (asked.push(`whole ${recipe} ${docs.join(',')}`), new Map(docs.map((d) => [d, new Set([`w${d}`])]))),
    };
    return { asked, terms };
  };

  it('keeps a list up to its budget and makes one past it again each time; a budget of 0 keeps none', () => {
    const lists = new IntentLists(3, recording().terms);
    let made = 0;
    const make = (docs: number[]) => () => {
      made++;
      return { scores: list(docs), recipe: 'r' };
    };
    lists.listFor('a', lists.startQuery(), make([1, 2]));
    lists.listFor('a', lists.startQuery(), make([1, 2]));
    expect(made).toBe(1);
    lists.listFor('b', lists.startQuery(), make([3, 4]));
    lists.listFor('b', lists.startQuery(), make([3, 4]));
    expect(made).toBe(3);
    expect(lists.size).toBe(2);
    const none = new IntentLists(0, recording().terms);
    none.listFor('a', none.startQuery(), make([]));
    none.listFor('a', none.startQuery(), make([]));
    expect(made).toBe(5);
  });

  it("gives a page's programs the terms made for each alone, and refuses a program not prepared", () => {
    const { asked, terms } = recording();
    const lists = new IntentLists(100, terms, 0);
    const make = () => ({ scores: list([5, 7]), recipe: 'r' });
    lists.listFor('a', lists.startQuery(), make);
    const query = lists.startQuery();
    const kept = lists.listFor('a', query, make);
    expect(kept.origin.kind).toBe('each');
    query.prepare([7, 9]);
    expect(asked).toEqual(['alone r 7']);
    expect([...kept.get(7)!.terms]).toEqual(['t7']);
    expect(() => kept.get(5)).toThrow(/not prepared/);
  });

  it('makes the whole list again once for many programs, or for one not found alone', () => {
    const docs = [...Array(40).keys()];
    const { asked, terms } = recording([3]);
    const lists = new IntentLists(100, terms, 0);
    const make = () => ({ scores: list(docs), recipe: 'r' });
    lists.listFor('a', lists.startQuery(), make);
    const many = lists.startQuery();
    const all = lists.listFor('a', many, make);
    many.prepare(docs);
    expect(asked).toEqual([`whole r ${docs.join(',')}`]);
    expect([...all.get(39)!.terms]).toEqual(['w39']);
    asked.length = 0;
    const few = lists.startQuery();
    const some = lists.listFor('a', few, make);
    few.prepare([2, 3]);
    expect(asked).toEqual(['alone r 2', 'alone r 3', 'whole r 3']);
    expect([...some.get(2)!.terms]).toEqual(['t2']);
    expect([...some.get(3)!.terms]).toEqual(['w3']);
  });

  it('makes a page of a short list from the whole list, and of a long one program by program', () => {
    const { asked, terms } = recording();
    const lists = new IntentLists(10_000, terms);
    const short = [...Array(ALONE_COST_IN_ENTRIES * 2 - 1).keys()];
    const long = [...Array(ALONE_COST_IN_ENTRIES * 2).keys()].map((d) => d + 1000);
    for (const [key, docs] of [['short', short], ['long', long]] as const) lists.listFor(key, lists.startQuery(), () => ({ scores: list(docs), recipe: key }));
    const query = lists.startQuery();
    const fromShort = lists.listFor('short', query, () => ({ scores: list(short), recipe: 'short' }));
    const fromLong = lists.listFor('long', query, () => ({ scores: list(long), recipe: 'long' }));
    query.prepare([1, 2, 1001, 1002]);
    expect(asked).toEqual(['whole short 1,2', 'alone long 1001', 'alone long 1002']);
    expect([...fromShort.get(1)!.terms]).toEqual(['w1']);
    expect([...fromLong.get(1001)!.terms]).toEqual(['t1001']);
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
      // kuromoji's makes a page's terms program by program (intentAloneCost 0), the served one as
      // the bundled catalog's lists are short enough for: from the whole list made again.
      const kept = await SearchEngine.build(engineInput(sources, analyzer, { intentAloneCost: 0 }));
      const again = await SearchEngine.build(engineInput(sources, analyzer, { intentListBudget: 0 }));
      const served = await engineFromIndex(kept.toJSON(), sources);
      if (!served) throw new Error('the serialised index does not match its own sources');
      const engines = [
        [kept, again],
        [served, await servedFrom(again, sources)],
      ] as const;
      let compared = 0;
      for (const [withKept, without] of engines) {
        for (let round = 0; round < 2; round++) {
          for (const q of questions) {
            expect(withKept.search(q, { limit: 5 }), q).toEqual(without.search(q, { limit: 5 }));
            expect(withKept.search(q), q).toEqual(without.search(q));
            // The next page, and the question with filters (the kept list is the whole catalog's).
            expect(withKept.search(q, { limit: 5, offset: 5 }), q).toEqual(without.search(q, { limit: 5, offset: 5 }));
            for (const filter of ['機関:商工会議所', '目的:販路拡大', '重点:3']) {
              expect(withKept.search(`${filter} ${q}`, { limit: 5 }), `${filter} ${q}`).toEqual(without.search(`${filter} ${q}`, { limit: 5 }));
            }
            compared++;
          }
        }
      }
      expect(compared).toBe(4 * questions.length);
    },
    ANALYZER_TIMEOUT * 2,
  );
});
