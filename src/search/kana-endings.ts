import { normalizeText } from './normalize.js';

/**
 * Kana the catalog mostly writes as particles and endings, told apart from kana words.
 *
 * kuromoji now and then makes a word of a particle or an ending in context: the たい of
 * 参加してみたい, the で of 海外にでる. The lexicon a serving process splits questions with
 * (lexicon-analyzer.ts) then holds たい and で as words, and matches them in every question:
 * 中国で商品を売りたい was read as 中国, でる, 商品, 売る, たい, where kuromoji reads 中国, 商品,
 * 売る. Those words then searched every program (at 100,000 programs, たい is in 700,000 相談例),
 * and ranked by them.
 *
 * So a kana-only surface of up to MAX_ENDING_LENGTH characters stays in the lexicon only where
 * kuromoji made a word of it in at least MIN_WORD_SHARE of the places the indexed text writes
 * it (inside a run of kana, also inside a longer word: かご is left out where かごしま is
 * common, and a question's かご is then read as kuromoji reads it in context, or not at all).
 * まとめ, わから, かごしま stay; たい, で, つい do not.
 */
export const MIN_WORD_SHARE = 0.5;

/**
 * Longest kana surface that may be an ending: particles and endings are 1–4 characters (で,
 * たい, もらえる), and the pass over the text looks this far at each kana character.
 */
export const MAX_ENDING_LENGTH = 4;

const KANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u;
const KANA_RUN = /[\p{Script=Hiragana}ー]+/gu;

/**
 * Counts, while an index is built, where kuromoji made words of kana (`note`), then where the
 * text writes them (`countWritten`, a second pass over the same texts), and says which are endings.
 */
export class KanaWordTally {
  /** Kana-only surface (short enough to be an ending) → the times the analyser made a word of it. */
  private readonly made = new Map<string, number>();
  /** The same surfaces → the times the text writes them inside a run of kana. */
  private readonly written = new Map<string, number>();

  /** A word the analyser made of the indexed text (each time it made it). */
  note(surface: string): void {
    if (surface.length > MAX_ENDING_LENGTH || !KANA_ONLY.test(surface)) return;
    this.made.set(surface, (this.made.get(surface) ?? 0) + 1);
  }

  /** One indexed text, as given to the analyser, after every `note`. */
  countWritten(text: string): void {
    if (!this.made.size) return;
    for (const [run] of normalizeText(text).matchAll(KANA_RUN)) {
      for (let at = 0; at < run.length; at++) {
        for (let length = 1; length <= MAX_ENDING_LENGTH && at + length <= run.length; length++) {
          const piece = run.slice(at, at + length);
          if (this.made.has(piece)) this.written.set(piece, (this.written.get(piece) ?? 0) + 1);
        }
      }
    }
  }

  /** The noted surfaces the text writes more than 1 / MIN_WORD_SHARE times as often as the analyser made a word of them. */
  endings(): Set<string> {
    const endings = new Set<string>();
    for (const [surface, made] of this.made) if (made < MIN_WORD_SHARE * (this.written.get(surface) ?? 0)) endings.add(surface);
    return endings;
  }
}
