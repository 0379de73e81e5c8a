/**
 * The catalog's words that look like a query word, for the suggestions of an answer with no
 * hits. Similarity is the Dice coefficient of character bigrams, plus 0.3 when one word
 * contains the other; words scoring 0.5 or more are offered.
 *
 * An inverted index from bigram to the words holding it means a query word is compared only
 * with words that share a bigram with it (no other word can reach 0.5); comparing it with
 * every word of the catalog cost about 7 ms per query word, 120 ms for a query of 16 unknown
 * words. Scores, and their order, are those of comparing with every word.
 *
 * Bigrams are numbers, the postings typed arrays, and the bigrams a word shares are counted in
 * one array kept for all queries (not a Map per query): at 100,000 programs (47,000 words),
 * 9,500 of its words asked in turn took 2.9 s instead of 7.0 s.
 */
export class NearbyTerms {
  private readonly terms: string[] = [];
  private readonly frequency: number[] = [];
  /** Distinct bigrams of each word. */
  private readonly bigramCount: number[] = [];
  /** Bigram (`bigrams`' number) → ids of the words holding it, ascending (the order of `documentFrequency`). */
  private readonly postings = new Map<number, Int32Array>();
  /** Per word, the query's bigrams it holds: all 0 between queries. */
  private readonly shared: Int32Array;

  /** `documentFrequency`: every indexed word with the number of programs holding it. */
  constructor(documentFrequency: ReadonlyMap<string, number>) {
    const postings = new Map<number, number[]>();
    for (const [term, df] of documentFrequency) {
      if (term.length < 2) continue;
      const id = this.terms.length;
      this.terms.push(term);
      this.frequency.push(df);
      const grams = bigrams(term);
      this.bigramCount.push(grams.size);
      for (const g of grams) {
        let list = postings.get(g);
        if (!list) postings.set(g, (list = []));
        list.push(id);
      }
    }
    for (const [g, list] of postings) this.postings.set(g, Int32Array.from(list));
    this.shared = new Int32Array(this.terms.length);
  }

  /**
   * Words like `query` (itself excluded) with their scores, in the order of the catalog's
   * words; a word held by more programs gets a little more (up to 0.1).
   */
  near(query: string): Array<[string, number]> {
    // A word of one character has no bigram, and shares none with a word of two or more.
    if (query.length < 2) return [];
    const grams = bigrams(query);
    const { shared } = this;
    const touched: number[] = [];
    for (const g of grams) {
      const list = this.postings.get(g);
      if (!list) continue;
      for (let i = 0; i < list.length; i++) if (shared[list[i]!]!++ === 0) touched.push(list[i]!);
    }
    const ids = Int32Array.from(touched).sort();
    const out: Array<[string, number]> = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const count = shared[id]!;
      shared[id] = 0;
      const term = this.terms[id]!;
      if (term === query) continue;
      // Two Latin letters inside a Latin word are chance, not a spelling of it: quit offered it
      // and ui (15 IT and UIターン programs), maintain would offer ai.
      if (LATIN.test(query) && LATIN.test(term) && Math.min(term.length, query.length) < 3) continue;
      const sim = (2 * count) / (grams.size + this.bigramCount[id]! || 1);
      const score = sim + (term.includes(query) || query.includes(term) ? 0.3 : 0);
      if (score >= 0.5) out.push([term, score + Math.min(this.frequency[id]!, 20) / 200]);
    }
    return out;
  }
}

const LATIN = /^[a-z0-9&]+$/;

/** A suggestion starts and ends with a letter or digit (not with 「.」 glued on by NFKC). */
export const WORD_EDGES = /^[\p{L}\p{N}].*[\p{L}\p{N}ー]$|^[\p{L}\p{N}]$/u;

/** The distinct bigrams (two UTF-16 code units) of a word of two or more, each as one number. */
function bigrams(s: string): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + 1 < s.length; i++) out.add((s.charCodeAt(i) << 16) | s.charCodeAt(i + 1));
  return out;
}
