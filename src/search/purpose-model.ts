import { StaleIndexError } from './index-format.js';
import { constantScores, NO_SCORES, type Scores } from './scores.js';

/**
 * Which purpose category (販路拡大・海外展開, 事業を引き継ぎたい…) a question is about, read from
 * the words of the 相談例 of the programs having that purpose: a naive Bayes model over the
 * catalog's reviewed purposes and reviewed 相談例, nothing written for a question.
 *
 * Why: a client's question often shares no word with the programs that answer it, only with
 * other programs of the same kind (給料日前に口座が空っぽ: 口座 and 給料 are in no 相談例 of the
 * loan programs, but 資金繰り's examples as a whole say them more than any other purpose's).
 * Matching each program's own examples (consultation-match.ts) finds the first kind; pooling
 * the examples by purpose lets what one program's examples say count for its siblings too.
 *
 * The model: per purpose, how many examples of its programs say each word (an example of a
 * program with two purposes counts half for each), add-one smoothed. Every purpose is equally
 * likely before the question is read: with the catalog's shares as the prior, 販路拡大・海外展開
 * (46 of 143 programs) won questions none of whose words leaned to it. A question's words that
 * no example says are left out.
 */
export interface PurposeModelSource {
  /** Every word said by some example, with the examples saying it (each example once per word). */
  words(): Iterable<[string, ArrayLike<number>]>;
  /** The program (catalog position) an example belongs to. */
  programOf(example: number): number;
  /** How many examples there are. */
  readonly exampleCount: number;
}

/** The purpose a question is likeliest about, and how likely. */
export interface PurposeRead {
  purpose: string;
  probability: number;
}

/**
 * A model's counts as the index file holds them (toJSON, fromJSON): the 相談例 are counted
 * when the index is built, so no serving process pays for it (1.3–1.6 s at 100,000 programs,
 * blocking the event loop, on the first colloquial question). Flat arrays of numbers, as the
 * index file writes long arrays in sections (index-file.ts), not an object per word.
 *
 * Its words are the source's (the 相談例 words written beside it, consultation-match.ts), named
 * by their position there: the index file does not hold them twice, and the loaded model shares
 * the strings of the loaded 相談例.
 */
export interface SerializedPurposeModel {
  /** The labels (purposes or needs), numbered. */
  labels: string[];
  /** The model's words said by some example: their positions among the source's words, ascending. */
  sourceWords: number[];
  /** Then the words only a label's own name says (need names: NEED_NAME_WEIGHT, catalog-index.ts). */
  ownWords: string[];
  /** Per word in that order (source words, then own words), how many labels say it. */
  entries: number[];
  /** Per entry, in that order: the label, and how many examples of it say the word (fractional). */
  entryLabel: number[];
  entryCount: number[];
}

export class PurposeModel {
  /** The purposes, numbered. */
  readonly purposes: string[];
  /**
   * Word → its entries in `entryLabel`/`entryCount` ([start, end)): per purpose saying it, the
   * (fractional) number of examples. Sparse and packed: a word is said by a few of 70 needs, and
   * an array per word of every label's count was 2 MB of a 117 MiB process at 143 programs.
   * Its order is the entries' (toJSON relies on it): the source's words first, in its order.
   */
  private readonly entriesOf: Map<string, number>;
  private readonly entryStart: Int32Array;
  private readonly entryLabel: Int32Array;
  private readonly entryCount: Float64Array;
  /** Per purpose, log of its words' total count plus the smoothing's. */
  private readonly logTotal: Float64Array;

