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
 * So a kana-only surface stays in the lexicon only where kuromoji made a word of it in at least
 * MIN_WORD_SHARE of the places the indexed text writes it (inside a run of kana). まとめ,
 * わから, かごしま stay; たい, で, つい do not.
 */
export const MIN_WORD_SHARE = 0.5;

const KANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u;
const KANA_RUN = /[\p{Script=Hiragana}ー]+/gu;

/** Counts, while an index is built, where kuromoji made words of kana; then which of them are endings. */
export class KanaWordTally {
  /** Kana-only surface → the times the analyser made a word of it. */
  private readonly made = new Map<string, number>();
  private longest = 0;

  /** A word the analyser made of the indexed text (each time it made it). */
  note(surface: string): void {
    if (!KANA_ONLY.test(surface)) return;
    this.made.set(surface, (this.made.get(surface) ?? 0) + 1);
    this.longest = Math.max(this.longest, surface.length);
  }

  /**
   * The noted surfaces that `texts` (the same indexed texts, as given to the analyser) write
   * more often than the analyser made a word of them: endings and particles, not words.
   */
  endings(texts: Iterable<string>): Set<string> {
    const written = new Map<string, number>();
    if (!this.made.size) return new Set();
    for (const text of texts) {
      for (const [run] of normalizeText(text).matchAll(KANA_RUN)) {
        for (let at = 0; at < run.length; at++) {
          for (let length = 1; length <= this.longest && at + length <= run.length; length++) {
            const piece = run.slice(at, at + length);
            if (this.made.has(piece)) written.set(piece, (written.get(piece) ?? 0) + 1);
          }
        }
      }
    }
    const endings = new Set<string>();
    for (const [surface, made] of this.made) if (made < MIN_WORD_SHARE * (written.get(surface) ?? 0)) endings.add(surface);
    return endings;
  }
}
