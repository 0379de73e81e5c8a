import type { CatalogIndex } from './catalog-index.js';
import { addUp, filterScores, NO_SCORES, ScoresBuilder, type Scores } from './scores.js';

/**
 * A question in a client's words, matched against how clients put their needs: each program's
 * 相談例 one by one (consultation-match.ts), then the purpose category the words of all 相談例
 * lean to (purpose-model.ts). Both read the same question: per word, the forms that count as
 * it (the word, its parts, its hand-kept synonyms).
 */
export interface ClientWordsOptions {
  /** What a program whose one 相談例 says all of the question adds (SearchEngineOptions). */
  consultationScore: number;
  /** What a program of the likeliest purpose adds, times its likelihood; 0: off. */
  purposeModelScore: number;
  /** How likely that purpose must be. */
  purposeModelMin: number;
  /** The same for the likeliest of the finer needs (相談の種類); 0: off. */
  needModelScore: number;
  needModelMin: number;
}

export interface ClientWordsAnswer {
  /** `found` with what the 相談例 add, and the categories' scores for their programs among them. */
  scores: Scores;
  /** The programs of the categories read that nothing else found, in catalog order: see `purposeFill`. */
  categoryOnly: Scores;
  /** Per program of `categoryOnly`, the category that brought it (the need before the purpose). */
  labelOf: Map<number, string>;
}

/**
 * `found` (the programs the question's words found) with what the 相談例 add: each program's
 * examples, then the need (相談の種類) and the purpose category the words of all examples lean
 * to. `keep`: the filters of the question (目的:, 機関:…), applied to what is added.
 */
export function withClientWords(catalog: CatalogIndex, question: Array<Set<string>>, found: Scores, options: ClientWordsOptions, keep: (scores: Scores) => Scores): ClientWordsAnswer {
  let scores = addUp([found, keep(catalog.consultationSets().match(question, options.consultationScore))]);
  const labels = catalog.labels();
  const categories = [
    { score: options.needModelScore, min: options.needModelMin, model: () => catalog.needModel(), having: (l: string) => labels.needs.having(l) },
    { score: options.purposeModelScore, min: options.purposeModelMin, model: () => catalog.purposeModel(), having: (l: string) => labels.purposes.having(l) },
  ];
  const only = new Map<number, number>();
  const labelOf = new Map<number, string>();
  for (const c of categories) {
    if (c.score <= 0) continue;
    const byCategory = c.model().scores(question, c.score, c.min, c.having);
    const added = keep(byCategory.scores);
    if (!added.size || !byCategory.read) continue;
    const before = scores;
    scores = addUp([before, filterScores(added, (doc) => before.has(doc))]);
    for (let i = 0; i < added.size; i++) {
      const doc = added.docs[i]!;
      if (before.has(doc)) continue;
      only.set(doc, (only.get(doc) ?? 0) + added.scores[i]!);
      if (!labelOf.has(doc)) labelOf.set(doc, byCategory.read.purpose);
    }
  }
  const docs = [...only.keys()].sort((a, b) => a - b);
  const out = new ScoresBuilder(docs.length);
  for (const doc of docs) out.add(doc, only.get(doc)!);
  return { scores, categoryOnly: out.build({ kind: 'same', terms: new Set<string>() }), labelOf };
}

/** How far down the answer the programs a category alone brought may come: two pages. */
export const PURPOSE_FILL = 10;

/**
 * Of `categoryOnly`, those that would rank within the first `fill` of the answer, best first
 * (catalog order among equals): a category fills the first pages when the words found little,
 * and neither makes the count grow by a whole category (46 programs for 販路拡大・海外展開) nor
 * lists programs nobody will reach. `outranks(doc)`: whether a program of `found` ranks before
 * them whatever the scores (it has every word, or more words as written).
 */
export function purposeFill(found: Scores, categoryOnly: Scores, outranks: (doc: number) => boolean, fill = PURPOSE_FILL): Scores {
  if (!categoryOnly.size) return NO_SCORES;
  const order = [...categoryOnly.docs.keys()].sort((a, b) => categoryOnly.scores[b]! - categoryOnly.scores[a]! || categoryOnly.docs[a]! - categoryOnly.docs[b]!);
  // Per distinct score (one or two), how many programs of `found` rank before one at it.
  const before = new Map<number, number>();
  const ahead = (score: number, first: number) => {
    let n = 0;
    for (let i = 0; i < found.size && n < fill; i++) {
      const doc = found.docs[i]!;
      const s = found.scores[i]!;
      if (outranks(doc) || s > score || (s === score && doc < first)) n++;
    }
    return n;
  };
  const kept = new Set<number>();
  order.forEach((i, k) => {
    const score = categoryOnly.scores[i]!;
    if (!before.has(score)) before.set(score, ahead(score, categoryOnly.docs[i]!));
    if (before.get(score)! + k < fill) kept.add(categoryOnly.docs[i]!);
  });
  return filterScores(categoryOnly, (doc) => kept.has(doc));
}

/** Program `doc`'s 相談例 that says most of the question (at least half its weight), as a card shows it. */
export function closestConsultation(catalog: CatalogIndex, doc: number, question: ReadonlyArray<ReadonlySet<string>>): string | undefined {
  const at = catalog.consultationSets().closest(doc, question);
  return at === undefined ? undefined : catalog.input.programs[doc]?.consultations?.[at];
}