  private constructor(purposes: string[], entriesOf: Map<string, number>, entryStart: Int32Array, entryLabel: Int32Array, entryCount: Float64Array) {
    this.purposes = purposes;
    this.entriesOf = entriesOf;
    this.entryStart = entryStart;
    this.entryLabel = entryLabel;
    this.entryCount = entryCount;
    // Totals added up in the entries' order, which is the order a build adds them in: a loaded
    // model's are the same to the last bit, and so are its posteriors.
    const n = purposes.length;
    const totals = new Float64Array(n);
    for (let e = 0; e < entryLabel.length; e++) totals[entryLabel[e]!]! += entryCount[e]!;
    const vocabulary = entriesOf.size;
    this.logTotal = new Float64Array(n);
    for (let p = 0; p < n; p++) this.logTotal[p] = Math.log(totals[p]! + vocabulary);
  }

  /** Counts the source's examples by the labels of their programs (`purposesOf`), and each label's own words (`labelWords`) as `labelWeight` examples. */
  static build(source: PurposeModelSource, purposesOf: (doc: number) => readonly string[] | undefined, labelWords?: (label: string) => string[], labelWeight = 0): PurposeModel {
    const purposes: string[] = [];
    const entriesOf = new Map<string, number>();
    const numbers = new Map<string, number>();
    // Per program, its purposes (numbers into `purposes`), one list per distinct set: examples
    // are read through their program (no array per example: two million at 100,000 programs,
    // and programs with the same purposes share one list).
    const shared = new Map<string, number[]>();
    const listOfDoc: number[][] = [];
    for (let e = 0; e < source.exampleCount; e++) {
      const doc = source.programOf(e);
      if (listOfDoc[doc]) continue;
      const list: number[] = [];
      for (const p of new Set(purposesOf(doc) ?? [])) {
        let n = numbers.get(p);
        if (n === undefined) {
          numbers.set(p, (n = purposes.length));
          purposes.push(p);
        }
        list.push(n);
      }
      const key = list.join(',');
      listOfDoc[doc] = shared.get(key) ?? (shared.set(key, list), list);
    }
    const n = purposes.length;
    // A label's own name says what it is about (運転資金を借りたい): its words count as examples of it.
    const named = new Map<string, number[]>();
    if (labelWords && labelWeight > 0) {
      for (let p = 0; p < n; p++) for (const w of new Set(labelWords(purposes[p]!))) named.set(w, [...(named.get(w) ?? []), p]);
    }
    const scratch = new Float64Array(n);
    const starts: number[] = [];
    const labels: number[] = [];
    const counts: number[] = [];
    const add = (word: string) => {
      for (const p of named.get(word) ?? []) scratch[p]! += labelWeight;
      const start = labels.length;
      for (let p = 0; p < n; p++) {
        if (!scratch[p]) continue;
        labels.push(p);
        counts.push(scratch[p]!);
        scratch[p] = 0;
      }
      if (labels.length === start) return;
      entriesOf.set(word, starts.length);
      starts.push(start);
    };
    for (const [word, examples] of source.words()) {
      for (let i = 0; i < examples.length; i++) {
        const list = listOfDoc[source.programOf(examples[i]!)]!;
        const share = 1 / list.length;
        for (let j = 0; j < list.length; j++) scratch[list[j]!]! += share;
      }
      add(word);
    }
    for (const word of named.keys()) if (!entriesOf.has(word)) add(word);
    starts.push(labels.length);
    return new PurposeModel(purposes, entriesOf, Int32Array.from(starts), Int32Array.from(labels), Float64Array.from(counts));
  }

  /** The counts as the index file holds them; `source`: the one the model was built from. */
  toJSON(source: PurposeModelSource): SerializedPurposeModel {
    const sourceWords: number[] = [];
    let at = 0;
    for (const [word] of source.words()) {
      if (this.entriesOf.has(word)) sourceWords.push(at);
      at++;
    }
    const words = [...this.entriesOf.keys()];
    const entries: number[] = [];
    for (let w = 0; w < words.length; w++) entries.push(this.entryStart[w + 1]! - this.entryStart[w]!);
    return { labels: [...this.purposes], sourceWords, ownWords: words.slice(sourceWords.length), entries, entryLabel: [...this.entryLabel], entryCount: [...this.entryCount] };
  }

