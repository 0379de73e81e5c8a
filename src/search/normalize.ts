/**
 * Text normalisation shared by indexing and querying. Everything that is compared goes
 * through `normalizeText` first: NFKC folds full-width Latin (ＤＸ), half-width katakana
 * (ﾄﾞﾛｰﾝ) and full-width digits into one form, and lower-casing folds DX/dx.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const KATAKANA_START = 0x30a1; // ァ
const KATAKANA_END = 0x30f6; // ヶ
const KANA_OFFSET = 0x60;

/** カタカナ → ひらがな (ー and other marks unchanged), so readings and kana queries meet. */
export function toHiragana(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code >= KATAKANA_START && code <= KATAKANA_END ? String.fromCodePoint(code - KANA_OFFSET) : ch;
  }
  return out;
}

/** The form a term takes in the index: normalised, with katakana written as hiragana. */
export function termForm(text: string): string {
  return toHiragana(normalizeText(text));
}

/** `termForm` without any whitespace: for matching names and phrases however they were spaced. */
export function compactForm(text: string): string {
  return termForm(text).replace(/\s+/g, '');
}

const HIRAGANA_ONLY = /^[\p{Script=Hiragana}ー]+$/u;
const KATAKANA_ONLY = /^[\p{Script=Katakana}ー]+$/u;
const LATIN_OR_DIGIT = /^[a-z0-9&.+\-]+$/i;

/**
 * True for a word written in one kana script only: a reading typed instead of kanji
 * (そうぎょう) or a loanword (インターンシップ). Mixed text (インボイスがわからない) is a sentence.
 */
export function isKanaOnly(text: string): boolean {
  return HIRAGANA_ONLY.test(text) || KATAKANA_ONLY.test(text);
}

export function isKatakanaOnly(text: string): boolean {
  return KATAKANA_ONLY.test(text);
}

export function isLatinOrDigit(text: string): boolean {
  return LATIN_OR_DIGIT.test(text);
}

/** `text` as a regular expression matching it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
