import type { AnalyzedText, AnalyzedUnit, Analyzer, LexiconEntry } from './analyzer.js';
import { normalizeText, termForm } from './normalize.js';
import { withoutControls } from './query-bounds.js';
import { compoundParticleTailAt } from './kana-reading.js';

/**
 * Query analysis without kuromoji's dictionary. A query can only match words the index
 * holds, and the index knows all of them (with their terms, readings and parts) from the
 * time it was built; so a serving process that loads a prebuilt index splits queries by
 * longest match against that lexicon instead of holding kuromoji's dictionary (about 130 MiB).
 *
 * What it cannot do is index text: building an index still takes the KuromojiAnalyzer.
 * Differences from kuromoji on queries are measured by `npm run eval -- --lexicon`.
 */
export class LexiconAnalyzer implements Analyzer {
  private readonly bySurface = new Map<string, LexiconEntry>();
  private readonly longest: number;

  constructor(entries: Iterable<LexiconEntry>) {
    let longest = 1;
    for (const e of entries) {
      if (!this.bySurface.has(e.surface)) this.bySurface.set(e.surface, e);
      longest = Math.max(longest, e.surface.length);
    }
    this.longest = Math.min(longest, 32);
  }

  /** Linear in the text's length: each step looks at most `longest` characters ahead. */
  units(text: string): AnalyzedUnit[] {
    const s = withoutControls(normalizeText(text));
    const units: AnalyzedUnit[] = [];
    let unknown = '';
    const flushUnknown = () => {
      // Kanji or Latin the index has never seen stays a word (it then matches nothing,
      // as with kuromoji); leftover hiragana is particles and endings.
      if (unknown.length >= 2) units.push({ term: termForm(unknown), surface: unknown, reading: '', parts: [] });
      unknown = '';
    };
    let i = 0;
    while (i < s.length) {
      let match: LexiconEntry | undefined;
      for (let len = Math.min(this.longest, s.length - i); len >= 1 && !match; len--) {
        const candidate = this.bySurface.get(s.slice(i, i + len));
        // Never end a match inside a katakana run: スタートアップ is not スタート + アップ.
        if (candidate && !(KATAKANA.test(s[i + len - 1] ?? '') && KATAKANA.test(s[i + len] ?? '')) && !insideKanaWord(s, i, candidate)) match = candidate;
      }
      // A compound particle (輸出にとって) is grammar, as kuromoji reads it: とっ was read as 取る.
      const particleTail = compoundParticleTailAt(s, i);
      if (particleTail && !(match && match.surface.length > particleTail)) {
        flushUnknown();
        i += particleTail;
        continue;
      }
      const latin = runAt(LATIN_RUN, s, i);
      if (latin && (!match || match.surface.length < latin.length || /^[a-z0-9]$/.test(s[i + match.surface.length] ?? ''))) {
        // A Latin word is looked up whole (xyzzy is not x + y + z…); unknown, it stays a word.
        flushUnknown();
        const entry = this.bySurface.get(latin);
        units.push(entry ? unitOf(entry) : { term: latin, surface: latin, reading: '', parts: [] });
        i += latin.length;
        continue;
      }
      const katakana = runAt(KATAKANA_RUN, s, i);
      if (katakana && katakana.length >= 2 && (!match || match.surface.length < katakana.length)) {
        // A katakana run is one word, as the index treats it (スタートアップ, ドローン).
        flushUnknown();
        const entry = this.bySurface.get(katakana);
        units.push(entry ? unitOf(entry) : { term: termForm(katakana), surface: katakana, reading: termForm(katakana), parts: [] });
        i += katakana.length;
        continue;
      }
      if (match) {
        flushUnknown();
        units.push(unitOf(match));
        i += match.surface.length;
        continue;
      }
      const ch = s[i]!;
      if (/[\p{Script=Han}a-z0-9]/u.test(ch)) unknown += ch;
      else flushUnknown();
      i++;
    }
    flushUnknown();
    return units;
  }

  analyze(): AnalyzedText {
    throw new Error('LexiconAnalyzer は検索語の解析専用です。索引を作るには kuromoji (loadAnalyzer) を使ってください。');
  }
}

const KATAKANA = /^[\p{Script=Katakana}ー]$/u;
const HIRAGANA = /^\p{Script=Hiragana}$/u;
/** What may follow a word written in one or two hiragana: a particle (うちの店, ほかに) or な, だ (まちなか). */
const AFTER_SHORT_KANA_WORD = new Set(['を', 'に', 'で', 'が', 'は', 'と', 'の', 'へ', 'も', 'や', 'か', 'な', 'だ']);

/**
 * Whether `entry`, a word of one or two hiragana that is no verb's stem (しま of かごしま, すみ),
 * would be cut out of a longer hiragana word at `at`: hiragana that is no particle comes after it.
 * kuromoji reads します and すみません whole; by longest match they gave しま and すみ, and
 * よろしくお願いします listed 34 かごしま programs. What comes before does not tell: 新しいまち.
 */
function insideKanaWord(s: string, at: number, entry: LexiconEntry): boolean {
  const length = entry.surface.length;
  if (length > 2 || entry.term !== entry.surface || ![...entry.surface].every((c) => HIRAGANA.test(c))) return false;
  const next = s[at + length];
  return next !== undefined && HIRAGANA.test(next) && !AFTER_SHORT_KANA_WORD.has(next);
}

// Sticky: matched where lastIndex is, without copying the rest of the text (s.slice(i) at
// every character made a long query quadratic).
const LATIN_RUN = /[a-z0-9]+/y;
const KATAKANA_RUN = /[\p{Script=Katakana}ー]+/uy;

/** The run `sticky` matches at `at`, or undefined. */
function runAt(sticky: RegExp, s: string, at: number): string | undefined {
  sticky.lastIndex = at;
  return sticky.exec(s)?.[0];
}

function unitOf(e: LexiconEntry): AnalyzedUnit {
  return { term: e.term, surface: e.surface, reading: e.reading, parts: e.parts };
}
