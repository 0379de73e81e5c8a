import type { CatalogIndex } from './catalog-index.js';
import { addUp, type Scores } from './scores.js';

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
  /** `found` with what the 相談例 and the purpose add. */
  scores: Scores;
  /** The purpose read, when its programs added one that `found` did not have. */
  purposeRead?: string;
}

/**
 * `found` (the programs the question's words found) with what the 相談例 add. `keep`: the
 * filters of the question (目的:, 機関:…), applied to what is added.
 */
export function withClientWords(catalog: CatalogIndex, question: Array<Set<string>>, found: Scores, options: ClientWordsOptions, keep: (scores: Scores) => Scores): ClientWordsAnswer {
  let scores = addUp([found, keep(catalog.consultationSets().match(question, options.consultationScore))]);
  if (options.purposeModelScore <= 0) return { scores };
  const labels = catalog.labels();
  const byPurpose = catalog.purposeModel().scores(question, options.purposeModelScore, options.purposeModelMin, (p) => labels.purposes.having(p));
  const added = keep(byPurpose.scores);
  const purposeRead = added.docs.some((doc) => !scores.has(doc)) ? byPurpose.read?.purpose : undefined;
  scores = addUp([scores, added]);
  return purposeRead ? { scores, purposeRead } : { scores };
}

/** Program `doc`'s 相談例 that says most of the question (at least half its weight), as a card shows it. */
export function closestConsultation(catalog: CatalogIndex, doc: number, question: ReadonlyArray<ReadonlySet<string>>): string | undefined {
  const at = catalog.consultationSets().closest(doc, question);
  return at === undefined ? undefined : catalog.input.programs[doc]?.consultations?.[at];
}
