/**
 * scores.ts keeps a word's programs in arrays indexed by catalog position instead of Maps keyed
 * by program id (issue 13). Every way of combining them must give what the Map version gave:
 * the same programs in the same order, scores equal to the bit, the same terms in the same
 * order. The Map version is kept here as the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import type { SearchResponse } from '../../src/search/engine.js';
import { addUp, addWithin, filterScores, intersect, scale, ScoresBuilder, softMax, type Scores, type TermSet } from '../../src/search/scores.js';
import { ANALYZER_TIMEOUT, bundledEngines } from './support.js';

type MapScores = Map<number, { score: number; terms: Set<string> }>;

// ---- the Map version (before issue 13's arrays), as reference ----
const ref = {
  scale: (s: MapScores, f: number): MapScores => new Map([...s].map(([id, e]) => [id, { score: e.score * f, terms: new Set(e.terms) }])),
  softMax(alternatives: MapScores[], rest: number): MapScores {
    const out: MapScores = new Map();
    const best = new Map<number, number>();
    for (const scores of alternatives) {
      for (const [id, s] of scores) {
        const prev = out.get(id);
        if (!prev) {
          out.set(id, { score: s.score, terms: new Set(s.terms) });
          best.set(id, s.score);
          continue;
        }
        for (const t of s.terms) prev.terms.add(t);
        const b = best.get(id)!;
        if (s.score > b) {
          prev.score = s.score + (prev.score - b) + rest * b;
          best.set(id, s.score);
        } else prev.score += rest * s.score;
      }
    }
    return out;
  },
  intersect(lists: MapScores[]): MapScores {
    const [first, ...rest] = [...lists].sort((a, b) => a.size - b.size);
    const out: MapScores = new Map();
    if (!first) return out;
    for (const [id, s] of first) {
      if (!rest.every((other) => other.has(id))) continue;
      const entry = { score: s.score, terms: new Set<string>() };
      for (const other of rest) entry.score += other.get(id)!.score;
      // Terms in the lists' own order (not the shortest first, as scores are added).
      for (const list of lists) for (const t of list.get(id)!.terms) entry.terms.add(t);
      out.set(id, entry);
    }
    return out;
  },
  addUp(lists: MapScores[]): MapScores {
    const out: MapScores = new Map();
    for (const scores of lists) {
      for (const [id, s] of scores) {
        const prev = out.get(id);
        if (prev) {
          prev.score += s.score;
          for (const t of s.terms) prev.terms.add(t);
        } else out.set(id, { score: s.score, terms: new Set(s.terms) });
      }
    }
    return out;
  },
  addWithin(base: MapScores, extra: MapScores[]): MapScores {
    const out = ref.addUp([base]);
    for (const scores of extra) {
      for (const [id, s] of scores) {
        const prev = out.get(id);
        if (!prev) continue;
        prev.score += s.score;
        for (const t of s.terms) prev.terms.add(t);
      }
    }
    return out;
  },
};

const plain = (s: Scores) => [...s.entries()].map(([doc, e]) => [doc, e.score, [...e.terms]]);
const plainMap = (s: MapScores) => [...s].map(([doc, e]) => [doc, e.score, [...e.terms]]);

/** A list as both: docs distinct, scores with fractions (so the order of additions shows), terms shared as a term's list shares them. */
const list = fc
  .uniqueArray(fc.record({ doc: fc.integer({ min: 0, max: 60 }), score: fc.double({ min: 0.001, max: 50, noNaN: true }), term: fc.constantFrom('a', 'b', 'c', 'd') }), { selector: (e) => e.doc, maxLength: 40 })
  .map((entries) => {
    const sets = new Map<string, Set<string>>();
    const builder = new ScoresBuilder(entries.length);
    const termsAt: TermSet[] = [];
    const map: MapScores = new Map();
    for (const e of entries) {
      if (!sets.has(e.term)) sets.set(e.term, new Set([e.term]));
      builder.add(e.doc, e.score);
      termsAt.push(sets.get(e.term)!);
      map.set(e.doc, { score: e.score, terms: new Set([e.term]) });
    }
    return { scores: builder.build({ kind: 'each', at: (i) => termsAt[i]! }), map };
  });

