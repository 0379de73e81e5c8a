import type { Analyzer } from './analyzer.js';
import { escapeRegExp, normalizeText } from './normalize.js';
import type { VariantsFile } from './variants-file.js';

/**
 * Spelling variants of one word (seeds/variants.yaml): 障がい/障害/障碍, 取り組み/取組,
 * 問い合わせ/問合せ, and long-vowel marks of loanwords (サーバー/サーバ, サ-ビス/サービス).
 * Program texts and queries are both folded to one spelling before analysis, so either
 * spelling finds the other. Synonyms (創業/起業) are another thing: seeds/synonyms.yaml.
 */
const DASHES = /(?<=\p{Script=Katakana})[-‐‑–—―−](?=\p{Script=Katakana})/gu;
/** A final ー of a loanword of two kana or more (JIS Z 8301 drops it: サーバ, センタ). */
const FINAL_LONG_VOWEL = /(\p{Script=Katakana}[\p{Script=Katakana}ー]*\p{Script=Katakana})ー(?![\p{Script=Katakana}ー])/gu;

/** Words whose spellings are kept (spellingsOf); past it the table starts again. */
const SPELLINGS_CACHE_SIZE = 4096;

export class Variants {
  private readonly toCanonical = new Map<string, string>();
  private readonly byCanonical = new Map<string, string[]>();
  private readonly pattern?: RegExp;
  private readonly spellings = new Map<string, readonly string[]>();

  constructor(readonly source: VariantsFile = { variants: [] }) {
    for (const group of source.variants) {
      const [canonical, ...others] = group.map(normalizeText);
      // The canonical form maps to itself, so a variant inside it (引継 in 引継ぎ) is never rewritten.
      this.toCanonical.set(canonical!, canonical!);
      for (const o of others) this.toCanonical.set(o, canonical!);
      this.byCanonical.set(canonical!, others);
    }
    const forms = [...this.toCanonical.keys()].sort((a, b) => b.length - a.length);
    if (forms.length) this.pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  }

  /** `text` normalised (NFKC, lower-case) with every variant written in its canonical form. */
  fold(text: string): string {
    let s = normalizeText(text).replace(DASHES, 'ー').replace(FINAL_LONG_VOWEL, '$1');
    if (this.pattern) s = s.replace(this.pattern, (m) => this.toCanonical.get(m) ?? m);
    return s;
  }

  /**
   * Ways a folded word may be written in a program's text (for highlighting it there). Each
   * hit of a page asks for every surface of its terms, the same few words again and again:
   * kept per word (bounded), since walking every group for each was most of a page's garbage
   * (issue 13, the p99). Callers must not change the list.
   */
  spellingsOf(folded: string): readonly string[] {
    let spellings = this.spellings.get(folded);
    if (!spellings) {
      spellings = this.findSpellings(folded);
      if (this.spellings.size >= SPELLINGS_CACHE_SIZE) this.spellings.clear();
      this.spellings.set(folded, spellings);
    }
    return spellings;
  }

  private findSpellings(folded: string): string[] {
    const out = new Set<string>();
    for (const [canonical, others] of this.byCanonical) {
      if (folded.includes(canonical)) for (const o of others) out.add(folded.split(canonical).join(o));
    }
    if (/\p{Script=Katakana}$/u.test(folded)) out.add(`${folded}ー`);
    return [...out];
  }
}

const BUILT_IN = new Variants();
/** The folds that need no table: width, case, long-vowel marks of loanwords. */
export const foldBuiltIn = (text: string): string => BUILT_IN.fold(text);

/** An analyzer that folds variants before `inner` sees the text (index and queries alike). */
export function foldingAnalyzer(inner: Analyzer, variants: Variants): Analyzer {
  return {
    units: (text) => inner.units(variants.fold(text)),
    analyze: (text) => inner.analyze(variants.fold(text)),
  };
}
