import { addUp, addWithin, intersect, NO_SCORES, scale, type Scores } from './scores.js';

/**
 * How the words of a query are combined into an answer, in steps, so that a question never
 * comes back empty while one of its content words, its meaning (an intent) or a word near one
 * of its words matches something, and the answer can say which step answered:
 *
 * 1. `all`: programs with every word (each word as written, by its parts or a synonym);
 * 2. `intent`: a colloquial question is answered by what it means plus any of its words;
 * 3. `any`: programs with some of the words, those with more of the rarer words first;
 * then, when still nothing matched, the same again with each word that matched nothing
 * replaced by the nearest words of the catalog (`nearby`: typos, other spellings).
 *
 * Words that match a large share of the catalog (鹿児島, 事業, 支援) are common: when a rarer
 * word is in the query they neither widen the answer (no program is listed for containing
 * 鹿児島 alone) nor decide its order; they only add a little to programs listed anyway.
 */
export type AnswerStep = 'all' | 'intent' | 'any' | 'nearby';

/** Share of the catalog a word must match to count as common (in catalogs of 20 programs or more). */
export const COMMON_SHARE = 0.25;
const MIN_CATALOG_FOR_COMMON = 20;
/** An answer with fewer programs than this that have every word is filled with programs that have some. */
export const FILL_BELOW = 5;
/** What a common word adds to a program listed for other reasons, relative to its score. */
export const COMMON_WEIGHT = 0.2;

export interface QueryWord {
  /** As written in the query. */
  label: string;
  /** Programs it matches (within the query's filters). */
  scores: Scores;
  /** Programs (catalog positions) containing it as written (not through a synonym). */
  exact: { has(doc: number): boolean };
  /** How many programs of the whole catalog it matches (filters aside): what makes it common. */
  matched: number;
}

export interface StepAnswer {
  scores: Scores;
  mode: 'all' | 'any' | 'none';
  step?: AnswerStep;
  /** Query words that matched nothing (said to the user when the answer has hits). */
  notFound: string[];
  /** Per program (catalog position), how many of the deciding words it contains as written: the first sort key. */
  exactCount: (doc: number) => number;
  /** Programs with every word, when fewer than a page of them came first and others follow. */
  allCount?: number;
  /** Programs with every word rank first (1), then the rest (0). */
  tier: (doc: number) => number;
}

/** 1 for a word in one program, falling to 1/4 for a word in every program (an IDF on a 0–1 scale). */
export function rarity(matched: number, catalogSize: number): number {
  if (catalogSize < 2 || matched < 1) return 1;
  return 0.25 + 0.75 * (Math.log(catalogSize / Math.min(matched, catalogSize)) / Math.log(catalogSize));
}

export function isCommon(matched: number, catalogSize: number): boolean {
  return catalogSize >= MIN_CATALOG_FOR_COMMON && matched >= COMMON_SHARE * catalogSize;
}

/** Adds `extra` to the programs already in `base`, never listing a program on its own. */
const boostWithin = addWithin;

/**
 * Steps 1–3 on words as they are. `sentence`: the words were read out of a sentence (お金を
 * 借りたい), not typed apart: then a page with fewer programs having every word is filled.
 */
export function combineWords(words: QueryWord[], intent: Scores | undefined, catalogSize: number, sentence = false): StepAnswer {
  const common = words.map((w) => isCommon(w.matched, catalogSize));
  const someRare = common.some((c, i) => !c && words[i]!.scores.size > 0);
  // Common words step back only when a rarer word found something.
  const weak = (i: number) => common[i]! && someRare;
  const deciding = words.filter((_, i) => !weak(i));
  // In an any-word answer a rarer word weighs more (副業 in 1 program over 手伝う in 8).
  const weighted = deciding.map((w) => scale(w.scores, rarity(w.matched, catalogSize)));
  const minor = words.filter((_, i) => weak(i)).map((w) => scale(w.scores, COMMON_WEIGHT));
  // Verbs and adjectives (their base form ends in kana: 貸す, 苦しい) are how a question is
  // put, not what it is about: an answer never says it did not find them.
  const notFound = words.filter((w) => !w.scores.size && !/\p{Script=Hiragana}$/u.test(w.label)).map((w) => w.label);
  // Asked about nearly every hit when ranking (rank.ts): counted without making an array each time.
  const exactSets = deciding.map((w) => w.exact);
  const exactCount = (doc: number) => {
    if (intent) return 0;
    let n = 0;
    for (const set of exactSets) if (set.has(doc)) n++;
    return n;
  };
  const answer = (scores: Scores, mode: StepAnswer['mode'], step?: AnswerStep): StepAnswer => ({ scores, mode, ...(step ? { step } : {}), notFound, exactCount, tier: () => 0 });

  if (intent) {
    const scores = boostWithin(addUp(deciding.map((w) => w.scores), intent), minor);
    if (scores.size) return answer(scores, 'all', 'intent');
    return answer(scores, 'none');
  }
  if (!words.length) return answer(NO_SCORES, 'none');
  const all = intersect(words.map((w) => w.scores));
  // Fewer programs than a page have every word of a sentence: the page is filled with
  // programs that have some of them, after those (a verb of a question, 手伝う, must not
  // narrow it to one). Words typed apart (宇宙 ビジネス) are all required, as asked.
  if (all.size && (all.size >= FILL_BELOW || words.length < 2 || !sentence)) return answer(all, 'all', 'all');
  if (all.size) {
    const some = boostWithin(addUp(weighted), minor);
    return { ...answer(some, 'all', 'all'), allCount: all.size, tier: (doc) => (all.has(doc) ? 1 : 0) };
  }
  if (words.length > 1) {
    const scores = boostWithin(addUp(weighted), minor);
    if (scores.size) return answer(scores, 'any', 'any');
  }
  return answer(NO_SCORES, 'none');
}

