import type { CatalogIndex } from './catalog-index.js';
import { isCommon } from './fallback.js';
import { firstInOrder } from './rank.js';
import { addUp, startQuery, termsOf, type Scores } from './scores.js';
import { SIMILAR_BOOSTS, TermCache, type WordScorer } from './word-scores.js';

/** A program like another (似た事業): its id, how alike, and the shared words a card highlights. */
export interface SimilarProgram {
  id: string;
  score: number;
  terms: string[];
}

/**
 * The `limit` programs most like program `id`, best first: shared distinctive words, then
 * shared purposes and key projects. Empty for an unknown id or a program with no words.
 *
 * The program's own words are looked up in the others' names, overviews and purposes, read from
 * the packed postings; their scores are added up and multiplied by how many of the words a
 * program has (as MiniSearch's OR query did). Words of a quarter of the catalog or more (事業,
 * 支援) are left out, as in a search: at 100,000 programs their postings made 似た事業 take
 * 0.5–2.2 s.
 */
export function similarPrograms(catalog: CatalogIndex, scorer: WordScorer, id: string, limit: number): SimilarProgram[] {
  const program = catalog.byId.get(id);
  const terms = catalog.docTerms.get(id);
  const self = catalog.order.get(id);
  if (!program || !terms?.length || self === undefined) return [];
  const size = catalog.input.programs.length;
  const purposes = new Set(program.purposes ?? []);
  const keyProjects = new Set(program.keyProjects ?? []);
  startQuery();
  const cache = new TermCache(SIMILAR_BOOSTS);
  const lists: Scores[] = [];
  const wordsHad = new Int32Array(size);
  for (const t of terms) {
    if (isCommon(catalog.documentFrequency.get(t) ?? 0, size)) continue;
    const list = scorer.termScores(t, cache);
    for (let i = 0; i < list.docs.length; i++) wordsHad[list.docs[i]!]!++;
    lists.push(list);
  }
  const found = addUp(lists);
  const { docs, scores } = found;
  const boosted = new Float64Array(docs.length);
  const entries: number[] = [];
  // Shared purposes and key projects counted from bits made once (program-labels.ts): reading
  // the arrays of the 50,000–90,000 programs found at 100,000 was most of the time.
  const labels = catalog.labels();
  const purposeMask = labels.purposes.maskOf(purposes);
  const projectMask = labels.keyProjects.maskOf(keyProjects);
  for (let i = 0; i < docs.length; i++) {
    if (docs[i] === self) continue;
    const sharedPurposes = labels.purposes.shared(docs[i]!, purposeMask, purposes);
    const sharedProjects = labels.keyProjects.shared(docs[i]!, projectMask, keyProjects);
    boosted[i] = scores[i]! * wordsHad[docs[i]!]! * (1 + 0.15 * sharedPurposes + 0.1 * sharedProjects);
    entries.push(i);
  }
  const ranked = firstInOrder(entries, limit, (a, b) => boosted[b]! - boosted[a]! || docs[a]! - docs[b]!);
  const matched = termsOf(found, ranked.map((i) => docs[i]!));
  const programs = catalog.input.programs;
  return ranked.map((i) => ({ id: programs[docs[i]!]!.id, score: boosted[i]!, terms: [...(matched.get(docs[i]!) ?? [])] }));
}
