import type { CatalogIndex } from './catalog-index.js';
import { lowerBound } from './consultation-match.js';
import { addUp, DocSet, filterScores, NO_SCORES, type Scores } from './scores.js';

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
  /** The programs of the categories read that nothing else found: see `categoryFill`. */
  categoryOnly: Scores;
  /** The category that brought a program of `categoryOnly` (the need before the purpose). */
  labelOf: (doc: number) => string | undefined;
}

/**
 * `found` (the programs the question's words found) with what the 相談例 add: each program's
 * examples, then the need (相談の種類) and the purpose category the words of all examples lean
 * to. `keep`: the filters of the question (目的:, 機関:…), applied to what is added.
 *
 * At 100,000 programs a category has tens of thousands: sets are the query's scratch (DocSet)
 * and lists stay in catalog order, so nothing here costs a Map or a sort of a category.
 */
export function withClientWords(catalog: CatalogIndex, question: Array<Set<string>>, found: Scores, options: ClientWordsOptions, keep: (scores: Scores) => Scores): ClientWordsAnswer {
  let scores = addUp([found, keep(catalog.consultationSets().match(question, options.consultationScore))]);
  const labels = catalog.labels();
  const categories = [
    { score: options.needModelScore, min: options.needModelMin, model: () => catalog.needModel(), having: (l: string) => labels.needs.having(l) },
    { score: options.purposeModelScore, min: options.purposeModelMin, model: () => catalog.purposeModel(), having: (l: string) => labels.purposes.having(l) },
  ];
  const size = catalog.input.programs.length;
  const listed = new DocSet(size);
  listed.addAll(scores.docs);
  // Per category read, its programs nothing else found (ascending) and its label.
  const onlyLists: Array<{ only: Scores; label: string }> = [];
  for (const c of categories) {
    if (c.score <= 0) continue;
    const byCategory = c.model().scores(question, c.score, c.min, c.having);
    const added = keep(byCategory.scores);
    if (!added.size || !byCategory.read) continue;
    scores = addUp([scores, filterScores(added, (doc) => listed.has(doc))]);
    onlyLists.push({ only: filterScores(added, (doc) => !listed.has(doc)), label: byCategory.read.purpose });
  }
  const labelOf = (doc: number) => onlyLists.find((l) => l.only.docs[lowerBound(l.only.docs, doc)] === doc)?.label;
  return { scores, categoryOnly: onlyLists.length ? addUp(onlyLists.map((l) => l.only)) : NO_SCORES, labelOf };
}

/** How far down the answer the programs a category alone brought may come: two pages. */
export const CATEGORY_FILL = 10;

/**
 * Of `categoryOnly`, those that would rank within the first `fill` of the answer, best first
 * (catalog order among equals): a category fills the first pages when the words found little,
 * and neither makes the count grow by a whole category (46 programs for 販路拡大・海外展開) nor
 * lists programs nobody will reach. `outranks(doc)`: whether a program of `found` ranks before
 * them whatever the scores (it has every word, or more words as written). Its scores take a few
 * values (a need's, a purpose's, both), so it walks the list once per value, never sorting it.
 */
export function categoryFill(found: Scores, categoryOnly: Scores, outranks: (doc: number) => boolean, fill = CATEGORY_FILL): Scores {
  if (!categoryOnly.size) return NO_SCORES;
  const { docs, scores } = categoryOnly;
  const values = [...new Set(scores)].sort((a, b) => b - a);
  const kept = new Set<number>();
  for (const value of values) {
    // The first (catalog order) of this value's programs, at most as many as places are left.
    const room = fill - kept.size;
    if (room <= 0) break;
    const first: number[] = [];
    for (let i = 0; i < docs.length; i++) {
      if (scores[i] !== value) continue;
      const doc = docs[i]!;
      if (first.length === room && doc > first[room - 1]!) continue;
      let at = first.length;
      while (at > 0 && first[at - 1]! > doc) at--;
      first.splice(at, 0, doc);
      if (first.length > room) first.pop();
    }
    // How many programs of `found` rank before this value's first program.
    let ahead = 0;
    for (let i = 0; i < found.size && ahead < fill; i++) {
      const s = found.scores[i]!;
      if (outranks(found.docs[i]!) || s > value || (s === value && found.docs[i]! < first[0]!)) ahead++;
    }
    for (let k = 0; k < first.length && ahead + kept.size < fill; k++) kept.add(first[k]!);
  }
  return filterScores(categoryOnly, (doc) => kept.has(doc));
}

/** Program `doc`'s 相談例 that says most of the question (at least half its weight), as a card shows it. */
export function closestConsultation(catalog: CatalogIndex, doc: number, question: ReadonlyArray<ReadonlySet<string>>): string | undefined {
  const at = catalog.consultationSets().closest(doc, question);
  return at === undefined ? undefined : catalog.input.programs[doc]?.consultations?.[at];
}
