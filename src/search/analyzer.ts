import path from 'node:path';
import { createRequire } from 'node:module';
import type kuromoji from 'kuromoji';
import { loadCompactTokenizer } from './kuromoji-dictionary.js';
import { isKatakanaOnly, isLatinOrDigit, normalizeText, termForm, toHiragana } from './normalize.js';
import { withoutControls } from './query-bounds.js';

/**
 * Japanese analysis on top of kuromoji: one place decides what a "term" is, for the index
 * and for queries alike.
 *
 * - Text is NFKC-normalised and lower-cased before kuromoji sees it; terms are stored with
 *   katakana folded to hiragana so that readings (そうぎょう) and kana queries meet.
 * - Particles, auxiliaries, symbols, numbers and a short list of empty verbs are dropped;
 *   verbs and adjectives are indexed by their base form (借り → 借りる).
 * - Runs of katakana tokens are one word (kuromoji splits スタートアップ into スタート +
 *   アップ and ドローン into ド + ローン; neither split means anything to a reader).
 * - Runs of nouns form a compound (事業 + 承継 → 事業承継). The index holds the compound,
 *   every contiguous part of it, and the readings of all of these, so `事業承継`,
 *   `承継` and `じぎょうしょうけい` all find 事業承継補助金.
 */
export interface AnalyzedUnit {
  /** Index form of the whole unit (compound or word). */
  term: string;
  /** As written (NFKC), for highlighting. */
  surface: string;
  /** Reading in hiragana ('' when kuromoji knows none). */
  reading: string;
  /** Index forms of the words a compound is made of (≥ 2 characters each); [] for a single word. */
  parts: string[];
}

/** One word as the index knows it: how it is written, its term, reading and parts. */
export interface LexiconEntry {
  /** As written, NFKC and lower-cased (what a query will contain). */
  surface: string;
  term: string;
  reading: string;
  parts: string[];
  /**
   * A verb's or adjective's surface as read, in hiragana (借り: かり, 開き: ひらき), for
   * questions typed in kana (kana-reading.ts). Not its `reading`: a unit's reading is for
   * compounds, and queries analysed with and without kuromoji must give the same units.
   */
  kana?: string;
}

/** Terms of one text, as the index stores them. */
export interface AnalyzedText {
  terms: string[];
  readings: string[];
  /** Every word indexed, for finding a matched term in the text again and for the lexicon. */
  entries: LexiconEntry[];
}

export interface Analyzer {
  /** Words of a query or text, compounds kept whole. */
  units(text: string): AnalyzedUnit[];
  /** Everything the index stores for a text. */
  analyze(text: string): AnalyzedText;
}

/** Base forms that carry no meaning in a question (「後継ぎがいない」 is about 後継ぎ). */
const STOP_TERMS = new Set(
  [
    'する', 'いる', 'ある', 'なる', 'できる', 'いう', 'ない', 'いい', 'よい', 'ほしい', 'おもう', '思う', '考える',
    '知る', '知りたい', '教える', '探す', '使う', '使える', '受ける', 'られる', 'れる', 'せる', 'くれる', 'もらう',
    'いただく', 'しまう', 'いく', 'くる', '来る', 'みる', 'おく', 'やる', 'こと', 'もの', 'ため', 'よう', 'とき',
    'ところ', 'など', '等', 'ほう', '方法', 'どう', 'なに', '何',
  ].map(termForm),
);

/** Longest window of a compound that is indexed as its own term. */
const MAX_WINDOW = 4;

/** A surface with a kanji in it: only such a verb is read from kana (a kana-written verb is matched as written). */
const KANJI = /\p{Script=Han}/u;

interface Word {
  surface: string;
  base: string;
  reading: string;
  /** noun-like (may join a compound), prefix (joins the following noun) or suffix (joins the preceding). */
  role: 'noun' | 'prefix' | 'suffix' | 'word' | 'skip';
}

function roleOf(t: kuromoji.IpadicFeatures): Word['role'] {
  // Punctuation that NFKC made ASCII (．，（) is sometimes tagged a noun; it is never a word.
  if (/^[\p{P}\p{S}]+$/u.test(t.surface_form)) return 'skip';
  const pos = t.pos;
  const d1 = t.pos_detail_1;
  if (pos === '名詞') {
    if (d1 === '数') return 'skip';
    if (d1 === '接尾') return 'suffix';
    if (d1 === '非自立' || d1 === '代名詞' || d1 === '副詞可能' && t.surface_form.length === 1) return 'skip';
    return 'noun';
  }
  if (pos === '接頭詞') return d1 === '名詞接続' ? 'prefix' : 'skip';
  if ((pos === '動詞' || pos === '形容詞') && d1 === '自立') return 'word';
  if (pos === '記号' && d1 === 'アルファベット') return 'noun';
  return 'skip';
}

