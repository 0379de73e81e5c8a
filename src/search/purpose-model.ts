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

export class PurposeModel {
  /** The purposes, numbered. */
  readonly purposes: string[] = [];
  /**
   * Word → its entries in `entryLabel`/`entryCount` ([start, end)): per purpose saying it, the
   * (fractional) number of examples. Sparse and packed: a word is said by a few of 70 needs, and
   * an array per word of every label's count was 2 MB of a 117 MiB process at 143 programs.
   */
  private readonly entriesOf = new Map<string, number>();
  private readonly entryStart: Int32Array;
  private readonly entryLabel: Int32Array;
  private readonly entryCount: Float64Array;
  /** Per purpose, log of its words' total count plus the smoothing's. */
  private readonly logTotal: Float64Array;

  constructor(source: PurposeModelSource, purposesOf: (doc: number) => readonly string[] | undefined, labelWords?: (label: string) => string[], labelWeight = 0) {
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
          numbers.set(p, (n = this.purposes.length));
          this.purposes.push(p);
        }
        list.push(n);
      }
      const key = list.join(',');
      listOfDoc[doc] = shared.get(key) ?? (shared.set(key, list), list);
    }
    const n = this.purposes.length;
    // A label's own name says what it is about (運転資金を借りたい): its words count as examples of it.
    const named = new Map<string, number[]>();
    if (labelWords && labelWeight > 0) {
      for (let p = 0; p < n; p++) for (const w of new Set(labelWords(this.purposes[p]!))) named.set(w, [...(named.get(w) ?? []), p]);
    }
    const totals = new Float64Array(n);
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
        totals[p]! += scratch[p]!;
        scratch[p] = 0;
      }
      if (labels.length === start) return;
      this.entriesOf.set(word, starts.length);
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
    for (const word of named.keys()) if (!this.entriesOf.has(word)) add(word);
    starts.push(labels.length);
    this.entryStart = Int32Array.from(starts);
    this.entryLabel = Int32Array.from(labels);
    this.entryCount = Float64Array.from(counts);
    const vocabulary = this.entriesOf.size;
    this.logTotal = new Float64Array(n);
    for (let p = 0; p < n; p++) this.logTotal[p] = Math.log(totals[p]! + vocabulary);
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