  /**
   * A model written by `toJSON`; `source` holds the same words in the same order as the one it
   * was written with (the index file's 相談例). StaleIndexError when the two do not fit.
   */
  static fromJSON(json: SerializedPurposeModel, source: PurposeModelSource): PurposeModel {
    const broken = (why: string) => new StaleIndexError(`索引の目的・相談の種類のモデルが合いません (${why})。作り直してください。`);
    const { labels, sourceWords, ownWords, entries, entryLabel, entryCount } = json ?? ({} as Partial<SerializedPurposeModel>);
    if (!labels || !sourceWords || !ownWords || !entries || !entryLabel || !entryCount) throw broken('ありません');
    if (entries.length !== sourceWords.length + ownWords.length || entryLabel.length !== entryCount.length) throw broken('長さ');
    const entriesOf = new Map<string, number>();
    let next = 0;
    let at = 0;
    for (const [word] of source.words()) {
      if (sourceWords[next] === at) entriesOf.set(word, next++);
      at++;
    }
    if (next !== sourceWords.length) throw broken('相談例の語');
    for (const word of ownWords) entriesOf.set(word, next++);
    const entryStart = new Int32Array(entries.length + 1);
    for (let w = 0; w < entries.length; w++) entryStart[w + 1] = entryStart[w]! + entries[w]!;
    if (entryStart[entries.length] !== entryLabel.length || entryLabel.some((p) => !(p >= 0 && p < labels.length))) throw broken('件数');
    return new PurposeModel(labels, entriesOf, entryStart, Int32Array.from(entryLabel), Float64Array.from(entryCount));
  }

  /**
   * Per purpose (numbered as `purposes`), how likely the question is about it; undefined when
   * none of its words is said by any example. `question`: per word, the forms that count as it
   * (the first of them that some example says stands for the word).
   */
  posterior(question: ReadonlyArray<ReadonlySet<string>>): Float64Array | undefined {
    const n = this.purposes.length;
    if (!n) return undefined;
    const log = new Float64Array(n);
    let known = 0;
    for (const forms of question) {
      let at: number | undefined;
      for (const f of forms) if ((at = this.entriesOf.get(f)) !== undefined) break;
      if (at === undefined) continue;
      known++;
      // log((count + 1) / total): a purpose that never says the word has count 0.
      for (let p = 0; p < n; p++) log[p]! -= this.logTotal[p]!;
      for (let e = this.entryStart[at]!; e < this.entryStart[at + 1]!; e++) log[this.entryLabel[e]!]! += Math.log(this.entryCount[e]! + 1);
    }
    if (!known) return undefined;
    let max = -Infinity;
    for (let p = 0; p < n; p++) max = Math.max(max, log[p]!);
    let sum = 0;
    for (let p = 0; p < n; p++) sum += log[p] = Math.exp(log[p]! - max);
    for (let p = 0; p < n; p++) log[p]! /= sum;
    return log;
  }

  /** The likeliest purpose of the question, when it is at least `min` likely. */
  likeliest(question: ReadonlyArray<ReadonlySet<string>>, min: number): PurposeRead | undefined {
    const post = this.posterior(question);
    if (!post) return undefined;
    let top = 0;
    for (let p = 1; p < post.length; p++) if (post[p]! > post[top]!) top = p;
    return post[top]! >= min ? { purpose: this.purposes[top]!, probability: post[top]! } : undefined;
  }

  /**
   * The programs of the question's likeliest purpose (when at least `min` likely), each at
   * `score` × its probability. `having(purpose)`: its programs, ascending.
   */
  scores(question: ReadonlyArray<ReadonlySet<string>>, score: number, min: number, having: (purpose: string) => Int32Array): { read?: PurposeRead; scores: Scores } {
    const read = this.likeliest(question, min);
    if (!read) return { scores: NO_SCORES };
    return { read, scores: constantScores(having(read.purpose), score * read.probability, new Set<string>()) };
  }
}
