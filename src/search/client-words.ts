import type { CatalogIndex } from './catalog-index.js';
import { addUp, filterScores, NO_SCORES, type Scores } from './scores.js';

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
}

export interface ClientWordsAnswer {
  /** `found` with what the 相談例 add, and the purpose's score for its programs among them. */
  scores: Scores;
  /** The purpose's programs that nothing else found, each at the purpose's score: see `purposeFill`. */
  purposeOnly: Scores;
  /** The purpose read (purpose-model.ts), when it had programs to add. */
  purpose?: string;
}

/**
 * `found` (the programs the question's words found) with what the 相談例 add. `keep`: the
 * filters of the question (目的:, 機関:…), applied to what is added.
 */
export function withClientWords(catalog: CatalogIndex, question: Array<Set<string>>, found: Scores, options: ClientWordsOptions, keep: (scores: Scores) => Scores): ClientWordsAnswer {
  const scores = addUp([found, keep(catalog.consultationSets().match(question, options.consultationScore))]);
  if (options.purposeModelScore <= 0) return { scores, purposeOnly: NO_SCORES };
  const labels = catalog.labels();
  const byPurpose = catalog.purposeModel().scores(question, options.purposeModelScore, options.purposeModelMin, (p) => labels.purposes.having(p));
  const added = keep(byPurpose.scores);
  if (!added.size) return { scores, purposeOnly: NO_SCORES };
  return {
    scores: addUp([scores, filterScores(added, (doc) => scores.has(doc))]),
    purposeOnly: filterScores(added, (doc) => !scores.has(doc)),
    ...(byPurpose.read ? { purpose: byPurpose.read.purpose } : {}),
  };
}

/** How far down the answer a purpose's programs that nothing else found may come: two pages. */
export const PURPOSE_FILL = 10;

/**
 * Of `purposeOnly` (each at the same score), those that would rank within the first `fill` of
 * the answer, in the order they would rank (catalog order): the purpose fills the first pages
 * when the words found little, and neither makes the count grow by a whole category (46
 * programs for 販路拡大・海外展開) nor lists programs nobody will reach. `outranks(doc)`:
 * whether a program of `found` ranks before a purpose-only program whatever their scores (it
 * has every word, or more words as written).
 */
export function purposeFill(found: Scores, purposeOnly: Scores, outranks: (doc: number) => boolean, fill = PURPOSE_FILL): Scores {
  if (!purposeOnly.size) return NO_SCORES;
  const score = purposeOnly.scores[0]!;
  const first = purposeOnly.docs[0]!;
  let before = 0;
  for (let i = 0; i < found.size && before < fill; i++) {
    const doc = found.docs[i]!;
    const s = found.scores[i]!;
    if (outranks(doc) || s > score || (s === score && doc < first)) before++;
  }
  const room = fill - before;
  if (room <= 0) return NO_SCORES;
  let taken = 0;
  return filterScores(purposeOnly, () => taken++ < room);
}

/** Program `doc`'s 相談例 that says most of the question (at least half its weight), as a card shows it. */
export function closestConsultation(catalog: CatalogIndex, doc: number, question: ReadonlyArray<ReadonlySet<string>>): string | undefined {
  const at = catalog.consultationSets().closest(doc, question);
  return at === undefined ? undefined : catalog.input.programs[doc]?.consultations?.[at];
}
