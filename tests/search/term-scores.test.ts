/**
 * term-scores.ts reads MiniSearch's postings directly instead of calling its search (issue 13:
 * the result objects and the sort cost most of a query at 10,000 programs). Its scores must be
 * MiniSearch's own, to the bit, for every term of the bundled index; if a MiniSearch upgrade
 * changes its internals or its BM25, this fails instead of the ranking drifting quietly.
 */
import type MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { FIELD_BOOSTS, type SerializedSearchIndex } from '../../src/search/engine.js';
import { loadMiniSearchConsuming, packedPostingsOf, type CompactIndex } from '../../src/search/index-load.js';
import { postingsView, termScores, termScoresAt, type PostingsView } from '../../src/search/term-scores.js';
import { ANALYZER_TIMEOUT, bundledEngine } from './support.js';

const identity = (t: string) => t;
const options = { idField: 'id', fields: Object.keys(FIELD_BOOSTS), searchOptions: { tokenize: (t: string) => [t], processTerm: identity } };

/** What the engine got from MiniSearch before: `index.search(term, { boost })`, by id. */
function viaSearch(index: MiniSearch, term: string, boost: Record<string, number>): Map<string, number> {
  return new Map(index.search(term, { boost }).map((r) => [r.id as string, r.score]));
}

/** termScores names programs by catalog position; here the position is the index's own order of ids. */
function viaPostings(index: MiniSearch, term: string, boost: Record<string, number>, ids: string[], view: PostingsView): Map<string, number> {
  return new Map([...termScores(index, term, boost, view).entries()].map(([doc, s]) => [ids[doc]!, s.score]));
}

describe('termScores', () => {
  let index: MiniSearch;
  let terms: string[];
  let ids: string[];
  let view: PostingsView;
  /** The same index loaded again and never searched: every term's postings still packed. */
  let packed: MiniSearch;
  beforeAll(async () => {
    const engine = await bundledEngine(await loadAnalyzer());
    const json = engine.toJSON() as SerializedSearchIndex;
    index = loadMiniSearchConsuming(json.index as CompactIndex, options);
    packed = loadMiniSearchConsuming((engine.toJSON() as SerializedSearchIndex).index as CompactIndex, options);
    terms = [...(index as unknown as { _index: { keys(): Iterable<string> } })._index.keys()];
    // Program ids in reverse: a catalog position need not be MiniSearch's short id.
    ids = [...(index as unknown as { _documentIds: Map<number, string> })._documentIds.values()].reverse();
    view = postingsView(index, (id) => ids.indexOf(id));
  }, ANALYZER_TIMEOUT);

  it('equals MiniSearch search for every term of the bundled index, with the engine’s field boosts', () => {
    expect(terms.length).toBeGreaterThan(1000);
    let compared = 0;
    for (const term of terms) {
      const expected = viaSearch(index, term, FIELD_BOOSTS);
      const got = viaPostings(index, term, FIELD_BOOSTS, ids, view);
      expect(got.size, term).toBe(expected.size);
      for (const [id, score] of expected) expect(got.get(id), `${term} ${id}`).toBe(score);
      compared += expected.size;
    }
    expect(compared).toBeGreaterThan(terms.length);
  });

  it('equals it with other boosts too, and knows nothing of a term the index lacks', () => {
    const boost = { name: 7, results: 0.25 };
    for (const term of terms.slice(0, 300)) {
      const expected = viaSearch(index, term, boost);
      const got = viaPostings(index, term, boost, ids, view);
      expect([...got.keys()].sort(), term).toEqual([...expected.keys()].sort());
      for (const [id, score] of expected) expect(got.get(id)).toBe(score);
    }
    expect(termScores(index, 'ふがふがほげ', FIELD_BOOSTS, view).size).toBe(0);
  });

  it('reads postings still packed as the index file holds them exactly as decoded ones: same programs, order and scores to the bit', () => {
    const packedView = postingsView(packed, (id) => ids.indexOf(id));
    const sample = terms.filter((_, i) => i % 3 === 0);
    for (const term of sample) {
      const fromPacked = termScores(packed, term, FIELD_BOOSTS, packedView);
      // `index` has decoded this term's Maps by now (MiniSearch's search in the tests above, or here).
      index.search(term);
      const fromMaps = termScores(index, term, FIELD_BOOSTS, view);
      expect([...fromPacked.docs], term).toEqual([...fromMaps.docs]);
      expect([...fromPacked.scores], term).toEqual([...fromMaps.scores]);
    }
    // Reading them did not decode them (a query makes no Maps).
    const leaf = (packed as unknown as { _index: { get(t: string): unknown } })._index.get(sample[0]!);
    expect(packedPostingsOf(leaf as Map<number, Map<number, number>>)).toBeDefined();
  });

  it('termScoresAt: one program alone, packed or decoded, is its entry in the whole list to the bit, or none', () => {
    const packedView = postingsView(packed, (id) => ids.indexOf(id));
    const boosts = [FIELD_BOOSTS, { ...FIELD_BOOSTS, consultations: 0 }];
    let found = 0;
    let absent = 0;
    for (const term of terms.filter((_, i) => i % 2 === 0)) {
      for (const boost of boosts) {
        const whole = termScores(index, term, boost, view);
        const listed = new Map<number, number>();
        for (let i = 0; i < whole.size; i++) listed.set(whole.docs[i]!, whole.scores[i]!);
        // Every program with the term, and as many without it.
        const without = [...Array(ids.length).keys()].filter((doc) => !listed.has(doc)).slice(0, Math.max(1, listed.size));
        for (const doc of [...listed.keys(), ...without]) {
          for (const [mini, v] of [[index, view], [packed, packedView]] as const) {
            const alone = termScoresAt(mini, term, boost, v, doc);
            if (listed.has(doc)) {
              expect([...alone.docs], `${term} ${doc}`).toEqual([doc]);
              expect(alone.scores[0], `${term} ${doc}`).toBe(listed.get(doc));
              expect([...alone.entries()][0]![1].terms).toEqual(new Set([term]));
              found++;
            } else {
              expect(alone.size, `${term} ${doc}`).toBe(0);
              absent++;
            }
          }
        }
      }
    }
    expect(found).toBeGreaterThan(1000);
    expect(absent).toBeGreaterThan(1000);
    expect(termScoresAt(index, 'ふがふがほげ', FIELD_BOOSTS, view, 0).size).toBe(0);
  });

  it('gives every program of a term the term as what it matched', () => {
    const term = terms.find((t) => viaSearch(index, t, FIELD_BOOSTS).size >= 3)!;
    const scores = termScores(index, term, FIELD_BOOSTS, view);
    for (const [, s] of scores.entries()) expect([...s.terms]).toEqual([term]);
  });
});
