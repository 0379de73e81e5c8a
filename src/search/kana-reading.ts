import type { AnalyzedUnit, LexiconEntry } from './analyzer.js';

/**
 * A question typed all in kana (じぎょうしょうけいについてしりたい) is no single reading: it is
 * cut, by longest match, into the readings of the catalog's words (じぎょうしょうけい → 事業承継),
 * skipping what matches none (particles, endings). Readings shorter than MIN_READING kana are
 * not used: too many words share them.
 */
export const MIN_READING = 3;
const MAX_READING = 16;

export class KanaReadings {
  private readonly byReading = new Map<string, { entry: LexiconEntry; frequency: number }>();

  /** `frequency`: how many programs hold a term (the commonest word wins a shared reading). */
  constructor(entries: Iterable<LexiconEntry>, frequency: (term: string) => number) {
    for (const entry of entries) {
      const r = entry.reading;
      if (r.length < MIN_READING || r.length > MAX_READING || r === entry.term) continue;
      const f = frequency(entry.term);
      if (f <= 0) continue;
      const prev = this.byReading.get(r);
      if (!prev || f > prev.frequency) this.byReading.set(r, { entry, frequency: f });
    }
  }

  has(reading: string): boolean {
    return this.byReading.has(reading);
  }

  /** The catalog word with the longest reading that `kana` spells from position `at`. */
  longestAt(kana: string, at: number): LexiconEntry | undefined {
    for (let n = Math.min(MAX_READING, kana.length - at); n >= MIN_READING; n--) {
      const hit = this.byReading.get(kana.slice(at, at + n));
      if (hit) return hit.entry;
    }
    return undefined;
  }

  /** The catalog words whose readings make up `kana`, in order. */
  split(kana: string): AnalyzedUnit[] {
    const units: AnalyzedUnit[] = [];
    let i = 0;
    while (i < kana.length) {
      const found = this.longestAt(kana, i);
      if (found) {
        units.push({ term: found.term, surface: found.surface, reading: found.reading, parts: found.parts });
        i += found.reading.length;
      } else i++;
    }
    return units;
  }
}

const HIRAGANA_RUN = /\p{Script=Hiragana}{3,}/gu;
const KANJI = /\p{Script=Han}/u;
/** One-kana particles after which a word may start (店をゆしゅつ…, 東京でおおしまつむぎ…). */
const PARTICLES = new Set(['を', 'に', 'で', 'が', 'は', 'と', 'の', 'へ', 'も']);

/**
 * A sentence with words typed in kana (ゆしゅつを始めたい, きぎょうしたい大学生), with those
 * words written as `wordAt` finds them (輸出を始めたい): an analyser cuts a kana word inside
 * a sentence into nonsense. A word is looked for only where one can start: at the start of a
 * hiragana run that follows no kanji (after a kanji a run is that word's ending: 始めたい), or
 * after a particle, and then after each particle that follows a word found.
 * `wordAt(run, at)`: the word spelt from `at`, as written, and how many kana it takes.
 */
export function readKanaWords(text: string, wordAt: (run: string, at: number) => { surface: string; length: number } | undefined): string {
  return text.replace(HIRAGANA_RUN, (run: string, offset: number) => {
    let at = offset === 0 ? 0 : PARTICLES.has(run[0]!) ? 1 : KANJI.test(text[offset - 1]!) ? -1 : 0;
    if (at < 0) return run;
    let out = run.slice(0, at);
    while (at < run.length) {
      const word = wordAt(run, at);
      if (!word) break;
      out += word.surface;
      at += word.length;
      if (at < run.length && PARTICLES.has(run[at]!)) out += run[at++];
      else break;
    }
    return out + run.slice(at);
  });
}