function readingOf(t: kuromoji.IpadicFeatures): string {
  const r = t.reading;
  return r && r !== '*' ? toHiragana(r) : isLatinOrDigit(t.surface_form) ? t.surface_form : toHiragana(t.surface_form);
}

/** kuromoji tokens → words, with katakana runs merged. */
function wordsOf(tokens: kuromoji.IpadicFeatures[]): Word[] {
  const words: Word[] = [];
  let prevKatakana = false;
  for (const t of tokens) {
    const katakana = isKatakanaOnly(t.surface_form);
    const last = words[words.length - 1];
    if (katakana && prevKatakana && last) {
      last.surface += t.surface_form;
      last.base = last.surface;
      last.reading += readingOf(t);
      last.role = 'noun';
      continue;
    }
    prevKatakana = katakana;
    const base = t.basic_form && t.basic_form !== '*' ? t.basic_form : t.surface_form;
    words.push({ surface: t.surface_form, base, reading: readingOf(t), role: katakana ? 'noun' : roleOf(t) });
  }
  return words;
}

function meaningful(term: string): boolean {
  if (term.length < 2 && !/^[a-z]$/.test(term)) return false; // 県, 等, 的: too common or empty alone
  if (/^[0-9.,]+$/.test(term)) return false;
  return !STOP_TERMS.has(term);
}

interface Piece {
  words: Word[];
  compound: boolean;
}

/** Groups words into compounds (noun runs) and single content words. */
function piecesOf(words: Word[]): Piece[] {
  const pieces: Piece[] = [];
  let run: Word[] = [];
  const flush = () => {
    // A trailing prefix or a run of only suffixes is no word.
    while (run.length && run[run.length - 1]!.role === 'prefix') run.pop();
    if (run.some((w) => w.role === 'noun')) pieces.push({ words: run, compound: true });
    run = [];
  };
  for (const w of words) {
    if (w.role === 'noun' || w.role === 'prefix' || (w.role === 'suffix' && run.length)) {
      if (w.role === 'prefix' && run.length && run[run.length - 1]!.role !== 'prefix') flush();
      run.push(w);
      continue;
    }
    flush();
    if (w.role === 'word') pieces.push({ words: [w], compound: false });
  }
  flush();
  return pieces;
}

function join(words: Word[], key: 'surface' | 'reading'): string {
  return words.map((w) => w[key]).join('');
}

/**
 * Longest text handed to kuromoji at once. kuromoji re-reads the rest of a sentence at every
 * character (SurrogateAwareString of the tail in ViterbiBuilder.build), so its cost grows with
 * the square of a sentence's length: 100 characters take about 1 ms, 800 take 20–80 ms, and
 * 40,000 without a 、 or 。 ran a process out of memory. Text is cut into segments of at most
 * this many characters, where kuromoji would cut it anyway when possible.
 */
export const MAX_SEGMENT = 100;

type CharClass = 'space' | 'mark' | 'hiragana' | 'katakana' | 'han' | 'latin' | 'digit' | 'other';

function charClass(ch: string): CharClass {
  if (/\s/u.test(ch)) return 'space';
  if (/[\p{P}\p{S}]/u.test(ch)) return 'mark';
  if (/\p{Script=Hiragana}/u.test(ch)) return 'hiragana';
  if (/[\p{Script=Katakana}ー]/u.test(ch)) return 'katakana';
  if (/\p{Script=Han}/u.test(ch)) return 'han';
  if (/[a-z]/i.test(ch)) return 'latin';
  if (/[0-9]/.test(ch)) return 'digit';
  return 'other';
}

/**
 * Where to end a segment that starts at `start` and may not pass `limit`: after the last
 * 、 or 。 (kuromoji's own sentence ends: nothing changes), else after a space, else after a
 * punctuation mark or symbol, else where hiragana (particles, endings) gives way to another
 * script, else at any change of script, else at `limit` (a run of one script that long is
 * no word anyone wrote).
 */
function segmentEnd(text: string, start: number, limit: number): number {
  const rules: Array<(before: CharClass, after: CharClass, ch: string) => boolean> = [
    (_b, _a, ch) => ch === '、' || ch === '。',
    (b) => b === 'space',
    (b) => b === 'mark',
    (b, a) => b === 'hiragana' && a !== 'hiragana',
    (b, a) => b !== a,
  ];
  const classes: CharClass[] = [];
  for (let i = start; i <= limit; i++) classes.push(charClass(text[i] ?? ''));
  for (const rule of rules) {
    for (let end = limit; end > start + 1; end--) {
      if (rule(classes[end - 1 - start]!, classes[end - start]!, text[end - 1]!)) return end;
    }
  }
  // Never between the halves of a surrogate pair.
  return /[\ud800-\udbff]/.test(text[limit - 1] ?? '') ? limit - 1 : limit;
}