/**
 * The whole procedure: steps 1–3, then (nothing matched) again with each word that matched
 * nothing replaced by `nearby(i)`, the catalog's nearest words, when there are any.
 */
export function answerInSteps(
  words: QueryWord[],
  intent: Scores | undefined,
  catalogSize: number,
  nearby: (i: number) => { scores: Scores; matched: number; used: string[] } | undefined,
  sentence = false,
): StepAnswer & { usedInstead: Array<{ word: string; used: string[] }> } {
  const first = combineWords(words, intent, catalogSize, sentence);
  if (first.mode !== 'none') return { ...first, usedInstead: [] };
  const usedInstead: Array<{ word: string; used: string[] }> = [];
  const replaced = words.map((w, i) => {
    if (w.scores.size) return w;
    const near = nearby(i);
    if (!near?.scores.size) return w;
    usedInstead.push({ word: w.label, used: near.used });
    return { ...w, scores: near.scores, exact: new Set<number>(), matched: near.matched };
  });
  if (!usedInstead.length) return { ...first, usedInstead };
  const second = combineWords(replaced, intent, catalogSize, sentence);
  if (second.mode === 'none') return { ...first, usedInstead: [] };
  return { ...second, step: 'nearby', notFound: first.notFound.filter((w) => !usedInstead.some((u) => u.word === w)), usedInstead };
}

/** One line for the answer: which step answered, and which words were not found. */
export function describeStep(response: { step?: AnswerStep; notFound?: string[]; usedInstead?: Array<{ word: string; used: string[] }>; allCount?: number; total?: number; clauses?: string[]; categoryRead?: string }): string | undefined {
  const parts: string[] = [];
  if (response.clauses?.length) parts.push(`ご相談を ${response.clauses.map((c) => `「${c}」`).join('と')} に分けて、それぞれに合う事業も並べています`);
  if (response.categoryRead && response.allCount === undefined) parts.push(`ご相談の言葉から「${response.categoryRead}」に当たる事業も含めています`);
  if (response.step === 'nearby' && response.usedInstead?.length) {
    parts.push(`見つからない言葉を近い言葉で探しました: ${response.usedInstead.map((u) => `「${u.word}」→「${u.used.join('・')}」`).join('、')}`);
  }
  // "Others follow" only when some do (a filter can leave none but those with every word).
  if (response.allCount !== undefined) {
    const others = response.categoryRead ? `いずれかの語を含む事業と、ご相談の言葉から「${response.categoryRead}」に当たる事業` : 'いずれかの語を含む事業';
    parts.push(`すべての語を含む事業は ${response.allCount} 件です${response.total === undefined || response.total > response.allCount ? `。その後に${others}を表示します` : ''}`);
  }
  const missing = (response.notFound ?? []).filter((w) => !response.usedInstead?.some((u) => u.word === w));
  if (missing.length && response.step) parts.push(`見つからなかった言葉: ${missing.map((w) => `「${w}」`).join('、')}`);
  return parts.length ? parts.join('。') : undefined;
}

/** Endings a word may carry that the catalog's word lacks (IT化 → IT, 創業者 → 創業). */
const SUFFIXES = ['化', '的', '性', '向け', '用', '系', '型', '者', '業', '店'];

/**
 * What to look for when a word matched nothing as a whole: its parts (kuromoji's words of a
 * compound) and its stem without a suffix.
 */
export function partsToTry(unit: { term: string; parts: string[] }): string[] {
  const out = new Set(unit.parts);
  const stem = stemOf(unit.term);
  if (stem) out.add(stem);
  out.delete(unit.term);
  return [...out];
}

/** The word without a suffix of SUFFIXES (IT化 → it), when two characters or more remain. */
export function stemOf(term: string): string | undefined {
  for (const s of SUFFIXES) if (term.endsWith(s) && term.length - s.length >= 2) return term.slice(0, -s.length);
  return undefined;
}
