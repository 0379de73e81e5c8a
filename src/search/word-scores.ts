import type { Purpose } from '../catalog/constants.js';
import { WORD_EDGES } from './nearby-terms.js';
import type { SearchEngineOptions } from './search-types.js';
import { addUp, constantScores, DocSet, intersect, NO_SCORES, scale, softMax, type Scores } from './scores.js';
import { postingsView, termScoresAt, termScores as termScoresOf, type PostingsView } from './term-scores.js';
import { isCommon, partsToTry } from './fallback.js';
import { FIELD_BOOSTS, SEP, type CatalogIndex, type FieldBoosts } from './catalog-index.js';

/**
 * A query's words as scored lists of programs: each word with everything it may match (itself,
 * its parts, synonyms, a name containing it, nearby words), weighted.
 *
 * Apart from the index (catalog-index.ts), which it only reads, and from answering (engine.ts),
 * which decides which words are asked and how their lists make an answer: this is the hot path
 * of every question, where how one word matches (parts, synonyms, fields) is decided.
 *
 * Each alternative a word may match (itself, its parts, a synonym) is looked up on its
 * own in MiniSearch (BM25 with FIELD_BOOSTS), and the alternatives of one word are
 * combined by a soft maximum: the best alternative counts in full, the others a little.
 * A plain OR would add them up, and a program mentioning five synonyms would outrank one
 * that says exactly what was asked.
 */

/**
 * FIELD_BOOSTS for a question of a word or words typed apart: what programs are and say, not
 * the 相談例 (0: not searched, term-scores.ts). With 14–16 相談例 per program, 採用 in a few of
 * 障害者雇用's put it first for 採用, above the programs whose name and overview say 採用: a
 * word found in a 相談例 counts as written, and written words rank first.
 */
export const KEYWORD_BOOSTS: FieldBoosts = { ...FIELD_BOOSTS, consultations: 0 };

/** 似た事業: a program's words looked up in the others' names, overviews and purposes only (0: not searched). */
export const SIMILAR_BOOSTS: FieldBoosts = Object.fromEntries(Object.keys(FIELD_BOOSTS).map((f) => [f, f === 'name' || f === 'overview' || f === 'purposes' ? 1 : 0])) as FieldBoosts;

/** One query's term lists, looked up with one set of field weights. */
export class TermCache extends Map<string, Scores> {
  constructor(
    readonly boosts: FieldBoosts = FIELD_BOOSTS,
    /** Looks terms up for this program alone (intent-lists.ts: a kept list's terms). */
    readonly only?: number,
  ) {
    super();
  }
}

/** How like a query word a catalog word must be to be searched in its place (NearbyTerms' scale). */
const NEARBY_MIN_SCORE = 0.7;

/** Score of a word found only inside a name (about what a single name-field hit scores). */
const NAME_CONTAINS_SCORE = 10;

export class WordScorer {
  /** MiniSearch's short id → the program's catalog position (what scores.ts names programs by), and its field lengths; made on the first query. */
  private postings?: PostingsView;

  constructor(
    private readonly catalog: CatalogIndex,
    private readonly options: Required<SearchEngineOptions>,
  ) {}

  termScores(term: string, cache: TermCache): Scores {
    let scores = cache.get(term);
    if (!scores) {
      // MiniSearch's scores of the term, without its result objects and sort (term-scores.ts),
      // programs named by their catalog position (scores.ts); the table is made on the first query.
      const { index } = this.catalog;
      this.postings ??= postingsView(index, (id) => this.catalog.order.get(id));
      scores = cache.only === undefined ? termScoresOf(index, term, cache.boosts, this.postings) : termScoresAt(index, term, cache.boosts, this.postings, cache.only);
      cache.set(term, scores);
    }
    return scores;
  }

  /** A word, whole or (a compound) by all its parts apart; `partSynonyms` lets each part match its synonyms. */
  private specScores(spec: { term: string; parts: string[] }, cache: TermCache, partSynonyms = false): Scores {
    // Made once per query: a synonym group's words are each other's synonyms, so a question whose
    // intent means several of them asked for each of the others again (half of the calls of a
    // colloquial question). Kept in the term cache under a key no term has (terms never hold SEP).
    const key = `${SEP}${partSynonyms ? 1 : 0}${SEP}${spec.term}${SEP}${spec.parts.join(SEP)}`;
    const made = cache.get(key);
    if (made) return made;
    const scores = this.specScoresOnce(spec, cache, partSynonyms);
    cache.set(key, scores);
    return scores;
  }

