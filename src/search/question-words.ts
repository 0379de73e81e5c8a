import type { AnalyzedUnit } from './analyzer.js';
import { isKanaOnly, termForm } from './normalize.js';
import { endsLikeVerb, KanaReadings, katakanaSentence, MIN_READING, readKanaWords } from './kana-reading.js';
import type { CatalogIndex } from './catalog-index.js';

/**
 * A question's text as the words the index knows: a chunk analysed into words, and kana read
 * as the catalog writes it (a question typed in kana, kana words inside a sentence).
 *
 * Apart from scoring (word-scores.ts), which takes these words as given, because reading kana
 * is its own problem with its own table (kana-reading.ts), and answering (engine.ts) and
 * suggestions both read words this way.
 */

const KANJI_OR_KATAKANA = /[\p{Script=Han}\p{Script=Katakana}]/u;

export class QuestionWords {
  /** Readings of the catalog's words, for questions typed in kana; made on the first one. */
  private kanaReadings?: KanaReadings;

  constructor(private readonly catalog: CatalogIndex) {}

  /** Words of one whitespace-separated chunk. Kana-only chunks are readings or loanwords. */
  unitsOf(chunk: string): AnalyzedUnit[] {
    const normalized = chunk.normalize('NFKC');
    if (isKanaOnly(normalized)) {
      const kana = termForm(normalized);
      const known = this.catalog.input.vocabulary.byKanaReading(kana);
      // A reading of a word staff listed (じぎょうしょうけい) stands for the written word.
      if (known && known.term !== kana) return [{ term: known.term, surface: known.label, reading: kana, parts: known.parts }];
      // A kana word the index does not hold may be a question typed in kana: the catalog words
      // whose readings make it up (kana-reading.ts).
      if (!this.heldAsWritten(kana)) {
        const split = this.readings().split(kana);
        if (split.length) return split;
      }
      return [{ term: kana, surface: normalized, reading: kana, parts: [] }];
    }
    return this.catalog.analyzer.units(normalized);
  }

  /**
   * A chunk with its kana words written as the catalog writes them (kana-reading.ts), before
   * intents read the sentence: きぎょうしたい大学生 means what 起業したい大学生 means. A question
   * all in kana too: かいしゃをうりたい is read as 会社を売りたい, so the intent of selling one's
   * company (事業承継) answers it, not the words 会社 and 売る alone; typed all in katakana
   * (カイシャヲウリタイ), as if in hiragana. A kana word the index holds as written (まちづくり)
   * stays as it is.
   */
  withKanaRead(chunk: string): string {
    const typed = chunk.normalize('NFKC');
    if (isKanaOnly(typed) && this.heldAsWritten(typed)) return chunk;
    const hiragana = katakanaSentence(typed);
    const asSentence = hiragana === undefined ? undefined : this.kanaRead(hiragana);
    return asSentence !== undefined && asSentence !== hiragana ? asSentence : this.kanaRead(typed);
  }

  /** `text` with its kana words written as the catalog writes them, whatever the index holds in kana (a `相談:` value: ゆしゅつ → 輸出). */
  kanaRead(text: string): string {
    return readKanaWords(text.normalize('NFKC'), (run, at) => this.kanaWordAt(run, at));
  }

  /**
   * Whether the index holds a kana chunk as it is written (まちづくり, かごしま): then it is that
   * word, not a question typed in kana to be read as kanji (まちづくり is not 街づくり).
   */
  heldAsWritten(kana: string): boolean {
    const term = termForm(kana);
    // Written so, not only read so: せつびしきん matched a program by the reading of 設備資金 and
    // stayed kana, 1 件 where 設備資金 finds 38 (its intent and synonyms never read).
    return this.catalog.documentFrequency.has(term) || [...(this.catalog.surfaces.get(term) ?? [])].some((s) => isKanaOnly(s.normalize('NFKC')));
  }

  /**
   * The longest word from `at` that the catalog writes in kana, as it writes it: かごしま stays
   * かごしま (not 鹿児島), いんばうんど becomes インバウンド.
   */
  private kanaWrittenAt(run: string, at: number): { surface: string; length: number } | undefined {
    for (let n = run.length - at; n >= MIN_READING; n--) {
      const word = run.slice(at, at + n);
      if (!this.catalog.documentFrequency.has(word)) continue;
      const surface = [...(this.catalog.surfaces.get(word) ?? [])].find((s) => termForm(s) === word);
      return { surface: surface ?? word, length: n };
    }
    return undefined;
  }

  /** The word a kana run spells from `at`: a word staff listed first, else a catalog word. */
  kanaWordAt(run: string, at: number): { surface: string; length: number } | undefined {
    const written = this.kanaWrittenAt(run, at);
    // The catalog writes はじめ in kana (〜をはじめ): はじめたい is still 始めたい.
    if (written && endsLikeVerb(run.slice(at + written.length))) {
      const verb = this.readings().verbAt(run, at);
      if (verb && verb.reading.length >= written.length) return { surface: verb.surface, length: verb.reading.length };
    }
    if (written) return written;
    for (let n = run.length - at; n >= MIN_READING; n--) {
      const known = this.catalog.input.vocabulary.byKanaReading(run.slice(at, at + n));
      if (known && KANJI_OR_KATAKANA.test(known.label)) return { surface: known.label, length: n };
    }
    const entry = this.readings().longestAt(run, at);
    return entry && KANJI_OR_KATAKANA.test(entry.surface) ? { surface: entry.surface, length: entry.reading.length } : undefined;
  }

  private readings(): KanaReadings {
    // A word's weight for a shared reading: how many programs hold it; a word no program's
    // name or overview holds (verbs: 借りる, 雇う) by how many 相談例 say it.
    return (this.kanaReadings ??= new KanaReadings(this.catalog.lexicon.values(), (t) => this.catalog.documentFrequency.get(t) ?? this.catalog.consultationSets().examplesSaying(t)));
  }
}

/**
 * English function words, left out of a question written in English (three Latin words or more):
 * How can I get a subsidy listed 3 programs on the a of M&A and the I of a project name, export to
 * Taiwan 1 on the to of B to B, as if they were answers. Typed with Japanese, or alone, they stay
 * words (M&A's a, IT). `it` is no function word here: it is IT.
 */
const ENGLISH_FUNCTION_WORDS = new Set(
  'a an the to of for in on at by from with about into and or but if so as is are am was were be been do does did can could will would should may might must shall i me my we our us you your he she they them their this that these those what which who whom how when where why there here any some no not please want need get help'.split(' '),
);

/** `words` (a question's chunks) without English function words, when the chunks are an English sentence. */
export function withoutEnglishFunctionWords<T extends { term: string }>(chunks: readonly string[], words: T[]): T[] {
  const latin = chunks.filter((c) => /^[a-z0-9&'.,?!-]+$/i.test(c.normalize('NFKC')));
  if (latin.length < 3 || latin.length !== chunks.length) return words;
  return words.filter((w) => !ENGLISH_FUNCTION_WORDS.has(w.term));
}