describe('scores: arrays by catalog position, as the Map version', () => {
  it('softMax, intersect, addUp, addWithin and scale give the same programs, order, scores and terms', () => {
    fc.assert(
      fc.property(fc.array(list, { minLength: 1, maxLength: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), (lists, rest) => {
        const arrays = lists.map((l) => l.scores);
        const maps = lists.map((l) => l.map);
        expect(plain(softMax(arrays, rest))).toEqual(plainMap(ref.softMax(maps.filter((m) => m.size), rest)));
        expect(plain(intersect(arrays))).toEqual(plainMap(ref.intersect(maps)));
        expect(plain(addUp(arrays))).toEqual(plainMap(ref.addUp(maps)));
        expect(plain(addWithin(arrays[0]!, arrays.slice(1)))).toEqual(plainMap(ref.addWithin(maps[0]!, maps.slice(1))));
        expect(plain(scale(arrays[0]!, rest))).toEqual(plainMap(ref.scale(maps[0]!, rest)));
        // Combining twice over results (as the engine does) still agrees.
        const nested = softMax([intersect(arrays), scale(addUp(arrays), rest)], 0.05);
        expect(plain(nested)).toEqual(plainMap(ref.softMax([ref.intersect(maps), ref.scale(ref.addUp(maps), rest)].filter((m) => m.size), 0.05)));
      }),
      { numRuns: 500 },
    );
  });

  it('never changes its inputs, and filters by catalog position', () => {
    const a = new ScoresBuilder(2);
    const t = new Set(['x']);
    a.add(3, 1.5);
    a.add(7, 2);
    const b = new ScoresBuilder(1);
    b.add(7, 1);
    const left = a.build({ kind: 'same', terms: t });
    const right = b.build({ kind: 'same', terms: new Set(['y']) });
    const before = [plain(left), plain(right)];
    addUp([left, right]);
    softMax([left, right], 0.5);
    intersect([left, right]);
    addWithin(left, [right]);
    expect([plain(left), plain(right)]).toEqual(before);
    expect([...t]).toEqual(['x']);
    expect(plain(filterScores(left, (doc) => doc > 5))).toEqual([[7, 2, ['x']]]);
    expect(plain(intersect([left, right]))).toEqual([[7, 3, ['x', 'y']]]);
  });
});

describe('a query’s lists in reused memory (startQuery)', () => {
  /** What a user sees of an answer: ids, scores, matched terms and the step, in order. */
  const seen = (r: SearchResponse) => ({ total: r.total, step: r.step, hits: r.hits.map((h) => [h.program.id, h.score, h.terms]) });

  it('answers a question the same before and after other questions reused the memory (both engines)', async () => {
    const engines = await bundledEngines(await loadAnalyzer());
    // Broad and narrow, filtered, a phrase, colloquial (相談例 matcher): their lists overlap in the blocks.
    const questions = ['お金を借りたい', '機関:商工会議所 セミナー', '"事業承継"', '海外に売りたい', '創業 補助金', 'IT化したい'];
    for (const engine of Object.values(engines)) {
      const first = questions.map((q) => seen(engine.search(q, { limit: 5 })));
      // Again in reverse order, and each right after a different question: same answers.
      const again = [...questions].reverse().map((q) => seen(engine.search(q, { limit: 5 })));
      expect(again.reverse()).toEqual(first);
      for (const [i, q] of questions.entries()) {
        engine.search(questions[(i + 1) % questions.length]!, {});
        expect(seen(engine.search(q, { limit: 5 }))).toEqual(first[i]);
      }
    }
  }, ANALYZER_TIMEOUT);
});
