import type MiniSearch from 'minisearch';
import { packedPostingsOf } from './index-load.js';
import { Accumulator, NO_SCORES, type Scores } from './scores.js';

/**
 * One index term's BM25 scores per program, read straight from MiniSearch's own postings.
 *
 * The engine looks up every alternative of every query word on its own (word-scores.ts), and at
 * 10,000 programs a common term matches thousands of them: `MiniSearch#search` then makes,
 * per program, a raw result, a match object, a result object and its arrays, and sorts them
 * all — an order the engine throws away, since it combines scores by id. Here the same
 * numbers (BM25 with MiniSearch's default parameters, times each field's boost, summed over
 * fields) go straight into the engine's Scores, every entry sharing one terms set. A test
 * (tests/search/term-scores.test.ts) holds them equal to `MiniSearch#search` for every term
 * of the bundled catalog, so a MiniSearch upgrade that changes its internals or its scoring
 * fails there, not silently in the ranking.
 *
 * Reads MiniSearch 7's documented-in-code but private fields; see `Internals`.
 */

/** The parts of a MiniSearch 7 instance this reads (private in its types, stable since 6.0). */
interface Internals {
  _index: { get(term: string): Map<number, Map<number, number>> | undefined };
  _documentIds: Map<number, string | number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
}

/** MiniSearch's defaultBM25params (k, b, d); the engine never passes other ones. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

/**
 * What `termScores` reads besides the postings, made once per index (on the first query):
 * each of MiniSearch's internal (short) document ids' catalog position (-1 for none), which
 * programs are named by (scores.ts), and its field lengths in one flat array (MiniSearch keeps
 * them in a Map of arrays: a lookup per posting was a good part of a query's time).
 */
export interface PostingsView {
  positions: Int32Array;
  /** The other way: a catalog position's short id (-1 for none), for termScoresAt. */
  shortIds: Int32Array;
  /** Above every position in `positions`. */
  docBound: number;
  /**
   * BM25's length part per document and field, norms[fieldId * stride + shortId] =
   * k · (1 − b + b · length / average length), computed once in MiniSearch's order of
   * operations (so a score is the same to the bit): two divisions fewer per posting.
   */
  norms: Float64Array;
  /**
   * Documents per field in `norms`. Field by field, so that a term's postings (a field's in
   * ascending ids) read it in order: by document it was a cache line per posting, most of a
   * broad question's time at 100,000 programs.
   */
  stride: number;
  /** MiniSearch's fields and their ids, in its order. */
  fields: Array<[string, number]>;
}

/** `positionOf`: a program id's place in the catalog. The index must not change afterwards. */
export function postingsView<T>(index: MiniSearch<T>, positionOf: (id: string) => number | undefined): PostingsView {
  const mini = index as unknown as Internals;
  let max = -1;
  for (const shortId of mini._documentIds.keys()) if (shortId > max) max = shortId;
  const positions = new Int32Array(max + 1).fill(-1);
  let docBound = 0;
  for (const [shortId, id] of mini._documentIds) {
    const doc = positionOf(id as string) ?? -1;
    positions[shortId] = doc;
    if (doc >= docBound) docBound = doc + 1;
  }
  const shortIds = new Int32Array(docBound).fill(-1);
  for (let shortId = 0; shortId < positions.length; shortId++) if (positions[shortId]! >= 0) shortIds[positions[shortId]!] = shortId;
  const fieldCount = Object.keys(mini._fieldIds).length;
  const stride = max + 1;
  const norms = new Float64Array(stride * fieldCount);
  const { k, b } = BM25;
  for (const [shortId, fieldLengths] of mini._fieldLength) {
    if (shortId > max) continue;
    for (let f = 0; f < fieldCount; f++) {
      const length = fieldLengths[f] ?? 0;
      norms[f * stride + shortId] = k * (1 - b + (b * length) / mini._avgFieldLength[f]!);
    }
  }
  return { positions, shortIds, docBound, norms, stride, fields: Object.entries(mini._fieldIds) };
}

/**
 * Programs containing `term` (exactly: no prefix or fuzzy match) in any field, each with
 * Σ boost(field) · BM25(term, field), as `index.search(term, { boost })` scores a one-term query;
 * programs named by catalog position (`view`), in the order MiniSearch's postings give them.
 */
export function termScores<T>(index: MiniSearch<T>, term: string, boosts: Readonly<Record<string, number>>, view: PostingsView): Scores {
  const mini = index as unknown as Internals;
  const data = mini._index.get(term);
  if (!data) return NO_SCORES;
  const packed = packedPostingsOf(data);
  if (packed) return packedTermScores(mini, term, boosts, view, packed.packed, packed.at);
  let capacity = 0;
  for (const postings of data.values()) capacity += postings.size;
  // Each program once, its fields' scores summed in field order; every entry matched the term.
  const acc = new Accumulator(capacity);
  const terms = new Set([term]);
  const { k, d } = BM25;
  const total = mini._documentCount;
  const { positions, norms, stride } = view;
  // Every indexed field, in MiniSearch's order; a field without a boost weighs 1, as there.
  for (const [field, fieldId] of view.fields) {
    const postings = data.get(fieldId);
    if (!postings) continue;
    const boost = boosts[field] ?? 1;
    // A field weighed 0 is not searched (MiniSearch would weigh it 1).
    if (boost === 0) continue;
    const idf = Math.log(1 + (total - postings.size + 0.5) / (postings.size + 0.5));
    postings.forEach((tf, shortId) => {
      const doc = positions[shortId] ?? -1;
      // A removed document's postings are cleaned lazily by MiniSearch; the engine never removes one.
      if (doc < 0) return;
      // In MiniSearch's order of operations, so the floating-point result is the same to the bit.
      const score = boost * (idf * (d + (tf * (k + 1)) / (tf + norms[fieldId * stride + shortId]!)));
      const prev = acc.addOrFind(doc, score);
      if (prev >= 0) acc.scores[prev] = acc.scores[prev]! + score;
    });
  }
  return acc.result({ kind: 'same', terms });
}