  private specScoresOnce(spec: { term: string; parts: string[] }, cache: TermCache, partSynonyms: boolean): Scores {
    const alternatives = [this.termScores(spec.term, cache)];
    if (spec.parts.length >= 2) {
      const parts = spec.parts.map((p) => {
        const own = this.termScores(p, cache);
        if (!partSynonyms) return own;
        // Pushed, not spread from a mapped array: an empty map() result has another elements
        // kind than a full one, and the spread's optimised code was thrown away on the change.
        const withSynonyms = [own];
        for (const s of this.catalog.input.vocabulary.synonymsOf(p)) withSynonyms.push(scale(this.specScores(s, cache), this.options.synonymWeight));
        return softMax(withSynonyms, this.options.softMaxRest);
      });
      alternatives.push(scale(intersect(parts), this.options.partsWeight));
    }
    return softMax(alternatives, this.options.softMaxRest);
  }

  /**
   * One word of the query with everything it may match, weighted. `byName`: whether the word was
   * looked for in names, recorded (undefined) or as recorded for the whole catalog (a program
   * alone, `cache.only`, may not have the word where the catalog does).
   */
  unitScores(unit: { term: string; parts: string[] }, cache: TermCache, expanded: Set<string>, literal?: DocSet, byName: { found?: boolean } = {}): Scores {
    let own = this.specScores(unit, cache);
    // A word the index does not hold as a term may still be part of a name (そうしん in
    // そうしんTOBO会): look for it in names and agency spellings.
    byName.found ??= !own.size && unit.term.length >= 2;
    if (byName.found) own = this.nameContaining(unit.term);
    literal?.addAll(own.docs);
    const alternatives = [own];
    if (unit.parts.length >= 2) alternatives.push(this.specScores(unit, cache, true));
    const handKept = this.catalog.input.vocabulary.synonymsOf(unit.term);
    for (const s of handKept) {
      const scores = this.specScores(s, cache);
      if (scores.size) expanded.add(s.label);
      alternatives.push(scale(scores, this.options.synonymWeight));
    }
    // The general dictionary, under staff's words: only what they do not already say.
    if (this.options.generalSynonymWeight > 0) {
      for (const t of this.catalog.generalSynonyms.get(unit.term) ?? []) {
        if (handKept.some((s) => s.term === t)) continue;
        const scores = this.termScores(t, cache);
        if (scores.size) expanded.add([...(this.catalog.surfaces.get(t) ?? [t])][0]!);
        alternatives.push(scale(scores, this.options.generalSynonymWeight));
      }
    }
    return softMax(alternatives, this.options.softMaxRest);
  }

  /** A word that matched nothing whole, by its parts and stem apart (any of them), at partsWeight. */
  partScores(unit: { term: string; parts: string[] }, cache: TermCache, expanded: Set<string>): Scores {
    const lists = partsToTry(unit)
      .map((p) => this.unitScores({ term: p, parts: [] }, cache, expanded))
      .filter((s) => s.size);
    const rare = lists.filter((s) => !isCommon(s.size, this.catalog.size));
    return scale(addUp(rare.length ? rare : lists), this.options.partsWeight);
  }

  /** The catalog's words nearest to one that matched nothing (a typo, another spelling): the last step. */
  nearbyScores(unit: { term: string }, cache: TermCache): { scores: Scores; matched: number; used: string[] } | undefined {
    if (unit.term.length < 2) return undefined;
    const near = this.catalog
      .nearby()
      .near(unit.term)
      .filter(([t, score]) => score >= NEARBY_MIN_SCORE && WORD_EDGES.test(t))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2);
    if (!near.length) return undefined;
    const scores = addUp(near.map(([t]) => this.termScores(t, cache)));
    return { scores, matched: scores.size, used: near.map(([t]) => [...(this.catalog.surfaces.get(t) ?? [t])][0]!) };
  }

  /**
   * Programs having any of `purposes`, in catalog order, each at purposeScore. From per-purpose
   * lists made once (on the first intent with purposes): at 10,000 programs, reading every
   * program's purposes for each colloquial question was 2 ms of it.
   */
  purposeScores(purposes: readonly Purpose[]): Scores {
    const lists: Int32Array[] = [];
    for (const x of new Set(purposes)) {
      const docs = this.catalog.labels().purposes.having(x);
      if (docs.length) lists.push(docs);
    }
    if (!lists.length) return NO_SCORES;
    // One list is in catalog order already; several are merged, a program once.
    const docs = lists.length === 1 ? lists[0]! : Int32Array.from(new Set(lists.flatMap((l) => [...l]))).sort();
    return constantScores(docs, this.options.purposeScore, new Set<string>());
  }

  /** Programs whose name or agency spelling contains `term`, at a modest fixed score. */
  private nameContaining(term: string): Scores {
    const docs = Int32Array.from(this.catalog.texts().containing('names', term));
    return constantScores(docs, NAME_CONTAINS_SCORE, new Set([term]));
  }
}