/** `text` in segments of at most MAX_SEGMENT characters, cut where kuromoji loses least. */
export function segmentsOf(text: string): string[] {
  const segments: string[] = [];
  let start = 0;
  while (text.length - start > MAX_SEGMENT) {
    const end = segmentEnd(text, start, start + MAX_SEGMENT);
    segments.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) segments.push(text.slice(start));
  return segments;
}

export class KuromojiAnalyzer implements Analyzer {
  constructor(private readonly tokenizer: kuromoji.Tokenizer<kuromoji.IpadicFeatures>) {}

  /**
   * kuromoji's tokens of `text`, segment by segment (see MAX_SEGMENT): linear in the text's
   * length. Control characters and lone surrogates are removed first (kuromoji throws on NUL
   * and on an unpaired high surrogate).
   */
  private tokens(text: string): kuromoji.IpadicFeatures[] {
    const tokens: kuromoji.IpadicFeatures[] = [];
    for (const segment of segmentsOf(withoutControls(text))) for (const t of this.tokenizer.tokenize(segment)) tokens.push(t);
    return tokens;
  }

  private pieces(text: string): Piece[] {
    const normalized = normalizeText(text);
    if (!normalized.trim()) return [];
    return piecesOf(wordsOf(this.tokens(normalized)));
  }

  units(text: string): AnalyzedUnit[] {
    const units: AnalyzedUnit[] = [];
    for (const piece of this.pieces(text)) {
      const { words } = piece;
      if (!piece.compound) {
        const w = words[0]!;
        const term = termForm(w.base);
        if (meaningful(term)) units.push({ term, surface: w.surface, reading: '', parts: [] });
        continue;
      }
      const term = termForm(join(words, 'surface'));
      if (!meaningful(term)) continue;
      const parts = words.length > 1 ? words.map((w) => termForm(w.surface)).filter(meaningful) : [];
      units.push({ term, surface: join(words, 'surface'), reading: join(words, 'reading'), parts });
    }
    return units;
  }

  analyze(text: string): AnalyzedText {
    const terms: string[] = [];
    const readings: string[] = [];
    const entries: LexiconEntry[] = [];
    const add = (words: Word[], term: string, reading: string) => {
      if (!meaningful(term)) return;
      terms.push(term);
      const parts = words.length > 1 ? words.map((w) => termForm(w.surface)).filter(meaningful) : [];
      entries.push({ surface: join(words, 'surface'), term, reading, parts: parts.length >= 2 ? parts : [] });
      if (reading && reading !== term) readings.push(reading);
    };
    for (const piece of this.pieces(text)) {
      const { words } = piece;
      if (!piece.compound) {
        const before = entries.length;
        add(words, termForm(words[0]!.base), '');
        const w = words[0]!;
        if (entries.length > before && KANJI.test(w.surface) && w.reading && w.reading !== w.surface) entries[before]!.kana = w.reading;
        continue;
      }
      // The whole compound, and each contiguous window of it (事業承継補助金 → 事業承継, 承継補助, 補助金, 事業, …).
      add(words, termForm(join(words, 'surface')), join(words, 'reading'));
      for (let size = Math.min(MAX_WINDOW, words.length - 1); size >= 1; size--) {
        for (let i = 0; i + size <= words.length; i++) {
          const window = words.slice(i, i + size);
          if (window.every((w) => w.role !== 'noun')) continue;
          add(window, termForm(join(window, 'surface')), join(window, 'reading'));
        }
      }
    }
    return { terms, readings, entries };
  }
}

export interface LoadAnalyzerOptions {
  /** kuromoji dictionary directory; defaults to the one shipped in the kuromoji package. */
  dicPath?: string;
}

/** The dictionary directory inside the installed kuromoji package. */
export function defaultDictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
}

/**
 * Loads kuromoji's dictionary (about 0.5–1 s and about 130 MiB, most of the process's memory;
 * kuromoji-dictionary.ts): call once per process and share the analyzer.
 */
export async function loadAnalyzer(options: LoadAnalyzerOptions = {}): Promise<KuromojiAnalyzer> {
  const dicPath = options.dicPath ?? defaultDictionaryPath();
  try {
    return new KuromojiAnalyzer(await loadCompactTokenizer(dicPath));
  } catch (error) {
    throw new Error(`kuromoji の辞書を読み込めません (${dicPath}): ${String(error)}`, { cause: error });
  }
}