/**
 * `termScores` over postings still packed as the index file holds them (index-load.ts: per
 * field fieldId, count, then docId, tf pairs): the same numbers in the same order (fields in
 * MiniSearch's order, each field's postings in their stored order, which is the Maps' order),
 * without making the Maps. A loaded index's terms are all packed until something else reads them.
 */
function packedTermScores(mini: Internals, term: string, boosts: Readonly<Record<string, number>>, view: PostingsView, packed: Int32Array, start: number): Scores {
  // Where each field's postings start, by fieldId (a term has a few fields).
  const fieldAt = new Map<number, number>();
  let capacity = 0;
  let at = start;
  for (let fields = packed[at++]!; fields > 0; fields--) {
    const fieldId = packed[at]!;
    const n = packed[at + 1]!;
    fieldAt.set(fieldId, at + 1);
    capacity += n;
    at += 2 + 2 * n;
  }
  const acc = new Accumulator(capacity);
  const terms = new Set([term]);
  const { k, d } = BM25;
  const total = mini._documentCount;
  const { positions, norms, stride } = view;
  // acc.addOrFind inlined, with its arrays in locals: this loop is most of a broad question's time.
  const { docs, scores, mark } = acc;
  const { stamp, position } = acc.marks(view.docBound);
  let count = 0;
  for (const [field, fieldId] of view.fields) {
    const from = fieldAt.get(fieldId);
    if (from === undefined) continue;
    const n = packed[from]!;
    const boost = boosts[field] ?? 1;
    if (boost === 0) continue;
    const idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
    const normsAt = fieldId * stride;
    for (let i = from + 1, end = from + 1 + 2 * n; i < end; i += 2) {
      const shortId = packed[i]!;
      const tf = packed[i + 1]!;
      const doc = positions[shortId]!;
      // A removed document (-1), or none at all (undefined): MiniSearch cleans postings lazily.
      if (!(doc >= 0)) continue;
      const score = boost * (idf * (d + (tf * (k + 1)) / (tf + norms[normsAt + shortId]!)));
      if (stamp[doc] === mark) {
        const p = position[doc]!;
        scores[p] = scores[p]! + score;
      } else {
        stamp[doc] = mark;
        position[doc] = count;
        docs[count] = doc;
        scores[count] = score;
        count++;
      }
    }
  }
  acc.n = count;
  return acc.result({ kind: 'same', terms });
}

/**
 * `termScores` of one program alone: the entry `termScores` gives `doc` (the same score, to the
 * bit: fields in the same order, each added as there), or no entry. For the terms of a page's
 * programs in lists kept from earlier questions (intent-lists.ts): a lookup per field instead
 * of reading the term's postings, tens of thousands of them for a common term at 100,000 programs.
 * A field's postings are in ascending short ids (documents are added in catalog order, and
 * packed and loaded in that order), so a packed field is searched by halving.
 */
export function termScoresAt<T>(index: MiniSearch<T>, term: string, boosts: Readonly<Record<string, number>>, view: PostingsView, doc: number): Scores {
  const mini = index as unknown as Internals;
  const data = mini._index.get(term);
  const shortId = view.shortIds[doc] ?? -1;
  if (!data || shortId < 0) return NO_SCORES;
  const packed = packedPostingsOf(data);
  // Where each field's postings start (packed: the count's place), by fieldId.
  const fieldAt = new Map<number, number>();
  if (packed) {
    let at = packed.at;
    for (let fields = packed.packed[at++]!; fields > 0; fields--) {
      fieldAt.set(packed.packed[at]!, at + 1);
      at += 2 + 2 * packed.packed[at + 1]!;
    }
  }
  const { k, d } = BM25;
  const total = mini._documentCount;
  let score: number | undefined;
  for (const [field, fieldId] of view.fields) {
    const boost = boosts[field] ?? 1;
    if (boost === 0) continue;
    let n: number;
    let tf: number | undefined;
    if (packed) {
      const from = fieldAt.get(fieldId);
      if (from === undefined) continue;
      n = packed.packed[from]!;
      tf = packedTf(packed.packed, from + 1, n, shortId);
    } else {
      const postings = data.get(fieldId);
      if (!postings) continue;
      n = postings.size;
      tf = postings.get(shortId);
    }
    if (tf === undefined) continue;
    const idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
    const fieldScore = boost * (idf * (d + (tf * (k + 1)) / (tf + view.norms[fieldId * view.stride + shortId]!)));
    score = score === undefined ? fieldScore : score + fieldScore;
  }
  if (score === undefined) return NO_SCORES;
  const acc = new Accumulator(1);
  acc.addOrFind(doc, score);
  return acc.result({ kind: 'same', terms: new Set([term]) });
}

/** The tf of `shortId` among `n` (shortId, tf) pairs from `from`, ascending by shortId, or undefined. */
function packedTf(packed: Int32Array, from: number, n: number, shortId: number): number | undefined {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (packed[from + 2 * mid]! < shortId) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && packed[from + 2 * lo] === shortId ? packed[from + 2 * lo + 1] : undefined;
}
